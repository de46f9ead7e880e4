"""Input checks at the package's public boundary, with messages that say what went wrong.

Every check works in the same order. First the type: an argument of the wrong type raises a
``TypeError`` whose message names the argument, what was expected and the type received.
Then the value: a value that breaks a rule raises a ``ValueError`` naming the argument, the
rule and the value received. NumPy integers and floats pass wherever Python ints and floats
do; ``True`` and ``False`` are not numbers here. :func:`check_scalar` is the one check for
single values (counts, seeds, weights, thresholds, flags, names); the ``as_*`` functions
check arrays and return them converted.

Images: every public function accepts MNIST-sized images in one of three layouts: flat
``(N, 784)``, ``(N, 28, 28)`` or channels-last ``(N, 28, 28, 1)``, with float values in
[0, 1]; boolean arrays count as 0 and 1. Integer arrays are refused with a ``TypeError``:
MNIST's raw pixels are ``uint8`` values 0-255, which would otherwise be read as intensities
far above 1 (a Bernoulli "likelihood" of them is meaningless). Divide such pixels by 255
(``x / 255.0``), and cast integer 0/1 images to float.
"""

import math
import numbers
from collections.abc import Mapping

import keras
import numpy as np
from keras import ops

IMAGE_SIDE = 28
IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE
IMAGE_LAYOUTS = ((IMAGE_PIXELS,), (IMAGE_SIDE, IMAGE_SIDE), (IMAGE_SIDE, IMAGE_SIDE, 1))
_LAYOUT_TEXT = "(N, 784), (N, 28, 28) or (N, 28, 28, 1)"
# Seeds go to NumPy, Keras and tf.data; NumPy's global seed (set by Keras) must fit 32 bits.
MAX_SEED = 2**32 - 1
SEED_RULE = {"low": 0, "high": MAX_SEED, "none_ok": True}

_EXPECTED = {bool: "a bool", int: "an int", float: "a real number", str: "a str"}
_NUMERIC_KINDS = "biuf"  # NumPy dtype kinds: bool, signed and unsigned integer, float


def is_tensor(value):
    """True for a backend tensor or a symbolic ``keras.KerasTensor`` (left unchecked here)."""
    return isinstance(value, keras.KerasTensor) or ops.is_tensor(value)


