"""Grids and labelled rows of images."""

from ..validation import as_square_images, check_scalar
from ._common import check_fig, check_rows, check_title, figure_to_draw_on, image_rows


def plot_image_grid(images, ncols=10, title=None, fig=None):
    """Show images in a grid ``ncols`` wide; draw on ``fig`` when given."""
    images = as_square_images(images, "images")
    ncols = min(check_scalar(ncols, "ncols", int, low=1), len(images))
    check_title(title)
    check_fig(fig)
    nrows = -(-len(images) // ncols)
    fig = figure_to_draw_on(fig, (1.1 * ncols, 1.1 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for axis in axes.flat:
        axis.axis("off")
    for axis, image in zip(axes.flat, images):
        axis.imshow(image, cmap="gray", vmin=0.0, vmax=1.0)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_image_rows(rows, row_titles, title=None, fig=None):
    """Show equally long batches of images as labelled rows, e.g. samples from several models.

    ``rows`` is a list of image arrays, each ``(n, 784)``, ``(n, 28, 28)`` or ``(n, 28, 28, 1)``
    with the same ``n``; ``row_titles`` names each row. Draws on ``fig`` when given.
    """
    images, titles = check_rows(rows, row_titles)
    check_title(title)
    check_fig(fig)
    return image_rows(images, titles, title, fig=fig)
