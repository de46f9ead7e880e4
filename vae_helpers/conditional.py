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
    build_dense_decoder,
    check_sizes,
    check_vae_settings,
    dense_stack,
    encoder_heads,
    in_batches,
)
from .validation import (
    IMAGE_PIXELS,
    IMAGE_SIDE,
    SEED_RULE,
    as_array,
    as_class_labels,
    as_flat_images,
    check_latents,
    check_scalar,
    is_tensor,
    like_layout,
)


def check_labels(labels, count, name="labels"):
    """Return ``labels`` as int32 ``(count,)`` if they are integer digits 0-9, else raise.

    A ``TypeError`` if they are not an array of integers (floats and bools included), a
    ``ValueError`` if there are not ``count`` of them or one lies outside 0-9.
    """
    name = check_scalar(name, "name", str)
    count = check_scalar(count, "count", int, low=0)
    array = as_class_labels(labels, name, count)
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
    :meth:`transfer_style` (encode with the true label, decode with another), and
    :meth:`sample_posterior`; each takes the labels besides what the ``VAE``'s takes.
    Taught in chapter 5, section "A digit on demand: the conditional VAE".
    """

    takes_labels = True
    label_inputs = NUM_CLASSES

    def posterior(self, inputs):
        """Return (mean, log_var) of q(z|x, y) for a batch ``(images, labels)``.

        Tensors pass as they are; NumPy images and labels are checked.
        """
        if not isinstance(inputs, (tuple, list)) or len(inputs) != 2:
            raise TypeError(f"inputs must be a pair (images, labels); got {type(inputs).__name__}.")
        images, labels = inputs
        if not is_tensor(images):
            images = as_flat_images(images, "inputs[0]")
        if not is_tensor(labels):
            labels = check_labels(labels, len(images), "inputs[1]")
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
        return in_batches(lambda *batch: self.posterior(batch), (flat, labels), batch_size)

    def decode(self, z, labels, batch_size=1024):
        """Return pixel probabilities ``(N, 28, 28)`` decoded from ``z`` with ``labels``."""
        z = check_latents(z, self.latent_dim, "z")
        labels = check_labels(labels, len(z))
        stacked = np.column_stack([z, labels.astype(np.float32)])
        (probabilities,) = in_batches(
            lambda batch: ops.sigmoid(self.decoder(_with_labels(batch[:, :-1], batch[:, -1]))),
            stacked,
            batch_size,
        )
        return probabilities.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)

    def sample(self, labels, seed=None, temperature=1.0):
        """Decode one prior draw z ~ N(0, temperature**2 I) per requested label.

        ``labels`` holds the digits to draw, one image each (not a count, as for ``VAE``).
        """
        requested = as_array(labels, "labels", "a 1-d array of the digits to draw (0-9)", "iu")
        if requested.size == 0:
            raise ValueError("labels must request at least one digit; got none.")
        labels = check_labels(requested, requested.size)
        check_scalar(seed, "seed", int, **SEED_RULE)
        check_scalar(temperature, "temperature", float, low=0)
        rng = np.random.default_rng(seed)
        z = temperature * rng.standard_normal((len(labels), self.latent_dim), dtype=np.float32)
        return self.decode(z, labels)

    def transfer_style(self, x, labels, new_labels):
        """Encode ``x`` given its ``labels`` (posterior mean) and decode with ``new_labels``."""
        new_labels = check_labels(new_labels, len(as_flat_images(x, "x")), "new_labels")
        mean, _ = self.encode(x, labels)
        return self.decode(mean, new_labels)

    def sample_posterior(self, x, labels, num_samples, seed=None):
        """Decode ``num_samples`` draws of z ~ q(z|x, y) per image, each with its own label.

        Returns pixel probabilities of shape ``(N, num_samples, 28, 28)``.
        """
        num_samples = check_scalar(num_samples, "num_samples", int, low=1)
        check_scalar(seed, "seed", int, **SEED_RULE)
        mean, log_var = self.encode(x, labels)
        rng = np.random.default_rng(seed)
        epsilon = rng.standard_normal((len(mean), num_samples, self.latent_dim), dtype=np.float32)
        z = mean[:, None] + np.exp(0.5 * log_var)[:, None] * epsilon
        each_label = np.repeat(check_labels(labels, len(mean)), num_samples)
        images = self.decode(z.reshape(-1, self.latent_dim), each_label)
        return images.reshape(len(mean), num_samples, IMAGE_SIDE, IMAGE_SIDE)

    def reconstruct(self, x, labels, batch_size=1024):
        """Decode each image's posterior mean with its own label, in the layout of ``x``."""
        mean, _ = self.encode(x, labels, batch_size=batch_size)
        images = self.decode(mean, labels, batch_size=batch_size)
        return like_layout(images.reshape(-1, IMAGE_PIXELS), x)


def build_conditional_vae(latent_dim=2, hidden_units=(512,), beta=1.0, seed=None):
    """A dense conditional VAE: [784 pixels, 10 one-hot] -> 512 -> z; [z, one-hot] -> 784.

    Taught in chapter 5, section "A digit on demand: the conditional VAE".
    """
    latent_dim, hidden_units = check_sizes(latent_dim, hidden_units)
    check_vae_settings(beta, seed)
    inputs = keras.Input(shape=(IMAGE_PIXELS + NUM_CLASSES,), name="image_and_label")
    hidden = dense_stack(inputs, hidden_units, "encoder")
    encoder = encoder_heads(inputs, hidden, latent_dim, True, "encoder")
    decoder = build_dense_decoder(latent_dim + NUM_CLASSES, tuple(reversed(hidden_units)))
    return ConditionalVAE(encoder, decoder, beta=beta, seed=seed, name="conditional_vae")
