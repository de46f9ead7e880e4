"""Input checks at the package's public boundary, with messages that say what went wrong.

Every public function accepts MNIST-sized images in one of three layouts: flat ``(N, 784)``,
``(N, 28, 28)`` or channels-last ``(N, 28, 28, 1)``, float values in [0, 1].
"""

import numpy as np

IMAGE_SIDE = 28
IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE
IMAGE_LAYOUTS = ((IMAGE_PIXELS,), (IMAGE_SIDE, IMAGE_SIDE), (IMAGE_SIDE, IMAGE_SIDE, 1))
_LAYOUT_TEXT = "(N, 784), (N, 28, 28) or (N, 28, 28, 1)"


def as_flat_images(x, name):
    """Check ``x`` is a batch of images in [0, 1] and return it as float32 ``(N, 784)``."""
    try:
        array = np.asarray(x, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a numeric array; could not convert it: {error}") from None
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


def check_positive_int(value, name):
    """Return ``value`` if it is an int >= 1, else raise a ``ValueError`` naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)


def check_non_negative(value, name):
    """Return ``value`` as a float if it is a finite number >= 0, else raise naming it."""
    if isinstance(value, bool) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
    return float(value)


def check_same_length(first, second, first_name, second_name):
    """Raise a ``ValueError`` unless the two arrays hold the same number of examples."""
    if len(first) != len(second):
        raise ValueError(
            f"{first_name} and {second_name} must hold the same number of images; "
            f"got {len(first)} and {len(second)}."
        )


def check_latents(z, latent_dim, name):
    """Check ``z`` is a finite float ``(N, latent_dim)`` array and return it as float32."""
    array = np.asarray(z, dtype=np.float32)
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
    try:
        array = np.asarray(mask, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a numeric array; could not convert it: {error}") from None
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
    matrix = np.asarray(array, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] < min_rows or matrix.shape[1] == 0:
        raise ValueError(
            f"{name} must be a 2-d array (examples, columns) with at least {min_rows} "
            f"row(s); got shape {matrix.shape}."
        )
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"{name} must be finite; got NaN or infinite values.")
    return matrix
