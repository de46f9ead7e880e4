"""Chapter 3's teaching code computes what the package computes, on the same weights and noise.

The chapter writes the negative ELBO, the three ways a Keras model can own it
(``compute_loss``, ``train_step``, ``add_loss``), the count of active units and the
importance-weighted bound. Each test runs the chapter's own cells (tagged ``teach``) and holds
them to the package's hardened versions: edit a teaching cell so that it computes something
else and a test here fails.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from teaching import teaching_namespace

import vae_helpers as vh

LATENT_DIM = 3
HIDDEN_UNITS = (16,)
# tf.GradientTape, in these tests and in the chapter's TrainStepVAE, needs the TensorFlow backend
tensorflow_only = pytest.mark.skipif(
    keras.config.backend() != "tensorflow", reason="uses tf.GradientTape"
)


@pytest.fixture(scope="module")
def taught():
    return teaching_namespace("03_correct_loss")


@pytest.fixture(scope="module")
def batch():
    """Sixteen binary images, flat (N, 784)."""
    return (np.random.default_rng(0).random((16, 784)) < 0.3).astype(np.float32)


def _copy_parts(vae):
    """A new encoder and decoder holding the weights of ``vae``'s."""
    encoder = vh.build_dense_encoder(LATENT_DIM, HIDDEN_UNITS)
    decoder = vh.build_dense_decoder(LATENT_DIM, HIDDEN_UNITS)
    encoder.set_weights(vae.encoder.get_weights())
    decoder.set_weights(vae.decoder.get_weights())
    return encoder, decoder


@pytest.fixture(scope="module")
def reference():
    """A tiny untrained ``vh.VAE`` whose log-variances lie far inside the package's clip."""
    vh.seed_everything(0)
    return vh.build_dense_vae(LATENT_DIM, HIDDEN_UNITS, seed=5)


def _flat_weights(parts):
    return [weight for part in parts for weight in part.get_weights()]


def test_negative_elbo_terms_equal_the_package_bernoulli_nll_and_kl(taught):
    rng = np.random.default_rng(1)
    x = (rng.random((10, 784)) < 0.4).astype(np.float32)
    logits = rng.normal(0.0, 3.0, size=(10, 784)).astype(np.float32)
    mean = rng.normal(size=(10, 5)).astype(np.float32)
    log_var = rng.normal(0.0, 2.0, size=(10, 5)).astype(np.float32)
    reconstruction, kl = taught["negative_elbo"](x, logits, mean, log_var)
    np.testing.assert_allclose(reconstruction, vh.bernoulli_nll(x, logits), rtol=1e-6)
    np.testing.assert_allclose(kl, vh.kl_divergence(mean, log_var), rtol=1e-6, atol=1e-6)


@tensorflow_only
@pytest.mark.parametrize("denoising", [False, True], ids=["fit(x)", "fit(x, y)"])
def test_compute_loss_vae_gives_the_loss_terms_and_gradients_of_vh_vae(
    taught, reference, batch, denoising
):
    targets = np.roll(batch, 1, axis=0) if denoising else None
    results = {}
    for name in ("written", "package"):
        model = (taught["ComputeLossVAE"] if name == "written" else vh.VAE)(
            *_copy_parts(reference), seed=5
        )
        weights = model.encoder.trainable_weights + model.decoder.trainable_weights
        with tf.GradientTape() as tape:
            outputs = model(batch)
            loss = model.compute_loss(x=batch, y=targets, y_pred=outputs)
        terms = taught["negative_elbo"](
            batch if targets is None else targets,
            outputs["logits"],
            outputs["mean"],
            outputs["log_var"],
        )
        results[name] = (
            model,
            loss,
            [np.mean(term) for term in terms],
            tape.gradient(loss, weights),
        )
    (_, loss, terms, gradients), (package, package_loss, _, package_gradients) = results.values()
    np.testing.assert_allclose(loss, package_loss, rtol=1e-6)
    package_terms = [package.reconstruction_tracker.result(), package.kl_tracker.result()]
    np.testing.assert_allclose(terms, package_terms, rtol=1e-6)
    assert len(gradients) == len(package_gradients) == 10  # 6 encoder and 4 decoder weights
    for gradient, package_gradient in zip(gradients, package_gradients):
        np.testing.assert_allclose(gradient, package_gradient, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "way",
    ["ComputeLossVAE", pytest.param("TrainStepVAE", marks=tensorflow_only), "build_add_loss_vae"],
)
def test_one_sgd_step_matches_vh_vae_in_loss_and_every_weight(taught, reference, batch, way):
    """With plain SGD at learning rate 1 a step moves every weight by its gradient."""
    steps = {}
    for name in (way, "vh.VAE"):
        parts = _copy_parts(reference)
        model = (vh.VAE if name == "vh.VAE" else taught[way])(*parts, seed=5)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0))
        before = _flat_weights(parts)
        loss = model.train_on_batch(batch, return_dict=True)["loss"]
        moves = [old - new for old, new in zip(before, _flat_weights(parts))]
        steps[name] = (loss, moves)
    (loss, moves), (package_loss, package_moves) = steps[way], steps["vh.VAE"]
    np.testing.assert_allclose(loss, package_loss, rtol=1e-6)
    assert any(np.abs(move).max() > 1e-3 for move in package_moves)  # the step did move
    for move, package_move in zip(moves, package_moves, strict=True):
        np.testing.assert_allclose(move, package_move, rtol=1e-4, atol=1e-5)


def test_active_units_counts_like_the_package_at_every_threshold(taught, reference, batch):
    count, variances = vh.active_units(reference, batch, return_variances=True)
    levels = np.sort(variances)
    thresholds = [levels[0] / 2, *((levels[:-1] + levels[1:]) / 2), levels[-1] * 2]
    counts = [taught["active_units"](reference, batch, threshold) for threshold in thresholds]
    expected = [vh.active_units(reference, batch, threshold) for threshold in thresholds]
    assert counts == expected == list(range(LATENT_DIM, -1, -1))
    assert taught["active_units"](reference, batch) == count


@pytest.mark.parametrize("num_samples", [1, 50])
def test_importance_weighted_bound_matches_the_package_on_the_same_noise(
    taught, reference, batch, num_samples
):
    bound = taught["importance_weighted_nll"](reference, batch, num_samples, seed=3)
    written = keras.ops.convert_to_numpy(bound)
    package = vh.importance_weighted_nll(reference, batch, num_samples, seed=3)
    assert written.shape == package.shape == (len(batch),)
    np.testing.assert_allclose(written, package, rtol=1e-6)
