"""Inpainting: masks, and filling the missing pixels with a VAE or with biharmonic smoothing.

A mask holds 1 where a pixel is **visible** and 0 where it is **missing** (see
:func:`~vae_helpers.validation.as_masks`); one mask may serve a whole batch. Images are
``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` in [0, 1], and every method returns float32
images in the layout of its input whose visible pixels are exactly the input's: only the
missing region is filled in. Score the fill with ``psnr(..., mask=mask)`` and
``ssim(..., mask=mask)``, which look at the missing pixels alone.

The VAE methods (Rezende et al., 2014, impute missing pixels the iterative way):

- :func:`inpaint_once`: encode the masked image, decode, keep the visible pixels;
- :func:`inpaint_iterative`: repeat that, each time feeding back the image with the visible
  pixels re-imposed, so the model's own guess replaces the blank region it never trained on;
- :func:`inpaint_samples`: the same loop with z drawn from q(z|x) instead of its mean, run
  independently several times per image: several plausible completions of an ambiguous mask.
"""

import numpy as np
from skimage.restoration import inpaint_biharmonic as _biharmonic

from .models import VAE, Autoencoder
from .validation import (
    IMAGE_PIXELS,
    IMAGE_SIDE,
    SEED_RULE,
    as_array,
    as_flat_images,
    as_masks,
    check_model,
    check_scalar,
    like_layout,
)

HALVES = ("left", "right", "top", "bottom")


def square_mask(side, top=None, left=None):
    """One ``(28, 28)`` mask with a ``side`` x ``side`` square missing (``1 <= side <= 28``).

    The square's top-left corner is at row ``top`` and column ``left``, each by default
    ``(28 - side) // 2``, which centres it; exactly ``side**2`` pixels are missing.
    """
    side = check_scalar(side, "side", int, low=1, high=IMAGE_SIDE)
    corner = []
    for value, name in ((top, "top"), (left, "left")):
        value = (IMAGE_SIDE - side) // 2 if value is None else value
        corner.append(check_scalar(value, name, int, low=0, high=IMAGE_SIDE - side))
    mask = np.ones((IMAGE_SIDE, IMAGE_SIDE), dtype=np.float32)
    mask[corner[0] : corner[0] + side, corner[1] : corner[1] + side] = 0.0
    return mask


def half_mask(which="left"):
    """One ``(28, 28)`` mask with half the image missing: ``"left"``, ``"right"``, ``"top"``
    or ``"bottom"`` (14 of the 28 columns or rows, 392 pixels)."""
    check_scalar(which, "which", str, choices=HALVES)
    mask = np.ones((IMAGE_SIDE, IMAGE_SIDE), dtype=np.float32)
    half = IMAGE_SIDE // 2
    region = {
        "left": (slice(None), slice(None, half)),
        "right": (slice(None), slice(half, None)),
        "top": (slice(None, half), slice(None)),
        "bottom": (slice(half, None), slice(None)),
    }[which]
    mask[region] = 0.0
    return mask


def random_mask(fraction_missing, num_images, seed=None):
    """``(num_images, 28, 28)`` masks, each missing ``round(fraction * 784)`` pixels chosen at
    random, independently per image and repeatable with ``seed``.

    ``fraction_missing`` is one fraction in [0, 1] for every image or one per image.
    """
    num_images = check_scalar(num_images, "num_images", int, low=1)
    check_scalar(seed, "seed", int, **SEED_RULE)
    if not isinstance(fraction_missing, (list, tuple, np.ndarray)):
        check_scalar(fraction_missing, "fraction_missing", float, low=0, high=1)
    fractions = as_array(
        fraction_missing, "fraction_missing", "a number or an array of numbers", "iuf", 0
    ).astype(np.float64)
    fractions = np.broadcast_to(fractions, (num_images,)) if fractions.ndim == 0 else fractions
    if fractions.shape != (num_images,) or not np.all((fractions >= 0) & (fractions <= 1)):
        raise ValueError(
            f"fraction_missing must be one value in [0, 1] or {num_images} of them; "
            f"got {fraction_missing!r}."
        )
    rng = np.random.default_rng(seed)
    ranks = np.argsort(np.argsort(rng.random((num_images, IMAGE_PIXELS)), axis=1), axis=1)
    missing = ranks < np.round(fractions * IMAGE_PIXELS)[:, None]
    return np.where(missing, 0.0, 1.0).astype(np.float32).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)


