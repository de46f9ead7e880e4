"""Measurements of trained models and of images, as thin domain wrappers.

:func:`active_units` counts the latent dimensions a VAE actually uses (Burda et al., 2016).
:func:`psnr` and :func:`ssim` wrap scikit-image for batches of MNIST images: both take a
reference batch ``x_true`` (the clean images) and a batch ``x_test`` to score, each
``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` with values in [0, 1] (the layouts may
differ), and return one score per image, or their mean with ``average=True``. The data range
is 1, the range of the book's images. With a ``mask`` (1 = visible, 0 = missing, see
:func:`~vae_helpers.validation.as_masks`) both score only the missing pixels, as inpainting
needs: the visible ones are copied from the input and would flatter any method.
"""

import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from .models import VAE
from .validation import (
    IMAGE_SIDE,
    as_flat_images,
    as_masks,
    as_square_images,
    check_model,
    check_same_length,
    check_scalar,
)

DATA_RANGE = 1.0
SSIM_WINDOW = 7  # scikit-image's default window, 7x7 pixels
_SSIM_BATCH = 2_000  # images per structural_similarity call (bounds memory)


def _image_pairs(x_true, x_test, average):
    true = as_square_images(x_true, "x_true")
    test = as_square_images(x_test, "x_test")
    check_same_length(true, test, "x_true", "x_test")
    check_scalar(average, "average", bool)
    return true, test


def _result(per_image, average):
    return float(np.mean(per_image)) if average else per_image


def _missing_pixels(mask, num_images):
    """Boolean ``(N, 28, 28)``, True where a pixel is missing; every image must have one."""
    missing = ~as_masks(mask, num_images, "mask")
    empty = np.flatnonzero(~missing.any(axis=1))
    if len(empty):
        raise ValueError(
            "mask must leave at least one missing pixel (0) in every image to score the "
            f"missing region; images {empty[:5].tolist()} have none."
        )
    return missing.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)


def psnr(x_true, x_test, average=False, mask=None):
    """Peak signal-to-noise ratio of each image of ``x_test`` against ``x_true``, in dB.

    ``10 log10(1 / MSE)`` per image, from scikit-image's ``peak_signal_noise_ratio`` with
    ``data_range=1``: higher is better, and +10 dB means a tenth of the squared error. An
    image identical to its reference has zero error and a PSNR of ``inf`` (then the mean is
    ``inf`` too). Images may be ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``. With a
    ``mask`` the MSE is taken over each image's missing pixels (mask 0) only.
    """
    true, test = _image_pairs(x_true, x_test, average)
    if mask is None:
        pairs = zip(true, test)
    else:
        missing = _missing_pixels(mask, len(true))
        pairs = ((t[m], x[m]) for t, x, m in zip(true, test, missing))
    with np.errstate(divide="ignore"):  # zero error: inf, as documented
        per_image = np.array(
            [
                peak_signal_noise_ratio(reference, image, data_range=DATA_RANGE)
                for reference, image in pairs
            ]
        )
    return _result(per_image, average)


def ssim(x_true, x_test, average=False, mask=None):
    """Structural similarity of each image of ``x_test`` to ``x_true`` (1 means identical).

    scikit-image's ``structural_similarity`` with ``data_range=1`` and its defaults (7x7
    uniform window, K1 = 0.01, K2 = 0.03). Images may be ``(N, 784)``, ``(N, 28, 28)`` or
    ``(N, 28, 28, 1)``. With a ``mask`` each image's SSIM map (computed on that image alone,
    its border pixels by scikit-image's reflection) is averaged over its missing pixels.

    For speed the images go through ``structural_similarity`` stacked into one tall strip,
    28 pixels wide, and each image's score is read from the returned SSIM map. That gives
    exactly the per-image values: scikit-image averages the map over the pixels at least 3
    from the border, and those pixels' 7x7 windows lie inside their own image.
    """
    true, test = _image_pairs(x_true, x_test, average)
    if mask is not None:
        return _result(_masked_ssim(true, test, _missing_pixels(mask, len(true))), average)
    crop = (SSIM_WINDOW - 1) // 2
    parts = []
    for start in range(0, len(true), _SSIM_BATCH):
        stop = start + _SSIM_BATCH
        _, ssim_map = structural_similarity(
            true[start:stop].reshape(-1, IMAGE_SIDE),
            test[start:stop].reshape(-1, IMAGE_SIDE),
            win_size=SSIM_WINDOW,
            data_range=DATA_RANGE,
            full=True,
        )
        inside = ssim_map.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)[:, crop:-crop, crop:-crop]
        parts.append(inside.mean(axis=(1, 2), dtype=np.float64))
    return _result(np.concatenate(parts), average)


def _masked_ssim(true, test, missing):
    scores = []
    for reference, image, region in zip(true, test, missing):
        _, ssim_map = structural_similarity(
            reference, image, win_size=SSIM_WINDOW, data_range=DATA_RANGE, full=True
        )
        scores.append(ssim_map[region].mean(dtype=np.float64))
    return np.array(scores)


def active_units(model, x, threshold=0.01, return_variances=False):
    """Count the latent units whose posterior mean varies with the input.

    Unit ``u`` is *active* when ``Var_x(E_q[z_u | x]) > threshold`` over the images ``x``
    (Burda et al., 2016, use 0.01). An inactive unit's posterior mean is the same for every
    image, so it carries no information about ``x``: the KL term has pushed it onto the prior
    (posterior collapse) or the encoder ignores it.

    ``model`` is a :class:`~vae_helpers.VAE`; ``x`` holds at least two images in [0, 1] as
    ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``. Returns the count (an ``int``), or
    ``(count, variances)`` with the per-unit variances when ``return_variances`` is true.
    Taught in chapter 3, section "The reference model: the correct ELBO".
    """
    check_model(model, "model", (VAE,))
    flat = as_flat_images(x, "x")
    if len(flat) < 2:
        raise ValueError(f"x must hold at least two images to measure a variance; got {len(flat)}.")
    check_scalar(threshold, "threshold", float, low=0)
    check_scalar(return_variances, "return_variances", bool)
    mean, _ = model.encode(flat)
    variances = np.var(mean.astype(np.float64), axis=0)
    count = int(np.count_nonzero(variances > threshold))
    return (count, variances) if return_variances else count
