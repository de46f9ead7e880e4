"""In-page explorers for the book's web pages: they run in the reader's browser, no kernel.

Each function returns an ``IPython.display.HTML`` block: a ``<div>`` that names the explorer
and carries, as JSON, the numbers the page needs (the controls' ranges, a decoder's weights, a
table of scores), all produced by the chapter's run. The book's ``_static/vae-explorers.js``,
which every page loads, finds these blocks and builds the controls and the drawing in the page.
Outside the book (Jupyter, Colab) nothing runs the block, and it shows a one-line note: the
ipywidgets explorers of :mod:`vae_helpers.widgets` serve there.

Arrays travel packed (:func:`pack_array`): little-endian bytes, grouped by byte position
(all first bytes, then all second bytes: float data compresses better so), zlib-compressed, in
base64, which the page unpacks with the browser's own ``DecompressionStream``.
"""

import base64
import html
import json
import zlib

import keras
import numpy as np
from IPython.display import HTML

from .anomaly import check_anomaly_labels
from .losses import kl_divergence
from .models import VAE
from .validation import as_array, as_square_images, check_model, check_scalar
from .widgets import KL_LOG_VAR_RANGE, KL_MEAN_RANGE, SLIDER_STEP, THRESHOLD_POSITIONS

_FALLBACK = "In the book's web pages this is an explorer that runs in the page; here, use the"
_DTYPES = {"float16": "<f2", "float32": "<f4", "uint8": "u1"}
_ACTIVATIONS = ("relu", "linear")


def pack_array(array, dtype):
    """``array`` as ``{"dtype", "shape", "data"}``: its ``dtype`` bytes, grouped by byte
    position, zlib-compressed, in base64.

    ``array`` holds bools, ints or finite floats; ``dtype`` is ``"float16"``, ``"float32"``
    or ``"uint8"``, and every value must lie in its range (whole numbers for ``"uint8"``).
    The page unpacks the same values (float16 keeps about 3 significant digits, enough for
    weights whose outputs the page rounds to 256 grey levels).
    """
    dtype = check_scalar(dtype, "dtype", str, choices=tuple(_DTYPES))
    values = as_array(array, "array", "an array of bools, ints or floats", min_ndim=0)
    numbers = values.astype(np.float64)
    if not np.isfinite(numbers).all():
        count = int(numbers.size - np.count_nonzero(np.isfinite(numbers)))
        raise ValueError(f"array must hold finite numbers; got {count} NaN or infinite values.")
    target = np.dtype(_DTYPES[dtype])
    limits = np.finfo(target) if target.kind == "f" else np.iinfo(target)
    low, high = (numbers.min(), numbers.max()) if numbers.size else (0.0, 0.0)
    if low < limits.min or high > limits.max:
        raise ValueError(
            f"array must hold values in [{limits.min:g}, {limits.max:g}], the range of {dtype}; "
            f"got values in [{low:g}, {high:g}]."
        )
    if target.kind == "u" and not np.array_equal(numbers, np.round(numbers)):
        fraction = numbers[numbers != np.round(numbers)][0]
        raise ValueError(f"array must hold whole numbers for {dtype}; got {fraction:g}.")
    itemsize = target.itemsize
    data = np.ascontiguousarray(values, dtype=_DTYPES[dtype]).view(np.uint8)
    data = data.reshape(-1, itemsize).T.tobytes()  # byte planes: first bytes, then second...
    return {
        "dtype": dtype,
        "shape": list(values.shape),
        "data": base64.b64encode(zlib.compress(data, 9)).decode("ascii"),
    }


def unpack_array(packed):
    """The NumPy array that :func:`pack_array` packed (as the page reads it)."""
    dtype = np.dtype(_DTYPES[packed["dtype"]])
    planes = np.frombuffer(zlib.decompress(base64.b64decode(packed["data"])), np.uint8)
    data = planes.reshape(dtype.itemsize, -1).T.copy()
    return data.view(dtype).reshape(packed["shape"])


def _slider(value, name, bounds, step):
    """A slider's settings, with ``value`` checked to lie within ``bounds``."""
    low, high = bounds
    value = check_scalar(value, name, float, low=low, high=high)
    return {"value": value, "min": low, "max": high, "step": step}


def explorer_html(kind, payload, note):
    """The block that ``vae-explorers.js`` turns into the explorer ``kind``.

    ``payload`` (a JSON-serialisable dict of finite numbers, lists and strings) is embedded
    in a ``<script type="application/json">`` element; ``note`` is the text shown where no
    script builds the explorer.
    """
    kind = check_scalar(kind, "kind", str)
    if not isinstance(payload, dict):
        raise TypeError(f"payload must be a dict; got {type(payload).__name__}.")
    try:
        data = json.dumps(payload, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"payload must be JSON of finite numbers; {error}") from None
    # Inside <script>, "</script>" or "<!--" would end or confuse the element: escape "<".
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return HTML(
        f'<div class="vae-explorer" data-vae-explorer="{html.escape(kind)}">'
        f'<p class="vae-explorer-note">{html.escape(note)}</p>'
        f'<script type="application/json" class="vae-explorer-data">{data}</script>'
        "</div>"
    )


def kl_explorer(mean=1.0, log_var=-1.0):
    """Sliders for a 1-d posterior's mean and log-variance, drawn against the prior, in the page.

    The page computes the densities of q = N(mean, exp(log_var)) and p = N(0, 1) and the
    closed-form KL(q || p) as the sliders move, over the same ranges as
    :func:`vae_helpers.widgets.kl_explorer`: mean in [-3, 3], log-variance in [-4, 2].
    """
    payload = {
        "mean": _slider(mean, "mean", KL_MEAN_RANGE, SLIDER_STEP),
        "log_var": _slider(log_var, "log_var", KL_LOG_VAR_RANGE, SLIDER_STEP),
    }
    mean, log_var = payload["mean"]["value"], payload["log_var"]["value"]
    payload["kl"] = kl = float(kl_divergence([[mean]], [[log_var]])[0])
    note = (
        f"{_FALLBACK} sliders above. At its start, q = N({mean:.2f}, exp({log_var:.2f})) and "
        f"KL(q || p) = {kl:.3f} nats."
    )
    return explorer_html("kl", payload, note)


