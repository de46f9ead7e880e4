"""Interactive explorers for Jupyter and Colab (each chapter also shows a static figure).

Each explorer is a column of controls above an ``Image`` widget holding the PNG of a
Matplotlib figure, redrawn whenever a control changes: the callback computes what the view
needs and hands it to the matching draw-only plot of :mod:`vae_helpers.plots`. An ``Image``
rather than an ``Output`` widget (what ``ipywidgets.interactive`` uses) keeps the first
picture in the page's embedded widget state, and spares notebook executors from mirroring an
output area, which can stall them until their cell timeout.
"""

import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .anomaly import detection_report
from .conditional import ConditionalVAE
from .denoisers import denoising_sweep
from .losses import kl_divergence
from .models import VAE, Autoencoder
from .plots.anomaly import plot_threshold_decision
from .plots.denoising import plot_denoising_sweep
from .plots.latent import plot_posterior_vs_prior
from .validation import as_finite_vector, as_square_images, check_model, check_scalar

# The sliders' settings, shared with the page explorers of vae_helpers.web. kl_explorer's
# sliders span these ranges (its starting values must lie inside them); its sliders and
# latent_explorer's move in steps of SLIDER_STEP; threshold_explorer's slider moves in steps
# of 1/THRESHOLD_POSITIONS of its span.
KL_MEAN_RANGE = (-3.0, 3.0)
KL_LOG_VAR_RANGE = (-4.0, 2.0)
SLIDER_STEP = 0.1
THRESHOLD_POSITIONS = 200


