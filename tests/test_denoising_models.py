"""The deterministic autoencoder, the convolutional encoder and posterior samples."""

import keras
import numpy as np
import pytest

import vae_helpers as vh


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
    expected = np.mean(vh.bernoulli_nll(prototype_digits, tiny_autoencoder(prototype_digits)))
    assert after == pytest.approx(float(expected), rel=1e-4)


def test_autoencoder_scores_targets_when_given(tiny_autoencoder, prototype_digits):
    x, clean = prototype_digits[:8], prototype_digits[8:16]
    logits = tiny_autoencoder(x)
    loss = tiny_autoencoder.compute_loss(x=x, y=clean, y_pred=logits)
    np.testing.assert_allclose(loss, np.mean(vh.bernoulli_nll(clean, logits)), rtol=1e-5)


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
    fig = vh.plot_denoised_images(tiny_autoencoder, x, x, num_images=3)
    assert len([axis for axis in fig.axes if axis.images]) == 9


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