def received(value):
    """A short description of ``value`` for error messages: its type, and what it holds."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    if isinstance(value, (numbers.Number, str, bytes, np.generic)):
        shown = repr(value.item() if isinstance(value, np.generic) else value)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        return f"{type(value).__name__} {shown}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    return type(value).__name__


def _is_kind(value, kind):
    if kind is bool:
        return isinstance(value, (bool, np.bool_))
    if isinstance(value, (bool, np.bool_)):
        return False
    if kind is int:
        return isinstance(value, numbers.Integral)
    if kind is float:
        return isinstance(value, numbers.Real)
    return isinstance(value, str)


def _rule(kind, low, high, open_low, choices):
    if choices is not None:
        return f"one of {tuple(choices)}"
    if kind is str:
        return "a non-empty str"
    noun = "an integer" if kind is int else "a finite number"
    if low is not None and high is not None:
        return f"{noun} in {'(' if open_low else '['}{low}, {high}]"
    if low is not None:
        if kind is int and not open_low and low in (0, 1):
            return "a positive integer" if low == 1 else "a non-negative integer"
        return f"{noun} {'>' if open_low else '>='} {low}"
    if high is not None:
        return f"{noun} <= {high}"
    return noun


def check_scalar(
    value,
    name,
    kind,
    *,
    low=None,
    high=None,
    open_low=False,
    choices=None,
    none_ok=False,
):
    """Check one scalar argument and return it as a Python ``kind``: the package's one check.

    ``kind`` is ``int``, ``float``, ``bool`` or ``str``. NumPy scalars and 0-d arrays of a
    matching kind pass; ints pass as floats, but bools are neither. ``None`` passes (and is
    returned) only when ``none_ok``. Otherwise the type comes first: anything else raises a
    ``TypeError`` naming ``name``, the expected kind and the type received. Then the value:
    a float must be finite, a number must lie within ``low`` (excluded when ``open_low``) and
    ``high``, a str must be one of ``choices``; else a ``ValueError`` names the rule and the
    value.
    """
    if value is None and none_ok:
        return None
    scalar = value.item() if isinstance(value, np.ndarray) and value.ndim == 0 else value
    if not _is_kind(scalar, kind):
        expected = _EXPECTED[kind] + (" or None" if none_ok else "")
        raise TypeError(f"{name} must be {expected}; got {received(value)}.")
    rule = _rule(kind, low, high, open_low, choices)
    try:
        result = kind(scalar)
    except OverflowError:  # an int too large for a float
        raise ValueError(f"{name} must be {rule}; got {scalar!r}.") from None
    if kind is bool:
        return result
    if kind is str:
        if not result or (choices is not None and result not in choices):
            raise ValueError(f"{name} must be {rule}; got {result!r}.")
        return result
    broken = (
        (kind is float and not math.isfinite(result))
        or (low is not None and (result <= low if open_low else result < low))
        or (high is not None and result > high)
    )
    if broken:
        raise ValueError(f"{name} must be {rule}; got {result!r}.")
    return result


def check_sequence(values, name, kind, *, min_length=0, scalar_ok=False, **rule):
    """Check a list, tuple, range or 1-d array of scalars and return them as a tuple.

    Each item goes through :func:`check_scalar` with ``rule``, named ``name[i]``; with
    ``scalar_ok`` a single scalar counts as a sequence of one.
    """
    if scalar_ok and _is_kind(values, kind):
        values = (values,)
    array_like = isinstance(values, (list, tuple, range)) or (
        isinstance(values, np.ndarray) and values.ndim == 1
    )
    if not array_like:
        plural = {bool: "bools", int: "ints", float: "numbers", str: "strs"}[kind]
        raise TypeError(f"{name} must be a list or tuple of {plural}; got {received(values)}.")
    if len(values) < min_length:
        noun = "value" if min_length == 1 else "values"
        raise ValueError(
            f"{name} must hold at least {min_length} {noun}; got {len(values) or 'none'}."
        )
    return tuple(
        check_scalar(value, f"{name}[{index}]", kind, **rule) for index, value in enumerate(values)
    )


def check_instance(value, name, types, expected):
    """Return ``value`` if it is an instance of ``types``; else a ``TypeError`` naming it."""
    if not isinstance(value, types):
        raise TypeError(f"{name} must be {expected}; got {received(value)}.")
    return value


def as_mapping(value, name, what):
    """Return ``value`` if it is a non-empty mapping (e.g. a dict), else raise naming it.

    ``what`` says what it maps, e.g. ``"method name to its images"``.
    """
    check_instance(value, name, Mapping, f"a dict mapping each {what}")
    if not value:
        raise ValueError(
            f"{name} must map at least one {what}; got an empty {type(value).__name__}."
        )
    return value


def check_model(model, name, kinds, *, labels_ok=False):
    """Return ``model`` if it is an instance of one of the classes ``kinds``, else raise.

    A model whose methods take labels (``model.takes_labels``, a conditional VAE) passes only
    with ``labels_ok``: a function that passes no labels would fail inside it.
    """
    expected = "a vae_helpers " + " or ".join(kind.__name__ for kind in kinds)
    check_instance(model, name, kinds, expected)
    if getattr(model, "takes_labels", False) and not labels_ok:
        raise TypeError(
            f"{name} must be {expected} whose methods take no labels; got "
            f"{type(model).__name__}, whose encode, decode, reconstruct and sample need the "
            "digit of every image, which this function does not pass."
        )
    return model


def as_array(value, name, expected, kinds=_NUMERIC_KINDS, min_ndim=1):
    """Return ``np.asarray(value)`` if it is an array of the NumPy dtype ``kinds``, else raise.

    ``None``, strings, mappings, scalars (when ``min_ndim`` > 0) and arrays of other dtypes
    raise a ``TypeError``; a ragged nest of lists, which makes no array, a ``ValueError``.
    An empty list passes whatever its NumPy dtype, for the caller's length rule to refuse.
    """
    if value is None or isinstance(value, (str, bytes, Mapping, set)):
        raise TypeError(f"{name} must be {expected}; got {received(value)}.")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name} must be {expected}; could not make an array of it: {error}"
        ) from None
    empty_sequence = array.size == 0 and not isinstance(value, np.ndarray)  # [] is float64
    if (array.dtype.kind not in kinds and not empty_sequence) or array.ndim < min_ndim:
        shown = received(value)
        if not isinstance(value, np.ndarray) and array.ndim:
            shown += f" (an array of dtype {array.dtype})"
        raise TypeError(f"{name} must be {expected}; got {shown}.")
    return array


def as_flat_images(x, name):
    """Check ``x`` is a batch of images in [0, 1] and return it as float32 ``(N, 784)``."""
    array = as_array(x, name, f"an array of float images in [0, 1], {_LAYOUT_TEXT}")
    if array.dtype.kind in "iu":
        raise TypeError(
            f"{name} must hold float pixel values in [0, 1], not integers; got an array of "
            f"dtype {array.dtype}. Divide 0-255 pixels by 255 ({name} / 255.0), or cast 0/1 "
            "images to float."
        )
    array = array.astype(np.float32, copy=False)
    if array.ndim < 2 or array.shape[1:] not in IMAGE_LAYOUTS:
        raise ValueError(f"{name} must have shape {_LAYOUT_TEXT}; got shape {array.shape}.")
    if array.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one image; got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        count = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} must be finite; got {count} NaN or infinite values.")
    low, high = float(array.min()), float(array.max())
    if low < 0.0 or high > 1.0:
        raise ValueError(f"{name} must hold values in [0, 1]; got values in [{low:g}, {high:g}].")
    return array.reshape(len(array), IMAGE_PIXELS)


def like_layout(flat_images, reference):
    """Reshape flat ``(N, 784)`` images to the per-image layout of ``reference``."""
    return flat_images.reshape((len(flat_images),) + np.shape(reference)[1:])


def as_square_images(x, name):
    """Check ``x`` like :func:`as_flat_images` and return it as ``(N, 28, 28)``."""
    return as_flat_images(x, name).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)


def check_same_length(first, second, first_name, second_name):
    """Raise a ``ValueError`` unless the two arrays hold the same number of examples."""
    if len(first) != len(second):
        raise ValueError(
            f"{first_name} and {second_name} must hold the same number of images; "
            f"got {len(first)} and {len(second)}."
        )


def check_latents(z, latent_dim, name):
    """Check ``z`` is a finite ``(N, latent_dim)`` array of numbers; return it as float32."""
    array = as_array(z, name, f"a numeric array of latent vectors (N, {latent_dim})", "iuf")
    array = array.astype(np.float32, copy=False)
    if array.ndim != 2 or array.shape[1] != latent_dim or array.shape[0] == 0:
        raise ValueError(f"{name} must have shape (N, {latent_dim}); got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite; got NaN or infinite values.")
    return array


def as_masks(mask, num_images, name="mask"):
    """Check ``mask`` and return it as a boolean ``(num_images, 784)`` array, True = visible.

    ``mask`` holds 1 (or True) where a pixel is visible and 0 (False) where it is missing. It
    is one mask for every image, ``(784,)``, ``(28, 28)`` or ``(28, 28, 1)``, or one mask per
    image, ``(num_images, 784)``, ``(num_images, 28, 28)`` or ``(num_images, 28, 28, 1)``.
    """
    array = as_array(mask, name, "a numeric array of 0 (missing) and 1 (visible)")
    array = array.astype(np.float32, copy=False)
    if array.shape in IMAGE_LAYOUTS:
        array = np.broadcast_to(array.reshape(1, IMAGE_PIXELS), (num_images, IMAGE_PIXELS))
    elif array.ndim >= 2 and array.shape[1:] in IMAGE_LAYOUTS and len(array) == num_images:
        array = array.reshape(num_images, IMAGE_PIXELS)
    else:
        raise ValueError(
            f"{name} must have shape (784,), (28, 28) or (28, 28, 1) for one mask, or "
            f"{_LAYOUT_TEXT.replace('N', str(num_images))} for one mask per image; "
            f"got shape {array.shape}."
        )
    values = np.unique(array)
    if not np.all(np.isin(values, (0.0, 1.0))):
        shown = ", ".join(f"{value:g}" for value in values[~np.isin(values, (0.0, 1.0))][:5])
        raise ValueError(f"{name} must hold only 0 (missing) and 1 (visible); got {shown}.")
    return array == 1.0


def as_finite_matrix(array, name, min_rows=1):
    """Return ``array`` as a float64 ``(rows, columns)`` matrix of finite values, else raise.

    For feature sets and embeddings: one row per example, at least ``min_rows`` of them.
    """
    matrix = as_array(array, name, "a numeric 2-d array (examples, columns)")
    matrix = matrix.astype(np.float64, copy=False)
    if matrix.ndim != 2 or matrix.shape[0] < min_rows or matrix.shape[1] == 0:
        raise ValueError(
            f"{name} must be a 2-d array (examples, columns) with at least {min_rows} "
            f"row(s); got shape {matrix.shape}."
        )
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"{name} must be finite; got NaN or infinite values.")
    return matrix


def as_finite_vector(values, name, length=None, what="numbers"):
    """Return ``values`` as a non-empty float64 1-d array of finite numbers, else raise.

    With ``length``, it must hold exactly that many. ``what`` names them in messages, e.g.
    ``"scores, one per image"``.
    """
    vector = as_array(values, name, f"a 1-d array of {what}")
    vector = vector.astype(np.float64, copy=False)
    if vector.ndim != 1 or len(vector) == 0 or (length is not None and len(vector) != length):
        count = "a non-empty" if length is None else f"a {length}-long"
        raise ValueError(f"{name} must be {count} 1-d array of {what}; got shape {vector.shape}.")
    if not np.all(np.isfinite(vector)):
        raise ValueError(f"{name} must be finite; got NaN or infinite values.")
    return vector


def as_class_labels(labels, name, length, kinds="iu"):
    """Return ``labels`` as a 1-d array of ``length`` class labels of the dtype ``kinds``."""
    kind_text = "integer" if kinds == "iu" else "class"
    array = as_array(labels, name, f"a 1-d array of {kind_text} labels", kinds)
    if array.ndim != 1 or len(array) != length:
        raise ValueError(
            f"{name} must be a 1-d array of {length} labels, one per example; "
            f"got shape {array.shape}."
        )
    return array