def _images_and_masks(x, mask):
    flat = as_flat_images(x, "x")
    return flat, as_masks(mask, len(flat), "mask")


def apply_mask(x, mask, fill=0.0):
    """Return ``x`` with its missing pixels (mask 0) set to ``fill``, in the layout of ``x``.

    ``fill=0`` (black, the default) is what the inpainting methods feed their model; a grey
    ``fill`` shows the missing region in figures.
    """
    flat, visible = _images_and_masks(x, mask)
    fill = check_scalar(fill, "fill", float, low=0, high=1)
    return like_layout(np.where(visible, flat, np.float32(fill)), x)


def inpaint_once(model, x, mask):
    """Encode the masked image, decode it, keep the visible pixels: one pass.

    ``model`` is a ``VAE`` (decodes the posterior mean) or an ``Autoencoder``.
    Taught in chapter 4, section "Inpainting: filling in what is missing".
    """
    check_model(model, "model", (VAE, Autoencoder))
    flat, visible = _images_and_masks(x, mask)
    guess = model.reconstruct(np.where(visible, flat, 0.0)).reshape(len(flat), IMAGE_PIXELS)
    return like_layout(np.where(visible, flat, guess), x)


def inpaint_iterative(model, x, mask, steps=10):
    """Alternate decoding and re-imposing the visible pixels, ``steps`` passes in all.

    Pass 1 is :func:`inpaint_once`; each later pass encodes the previous result, whose missing
    region holds the model's last guess instead of black, decodes it and keeps the visible
    pixels. The whole batch goes through every pass together.
    Taught in chapter 4, section "Inpainting: filling in what is missing".
    """
    check_model(model, "model", (VAE, Autoencoder))
    steps = check_scalar(steps, "steps", int, low=1)
    flat, visible = _images_and_masks(x, mask)
    current = np.where(visible, flat, 0.0)
    for _ in range(steps):
        guess = model.reconstruct(current).reshape(len(flat), IMAGE_PIXELS)
        current = np.where(visible, flat, guess)
    return like_layout(current, x)


def inpaint_samples(model, x, mask, num_samples, steps=10, seed=None):
    """``num_samples`` completions per image, each from its own stochastic chain.

    Like :func:`inpaint_iterative`, but every pass decodes ``z ~ q(z|x)`` rather than the
    posterior mean; the chains start from the black-filled image and run independently (a
    seeded NumPy generator). ``model`` is a ``VAE``. Returns ``(N, num_samples, 28, 28)``.
    """
    check_model(model, "model", (VAE,))
    num_samples = check_scalar(num_samples, "num_samples", int, low=1)
    steps = check_scalar(steps, "steps", int, low=1)
    check_scalar(seed, "seed", int, **SEED_RULE)
    flat, visible = _images_and_masks(x, mask)
    rng = np.random.default_rng(seed)
    known = np.repeat(flat, num_samples, axis=0)
    visible = np.repeat(visible, num_samples, axis=0)
    current = np.where(visible, known, 0.0)
    for _ in range(steps):
        mean, log_var = model.encode(current)
        z = mean + np.exp(0.5 * log_var) * rng.standard_normal(mean.shape, dtype=np.float32)
        guess = model.decode(z).reshape(len(current), IMAGE_PIXELS)
        current = np.where(visible, known, guess)
    return current.reshape(len(flat), num_samples, IMAGE_SIDE, IMAGE_SIDE)


def inpaint_biharmonic(x, mask):
    """scikit-image's biharmonic inpainting, one image at a time (no learning).

    Fills the missing region with the smoothest surface (solving the biharmonic equation)
    that meets the visible pixels at its edge.
    """
    flat, visible = _images_and_masks(x, mask)
    images = flat.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    missing = ~visible.reshape(images.shape)
    filled = np.stack(
        [
            _biharmonic(image, region) if region.any() else image
            for image, region in zip(images, missing)
        ]
    )
    filled = np.clip(filled, 0.0, 1.0).astype(np.float32).reshape(len(flat), IMAGE_PIXELS)
    return like_layout(np.where(visible, flat, filled), x)
