"""Chapter 8 writes the replica-correct VAE; pretending to be one replica of four, on the same
weights, batch and seed, it computes the loss, the sampled z and the gradients of the package's
``vh.DistributedVAE``."""

import types

import numpy as np
import pytest
import tensorflow as tf
from teaching import teaching_namespace

import vae_helpers as vh

TAUGHT = teaching_namespace("08_distributed")
LATENT_DIM, HIDDEN_UNITS = 2, (16,)


@pytest.fixture
def four_replicas(monkeypatch):
    """Each step runs as replica 1 of 4, as a MirroredStrategy's second device would."""
    context = types.SimpleNamespace(num_replicas_in_sync=4, replica_id_in_sync_group=1)
    monkeypatch.setattr(tf.distribute, "get_replica_context", lambda: context)


def _model(model_class, weights):
    encoder = vh.build_dense_encoder(LATENT_DIM, HIDDEN_UNITS)
    decoder = vh.build_dense_decoder(LATENT_DIM, HIDDEN_UNITS)
    encoder.set_weights(weights[0])
    decoder.set_weights(weights[1])
    return model_class(encoder, decoder, seed=3)


def _loss_z_and_gradients(model, x):
    with tf.GradientTape() as tape:
        outputs = model(x)
        loss = model.compute_loss(x=x, y_pred=outputs)
    gradients = tape.gradient(loss, model.trainable_weights)
    return float(loss), outputs["z"], np.concatenate([np.ravel(g) for g in gradients])


def test_replica_vae_computes_what_distributed_vae_computes(four_replicas):
    vh.seed_everything(0)
    source = vh.build_dense_vae(latent_dim=LATENT_DIM, hidden_units=HIDDEN_UNITS, seed=3)
    weights = (source.encoder.get_weights(), source.decoder.get_weights())
    x = (np.random.default_rng(0).random((16, 784)) < 0.3).astype(np.float32)
    loss, z, gradients = _loss_z_and_gradients(_model(TAUGHT["ReplicaVAE"], weights), x)
    twin_loss, twin_z, twin_gradients = _loss_z_and_gradients(_model(vh.DistributedVAE, weights), x)
    np.testing.assert_allclose(loss, twin_loss, rtol=1e-6)
    np.testing.assert_array_equal(z, twin_z)
    np.testing.assert_allclose(gradients, twin_gradients, rtol=1e-5, atol=1e-7)
