"""Chapter 5's teaching code computes what the package computes, on the same inputs and weights.

The chapter writes the inverse-CDF grid of the latent manifold, linear and spherical
interpolation, the conditional VAE (its label plumbing, its class and its builder) and the
Fréchet distance. Each test runs the chapter's own cells (tagged ``teach``) and holds them to
the package's hardened versions: edit a teaching cell so that it computes something else and
a test here fails.
"""

import warnings

import numpy as np
import pytest
import tensorflow as tf
from scipy import linalg
from teaching import teaching_namespace

import vae_helpers as vh

LATENT_DIM = 2


@pytest.fixture(scope="module")
def taught():
    return teaching_namespace("05_generation")


@pytest.mark.parametrize("grid_size", [1, 5, 20])
def test_normal_grid_gives_the_points_of_vh_normal_grid_in_the_same_order(taught, grid_size):
    written = taught["normal_grid"](grid_size)
    package = vh.normal_grid(grid_size)
    assert written.shape == package.shape == (grid_size**2, 2)
    np.testing.assert_allclose(written, package, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["lerp", "slerp"])
@pytest.mark.parametrize("steps", [2, 9])
def test_interpolation_gives_the_path_of_the_package_twin(taught, name, steps):
    rng = np.random.default_rng(steps)
    for start, end in rng.standard_normal((5, 2, 40)):
        written = taught[name](start, end, steps)
        package = getattr(vh, name)(start, end, steps)
        assert written.shape == package.shape == (steps, 40)
        np.testing.assert_allclose(written, package, rtol=1e-5, atol=1e-6)


def test_slerp_keeps_the_norm_of_two_codes_of_equal_norm(taught):
    start, end = np.random.default_rng(0).standard_normal((2, 40))
    end *= np.linalg.norm(start) / np.linalg.norm(end)
    norms = np.linalg.norm(taught["slerp"](start, end, 7), axis=1)
    np.testing.assert_allclose(norms, np.linalg.norm(start), rtol=1e-10)


@pytest.mark.parametrize(("shift", "dead_features"), [(0.0, 0), (0.7, 0), (0.7, 2)])
def test_frechet_distance_equals_vh_frechet_distance(taught, shift, dead_features):
    """Also with features that never fire (all zero), as a ReLU layer's can be."""
    rng = np.random.default_rng(1)
    features_a = rng.normal(size=(300, 6))
    features_b = shift + rng.normal(size=(250, 6)) @ rng.normal(size=(6, 6))
    features_a[:, :dead_features] = features_b[:, :dead_features] = 0.0
    with warnings.catch_warnings():  # SciPy warns that the product of covariances is singular
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        written = taught["frechet_distance"](features_a, features_b)
    package = vh.frechet_distance(features_a, features_b)
    assert package > 0.1
    np.testing.assert_allclose(written, package, rtol=1e-9)


@pytest.fixture(scope="module")
def labelled_batch():
    """Sixteen binary images, flat (N, 784), with one digit label each."""
    rng = np.random.default_rng(2)
    images = (rng.random((16, 784)) < 0.3).astype(np.float32)
    return images, np.arange(16) % 10


def _loss_terms_and_gradients(model, batch):
    with tf.GradientTape() as tape:
        outputs = model(batch, training=True)
        loss = model.compute_loss(x=batch, y_pred=outputs)
    gradients = tape.gradient(loss, model.trainable_weights)
    terms = [float(model.reconstruction_tracker.result()), float(model.kl_tracker.result())]
    return float(loss), terms, gradients


def test_written_builder_and_class_give_the_loss_terms_and_gradients_of_the_package(
    taught, labelled_batch
):
    """The same weights in both models, the same sampling seed: the same numbers."""
    vh.seed_everything(0)
    written = taught["build_conditional_vae"](latent_dim=LATENT_DIM, seed=4)
    package = vh.build_conditional_vae(latent_dim=LATENT_DIM, seed=4)
    assert isinstance(written, vh.VAE)
    for mine, theirs in ((written.encoder, package.encoder), (written.decoder, package.decoder)):
        shapes = [weight.shape for weight in mine.get_weights()]
        assert shapes == [weight.shape for weight in theirs.get_weights()]
        theirs.set_weights(mine.get_weights())

    loss, terms, gradients = _loss_terms_and_gradients(written, labelled_batch)
    package_loss, package_terms, package_gradients = _loss_terms_and_gradients(
        package, labelled_batch
    )
    np.testing.assert_allclose(loss, package_loss, rtol=1e-6)
    np.testing.assert_allclose(terms, package_terms, rtol=1e-6)
    np.testing.assert_allclose(sum(terms), loss, rtol=1e-6)
    assert len(gradients) == len(package_gradients) == 10
    for gradient, package_gradient in zip(gradients, package_gradients, strict=True):
        np.testing.assert_allclose(gradient, package_gradient, rtol=1e-5, atol=1e-6)


def test_written_class_around_the_package_networks_gives_the_package_posterior(
    taught, labelled_batch
):
    package = vh.build_conditional_vae(latent_dim=LATENT_DIM, seed=4)
    written = taught["ConditionalVAE"](package.encoder, package.decoder, seed=4)
    for mine, theirs in zip(written.posterior(labelled_batch), package.posterior(labelled_batch)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-7)
