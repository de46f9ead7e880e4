"""A posterior against the prior, the latent manifold, temperature rows and embeddings."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats

import vae_helpers as vh


def _clusters(num_per_class=40, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(4), num_per_class)
    points = rng.normal(size=(4, 3))[labels] + 0.01 * rng.normal(size=(len(labels), 3))
    return points, labels


def test_plot_posterior_vs_prior_shows_the_kl_it_is_given():
    fig = vh.plot_posterior_vs_prior(2.0, 0.0, kl=2.0)
    assert fig.axes[0].get_title() == "q = N(2.00, exp(0.00)): KL(q || p) = 2.000 nats"
    assert "0.000 nats" in vh.plot_posterior_vs_prior(0.0, 0.0, kl=-0.0).axes[0].get_title()
    assert "KL" not in vh.plot_posterior_vs_prior(0.0, 0.0).axes[0].get_title()


def test_plot_posterior_vs_prior_draws_both_densities_on_a_given_axes():
    fig, axes = plt.subplots(1, 2)
    assert vh.plot_posterior_vs_prior(1.0, np.log(0.25), ax=axes[1]) is fig
    prior, posterior = axes[1].lines[0], axes[1].collections[0]
    np.testing.assert_allclose(prior.get_ydata(), stats.norm.pdf(prior.get_xdata()))
    peak = posterior.get_paths()[0].vertices[:, 1].max()
    assert peak == pytest.approx(stats.norm.pdf(0.0, 0.0, 0.5), rel=1e-3)
    assert not axes[0].lines


def test_plot_posterior_vs_prior_names_bad_numbers():
    with pytest.raises(ValueError, match="mean must be a finite number; got nan"):
        vh.plot_posterior_vs_prior(float("nan"), 0.0)
    with pytest.raises(TypeError, match="log_var must be a real number; got None"):
        vh.plot_posterior_vs_prior(0.0, None)
    with pytest.raises(TypeError, match="kl must be a real number or None; got str"):
        vh.plot_posterior_vs_prior(0.0, 0.0, kl="1")


def test_latent_manifold_tiles_the_grid_and_places_the_means(images):
    tiles = np.repeat(np.linspace(0, 1, 16, dtype=np.float32)[:, None], 784, axis=1)
    means = np.array([[0.0, 0.0], [10.0, -10.0]])
    fig = vh.plot_latent_manifold(tiles, means, labels=[3, 7])
    picture = fig.axes[0].images[0].get_array()
    assert picture.shape == (4 * 28, 4 * 28)
    assert picture[0, 28] == pytest.approx(tiles[1, 0])  # reading order: row 0, column 1
    assert picture[28, 0] == pytest.approx(tiles[4, 0])
    offsets = fig.axes[0].collections[0].get_offsets()
    np.testing.assert_allclose(offsets, [[0.5, 0.5], [1.0, 0.0]], atol=1e-12)
    assert fig.axes[0].get_title() == "decoded 4x4 inverse-CDF grid"
    assert len(fig.axes) == 2  # the picture and the colour bar of the digits


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tiles": np.zeros((5, 784))}, "tiles must hold grid_size\\*\\*2 images"),
        ({"means": np.zeros((3, 3))}, r"means must have shape \(N, 2\)"),
        ({"labels": [0, 1]}, "labels colour the points of means, so they need means"),
        ({"means": np.zeros((3, 2)), "labels": [0, 1]}, "labels must be a 1-d array of 3"),
    ],
)
def test_latent_manifold_names_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        vh.plot_latent_manifold(**{"tiles": np.zeros((4, 784)), **kwargs})


def test_temperature_rows_title_each_row_with_its_temperature(images):
    fig = vh.plot_temperature_rows([images[:3], images[3:6]], [0.5, 1.0])
    assert len(fig.axes) == 6
    assert [axis.get_ylabel() for axis in fig.axes if axis.get_ylabel()] == ["T = 0.5", "T = 1"]
    with pytest.raises(ValueError, match="samples and temperatures must be non-empty and equally"):
        vh.plot_temperature_rows([images[:3]], [0.5, 1.0])
    with pytest.raises(
        ValueError, match=r"temperatures\[0\] must be a finite number >= 0; got -1.0"
    ):
        vh.plot_temperature_rows([images[:3]], [-1.0])


def test_plot_embeddings_draws_one_panel_per_method_and_one_legend_entry_per_digit():
    points, labels = _clusters()
    fig = vh.plot_embeddings({"a": points[:, :2], "b": points[:, 1:]}, labels, title="t")
    assert [axis.get_title() for axis in fig.axes] == ["a", "b"]
    assert [text.get_text() for text in fig.legends[0].get_texts()] == ["0", "1", "2", "3"]
    given = plt.figure()
    assert vh.plot_embeddings({"a": points[:, :2]}, labels, fig=given) is given


def test_plot_embeddings_rejects_wrong_shapes():
    points, labels = _clusters()
    with pytest.raises(ValueError, match=r"must have shape \(N, 2\)"):
        vh.plot_embeddings({"a": points}, labels)
    with pytest.raises(ValueError, match="same number"):
        vh.plot_embeddings({"a": points[:10, :2]}, labels)
    with pytest.raises(ValueError, match="at least one"):
        vh.plot_embeddings({}, labels)
