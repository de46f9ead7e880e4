"""Classical denoisers applied image by image to a batch, and their tuning on validation data.

Four methods, each with the parameter that sets its strength:

- ``"median"``: median filter over a ``size`` x ``size`` window (``scipy.ndimage``);
- ``"gaussian"``: Gaussian blur of standard deviation ``sigma`` pixels (``scipy.ndimage``);
- ``"tv"``: total-variation denoising with ``weight`` (scikit-image's Chambolle algorithm);
- ``"nl_means"``: non-local means with filtering strength ``h`` (scikit-image), averaging
  ``patch_size`` x ``patch_size`` patches found within ``patch_distance`` pixels.

:func:`denoising_sweep` runs one digit through several denoisers at several noise levels.

Images are ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` in [0, 1]; every image is
denoised on its own, and results come back as float32 in [0, 1] in the input's layout.
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
from scipy import ndimage
from skimage.restoration import denoise_nl_means, denoise_tv_chambolle

from .data import add_gaussian_noise
from .metrics import psnr
from .validation import (
    SEED_RULE,
    as_mapping,
    as_square_images,
    check_instance,
    check_same_length,
    check_scalar,
    check_sequence,
    like_layout,
)

# parameter -> (kind, rule) for check_scalar; every method's parameters are checked by these
_RULES = {
    "size": (int, {"low": 1}),
    "sigma": (float, {"low": 0}),
    "weight": (float, {"low": 0, "open_low": True}),
    "h": (float, {"low": 0, "open_low": True}),
    "patch_size": (int, {"low": 1}),
    "patch_distance": (int, {"low": 1}),
}


def _checked_parameter(parameter, value, name):
    """``value`` of a denoiser's ``parameter`` checked by its rule; ``name`` is for messages."""
    kind, rule = _RULES[parameter]
    value = check_scalar(value, name, kind, **rule)
    if parameter == "size" and value % 2 == 0:
        raise ValueError(f"{name} must be odd, so the window has a centre pixel; got {value}.")
    return value


def _median(images, size):
    return ndimage.median_filter(images, size=(1, size, size))


def _gaussian(images, sigma):
    return ndimage.gaussian_filter(images, sigma=(0.0, sigma, sigma))


def _tv(images, weight):
    # channel_axis=0: scikit-image denoises each image of the stack separately.
    return denoise_tv_chambolle(images, weight=weight, channel_axis=0)


def _nl_means(images, h, patch_size, patch_distance):
    def denoise(image):
        return denoise_nl_means(
            image, h=h, patch_size=patch_size, patch_distance=patch_distance, fast_mode=True
        )

    # scikit-image's compiled non-local means releases the GIL, so threads share the work;
    # each image is still denoised on its own, and map keeps the order.
    with ThreadPoolExecutor(max_workers=min(_available_cpus(), len(images))) as pool:
        return np.stack(list(pool.map(denoise, images)))


def _available_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# method -> (function, default parameters)
_METHODS = {
    "median": (_median, {"size": 3}),
    "gaussian": (_gaussian, {"sigma": 1.0}),
    "tv": (_tv, {"weight": 0.1}),
    "nl_means": (_nl_means, {"h": 0.1, "patch_size": 5, "patch_distance": 4}),
}
DENOISERS = tuple(_METHODS)


def denoiser_defaults(method):
    """The parameters ``method`` takes, with their default values, as a dict."""
    _check_method(method)
    return dict(_METHODS[method][1])


def _check_method(method):
    check_scalar(method, "method", str, choices=DENOISERS)


def denoise_images(x, method, **params):
    """Denoise every image of ``x`` with the classical ``method``, one image at a time.

    ``method`` is one of ``DENOISERS``; ``params`` override its defaults (see
    :func:`denoiser_defaults`), e.g. ``denoise_images(x, "median", size=5)``. ``x`` is
    ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` in [0, 1]; the result is float32 in
    [0, 1] in the layout of ``x``.
    """
    _check_method(method)
    function, defaults = _METHODS[method]
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise ValueError(
            f"{method} takes the parameters {sorted(defaults)}; got unknown {unknown}."
        )
    images = as_square_images(x, "x")
    params = {name: _checked_parameter(name, value, name) for name, value in params.items()}
    denoised = function(images, **{**defaults, **params})
    flat = np.clip(denoised, 0.0, 1.0).astype(np.float32).reshape(len(images), -1)
    return like_layout(flat, x)


