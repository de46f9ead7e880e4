import numpy as np
import pytest

import vae_helpers as vh


def test_kl_of_prior_with_itself_is_zero():
    np.testing.assert_allclose(vh.kl_divergence(np.zeros((3, 5)), np.zeros((3, 5))), 0.0)


def test_kl_mean_two_unit_variance_is_two():
    np.testing.assert_allclose(vh.kl_divergence([[2.0]], [[0.0]]), [2.0], rtol=1e-6)


def test_kl_sums_over_latent_dimensions_per_example():
    mean = np.array([[2.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    kl = vh.kl_divergence(mean, np.zeros_like(mean))
    assert kl.shape == (2,)
    np.testing.assert_allclose(kl, [4.0, 0.0], rtol=1e-6)


def test_kl_of_variance_alone_matches_closed_form():
    log_var = np.log(4.0)
    expected = 0.5 * (4.0 - 1.0 - log_var)
    np.testing.assert_allclose(vh.kl_divergence([[0.0]], [[log_var]]), [expected], rtol=1e-6)


def test_monte_carlo_kl_converges_to_closed_form():
    mean = np.array([[1.0, -0.5], [0.0, 2.0]])
    log_var = np.array([[-1.0, 0.5], [0.3, -2.0]])
    estimate = vh.monte_carlo_kl(mean, log_var, num_samples=200_000, seed=0)
    np.testing.assert_allclose(estimate, vh.kl_divergence(mean, log_var), atol=0.02)


def test_monte_carlo_kl_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="mean and log_var must share a non-empty shape"):
        vh.monte_carlo_kl(np.zeros((2, 3)), np.zeros((2, 4)), num_samples=10)


def test_bernoulli_nll_of_zero_logits_is_784_ln2_per_image(images):
    nll = vh.bernoulli_nll(images, np.zeros_like(images))
    np.testing.assert_allclose(nll, np.full(len(images), 784 * np.log(2.0)), rtol=1e-5)


def test_bernoulli_nll_sums_over_every_non_batch_axis(images):
    square = images.reshape(-1, 28, 28)
    logits = np.random.default_rng(2).normal(size=square.shape)
    np.testing.assert_allclose(
        vh.bernoulli_nll(square, logits),
        vh.bernoulli_nll(images, logits.reshape(-1, 784)),
        rtol=1e-5,
    )


def test_bernoulli_nll_matches_the_definition():
    x = np.array([[1.0, 0.0, 0.25]])
    logits = np.array([[0.3, -1.2, 2.0]])
    p = 1.0 / (1.0 + np.exp(-logits))
    expected = -(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(axis=1)
    np.testing.assert_allclose(vh.bernoulli_nll(x, logits), expected, rtol=1e-5)


def test_bernoulli_nll_stays_finite_for_extreme_logits():
    x = np.array([[0.0, 1.0]])
    nll = np.asarray(vh.bernoulli_nll(x, np.array([[1e4, -1e4]])))
    assert np.all(np.isfinite(nll))
    np.testing.assert_allclose(nll, [2e4], rtol=1e-5)


def test_mismatched_shapes_are_named():
    with pytest.raises(
        ValueError, match=r"mean and log_var must have the same shape; got \(2, 3\)"
    ):
        vh.kl_divergence(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"x and logits must have the same shape"):
        vh.bernoulli_nll(np.zeros((2, 784)), np.zeros((2, 28, 28)))
