"""Chapter 2 writes the VAE and its KL warm-up; on the same weights, batch and seed the
package's twin computes the same loss, the same two terms and the same gradient for every
weight, and its warm-up sets the same KL weight at every epoch."""

import numpy as np
import pytest
import tensorflow as tf
from teaching import teaching_namespace

import vae_helpers as vh

TAUGHT = teaching_namespace("02_dense_vae")
LATENT_DIM, HIDDEN_UNITS, FILTERS = 6, (32, 16), (8, 16)


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    return (rng.random((32, 784)) < 0.3).astype(np.float32)


def _copy_weights(source, target):
    assert [w.shape for w in source.weights] == [w.shape for w in target.weights]
    target.set_weights(source.get_weights())


def _loss_terms_and_gradients(model, x, y=None):
    with tf.GradientTape() as tape:
        outputs = model(x)
        loss = model.compute_loss(x=x, y=y, y_pred=outputs)
    gradients = tape.gradient(loss, model.trainable_weights)
    terms = [float(loss), float(model.reconstruction_tracker.result())]
    terms.append(float(model.kl_tracker.result()))
    return terms, [g.numpy() for g in gradients]


@pytest.mark.parametrize(
    "taught_parts, packaged_parts",
    [
        (
            lambda: (
                TAUGHT["build_dense_encoder"](LATENT_DIM, HIDDEN_UNITS),
                TAUGHT["build_dense_decoder"](LATENT_DIM, HIDDEN_UNITS[::-1]),
            ),
            lambda: (
                vh.build_dense_encoder(LATENT_DIM, HIDDEN_UNITS),
                vh.build_dense_decoder(LATENT_DIM, HIDDEN_UNITS[::-1]),
            ),
        ),
        (
            lambda: (
                TAUGHT["build_conv_encoder"](LATENT_DIM, FILTERS),
                TAUGHT["build_conv_decoder"](LATENT_DIM, FILTERS),
            ),
            lambda: (
                vh.build_conv_encoder(LATENT_DIM, FILTERS),
                vh.build_conv_decoder(LATENT_DIM, FILTERS),
            ),
        ),
    ],
    ids=["dense", "convolutional"],
)
@pytest.mark.parametrize("denoising", [False, True], ids=["fit(x)", "fit(x, y)"])
def test_the_taught_vae_and_the_package_vae_agree(batch, taught_parts, packaged_parts, denoising):
    encoder, decoder = taught_parts()
    twin_encoder, twin_decoder = packaged_parts()
    _copy_weights(encoder, twin_encoder)
    _copy_weights(decoder, twin_decoder)
    taught = TAUGHT["VAE"](encoder, decoder, seed=3)
    packaged = vh.VAE(twin_encoder, twin_decoder, seed=3)
    y = batch[::-1].copy() if denoising else None

    taught_terms, taught_gradients = _loss_terms_and_gradients(taught, batch, y)
    packaged_terms, packaged_gradients = _loss_terms_and_gradients(packaged, batch, y)

    np.testing.assert_allclose(taught_terms, packaged_terms, rtol=1e-5)
    assert len(taught_gradients) == len(packaged_gradients) == len(taught.trainable_weights)
    for taught_gradient, packaged_gradient in zip(taught_gradients, packaged_gradients):
        np.testing.assert_allclose(taught_gradient, packaged_gradient, rtol=1e-4, atol=1e-6)


def test_the_taught_parts_have_the_package_parts_outputs(batch):
    encoder = TAUGHT["build_conv_encoder"](LATENT_DIM, FILTERS)
    twin = vh.build_conv_encoder(LATENT_DIM, FILTERS)
    _copy_weights(encoder, twin)
    for taught, packaged in zip(encoder(batch), twin(batch)):
        np.testing.assert_allclose(np.asarray(taught), np.asarray(packaged), rtol=1e-5, atol=1e-6)


def _warmup_weights(model, warmup, batch, record):
    model.compile(optimizer="adam")
    model.fit(batch, epochs=5, batch_size=len(batch), verbose=0, callbacks=[warmup, record])
    return list(record.weights)


def test_the_taught_warmup_and_the_package_warmup_set_the_same_kl_weights(
    batch, kl_weight_recorder
):
    def parts():
        return vh.build_dense_encoder(LATENT_DIM, HIDDEN_UNITS), vh.build_dense_decoder(
            LATENT_DIM, HIDDEN_UNITS[::-1]
        )

    taught_vae, packaged_vae = TAUGHT["VAE"](*parts(), seed=3), vh.VAE(*parts(), seed=3)
    taught = _warmup_weights(taught_vae, TAUGHT["KLWarmup"](3), batch, kl_weight_recorder)
    packaged = _warmup_weights(packaged_vae, vh.KLWarmup(3), batch, kl_weight_recorder)
    np.testing.assert_allclose(taught, [0.0, 1 / 3, 2 / 3, 1.0, 1.0], rtol=1e-6)
    assert taught == packaged
