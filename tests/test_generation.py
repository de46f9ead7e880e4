"""Interpolation, the inverse-CDF grid, the conditional VAE and the latent explorer."""

import keras
import numpy as np
import pytest
from scipy import stats

import vae_helpers as vh


def test_lerp_runs_evenly_from_start_to_end():
    path = vh.lerp([0.0, 2.0], [4.0, -2.0], steps=5)
    assert path.shape == (5, 2) and path.dtype == np.float32
    np.testing.assert_allclose(path[:, 0], [0, 1, 2, 3, 4])
    np.testing.assert_allclose(path[:, 1], [2, 1, 0, -1, -2])


def test_slerp_keeps_exact_endpoints_and_unit_norm():
    rng = np.random.default_rng(0)
    start, end = rng.standard_normal((2, 40))
    start, end = start / np.linalg.norm(start), end / np.linalg.norm(end)
    path = vh.slerp(start, end, steps=9)
    np.testing.assert_array_equal(path[0], start.astype(np.float32))
    np.testing.assert_array_equal(path[-1], end.astype(np.float32))
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), 1.0, atol=1e-6)
    assert not np.allclose(path, vh.lerp(start, end, 9))  # lerp cuts inside the sphere


def test_slerp_turns_at_a_constant_angle_per_step():
    path = vh.slerp([1.0, 0.0], [0.0, 1.0], steps=3)
    np.testing.assert_allclose(path[1], [np.sqrt(0.5), np.sqrt(0.5)], atol=1e-7)


@pytest.mark.parametrize("end", [[2.0, 4.0], [0.0, 0.0]])
def test_slerp_falls_back_to_lerp_for_parallel_or_zero_vectors(end):
    np.testing.assert_allclose(vh.slerp([1.0, 2.0], end, 4), vh.lerp([1.0, 2.0], end, 4))


@pytest.mark.parametrize(
    "start, end, steps, message",
    [
        ([0.0, 1.0], [1.0], 3, "same length"),
        ([0.0], [1.0], 1, "steps must be an integer >= 2; got 1"),
        ([np.nan], [1.0], 3, "finite"),
    ],
)
def test_interpolation_rejects_bad_arguments(start, end, steps, message):
    with pytest.raises(ValueError, match=message):
        vh.slerp(start, end, steps)


def test_normal_quantiles_are_midpoints_of_equal_probability_slices():
    np.testing.assert_allclose(vh.normal_quantiles(4), [0.125, 0.375, 0.625, 0.875])
    quantiles = vh.normal_quantiles(25)
    assert quantiles.min() > 0.0 and quantiles.max() < 1.0


def test_normal_grid_covers_the_prior_in_reading_order():
    grid = vh.normal_grid(3)
    values = stats.norm.ppf([1 / 6, 0.5, 5 / 6])
    assert grid.shape == (9, 2) and grid.dtype == np.float32
    np.testing.assert_allclose(grid[:3, 0], values, rtol=1e-6)  # z1 grows along a row
    np.testing.assert_allclose(grid[::3, 1], values[::-1], rtol=1e-6)  # z2 falls down rows
    np.testing.assert_allclose(np.unique(stats.norm.cdf(grid)), [1 / 6, 0.5, 5 / 6], rtol=1e-6)


@pytest.fixture(scope="module")
def trained_cvae():
    vh.seed_everything(0)
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, size=200)
    images = (rng.random((200, 784)) < 0.2).astype(np.float32)
    cvae = vh.build_conditional_vae(latent_dim=2, hidden_units=(16,), seed=1)
    cvae.compile(optimizer="adam")
    history = cvae.fit(
        vh.binarized_dataset(images, 50, seed=0, labels=labels), epochs=2, shuffle=False, verbose=0
    )
    return cvae, images, labels, history


def test_conditional_vae_trains_with_the_vae_loss_and_trackers(trained_cvae):
    cvae, images, labels, history = trained_cvae
    assert {"loss", "reconstruction", "kl"} <= set(history.history)
    outputs = cvae((images[:8], labels[:8]))
    assert set(outputs) == {"logits", "mean", "log_var", "z"}
    assert tuple(outputs["logits"].shape) == (8, 784) and tuple(outputs["z"].shape) == (8, 2)
    expected = (
        vh.bernoulli_nll(images[:8], outputs["logits"]).numpy().mean()
        + vh.kl_divergence(outputs["mean"], outputs["log_var"]).numpy().mean()
    )
    assert float(cvae.compute_loss((images[:8], labels[:8]), None, outputs)) == pytest.approx(
        expected, rel=1e-5
    )


@pytest.mark.parametrize("digit", range(10))
def test_conditional_vae_samples_each_requested_digit(trained_cvae, digit):
    cvae = trained_cvae[0]
    samples = cvae.sample([digit] * 3, seed=0)
    assert samples.shape == (3, 28, 28)
    assert samples.min() >= 0.0 and samples.max() <= 1.0


def test_the_label_changes_the_decoded_image(trained_cvae):
    cvae = trained_cvae[0]
    z = np.zeros((10, 2), np.float32)
    images = cvae.decode(z, np.arange(10))
    assert not np.allclose(images[0], images[1])
    styled = cvae.transfer_style(trained_cvae[1][:1].repeat(10, 0), [3] * 10, np.arange(10))
    assert styled.shape == (10, 28, 28)
    square = trained_cvae[1][:4].reshape(4, 28, 28, 1)
    assert cvae.reconstruct(square, [1, 2, 3, 4]).shape == (4, 28, 28, 1)


