"""A conditional VAE: the digit's label goes into the encoder and the decoder.

``ConditionalVAE`` is a :class:`~vae_helpers.models.VAE` whose encoder sees the image and a
one-hot label, and whose decoder sees z and the one-hot label (Sohn et al., 2015). Its
loss is the VAE's own negative ELBO (``VAE.compute_loss``, reused, not copied): the label is
given, not modelled, so z only has to carry what the label does not say, the digit's style.
"""

import keras
import numpy as np
from keras import ops

from .data import NUM_CLASSES
from .models import (
    LOG_VAR_RANGE,
    PACKAGE,
    VAE,
    _dense_stack,
    _encoder_heads,
    _in_batches,
    build_dense_decoder,
)
from .validation import IMAGE_PIXELS, IMAGE_SIDE, as_flat_images, check_latents, like_layout


def check_labels(labels, count, name="labels"):
    """Return ``labels`` as int32 ``(count,)`` if they are integer digits 0-9, else raise."""
    array = np.asarray(labels)
    if array.ndim != 1 or len(array) != count:
        raise ValueError(f"{name} must be a 1-d array of {count} labels; got shape {array.shape}.")
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integers 0-9; got dtype {array.dtype}.")
    if count and (array.min() < 0 or array.max() >= NUM_CLASSES):
        raise ValueError(
            f"{name} must hold integers 0-{NUM_CLASSES - 1}; "
            f"got values in [{array.min()}, {array.max()}]."
        )
    return array.astype(np.int32)


def _with_labels(vectors, labels):
    """Append the one-hot code of ``labels`` to each row of ``vectors`` (a tensor op)."""
    labels = ops.cast(ops.reshape(labels, (-1,)), "int32")
    one_hot = ops.one_hot(labels, NUM_CLASSES, dtype=vectors.dtype)
    return ops.concatenate([vectors, one_hot], axis=-1)


@keras.saving.register_keras_serializable(package=PACKAGE)
class ConditionalVAE(VAE):
    """A VAE conditioned on the digit: call and ``fit`` take ``(images, labels)``.

    ``images`` are ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` in [0, 1] and
    ``labels`` integer digits 0-9. The encoder takes 784 pixels + 10 one-hot inputs, the
    decoder ``latent_dim`` + 10. Calling the model returns the VAE's dict (``logits``,
    ``mean``, ``log_var``, sampled ``z``); the loss and its trackers are the VAE's.
    NumPy methods: :meth:`encode`, :meth:`decode`, :meth:`sample`, :meth:`reconstruct` and
    :meth:`transfer_style` (encode with the true label, decode with another).
    """

    def posterior(self, inputs):
        """Return (mean, log_var) of q(z|x, y) for a batch ``(images, labels)``."""
        images, labels = inputs
        mean, log_var = self.encoder(_with_labels(ops.reshape(images, (-1, IMAGE_PIXELS)), labels))
        return mean, ops.clip(log_var, *LOG_VAR_RANGE)

    def call(self, inputs, training=None):
        mean, log_var = self.posterior(inputs)
        z = self.sampling((mean, log_var))
        logits = self.decoder(_with_labels(z, inputs[1]))
        return {"logits": logits, "mean": mean, "log_var": log_var, "z": z}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        images, _ = x  # the labels condition the model; the images are what it reconstructs
        return super().compute_loss(images, y, y_pred, sample_weight, training)

    def encode(self, x, labels, batch_size=1024):
        """Return the posterior ``(mean, log_var)`` of each image given its label."""
        flat = as_flat_images(x, "x")
        labels = check_labels(labels, len(flat))
        stacked = np.column_stack([flat, labels.astype(np.float32)])
        return _in_batches(
            lambda batch: self.posterior((batch[:, :-1], batch[:, -1])), stacked, batch_size
        )

    def decode(self, z, labels, batch_size=1024):
        """Return pixel probabilities ``(N, 28, 28)`` decoded from ``z`` with ``labels``."""
        z = check_latents(z, self.latent_dim, "z")
        labels = check_labels(labels, len(z))
        stacked = np.column_stack([z, labels.astype(np.float32)])
        (probabilities,) = _in_batches(
            lambda batch: ops.sigmoid(self.decoder(_with_labels(batch[:, :-1], batch[:, -1]))),
            stacked,
            batch_size,
        )
        return probabilities.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)

    def sample(self, labels, seed=None, temperature=1.0):
        """Decode one prior draw z ~ N(0, temperature**2 I) per requested label."""
        if np.size(labels) == 0:
            raise ValueError("labels must request at least one digit; got none.")
        labels = check_labels(labels, np.size(labels))
        rng = np.random.default_rng(seed)
        z = temperature * rng.standard_normal((len(labels), self.latent_dim), dtype=np.float32)
        return self.decode(z, labels)

    def transfer_style(self, x, labels, new_labels):
        """Encode ``x`` given its ``labels`` (posterior mean) and decode with ``new_labels``."""
        mean, _ = self.encode(x, labels)
        return self.decode(mean, check_labels(new_labels, len(mean), "new_labels"))

    def reconstruct(self, x, labels, batch_size=1024):
        """Decode each image's posterior mean with its own label, in the layout of ``x``."""
        mean, _ = self.encode(x, labels, batch_size=batch_size)
        images = self.decode(mean, labels, batch_size=batch_size)
        return like_layout(images.reshape(-1, IMAGE_PIXELS), x)


def build_conditional_vae(latent_dim=2, hidden_units=(512,), beta=1.0, seed=None):
    """A dense conditional VAE: [784 pixels, 10 one-hot] -> 512 -> z; [z, one-hot] -> 784."""
    inputs = keras.Input(shape=(IMAGE_PIXELS + NUM_CLASSES,), name="image_and_label")
    hidden = _dense_stack(inputs, hidden_units, "encoder")
    encoder = _encoder_heads(inputs, hidden, latent_dim, True, "encoder")
    decoder = build_dense_decoder(latent_dim + NUM_CLASSES, tuple(reversed(hidden_units)))
    return ConditionalVAE(encoder, decoder, beta=beta, seed=seed, name="conditional_vae")
