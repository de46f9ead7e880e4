"""The dense VAE: a reparameterised ``Sampling`` layer, encoder/decoder builders and ``VAE``.

``VAE`` trains with ``fit`` on the negative ELBO: decoder logits scored by a Bernoulli
log-likelihood summed over pixels, plus ``beta`` times the analytic KL summed over latent
dimensions, averaged over the batch. z is sampled in training and in evaluation alike, so
``evaluate`` reports the ELBO itself, not the loss of a deterministic autoencoder.
"""

import keras
import numpy as np
from keras import layers, ops

from .losses import bernoulli_nll, kl_divergence
from .validation import (
    IMAGE_PIXELS,
    IMAGE_SIDE,
    as_flat_images,
    check_latents,
    check_positive_int,
    like_layout,
)

# log-variance is clipped to this range, so exp(log_var) never overflows float32 nor hits 0.
LOG_VAR_RANGE = (-20.0, 20.0)
PACKAGE = "vae_helpers"


@keras.saving.register_keras_serializable(package=PACKAGE)
class Sampling(layers.Layer):
    """Draws ``z = mean + exp(log_var / 2) * eps`` with ``eps ~ N(0, I)``.

    Called on ``(mean, log_var)``; gradients flow to both (reparameterisation trick).
    Its randomness comes from a ``keras.random.SeedGenerator``, so a seed makes it repeatable.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mean, log_var = inputs
        epsilon = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def _dense_stack(inputs, hidden_units, prefix):
    hidden = inputs
    for index, units in enumerate(hidden_units):
        hidden = layers.Dense(units, activation="relu", name=f"{prefix}_hidden_{index}")(hidden)
    return hidden


def build_dense_encoder(latent_dim=40, hidden_units=(512,), name="encoder"):
    """Dense encoder: flat 784 pixels -> ReLU layers -> (mean, log_var), each ``latent_dim``."""
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    inputs = keras.Input(shape=(IMAGE_PIXELS,), name="image")
    hidden = _dense_stack(inputs, hidden_units, "encoder")
    mean = layers.Dense(latent_dim, name="z_mean")(hidden)
    log_var = layers.Dense(latent_dim, name="z_log_var")(hidden)
    return keras.Model(inputs, [mean, log_var], name=name)


def build_dense_decoder(latent_dim=40, hidden_units=(512,), name="decoder"):
    """Dense decoder: z -> ReLU layers -> 784 Bernoulli logits (no sigmoid: see ``VAE``)."""
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    inputs = keras.Input(shape=(latent_dim,), name="z")
    hidden = _dense_stack(inputs, hidden_units, "decoder")
    logits = layers.Dense(IMAGE_PIXELS, name="pixel_logits")(hidden)
    return keras.Model(inputs, logits, name=name)


@keras.saving.register_keras_serializable(package=PACKAGE)
class VAE(keras.Model):
    """A VAE trained on the negative ELBO (in nats per image) with ``fit``.

    ``fit(x)`` reconstructs ``x``; ``fit(x_noisy, x_clean)`` scores reconstructions of the
    inputs against the targets (denoising). Images may be ``(N, 784)``, ``(N, 28, 28)`` or
    ``(N, 28, 28, 1)`` in [0, 1]. Tracks ``loss`` (negative ELBO, or the beta-weighted
    objective when ``beta != 1``), ``reconstruction`` (-E log p(x|z)) and ``kl``.

    Calling the model returns a dict with ``logits``, ``mean``, ``log_var`` and ``z``; use
    :meth:`reconstruct`, :meth:`encode`, :meth:`decode` and :meth:`sample` for NumPy work.
    """

    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not np.isfinite(beta) or beta < 0:
            raise ValueError(f"beta must be a finite number >= 0; got {beta!r}.")
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.seed = seed
        self.latent_dim = int(encoder.outputs[0].shape[-1])
        self.sampling = Sampling(seed=seed, name="sampling")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    def posterior(self, x):
        """Return (mean, log_var) of q(z|x) for a batch tensor, log_var clipped finite."""
        mean, log_var = self.encoder(ops.reshape(x, (-1, IMAGE_PIXELS)))
        return mean, ops.clip(log_var, *LOG_VAR_RANGE)

    def call(self, inputs, training=None):
        mean, log_var = self.posterior(inputs)
        z = self.sampling((mean, log_var))
        return {"logits": self.decoder(z), "mean": mean, "log_var": log_var, "z": z}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        target = ops.reshape(x if y is None else y, (-1, IMAGE_PIXELS))
        reconstruction = ops.mean(bernoulli_nll(target, y_pred["logits"]))
        kl = ops.mean(kl_divergence(y_pred["mean"], y_pred["log_var"]))
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return reconstruction + self.beta * kl

    def encode(self, x, batch_size=1024):
        """Return the posterior ``(mean, log_var)`` of each image as NumPy arrays."""
        flat = as_flat_images(x, "x")
        return _in_batches(self.posterior, flat, batch_size)

    def decode(self, z, batch_size=1024):
        """Return the pixel probabilities ``sigmoid(decoder(z))`` as ``(N, 28, 28)`` images."""
        z = check_latents(z, self.latent_dim, "z")
        (probabilities,) = _in_batches(
            lambda batch: ops.sigmoid(self.decoder(batch)), z, batch_size
        )
        return probabilities.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)

    def reconstruct(self, x, batch_size=1024):
        """Decode each image's posterior mean; returns probabilities in the layout of ``x``."""
        mean, _ = self.encode(x, batch_size=batch_size)
        return like_layout(self.decode(mean, batch_size=batch_size).reshape(-1, IMAGE_PIXELS), x)

    def sample(self, num_samples, seed=None, temperature=1.0):
        """Decode ``num_samples`` draws from the prior N(0, temperature**2 I) to images."""
        num_samples = check_positive_int(num_samples, "num_samples")
        rng = np.random.default_rng(seed)
        z = temperature * rng.standard_normal((num_samples, self.latent_dim), dtype=np.float32)
        return self.decode(z)

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


def _in_batches(function, array, batch_size):
    """Apply ``function`` (one tensor or a tuple out) to ``array`` in batches; NumPy results."""
    batch_size = check_positive_int(batch_size, "batch_size")
    parts = []
    for start in range(0, len(array), batch_size):
        outputs = function(array[start : start + batch_size])
        outputs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
        parts.append([ops.convert_to_numpy(output) for output in outputs])
    return tuple(np.concatenate(column) for column in zip(*parts))


def build_dense_vae(latent_dim=40, hidden_units=(512,), beta=1.0, seed=None):
    """The book's dense VAE (784-512-``latent_dim`` by default, mirrored decoder)."""
    encoder = build_dense_encoder(latent_dim, hidden_units)
    decoder = build_dense_decoder(latent_dim, tuple(reversed(hidden_units)))
    return VAE(encoder, decoder, beta=beta, seed=seed, name="vae")
