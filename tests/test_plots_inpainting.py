"""Inpainting figures: every method on the same masked digits, and several completions."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import vae_helpers as vh


def test_comparison_draws_the_masked_input_one_row_per_method_and_the_originals(images):
    x = images[:4]
    mask = vh.square_mask(12)
    filled = {"copy": x, "blank": np.zeros_like(x)}
    fig = vh.plot_inpainting_comparison(x, mask, filled, num_images=3, title="square")
    assert len(fig.axes) == 4 * 3 and fig._suptitle.get_text() == "square"
    labels = [axis.get_ylabel() for axis in fig.axes if axis.get_ylabel()]
    assert labels == ["masked", "copy", "blank", "original"]
    masked = fig.axes[0].images[0].get_array()
    assert masked[14, 14] == 0.5 and masked[0, 0] == pytest.approx(x[0, 0])  # missing in grey
    with pytest.raises(ValueError, match="inpainted"):
        vh.plot_inpainting_comparison(x, mask, {})


def test_samples_show_one_row_per_digit_with_each_completion(images):
    x, mask = images[:2], vh.half_mask("top")
    samples = np.stack([images[2:5], images[5:8]]).reshape(2, 3, 28, 28)
    given = plt.figure()
    fig = vh.plot_inpainting_samples(x, mask, samples, fig=given)
    assert fig is given and len(fig.axes) == 2 * (2 + 3)
    np.testing.assert_allclose(fig.axes[5 + 3].images[0].get_array(), samples[1, 1])
    with pytest.raises(ValueError, match=r"samples must have shape \(3, num_samples, 28, 28\)"):
        vh.plot_inpainting_samples(images[:3], mask, samples)