def _dense_layers(decoder):
    """The decoder's Dense layers as (kernel, bias, activation), checked to be a plain stack."""
    stack = []
    for layer in decoder.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        activation = getattr(layer, "activation", None)
        name = getattr(activation, "__name__", None)
        if not isinstance(layer, keras.layers.Dense) or name not in _ACTIVATIONS:
            raise ValueError(
                "model.decoder must be a stack of Dense layers with relu or linear activations, "
                f"for the page to run it; got {type(layer).__name__} {layer.name!r}"
                + (f" with activation {name!r}." if isinstance(layer, keras.layers.Dense) else ".")
            )
        kernel, bias = (keras.ops.convert_to_numpy(w) for w in (layer.kernel, layer.bias))
        stack.append((kernel, bias, name))
    return stack


def latent_explorer(model, span=3.0):
    """Two sliders for a 2-d VAE's latent code; the page decodes the digit as they move.

    The page runs the decoder itself: its Dense layers' kernels travel as float16 and their
    biases as float32 (see :func:`pack_array`), and the page computes
    ``sigmoid(decoder(z))`` and draws it at 256 grey levels. Sliders run over
    [-span, span] (span >= ``SLIDER_STEP``) in steps of ``SLIDER_STEP``, like
    :func:`vae_helpers.widgets.latent_explorer`.
    ``checks`` holds the Python decoder's probabilities at six slider positions (three per
    coordinate), against which a test of the page can compare what it draws.
    """
    model = check_model(model, "model", (VAE,))
    if model.latent_dim != 2:
        raise ValueError(f"model must have a 2-d latent space; got latent_dim={model.latent_dim}.")
    span = check_scalar(span, "span", float, low=SLIDER_STEP)
    layers = [
        {
            "activation": activation,
            "kernel": pack_array(kernel, "float16"),
            "bias": pack_array(bias, "float32"),
        }
        for kernel, bias, activation in _dense_layers(model.decoder)
    ]
    on_grid = np.round(np.array([-0.7, 0.2, 0.8]) * span / SLIDER_STEP) * SLIDER_STEP
    positions = [(float(a), 0.0) for a in on_grid] + [(0.0, float(b)) for b in on_grid[::-1]]
    probabilities = model.decode(np.array(positions, dtype=np.float32)).reshape(-1, 784)
    slider = {"value": 0.0, "min": -span, "max": span, "step": SLIDER_STEP}
    payload = {
        "z": [slider, dict(slider)],
        "layers": layers,
        "checks": [
            {"z": list(z), "probabilities": pack_array(p, "float16")}
            for z, p in zip(positions, probabilities)
        ],
    }
    note = f"{_FALLBACK} sliders above: they decode the digit at each point of the latent plane."
    return explorer_html("latent", payload, note)


def threshold_explorer(x, is_anomaly, scores, threshold, num_images=8):
    """A threshold slider over precomputed anomaly scores; the page redraws the decisions.

    As the slider moves, the page flags every image scoring above the threshold and shows
    the score histograms, the confusion matrix, precision, recall and F1 of the anomaly
    class (as scikit-learn computes them, with 0 where undefined), and the flagged images
    closest above the threshold, like :func:`vae_helpers.plots.anomaly.plot_threshold_decision`.
    The slider starts at ``threshold`` and moves in steps of 1/``THRESHOLD_POSITIONS`` of the
    span from the scores' 1st to 99.9th percentile, as
    :func:`vae_helpers.widgets.threshold_explorer` does; only the images that some slider
    position shows travel with the page.
    ``x`` holds the images (any accepted layout, values in [0, 1]), ``is_anomaly`` their truth
    (1 anomaly, 0 normal), ``scores`` one score each (higher = more anomalous).
    """
    images = as_square_images(x, "x").reshape(-1, 784)
    labels, values = check_anomaly_labels(is_anomaly, scores)
    if len(values) != len(images):
        raise ValueError(
            f"x and scores must hold one entry per image; got {len(images)} images and "
            f"{len(values)} scores."
        )
    threshold = check_scalar(threshold, "threshold", float)
    num_images = check_scalar(num_images, "num_images", int, low=1)
    values = values.astype(np.float32)  # what the page holds, and compares against
    low, high = np.percentile(values.astype(np.float64), [1.0, 99.9])
    low, high = float(min(low, threshold)), float(max(high, threshold))
    step = (high - low) / THRESHOLD_POSITIONS or 1.0
    k_min, k_max = -round((threshold - low) / step), round((high - threshold) / step)

    order = np.argsort(values, kind="stable")
    ranked = values[order].astype(np.float64)
    shown = set()
    for k in range(k_min, k_max + 1):
        first = np.searchsorted(ranked, threshold + k * step, side="right")
        shown.update(order[first : first + num_images].tolist())
    shown = sorted(shown)
    payload = {
        "threshold": threshold,
        "step": step,
        "k_min": k_min,
        "k_max": k_max,
        "num_images": num_images,
        "scores": pack_array(values, "float32"),
        "is_anomaly": pack_array(labels, "uint8"),
        "image_indices": shown,
        "images": pack_array(np.round(images[shown] * 255.0), "uint8"),
    }
    note = f"{_FALLBACK} slider above: it moves the threshold and redraws the decisions."
    return explorer_html("threshold", payload, note)
