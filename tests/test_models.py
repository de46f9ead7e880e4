"""The Sampling layer, the VAE, the deterministic autoencoder and the model builders."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import vae_helpers as vh
from vae_helpers.models import LOG_VAR_RANGE


def _mean(values):
    """The mean of a tensor on any backend, as a float (torch tensors may require grad)."""
    return float(ops.convert_to_numpy(ops.mean(values)))


def _float(value):
    return float(ops.convert_to_numpy(value))


def test_sampling_matches_the_posterior_moments():
    layer = vh.Sampling(seed=0)
    mean = np.full((200_000, 1), 1.0, dtype=np.float32)
    log_var = np.full((200_000, 1), np.log(4.0), dtype=np.float32)
    z = np.asarray(layer((mean, log_var)))
    assert abs(z.mean() - 1.0) < 0.02 and abs(z.std() - 2.0) < 0.02


@pytest.mark.skipif(
    keras.config.backend() != "tensorflow", reason="takes gradients with tf.GradientTape"
)
def test_sampling_gradients_reach_mean_and_log_variance():
    layer = vh.Sampling(seed=1)
    mean = tf.Variable(tf.zeros((4, 3)))
    log_var = tf.Variable(tf.zeros((4, 3)))
    with tf.GradientTape() as tape:
        z = layer((mean, log_var))
        total = tf.reduce_sum(z)
    grad_mean, grad_log_var = tape.gradient(total, [mean, log_var])
    np.testing.assert_allclose(grad_mean, np.ones((4, 3)))
    # d z / d log_var = 0.5 * exp(log_var / 2) * eps = 0.5 * z when mean = 0, log_var = 0.
    np.testing.assert_allclose(grad_log_var, 0.5 * np.asarray(z), rtol=1e-5)


def test_seeded_sampling_layers_agree():
    inputs = (np.zeros((5, 2), np.float32), np.zeros((5, 2), np.float32))
    np.testing.assert_array_equal(vh.Sampling(seed=4)(inputs), vh.Sampling(seed=4)(inputs))


def test_tiny_vae_learns(tiny_vae, prototype_digits):
    before = tiny_vae.evaluate(prototype_digits, verbose=0, return_dict=True)
    history = tiny_vae.fit(prototype_digits, epochs=30, batch_size=32, verbose=0)
    after = tiny_vae.evaluate(prototype_digits, verbose=0, return_dict=True)
    assert set(history.history) == {"loss", "reconstruction", "kl"}
    assert after["loss"] < 0.5 * before["loss"]
    np.testing.assert_allclose(after["loss"], after["reconstruction"] + after["kl"], rtol=1e-4)


def test_a_mixed_bfloat16_vae_learns_on_a_float32_loss(prototype_digits):
    keras.config.set_dtype_policy("mixed_bfloat16")  # bfloat16 matmuls, float32 weights
    try:
        vae = vh.build_dense_vae(latent_dim=2, hidden_units=(32,), seed=0)
    finally:
        keras.config.set_dtype_policy("float32")
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    outputs = vae(prototype_digits[:8])
    assert ops.dtype(outputs["logits"]) == ops.dtype(outputs["z"]) == "bfloat16"
    loss = vae.compute_loss(x=prototype_digits[:8], y_pred=outputs)
    assert ops.dtype(loss) == "float32"
    before = vae.evaluate(prototype_digits, verbose=0, return_dict=True)["loss"]
    vae.fit(prototype_digits, epochs=30, batch_size=32, verbose=0)
    after = vae.evaluate(prototype_digits, verbose=0, return_dict=True)["loss"]
    assert np.isfinite(after) and after < 0.5 * before


def test_evaluation_samples_z(tiny_vae, prototype_digits):
    first = tiny_vae.evaluate(prototype_digits, verbose=0)
    second = tiny_vae.evaluate(prototype_digits, verbose=0)
    assert first != second


def test_loss_is_the_per_example_negative_elbo(tiny_vae, prototype_digits):
    outputs = tiny_vae(prototype_digits[:8])
    expected = _mean(
        vh.bernoulli_nll(prototype_digits[:8], outputs["logits"])
        + vh.kl_divergence(outputs["mean"], outputs["log_var"])
    )
    loss = tiny_vae.compute_loss(x=prototype_digits[:8], y_pred=outputs)
    np.testing.assert_allclose(_float(loss), expected, rtol=1e-5)


def test_beta_weights_the_kl(prototype_digits):
    vae = vh.build_dense_vae(latent_dim=2, hidden_units=(8,), beta=4.0, seed=0)
    outputs = vae(prototype_digits[:8])
    recon = _mean(vh.bernoulli_nll(prototype_digits[:8], outputs["logits"]))
    kl = _mean(vh.kl_divergence(outputs["mean"], outputs["log_var"]))
    loss = vae.compute_loss(x=prototype_digits[:8], y_pred=outputs)
    np.testing.assert_allclose(_float(loss), recon + 4.0 * kl, rtol=1e-5)


def test_the_kl_weight_variable_weights_the_kl_and_starts_at_beta(prototype_digits):
    vae = vh.build_dense_vae(latent_dim=2, hidden_units=(8,), beta=4.0, seed=0)
    assert _float(vae.kl_weight) == 4.0 and not vae.kl_weight.trainable
    vae.kl_weight.assign(0.25)
    outputs = vae(prototype_digits[:8])
    recon = _mean(vh.bernoulli_nll(prototype_digits[:8], outputs["logits"]))
    kl = _mean(vh.kl_divergence(outputs["mean"], outputs["log_var"]))
    loss = vae.compute_loss(x=prototype_digits[:8], y_pred=outputs)
    np.testing.assert_allclose(_float(loss), recon + 0.25 * kl, rtol=1e-5)


def test_kl_warmup_ramps_the_weight_linearly_to_beta_and_the_loss_follows(
    prototype_digits, kl_weight_recorder
):
    vae = vh.build_dense_vae(latent_dim=2, hidden_units=(8,), beta=2.0, seed=0)
    vae.compile(optimizer="adam")
    record = kl_weight_recorder
    history = vae.fit(
        prototype_digits[:64],
        epochs=6,
        batch_size=64,
        verbose=0,
        callbacks=[vh.KLWarmup(4), record],
    )
    np.testing.assert_allclose(record.weights, [0.0, 0.5, 1.0, 1.5, 2.0, 2.0])
    logs = history.history
    # one batch per epoch: the loss logged is the weighted objective of that batch
    weighted = np.add(logs["reconstruction"], np.multiply(record.weights, logs["kl"]))
    np.testing.assert_allclose(logs["loss"], weighted, rtol=1e-5)


def test_kl_warmup_refuses_a_model_without_a_kl_weight(prototype_digits):
    autoencoder = vh.build_dense_autoencoder(latent_dim=2, hidden_units=(8,))
    autoencoder.compile(optimizer="adam")
    with pytest.raises(TypeError, match="the model KLWarmup is used with must be a vae_helpers"):
        autoencoder.fit(prototype_digits[:8], epochs=1, verbose=0, callbacks=[vh.KLWarmup(2)])


def test_targets_replace_inputs_when_given(tiny_vae, prototype_digits):
    x, clean = prototype_digits[:8], prototype_digits[8:16]
    outputs = tiny_vae(x)
    own = tiny_vae.compute_loss(x=x, y_pred=outputs)
    denoising = tiny_vae.compute_loss(x=x, y=clean, y_pred=outputs)
    expected = _mean(
        vh.bernoulli_nll(clean, outputs["logits"])
        + vh.kl_divergence(outputs["mean"], outputs["log_var"])
    )
    np.testing.assert_allclose(_float(denoising), expected, rtol=1e-5)
    assert not np.isclose(_float(own), _float(denoising))


def test_log_variance_is_clipped_to_stay_finite(prototype_digits):
    vae = vh.build_dense_vae(latent_dim=2, hidden_units=(8,), seed=0)
    log_var_layer = vae.encoder.get_layer("z_log_var")
    kernel, bias = log_var_layer.get_weights()
    log_var_layer.set_weights([kernel, np.full_like(bias, 1e4)])
    outputs = vae(prototype_digits[:4])
    assert float(np.max(ops.convert_to_numpy(outputs["log_var"]))) == LOG_VAR_RANGE[1]
    loss = vae.compute_loss(x=prototype_digits[:4], y_pred=outputs)
    assert np.isfinite(_float(loss))


@pytest.mark.parametrize("shape", [(12, 784), (12, 28, 28), (12, 28, 28, 1)])
def test_numpy_methods_accept_every_layout(tiny_vae, images, shape):
    x = images.reshape(shape)
    mean, log_var = tiny_vae.encode(x)
    assert mean.shape == log_var.shape == (12, 2)
    reconstruction = tiny_vae.reconstruct(x)
    assert reconstruction.shape == shape
    assert reconstruction.min() >= 0.0 and reconstruction.max() <= 1.0
    decoded = tiny_vae.decode(mean)
    np.testing.assert_allclose(decoded.reshape(shape), reconstruction, rtol=1e-6)


def test_fit_accepts_square_images(tiny_vae, prototype_digits):
    history = tiny_vae.fit(prototype_digits.reshape(-1, 28, 28), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_sample_draws_images_from_the_prior(tiny_vae):
    samples = tiny_vae.sample(6, seed=0)
    assert samples.shape == (6, 28, 28)
    np.testing.assert_array_equal(samples, tiny_vae.sample(6, seed=0))
    assert not np.array_equal(samples, tiny_vae.sample(6, seed=1))


def test_sample_temperature_scales_the_seeds_standard_normal_draws(tiny_vae):
    draws = np.random.default_rng(4).standard_normal((5, 2), dtype=np.float32)
    np.testing.assert_array_equal(tiny_vae.sample(5, seed=4), tiny_vae.decode(draws))
    np.testing.assert_array_equal(
        tiny_vae.sample(5, seed=4, temperature=2.5), tiny_vae.decode(2.5 * draws)
    )
    np.testing.assert_array_equal(
        tiny_vae.sample(5, seed=4, temperature=0.0), tiny_vae.decode(np.zeros((5, 2)))
    )


def test_keras_file_round_trip_gives_identical_outputs(tiny_vae, prototype_digits, tmp_path):
    tiny_vae.fit(prototype_digits, epochs=1, verbose=0)
    path = tmp_path / "vae.keras"
    tiny_vae.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, vh.VAE) and loaded.beta == tiny_vae.beta
    for original, reloaded in zip(
        tiny_vae.encode(prototype_digits), loaded.encode(prototype_digits)
    ):
        np.testing.assert_array_equal(original, reloaded)
    np.testing.assert_array_equal(
        tiny_vae.reconstruct(prototype_digits), loaded.reconstruct(prototype_digits)
    )
    np.testing.assert_array_equal(tiny_vae.sample(4, seed=2), loaded.sample(4, seed=2))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda vae: vae.decode(np.zeros((3, 5))),
            r"z must have shape \(N, 2\); got shape \(3, 5\)",
        ),
        (lambda vae: vae.decode(np.full((1, 2), np.nan)), "z must be finite"),
        (lambda vae: vae.sample(0), "num_samples must be a positive integer; got 0"),
        (lambda vae: vae.encode(np.zeros((2, 10))), r"x must have shape .*got shape \(2, 10\)"),
        (lambda vae: vae.reconstruct(np.full((2, 784), 2.0)), r"values in \[0, 1\]"),
    ],
)
def test_bad_input_to_the_model_is_named(tiny_vae, call, message):
    with pytest.raises(ValueError, match=message):
        call(tiny_vae)


@pytest.mark.parametrize("beta", [-1.0, float("nan")])
def test_bad_beta_is_rejected(beta):
    with pytest.raises(ValueError, match="beta must be a finite number >= 0"):
        vh.build_dense_vae(latent_dim=2, hidden_units=(4,), beta=beta)


def test_bad_latent_size_is_rejected():
    with pytest.raises(ValueError, match="latent_dim must be a positive integer; got 0"):
        vh.build_dense_encoder(latent_dim=0)


def test_batched_methods_match_one_batch(tiny_vae, images):
    np.testing.assert_allclose(
        tiny_vae.reconstruct(images, batch_size=5), tiny_vae.reconstruct(images), rtol=1e-6
    )


def test_conv_decoder_mirrors_the_conv_encoder_to_784_logits():
    decoder = vh.build_conv_decoder(latent_dim=3, filters=(4, 8))
    logits = decoder(np.zeros((5, 3), dtype=np.float32))
    assert tuple(logits.shape) == (5, 784)
    kernels = [layer.kernel.shape for layer in decoder.layers if hasattr(layer, "kernel")]
    # Dense to 7 x 7 x 8, transposed convolutions 8 -> 8 -> 4 channels, then 4 -> 1 logit
    assert kernels == [(3, 392), (3, 3, 8, 8), (3, 3, 4, 8), (3, 3, 4, 1)]


def test_a_vae_with_conv_encoder_and_decoder_learns(prototype_digits):
    vh.seed_everything(0)
    # (4, 8) filters at a learning rate of 1e-2 stalled near 400 nats for some seeds on JAX
    vae = vh.VAE(vh.build_conv_encoder(2, (8, 16)), vh.build_conv_decoder(2, (8, 16)), seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(3e-3))
    history = vae.fit(prototype_digits, epochs=25, batch_size=32, verbose=0)
    # an untrained decoder costs 784 ln 2 = 543 nats; four prototypes need far fewer
    assert history.history["loss"][-1] < 0.5 * 784 * np.log(2)


@pytest.fixture
def tiny_autoencoder():
    vh.seed_everything(0)
    model = vh.build_dense_autoencoder(latent_dim=4, hidden_units=(32,))
    model.compile(optimizer="adam")
    return model


def test_autoencoder_is_the_vae_without_the_log_variance_head():
    vae = vh.build_dense_vae(latent_dim=40, hidden_units=(512,))
    autoencoder = vh.build_dense_autoencoder(latent_dim=40, hidden_units=(512,))
    log_var_head = vae.encoder.get_layer("z_log_var").count_params()
    assert autoencoder.encoder.count_params() == vae.encoder.count_params() - log_var_head
    assert autoencoder.decoder.count_params() == vae.decoder.count_params()
    assert [tuple(t.shape) for t in autoencoder.encoder.outputs] == [(None, 40)]


def test_autoencoder_learns_on_the_summed_bernoulli_loss(tiny_autoencoder, prototype_digits):
    before = tiny_autoencoder.evaluate(prototype_digits, verbose=0)
    history = tiny_autoencoder.fit(prototype_digits, epochs=30, batch_size=32, verbose=0)
    after = tiny_autoencoder.evaluate(prototype_digits, verbose=0)
    assert set(history.history) == {"loss"}
    assert after < 0.5 * before
    expected = _mean(vh.bernoulli_nll(prototype_digits, tiny_autoencoder(prototype_digits)))
    assert after == pytest.approx(float(expected), rel=1e-4)


def test_autoencoder_scores_targets_when_given(tiny_autoencoder, prototype_digits):
    x, clean = prototype_digits[:8], prototype_digits[8:16]
    logits = tiny_autoencoder(x)
    loss = tiny_autoencoder.compute_loss(x=x, y=clean, y_pred=logits)
    np.testing.assert_allclose(_float(loss), _mean(vh.bernoulli_nll(clean, logits)), rtol=1e-5)


@pytest.mark.parametrize("shape", [(12, 784), (12, 28, 28), (12, 28, 28, 1)])
def test_autoencoder_numpy_methods_accept_every_layout(tiny_autoencoder, images, shape):
    x = images.reshape(shape)
    codes = tiny_autoencoder.encode(x)
    assert codes.shape == (12, 4)
    reconstruction = tiny_autoencoder.reconstruct(x)
    assert reconstruction.shape == shape
    np.testing.assert_allclose(
        tiny_autoencoder.decode(codes).reshape(shape), reconstruction, rtol=1e-6
    )


def test_autoencoder_round_trips_through_a_keras_file(tiny_autoencoder, images, tmp_path):
    tiny_autoencoder.fit(images, epochs=1, verbose=0)
    path = tmp_path / "autoencoder.keras"
    tiny_autoencoder.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, vh.Autoencoder)
    np.testing.assert_array_equal(loaded.reconstruct(images), tiny_autoencoder.reconstruct(images))


def test_autoencoder_needs_a_single_output_encoder():
    with pytest.raises(ValueError, match="encoder must have one output .*got 2 outputs"):
        vh.Autoencoder(vh.build_dense_encoder(2, (8,)), vh.build_dense_decoder(2, (8,)))


def test_conv_encoder_halves_the_side_per_convolution():
    encoder = vh.build_conv_encoder(latent_dim=6, filters=(4, 8))
    assert tuple(encoder.inputs[0].shape) == (None, 784)
    assert [tuple(t.shape) for t in encoder.outputs] == [(None, 6), (None, 6)]
    assert tuple(encoder.get_layer("encoder_conv_1").output.shape) == (None, 7, 7, 8)
    single = vh.build_conv_encoder(latent_dim=6, filters=(4,), variational=False)
    assert [tuple(t.shape) for t in single.outputs] == [(None, 6)]


@pytest.mark.parametrize(
    ("filters", "message"),
    [((), "filters must hold at least 1 value; got none"), ((4, 0), r"filters\[1\] must be")],
)
def test_conv_encoder_rejects_bad_filters(filters, message):
    with pytest.raises(ValueError, match=message):
        vh.build_conv_encoder(latent_dim=2, filters=filters)


def test_conv_vae_trains_and_round_trips(prototype_digits, tmp_path):
    vh.seed_everything(0)
    vae = vh.build_conv_vae(latent_dim=2, filters=(4, 8), hidden_units=(16,), seed=1)
    vae.compile(optimizer="adam")
    history = vae.fit(prototype_digits.reshape(-1, 28, 28, 1), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    path = tmp_path / "conv_vae.keras"
    vae.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(
        loaded.reconstruct(prototype_digits[:5]), vae.reconstruct(prototype_digits[:5])
    )


def test_posterior_samples_spread_around_the_posterior_mean(tiny_vae, images):
    samples = tiny_vae.sample_posterior(images[:3], num_samples=4, seed=0)
    assert samples.shape == (3, 4, 28, 28)
    assert samples.min() >= 0.0 and samples.max() <= 1.0
    np.testing.assert_array_equal(samples, tiny_vae.sample_posterior(images[:3], 4, seed=0))
    assert not np.array_equal(samples[:, 0], samples[:, 1])
    mean, log_var = tiny_vae.encode(images[:3])
    rng = np.random.default_rng(0)
    epsilon = rng.standard_normal((3, 4, 2), dtype=np.float32)
    first = tiny_vae.decode(mean + np.exp(0.5 * log_var) * epsilon[:, 0])
    np.testing.assert_allclose(samples[:, 0], first, rtol=1e-5)


def test_posterior_samples_reject_bad_counts(tiny_vae, images):
    with pytest.raises(ValueError, match="num_samples must be a positive integer; got 0"):
        tiny_vae.sample_posterior(images, 0)
