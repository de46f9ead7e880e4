"""Inpainting: every method on the same masked digits, and several completions per digit."""

from ..inpainting import apply_mask
from ..validation import as_square_images
from ._common import as_sample_stack, check_fig, check_title, image_rows, method_rows


def plot_inpainting_comparison(x_true, mask, inpainted, num_images=8, title=None, fig=None):
    """The same digits through every inpainting method: masked input, one row per method,
    then the originals.

    ``mask`` is 1 where visible, 0 where missing (one mask or one per image); the masked row
    shows the missing region in mid-grey. ``inpainted`` maps a method's name to its outputs
    for ``x_true`` (same number of images, any accepted layout); rows follow its order.
    ``title``, when given, goes above the figure. Draws on ``fig`` when given.
    """
    true = as_square_images(x_true, "x_true")
    check_title(title)
    rows, num_images = method_rows(inpainted, "inpainted", true, "x_true", num_images)
    masked = apply_mask(true, mask, fill=0.5)[:num_images]  # the missing region drawn grey
    check_fig(fig)
    return image_rows(
        [masked, *rows.values(), true[:num_images]],
        ["masked", *rows, "original"],
        title,
        fig=fig,
    )


def plot_inpainting_samples(x_true, mask, samples, fig=None):
    """One row per digit: the original, the masked input (missing in grey), then each of its
    completions side by side.

    ``samples`` is ``(N, num_samples, 28, 28)`` as :func:`~vae_helpers.inpaint_samples` returns
    for ``x_true`` and ``mask``. Draws on ``fig`` when given.
    """
    true = as_square_images(x_true, "x_true")
    completions = as_sample_stack(samples, len(true))
    masked = apply_mask(true, mask, fill=0.5)  # the missing region drawn grey
    check_fig(fig)
    rows = [[original, shown, *draws] for original, shown, draws in zip(true, masked, completions)]
    count = completions.shape[1]
    titles = [["original", "masked"] + [f"sample {k + 1}" for k in range(count)]] * len(rows)
    return image_rows(
        rows, [f"digit {k + 1}" for k in range(len(rows))], panel_titles=titles, fig=fig
    )
