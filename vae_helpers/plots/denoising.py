"""Denoising: a model's denoised images, every method on the same digits, one digit through
a sweep of noise levels, and posterior samples of noisy digits.
"""

import numpy as np

from ..validation import (
    as_array,
    as_mapping,
    as_square_images,
    check_same_length,
    check_sequence,
)
from ._common import (
    as_one_image,
    as_sample_stack,
    check_fig,
    check_num_images,
    image_rows,
    method_rows,
)


def _noisy_and_clean(x_clean, x_noisy):
    clean = as_square_images(x_clean, "x_clean")
    noisy = as_square_images(x_noisy, "x_noisy")
    check_same_length(clean, noisy, "x_clean", "x_noisy")
    return clean, noisy


def plot_denoised_images(x_clean, x_noisy, denoised, num_images=10, fig=None):
    """Show noisy inputs, a model's denoised outputs and the clean images, one row each.

    ``denoised`` holds the outputs for ``x_noisy``, e.g. ``vae.reconstruct(x_noisy)``, one
    per image of ``x_clean``; the first ``num_images`` of each are shown. Any accepted
    layout, values in [0, 1]. Draws on ``fig`` when given.
    """
    clean, noisy = _noisy_and_clean(x_clean, x_noisy)
    outputs = as_square_images(denoised, "denoised")
    check_same_length(clean, outputs, "x_clean", "denoised")
    num_images = check_num_images(num_images, len(clean), "x_clean")
    check_fig(fig)
    rows = [noisy[:num_images], outputs[:num_images], clean[:num_images]]
    return image_rows(rows, ["noisy", "denoised", "clean"], fig=fig)


def plot_denoiser_comparison(x_clean, x_noisy, denoised, num_images=8, fig=None):
    """The same digits through every method: noisy, one row per method, then clean.

    ``denoised`` maps a method's name to its outputs for ``x_noisy`` (as many images as
    ``x_clean``, any accepted layout, values in [0, 1]); rows follow its order. Draws on
    ``fig`` when given.
    """
    clean, noisy = _noisy_and_clean(x_clean, x_noisy)
    rows, num_images = method_rows(denoised, "denoised", clean, "x_clean", num_images)
    check_fig(fig)
    return image_rows(
        [noisy[:num_images], *rows.values(), clean[:num_images]],
        ["noisy", *rows, "clean"],
        fig=fig,
    )


def plot_denoising_sweep(clean, outputs, noise_factors, scores=None, fig=None):
    """One digit at several noise levels, through every denoiser: a row per noise level.

    ``clean`` is the clean digit, one image: ``(784,)``, ``(28, 28)`` or ``(28, 28, 1)``.
    ``outputs`` maps a column's name (``"noisy"``, then each denoiser) to its images, one
    per factor of ``noise_factors``; the clean digit ends every row. ``scores``, when given,
    maps the same names to one PSNR (dB) per noise factor, shown under each name.
    :func:`~vae_helpers.denoisers.denoising_sweep` computes both. Draws on ``fig`` when given.
    """
    digit = as_one_image(clean, "clean")
    factors = check_sequence(noise_factors, "noise_factors", float, min_length=1, low=0)
    as_mapping(outputs, "outputs", "column name to one image per noise factor")
    columns = {}
    for name, images in outputs.items():
        square = as_square_images(images, f"outputs[{name!r}]")
        if len(square) != len(factors):
            raise ValueError(
                f"outputs[{name!r}] must hold one image per noise factor, {len(factors)}; "
                f"got {len(square)}."
            )
        columns[name] = square
    if scores is not None:
        scores = _check_scores(scores, columns, len(factors))
    check_fig(fig)
    rows = [[columns[name][row] for name in columns] + [digit] for row in range(len(factors))]
    panel_titles = [
        [name if scores is None else f"{name}\n{scores[name][row]:.1f} dB" for name in columns]
        + ["clean"]
        for row in range(len(factors))
    ]
    titles = [f"noise {factor:.2f}" for factor in factors]
    return image_rows(rows, titles, panel_titles=panel_titles, fig=fig)


def _check_scores(scores, columns, count):
    """One PSNR per noise factor for each column of ``outputs`` (``inf`` allowed, NaN not)."""
    as_mapping(scores, "scores", "column name to one PSNR per noise factor")
    if set(scores) != set(columns):
        raise ValueError(
            f"scores must have the keys of outputs, {list(columns)}; got {list(scores)}."
        )
    checked = {}
    for name in columns:
        shown = f"scores[{name!r}]"
        values = as_array(scores[name], shown, "a 1-d array of PSNRs in dB", "iuf")
        if values.shape != (count,) or np.isnan(values).any():
            raise ValueError(
                f"{shown} must hold {count} PSNRs (dB, not NaN), one per noise factor; "
                f"got shape {values.shape}{' with NaN' if np.isnan(values).any() else ''}."
            )
        checked[name] = values.astype(np.float64)
    return checked


def plot_posterior_samples(x_clean, x_noisy, samples, num_images=6, fig=None):
    """Noisy inputs, decoded draws z ~ q(z|x_noisy) of each, and the clean images.

    ``samples`` is ``(N, num_samples, 28, 28)`` for the N images of ``x_noisy``, as
    ``VAE.sample_posterior(x_noisy, num_samples)`` returns; each sample row shows one draw per
    digit, so reading down a column shows the spread of clean digits the model finds
    plausible for that noisy input. Draws on ``fig`` when given.
    """
    clean, noisy = _noisy_and_clean(x_clean, x_noisy)
    draws = as_sample_stack(samples, len(noisy))
    num_images = check_num_images(num_images, len(clean), "x_clean")
    check_fig(fig)
    count = draws.shape[1]
    rows = [noisy[:num_images]] + [draws[:num_images, k] for k in range(count)]
    titles = ["noisy"] + [f"sample {k + 1}" for k in range(count)] + ["clean"]
    return image_rows(rows + [clean[:num_images]], titles, fig=fig)
