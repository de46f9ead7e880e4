"""Drawing internals the plot modules share: labelled rows of images, new axes and figures,
and the checks of arguments that several plots take. Internal: nothing here is exported.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..validation import (
    IMAGE_LAYOUTS,
    IMAGE_PIXELS,
    as_array,
    as_flat_images,
    as_mapping,
    as_square_images,
    check_instance,
    check_same_length,
    check_scalar,
    check_sequence,
)


def check_ax(ax):
    """``ax`` if it is a Matplotlib ``Axes`` or None, else a ``TypeError``."""
    return check_instance(ax, "ax", (Axes, type(None)), "a Matplotlib Axes or None")


def check_fig(fig):
    """``fig`` if it is a Matplotlib ``Figure`` or None, else a ``TypeError``."""
    return check_instance(fig, "fig", (Figure, type(None)), "a Matplotlib Figure or None")


def axes_to_draw_on(ax, figsize):
    """``ax``, or the one axes of a new figure of ``figsize`` when ``ax`` is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def figure_to_draw_on(fig, figsize):
    """``fig``, or a new figure of ``figsize`` when ``fig`` is None."""
    return plt.figure(figsize=figsize) if fig is None else fig


def check_title(title, name="title"):
    return check_scalar(title, name, str, none_ok=True)


def check_num_images(num_images, available, data_name):
    """``num_images`` if it is a positive int no larger than ``available``, else raise."""
    num_images = check_scalar(num_images, "num_images", int, low=1)
    if num_images > available:
        raise ValueError(
            f"num_images must be at most the {available} images in {data_name}; got {num_images}."
        )
    return num_images


def as_one_image(image, name):
    """One image in [0, 1], ``(784,)``, ``(28, 28)`` or ``(28, 28, 1)``, as ``(28, 28)``."""
    expected = "one image in [0, 1], (784,), (28, 28) or (28, 28, 1)"
    array = as_array(image, name, expected)
    if array.shape not in IMAGE_LAYOUTS:
        raise ValueError(f"{name} must be {expected}; got shape {array.shape}.")
    return as_square_images(array[None], name)[0]


def as_sample_stack(samples, count, name="samples"):
    """``(count, num_samples, 28, 28)`` images in [0, 1] (several per image), as float32."""
    stack = as_array(samples, name, "an array of float images in [0, 1]", "bf")
    stack = stack.astype(np.float32, copy=False)
    if stack.ndim != 4 or stack.shape[0] != count or stack.shape[2:] != (28, 28):
        raise ValueError(
            f"{name} must have shape ({count}, num_samples, 28, 28), several images for each "
            f"of the {count} images; got shape {stack.shape}."
        )
    as_flat_images(stack.reshape(-1, IMAGE_PIXELS), name)  # finite, in [0, 1]
    return stack


def check_rows(rows, row_titles, rows_name="rows", titles_name="row_titles"):
    """Equally long batches of images, one per title, as lists of 28x28 images and titles."""
    check_instance(rows, rows_name, (list, tuple), "a list of image arrays, one per row")
    images = [as_square_images(row, f"{rows_name}[{index}]") for index, row in enumerate(rows)]
    titles = check_sequence(row_titles, titles_name, str)
    if not images or len(titles) != len(images):
        raise ValueError(
            f"{rows_name} and {titles_name} must be non-empty and equally long; "
            f"got {len(images)} rows and {len(titles)} {titles_name}."
        )
    if len({len(row) for row in images}) != 1:
        raise ValueError(
            f"{rows_name} must each hold the same number of images; "
            f"got {[len(row) for row in images]}."
        )
    return images, list(titles)


def method_rows(outputs, outputs_name, reference, reference_name, num_images):
    """Each method's first ``num_images`` outputs as 28x28 images, checked against ``reference``.

    ``outputs`` maps a method's name to its images (one per image of ``reference``). Returns
    the rows in the mapping's order and the checked ``num_images``.
    """
    as_mapping(outputs, outputs_name, "method name to its images")
    num_images = check_num_images(num_images, len(reference), reference_name)
    rows = {}
    for name, images in outputs.items():
        square = as_square_images(images, f"{outputs_name}[{name!r}]")
        check_same_length(reference, square, reference_name, f"{outputs_name}[{name!r}]")
        rows[name] = square[:num_images]
    return rows, num_images


def image_rows(rows, titles, suptitle=None, panel_titles=None, fig=None):
    """Draw equally long lists of (28, 28) images as labelled rows; return the figure.

    ``panel_titles``, when given, holds one list of titles per row, one per image. The rows
    go on ``fig`` (a new figure when None).
    """
    num_rows, num_cols = len(rows), len(rows[0])
    row_height = 1.25 if panel_titles is None else 1.55
    fig = figure_to_draw_on(fig, (1.1 * num_cols, row_height * num_rows))
    axes = fig.subplots(num_rows, num_cols, squeeze=False)
    for row_index, (axis_row, images, title) in enumerate(zip(axes, rows, titles)):
        for col_index, (axis, image) in enumerate(zip(axis_row, images)):
            axis.imshow(image, cmap="gray", vmin=0.0, vmax=1.0)
            axis.set_xticks([])
            axis.set_yticks([])
            if panel_titles is not None:
                axis.set_title(panel_titles[row_index][col_index], fontsize=8)
        axis_row[0].set_ylabel(title, rotation=0, ha="right", va="center", fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