def _figure_png(figure):
    """The PNG bytes of ``figure``, which is closed afterwards."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _figure_explorer(draw, **controls):
    """``controls`` above the picture ``draw(**values)`` returns, redrawn on every change."""
    picture = widgets.Image(format="png")

    def redraw(change=None):
        picture.value = _figure_png(draw(**{name: c.value for name, c in controls.items()}))

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([*controls.values(), picture])


def kl_explorer(mean=1.0, log_var=-1.0):
    """Sliders for a 1-d posterior's mean and log-variance, redrawing it against the prior.

    The mean slider spans ``KL_MEAN_RANGE``, the log-variance slider ``KL_LOG_VAR_RANGE``.
    """
    mean = check_scalar(mean, "mean", float, low=KL_MEAN_RANGE[0], high=KL_MEAN_RANGE[1])
    log_var = check_scalar(
        log_var, "log_var", float, low=KL_LOG_VAR_RANGE[0], high=KL_LOG_VAR_RANGE[1]
    )

    def draw(mean, log_var):
        kl = float(kl_divergence([[mean]], [[log_var]])[0])
        return plot_posterior_vs_prior(mean, log_var, kl=kl)

    return _figure_explorer(
        draw,
        mean=widgets.FloatSlider(
            value=mean,
            min=KL_MEAN_RANGE[0],
            max=KL_MEAN_RANGE[1],
            step=SLIDER_STEP,
            description="mean",
        ),
        log_var=widgets.FloatSlider(
            value=log_var,
            min=KL_LOG_VAR_RANGE[0],
            max=KL_LOG_VAR_RANGE[1],
            step=SLIDER_STEP,
            description="log-variance",
        ),
    )


def denoising_explorer(x_clean, denoisers, noise_factor=0.2, index=0, max_noise=0.6):
    """A noise-factor slider and a digit picker, redrawing noisy / each denoiser / clean.

    ``x_clean`` holds the digits to pick from (any accepted layout, values in [0, 1]);
    ``denoisers`` maps a name to ``f(x_noisy, noise_factor)`` returning denoised images, as
    for :func:`~vae_helpers.denoisers.denoising_sweep`, which computes each view (drawn by
    :func:`~vae_helpers.plots.denoising.plot_denoising_sweep`). The noise of each digit is
    seeded by its index, so a view can be found again. The slider runs from 0 to
    ``max_noise`` (> 0), and starts at ``noise_factor``; ``index`` picks the first digit.
    """
    clean = as_square_images(x_clean, "x_clean")
    count = len(clean)
    max_noise = check_scalar(max_noise, "max_noise", float, low=0, open_low=True)
    noise_factor = check_scalar(noise_factor, "noise_factor", float, low=0, high=max_noise)
    index = check_scalar(index, "index", int, low=0, high=count - 1)

    def draw(noise_factor, index):
        outputs, scores = denoising_sweep(clean, denoisers, [noise_factor], index, seed=index)
        return plot_denoising_sweep(clean[index], outputs, [noise_factor], scores)

    return _figure_explorer(
        draw,
        noise_factor=widgets.FloatSlider(
            value=noise_factor, min=0.0, max=max_noise, step=0.05, description="noise factor"
        ),
        index=widgets.BoundedIntText(
            value=index, min=0, max=count - 1, description="digit (index)"
        ),
    )


def latent_explorer(model, span=3.0, digit=0):
    """One slider per latent coordinate, redrawing the digit the model decodes there.

    ``model`` is a ``VAE``, :class:`~vae_helpers.conditional.ConditionalVAE` or
    ``Autoencoder`` with at most 4 latent dimensions. For a ``ConditionalVAE`` a digit picker
    is added and the sliders set the style; otherwise they pick the latent point decoded.
    Sliders start at 0 and run over [-span, span] (span > 0) in steps of ``SLIDER_STEP``
    (span 3 covers a VAE prior's bulk); ``digit`` (0-9) is the digit a conditional model
    starts with.
    """
    check_model(model, "model", (VAE, Autoencoder), labels_ok=True)
    span = check_scalar(span, "span", float, low=0, open_low=True)
    digit = check_scalar(digit, "digit", int, low=0, high=9)
    if model.latent_dim > 4:
        raise ValueError(
            f"model must have at most 4 latent dimensions (one slider each); "
            f"got latent_dim={model.latent_dim}."
        )
    conditional = isinstance(model, ConditionalVAE)

    def draw(**values):
        z = np.array([[values[f"z{i + 1}"] for i in range(model.latent_dim)]], np.float32)
        image = model.decode(z, [values["digit"]])[0] if conditional else model.decode(z)[0]
        fig, ax = plt.subplots(figsize=(2.5, 2.5))
        ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0)
        ax.axis("off")
        ax.set_title(", ".join(f"{key} = {value:g}" for key, value in values.items()), fontsize=8)
        return fig

    controls = {
        f"z{i + 1}": widgets.FloatSlider(
            value=0.0, min=-span, max=span, step=SLIDER_STEP, description=f"z{i + 1}"
        )
        for i in range(model.latent_dim)
    }
    if conditional:
        controls["digit"] = widgets.Dropdown(
            options=list(range(10)), value=digit, description="digit"
        )
    return _figure_explorer(draw, **controls)


def threshold_explorer(x, is_anomaly, scores, threshold, num_images=8):
    """A threshold slider redrawing :func:`~vae_helpers.plots.anomaly.plot_threshold_decision`.

    ``x`` holds the images (any accepted layout, values in [0, 1]), ``is_anomaly`` their
    truth (1 anomaly, 0 normal) and ``scores`` one score each (higher = more anomalous); the
    slider starts at ``threshold`` and spans the scores' 1st to 99.9th percentile.
    """
    count = len(as_square_images(x, "x"))
    values = as_finite_vector(scores, "scores", count, "finite scores, one per image")
    check_scalar(threshold, "threshold", float)
    check_scalar(num_images, "num_images", int, low=1)
    low, high = np.percentile(values, [1.0, 99.9])
    low, high = float(min(low, threshold)), float(max(high, threshold))

    def draw(threshold):
        report = detection_report(is_anomaly, values, threshold)
        return plot_threshold_decision(x, is_anomaly, values, threshold, report, num_images)

    return _figure_explorer(
        draw,
        threshold=widgets.FloatSlider(
            value=float(threshold),
            min=low,
            max=high,
            step=(high - low) / THRESHOLD_POSITIONS,
            description="threshold",
            continuous_update=False,
        ),
    )
