"""Training curves."""

import matplotlib.pyplot as plt
import pytest

import vae_helpers as vh


def test_plot_training_curves_from_fit(tiny_vae, images):
    history = tiny_vae.fit(images, validation_data=(images,), epochs=2, verbose=0)
    fig = vh.plot_training_curves(history)
    assert [axis.get_title() for axis in fig.axes] == ["loss", "reconstruction", "kl"]
    assert all(len(axis.lines) == 2 for axis in fig.axes)


def test_plot_training_curves_draws_the_numbers_it_is_given():
    given = plt.figure()
    fig = vh.plot_training_curves({"loss": [3.0, 2.0, 1.5], "extra": [1.0, 0.5, 0.2]}, fig=given)
    assert fig is given
    assert [axis.get_title() for axis in fig.axes] == ["loss", "extra"]
    assert list(fig.axes[0].lines[0].get_ydata()) == [3.0, 2.0, 1.5]


def test_plot_training_curves_rejects_empty_history():
    with pytest.raises(ValueError, match="history must be a keras History or a non-empty dict"):
        vh.plot_training_curves({})
