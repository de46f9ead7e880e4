import keras
import numpy as np
import pytest
from keras import ops

import vae_helpers as vh
from vae_helpers.backend import compiled_for
from vae_helpers.losses import _log_sum_of_weights


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


# --- the importance-weighted bound ------------------------------------------------------


def _mean_over_repeats(model, x, num_samples, repeats, seed, batch_size=16_384):
    """Mean IW estimate over ``x`` for each of ``repeats`` independent draws: (repeats,)."""
    values = vh.importance_weighted_nll(
        model, np.tile(x, (repeats, 1)), num_samples, batch_size=batch_size, seed=seed
    )
    return values.reshape(repeats, len(x)).mean(axis=1)


def test_one_sample_bound_matches_the_evaluated_negative_elbo(trained_tiny_vae, prototype_digits):
    x = prototype_digits[:128]
    iw = _mean_over_repeats(trained_tiny_vae, x, num_samples=1, repeats=60, seed=0)
    evaluated = np.array(
        [
            trained_tiny_vae.evaluate(x, batch_size=128, verbose=0, return_dict=True)["loss"]
            for _ in range(60)
        ]
    )
    standard_error = np.hypot(iw.std(ddof=1), evaluated.std(ddof=1)) / np.sqrt(60)
    assert abs(iw.mean() - evaluated.mean()) < 4 * standard_error + 1e-3


def test_bound_tightens_as_the_number_of_samples_grows(trained_tiny_vae, prototype_digits):
    x = prototype_digits[:64]
    means = [
        _mean_over_repeats(trained_tiny_vae, x, k, repeats=4, seed=k).mean()
        for k in (1, 10, 100, 1000)
    ]
    assert all(later <= earlier + 0.05 for earlier, later in zip(means, means[1:])), means
    assert means[-1] < means[0]


def test_is_exact_when_the_posterior_is_the_prior_and_the_decoder_ignores_z(images):
    vae = vh.build_dense_vae(latent_dim=3, hidden_units=(8,), seed=0)
    for layer_name in ("z_mean", "z_log_var"):
        layer = vae.encoder.get_layer(layer_name)
        layer.set_weights([np.zeros_like(weight) for weight in layer.get_weights()])
    first = vae.decoder.get_layer("decoder_hidden_0")
    kernel, bias = first.get_weights()
    first.set_weights([np.zeros_like(kernel), bias])
    logits = vae.decoder(np.zeros((len(images), 3)))
    expected = ops.convert_to_numpy(vh.bernoulli_nll(images, logits))
    for num_samples, batch_size in [(1, 16_384), (50, 16_384), (50, 7), (1000, 64)]:
        estimate = vh.importance_weighted_nll(vae, images, num_samples, batch_size=batch_size)
        np.testing.assert_allclose(estimate, expected, rtol=1e-5)


@pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="counts TensorFlow traces")
@pytest.mark.parametrize(
    "num_samples, batch_size",
    [(2, 6), (10, 4)],  # 7 images in groups of 3, the last of 1; 10 draws in groups of 4, 4, 2
)
def test_uneven_last_groups_trace_the_compiled_bound_once(
    prototype_digits, num_samples, batch_size
):
    vae = vh.build_dense_vae(latent_dim=3, hidden_units=(8,), seed=0)
    for _ in range(2):
        vh.importance_weighted_nll(vae, prototype_digits[:7], num_samples, batch_size=batch_size)
    assert compiled_for(vae.decoder, _log_sum_of_weights).experimental_get_tracing_count() == 1


def test_the_compiled_bound_scores_the_decoder_weights_of_each_call(prototype_digits):
    vae = vh.build_dense_vae(latent_dim=3, hidden_units=(8,), seed=0)
    other = vh.build_dense_vae(latent_dim=3, hidden_units=(8,), seed=0)
    other.set_weights([np.random.default_rng(1).normal(size=w.shape) for w in other.get_weights()])
    x = prototype_digits[:5]
    before = vh.importance_weighted_nll(vae, x, 10, seed=0)  # traced with the first weights
    vae.set_weights(other.get_weights())  # as training between two evaluations would
    after = vh.importance_weighted_nll(vae, x, 10, seed=0)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, vh.importance_weighted_nll(other, x, 10, seed=0), rtol=1e-6)


def test_batching_over_samples_does_not_change_the_estimate(trained_tiny_vae, prototype_digits):
    x = prototype_digits[:16]
    one_pass = _mean_over_repeats(trained_tiny_vae, x, 200, repeats=2, seed=1)
    three_passes = _mean_over_repeats(trained_tiny_vae, x, 200, repeats=2, seed=2, batch_size=90)
    assert abs(one_pass.mean() - three_passes.mean()) < 0.2, (one_pass, three_passes)


def test_same_seed_same_estimate_in_every_image_layout(trained_tiny_vae, prototype_digits):
    x = prototype_digits[:6]
    estimates = [
        vh.importance_weighted_nll(trained_tiny_vae, x.reshape(shape), 20, seed=5)
        for shape in [(6, 784), (6, 28, 28), (6, 28, 28, 1)]
    ]
    assert estimates[0].shape == (6,) and estimates[0].dtype == np.float64
    for other in estimates[1:]:
        np.testing.assert_array_equal(estimates[0], other)


@pytest.mark.parametrize("fill", [0.0, 1.0])
def test_is_finite_for_all_black_and_all_white_images(trained_tiny_vae, fill):
    x = np.full((3, 784), fill, dtype=np.float32)
    estimate = vh.importance_weighted_nll(trained_tiny_vae, x, num_samples=100, seed=0)
    assert np.all(np.isfinite(estimate)) and np.all(estimate > 0)


@pytest.mark.parametrize(
    ("num_samples", "error", "message"),
    [
        (0, ValueError, "num_samples must be a positive integer; got 0"),
        (-3, ValueError, "num_samples must be a positive integer; got -3"),
        (2.5, TypeError, "num_samples must be an int; got float 2.5"),
        (True, TypeError, "num_samples must be an int; got bool True"),
    ],
)
def test_rejects_fewer_than_one_sample(tiny_vae, images, num_samples, error, message):
    with pytest.raises(error, match=message):
        vh.importance_weighted_nll(tiny_vae, images, num_samples)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (np.zeros((5, 783)), r"x must have shape \(N, 784\), .*; got shape \(5, 783\)"),
        (np.zeros((28, 28)), r"got shape \(28, 28\)"),
        (np.full((2, 784), 2.0), r"x must hold values in \[0, 1\]; got values in \[2, 2\]"),
    ],
)
def test_rejects_images_of_the_wrong_shape_or_range(tiny_vae, bad, message):
    with pytest.raises(ValueError, match=message):
        vh.importance_weighted_nll(tiny_vae, bad, num_samples=5)


def test_rejects_a_model_that_is_not_a_vae(images):
    with pytest.raises(TypeError, match="model must be a vae_helpers VAE; got object"):
        vh.importance_weighted_nll(object(), images, num_samples=5)
    cvae = vh.build_conditional_vae(latent_dim=2, hidden_units=(8,))
    with pytest.raises(TypeError, match="methods take no labels; got ConditionalVAE"):
        vh.importance_weighted_nll(cvae, images, num_samples=5)


def test_rejects_a_non_positive_batch_size(tiny_vae, images):
    with pytest.raises(ValueError, match="batch_size must be a positive integer; got 0"):
        vh.importance_weighted_nll(tiny_vae, images, num_samples=5, batch_size=0)