@pytest.mark.parametrize(
    "labels, error, message",
    [
        ([0, 10], ValueError, r"labels must hold integers 0-9; got values in \[0, 10\]"),
        ([-1, 3], ValueError, r"labels must hold integers 0-9; got values in \[-1, 3\]"),
        ([1.5, 2.0], TypeError, "labels must be a 1-d array of integer labels; got .*float64"),
        ([1, 2, 3], ValueError, r"labels must be a 1-d array of 2 labels, .*got shape \(3,\)"),
        ([True, False], TypeError, "labels must be a 1-d array of integer labels; got .*bool"),
    ],
)
def test_conditional_vae_rejects_bad_labels(trained_cvae, labels, error, message):
    cvae, images = trained_cvae[:2]
    with pytest.raises(error, match=message):
        cvae.encode(images[:2], labels)
    with pytest.raises(error, match=message):
        cvae.decode(np.zeros((2, 2)), labels)


def test_conditional_vae_names_each_bad_argument(trained_cvae):
    cvae, images = trained_cvae[:2]
    with pytest.raises(ValueError, match="new_labels must"):
        cvae.transfer_style(images[:2], [1, 2], [1, 12])
    with pytest.raises(ValueError, match="labels must request at least one digit"):
        cvae.sample([])
    with pytest.raises(TypeError, match=r"labels must be a 1-d array of the digits .*got int 3"):
        cvae.sample(3)


def test_conditional_vae_samples_its_posterior_with_the_labels(trained_cvae):
    cvae, images, labels, _ = trained_cvae
    draws = cvae.sample_posterior(images[:3], labels[:3], num_samples=4, seed=0)
    assert draws.shape == (3, 4, 28, 28)
    np.testing.assert_array_equal(
        draws, cvae.sample_posterior(images[:3], labels[:3], num_samples=4, seed=0)
    )
    with pytest.raises(ValueError, match="labels must be a 1-d array of 3 labels"):
        cvae.sample_posterior(images[:3], labels[:2], num_samples=4)


def test_conditional_vae_round_trips_through_a_keras_file(trained_cvae, tmp_path):
    cvae, images, labels, _ = trained_cvae
    path = tmp_path / "cvae.keras"
    cvae.save(path)
    reloaded = keras.saving.load_model(path)
    assert type(reloaded) is vh.ConditionalVAE
    for a, b in zip(
        cvae.encode(images[:20], labels[:20]), reloaded.encode(images[:20], labels[:20])
    ):
        np.testing.assert_array_equal(a, b)
    z = np.ones((5, 2), np.float32)
    np.testing.assert_array_equal(
        cvae.decode(z, [0, 1, 2, 3, 4]), reloaded.decode(z, [0, 1, 2, 3, 4])
    )


def test_binarized_dataset_keeps_labels_with_their_images():
    images = np.repeat(np.linspace(0, 1, 10, dtype=np.float32)[:, None], 784, axis=1)
    images[:, 0] = np.arange(10) % 2  # pixel 0 is binary: it survives binarisation
    labels = np.arange(10) % 2
    batches = list(vh.binarized_dataset(images, 4, seed=0, labels=labels))
    assert len(batches) == 3 and len(batches[0]) == 1
    for ((binary, batch_labels),) in batches:
        np.testing.assert_array_equal(binary.numpy()[:, 0], batch_labels.numpy())
    with pytest.raises(ValueError, match=r"labels must be a 1-d array of 10 labels"):
        vh.binarized_dataset(images, 4, seed=0, labels=labels[:5])
    with pytest.raises(ValueError, match=r"labels must hold digits 0-9; got values in \[0, 10\]"):
        vh.binarized_dataset(images, 4, seed=0, labels=labels * 10)


def test_manifold_and_temperature_figures(trained_tiny_vae, prototype_digits):
    fig = vh.plot_latent_manifold(
        trained_tiny_vae, grid_size=4, x=prototype_digits[:50], labels=np.arange(50) % 4
    )
    assert fig.axes[0].images[0].get_array().shape == (4 * 28, 4 * 28)
    fig = vh.plot_temperature_rows(trained_tiny_vae, [0.5, 1.0], num_images=3)
    assert len(fig.axes) == 6


def test_manifold_needs_a_2d_model():
    with pytest.raises(ValueError, match="latent_dim=3"):
        vh.plot_latent_manifold(vh.build_dense_vae(latent_dim=3, hidden_units=(8,)))


def test_latent_explorer_redraws_the_decoded_point(drawn_figures, trained_tiny_vae, trained_cvae):
    explorer = vh.latent_explorer(trained_tiny_vae)
    sliders = {child.description: child for child in explorer.children[:2]}
    sliders["z1"].value = 1.5
    assert drawn_figures[-1].axes[0].get_title() == "z1 = 1.5, z2 = 0"
    explorer = vh.latent_explorer(trained_cvae[0], digit=4)
    controls = {child.description: child for child in explorer.children[:3]}
    controls["digit"].value = 7
    assert drawn_figures[-1].axes[0].get_title() == "z1 = 0, z2 = 0, digit = 7"
    with pytest.raises(ValueError, match="at most 4 latent"):
        vh.latent_explorer(vh.build_dense_vae(latent_dim=5, hidden_units=(8,)))
