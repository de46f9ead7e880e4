"""Grids and labelled rows of images."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import vae_helpers as vh

LAYOUTS = [(12, 784), (12, 28, 28), (12, 28, 28, 1)]


def _image_axes(fig):
    return [axis for axis in fig.axes if axis.images]


@pytest.mark.parametrize("shape", LAYOUTS)
def test_plot_image_grid_on_every_layout(images, shape):
    fig = vh.plot_image_grid(images.reshape(shape), ncols=5, title="samples")
    assert len(_image_axes(fig)) == 12
    assert fig._suptitle.get_text() == "samples"
    np.testing.assert_allclose(_image_axes(fig)[7].images[0].get_array(), images[7].reshape(28, 28))


@pytest.mark.parametrize("shape", [(3, 784), (3, 28, 28), (3, 28, 28, 1)])
def test_plot_image_rows_labels_each_row(images, shape):
    rows = [images[:3].reshape(shape), images[3:6].reshape(shape)]
    fig = vh.plot_image_rows(rows, ["first", "second"], title="two rows")
    assert len(_image_axes(fig)) == 6
    labels = [axis.get_ylabel() for axis in fig.axes if axis.get_ylabel()]
    assert labels == ["first", "second"]
    np.testing.assert_allclose(_image_axes(fig)[3].images[0].get_array(), images[3].reshape(28, 28))


@pytest.mark.parametrize(
    ("rows", "titles", "message"),
    [
        ([np.zeros((3, 784))], ["a", "b"], "got 1 rows and 2 row_titles"),
        ([], [], "must be non-empty"),
        ([np.zeros((3, 784)), np.zeros((2, 784))], ["a", "b"], r"got \[3, 2\]"),
        ([np.zeros((3, 783))], ["a"], r"rows\[0\] must have shape"),
    ],
)
def test_plot_image_rows_rejects_bad_rows(rows, titles, message):
    with pytest.raises(ValueError, match=message):
        vh.plot_image_rows(rows, titles)


def test_both_draw_on_a_figure_they_are_given(images):
    given = plt.figure()
    assert vh.plot_image_grid(images, ncols=4, fig=given) is given
    other = plt.figure()
    assert vh.plot_image_rows([images[:2], images[2:4]], ["a", "b"], fig=other) is other
    assert len(_image_axes(other)) == 4
    with pytest.raises(TypeError, match="fig must be a Matplotlib Figure or None; got str"):
        vh.plot_image_grid(images, fig="figure")