class Tuning(NamedTuple):
    """The outcome of :func:`tune_denoiser`: the best value and the score of every value."""

    method: str
    parameter: str
    best: object
    grid: tuple
    scores: tuple  # mean PSNR in dB for each grid value, in grid order


def tune_denoiser(x_clean, x_noisy, method, parameter, grid, **fixed):
    """Pick the value of ``parameter`` from ``grid`` that gives the best mean PSNR.

    Denoises ``x_noisy`` with ``method`` for each grid value (other parameters from
    ``fixed`` or the defaults) and scores it against ``x_clean`` with :func:`psnr`. Pass a
    validation split here, never the test set. Ties go to the earlier grid value. Returns a
    :class:`Tuning`.
    """
    _check_method(method)
    check_same_length(
        as_square_images(x_clean, "x_clean"),
        as_square_images(x_noisy, "x_noisy"),
        "x_clean",
        "x_noisy",
    )
    check_scalar(parameter, "parameter", str, choices=tuple(sorted(_METHODS[method][1])))
    if parameter in fixed:
        raise ValueError(f"fixed must not set {parameter}, the parameter that grid tunes.")
    kind, _ = _RULES[parameter]
    check_sequence(grid, "grid", kind, min_length=1)
    grid = tuple(grid)
    for index, value in enumerate(grid):
        _checked_parameter(parameter, value, f"grid[{index}]")
    scores = tuple(
        psnr(x_clean, denoise_images(x_noisy, method, **{**fixed, parameter: value}), True)
        for value in grid
    )
    return Tuning(method, parameter, grid[int(np.argmax(scores))], grid, scores)


def denoising_sweep(x_clean, denoisers, noise_factors, index=0, seed=0):
    """Image ``index`` of ``x_clean`` at each noise level, through every denoiser, with PSNRs.

    For each factor of ``noise_factors`` the digit gets Gaussian noise of that factor
    (clipped to [0, 1], seeded by ``seed``) and goes through each of ``denoisers``, which
    maps a name to a function ``f(x_noisy, noise_factor)`` returning the denoised images.
    Returns ``(outputs, scores)``: ``outputs`` maps ``"noisy"`` and each denoiser's name, in
    order, to float32 ``(len(noise_factors), 28, 28)``, one image per factor; ``scores``
    maps the same names to the PSNRs (dB) of those images against the clean digit. Both go
    to :func:`~vae_helpers.plots.denoising.plot_denoising_sweep`.
    """
    clean = as_square_images(x_clean, "x_clean")
    index = check_scalar(index, "index", int, low=0, high=len(clean) - 1)
    as_mapping(denoisers, "denoisers", "name to a function f(x_noisy, noise_factor)")
    for name, denoise in denoisers.items():
        check_instance(denoise, f"denoisers[{name!r}]", Callable, "a function")
    factors = check_sequence(
        noise_factors, "noise_factors", float, min_length=1, scalar_ok=True, low=0
    )
    seed = check_scalar(seed, "seed", int, **SEED_RULE)
    digit = clean[index : index + 1]
    outputs = {"noisy": [], **{name: [] for name in denoisers}}
    for factor in factors:
        noisy = add_gaussian_noise(digit, factor, seed=seed)
        outputs["noisy"].append(noisy[0])
        for name, denoise in denoisers.items():
            denoised = as_square_images(denoise(noisy, factor), f"output of denoisers[{name!r}]")
            if len(denoised) != 1:
                raise ValueError(
                    f"output of denoisers[{name!r}] must hold one image for the one noisy digit; "
                    f"got {len(denoised)}."
                )
            outputs[name].append(denoised[0])
    outputs = {name: np.stack(images) for name, images in outputs.items()}
    scores = {
        name: psnr(np.repeat(digit, len(factors), 0), images) for name, images in outputs.items()
    }
    return outputs, scores
