"""The VAE: a reparameterised ``Sampling`` layer, encoder/decoder builders and ``VAE``.

``VAE`` trains with ``fit`` on the negative ELBO: decoder logits scored by a Bernoulli
log-likelihood summed over pixels, plus ``beta`` times the analytic KL summed over latent
dimensions, averaged over the batch; the :class:`KLWarmup` callback ramps the KL's weight up to
``beta`` over the first epochs. z is sampled in training and in evaluation alike, so
``evaluate`` reports the ELBO itself, not the loss of a deterministic autoencoder.

``Autoencoder`` is that deterministic autoencoder, kept for comparison: the same encoder and
decoder builders without the log-variance head and the KL term. Encoders come dense
(:func:`build_dense_encoder`) or convolutional (:func:`build_conv_encoder`); both take flat
``(N, 784)`` inputs, and every decoder outputs 784 logits.
"""

import keras
import numpy as np
from keras import layers, ops

from .losses import bernoulli_nll, kl_divergence
from .validation import (
    IMAGE_PIXELS,
    IMAGE_SIDE,
    SEED_RULE,
    as_flat_images,
    check_instance,
    check_latents,
    check_scalar,
    check_sequence,
    is_tensor,
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
    Taught in chapter 1, section "The reparameterisation trick as a Keras layer", and chapter 2.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = check_scalar(seed, "seed", int, **SEED_RULE)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def call(self, inputs):
        if not isinstance(inputs, (tuple, list)) or len(inputs) != 2:
            raise TypeError(f"inputs must be a pair (mean, log_var); got {type(inputs).__name__}.")
        mean, log_var = inputs
        if None not in (*mean.shape, *log_var.shape) and tuple(mean.shape) != tuple(log_var.shape):
            raise ValueError(
                "inputs must be a pair (mean, log_var) of the same shape; "
                f"got {tuple(mean.shape)} and {tuple(log_var.shape)}."
            )
        epsilon = keras.random.normal(ops.shape(mean), dtype=mean.dtype, seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def check_sizes(latent_dim, hidden_units, name="model"):
    """Check a builder's ``latent_dim``, ``hidden_units`` and ``name``; return the first two.

    ``hidden_units`` is a list or tuple of positive ints, one per ReLU layer (empty: none).
    """
    check_scalar(name, "name", str)
    latent_dim = check_scalar(latent_dim, "latent_dim", int, low=1)
    return latent_dim, check_sequence(hidden_units, "hidden_units", int, low=1)


def check_vae_settings(beta, seed):
    """Check a VAE's ``beta`` (a number >= 0) and ``seed`` (None or an int); return both."""
    return check_scalar(beta, "beta", float, low=0), check_scalar(seed, "seed", int, **SEED_RULE)


def dense_stack(inputs, hidden_units, prefix):
    """ReLU ``Dense`` layers of ``hidden_units`` units on ``inputs``, named ``prefix_hidden_i``."""
    hidden = inputs
    for index, units in enumerate(hidden_units):
        hidden = layers.Dense(units, activation="relu", name=f"{prefix}_hidden_{index}")(hidden)
    return hidden


def encoder_heads(inputs, hidden, latent_dim, variational, name):
    """(mean, log_var) heads for a VAE's encoder, or one ``code`` head for an autoencoder's."""
    latent_dim = check_scalar(latent_dim, "latent_dim", int, low=1)
    if not check_scalar(variational, "variational", bool):
        return keras.Model(inputs, layers.Dense(latent_dim, name="code")(hidden), name=name)
    mean = layers.Dense(latent_dim, name="z_mean")(hidden)
    log_var = layers.Dense(latent_dim, name="z_log_var")(hidden)
    return keras.Model(inputs, [mean, log_var], name=name)


def build_dense_encoder(latent_dim=40, hidden_units=(512,), name="encoder", variational=True):
    """Dense encoder: flat 784 pixels -> ReLU layers -> (mean, log_var), each ``latent_dim``.

    With ``variational=False`` it has a single ``latent_dim`` output (an autoencoder's code).
    Taught in chapter 2, section "The model, written out".
    """
    latent_dim, hidden_units = check_sizes(latent_dim, hidden_units, name)
    inputs = keras.Input(shape=(IMAGE_PIXELS,), name="image")
    hidden = dense_stack(inputs, hidden_units, "encoder")
    return encoder_heads(inputs, hidden, latent_dim, variational, name)


def build_conv_encoder(latent_dim=40, filters=(16, 32), name="encoder", variational=True):
    """Convolutional encoder: flat 784 pixels -> 28x28x1 -> 3x3 stride-2 ReLU convolutions.

    Each entry of ``filters`` (one or more) adds a ``"same"``-padded convolution with that
    many filters, taking the side s to ceil(s / 2): 28 -> 14 -> 7 -> 4 -> 2 -> 1 -> 1 ...;
    the last feature map is flattened into the (mean, log_var) heads, or into a single code
    with ``variational=False``. The input stays flat, so the encoder drops into ``VAE``.
    Taught in chapter 2, section "A convolutional VAE".
    """
    latent_dim, _ = check_sizes(latent_dim, (), name)
    filters = check_sequence(filters, "filters", int, min_length=1, low=1)
    inputs = keras.Input(shape=(IMAGE_PIXELS,), name="image")
    hidden = layers.Reshape((IMAGE_SIDE, IMAGE_SIDE, 1), name="to_image")(inputs)
    for index, count in enumerate(filters):
        hidden = layers.Conv2D(
            count, 3, strides=2, padding="same", activation="relu", name=f"encoder_conv_{index}"
        )(hidden)
    hidden = layers.Flatten(name="flatten")(hidden)
    return encoder_heads(inputs, hidden, latent_dim, variational, name)


def build_dense_decoder(latent_dim=40, hidden_units=(512,), name="decoder"):
    """Dense decoder: z -> ReLU layers -> 784 Bernoulli logits (no sigmoid: see ``VAE``).

    Taught in chapter 2, section "The model, written out".
    """
    latent_dim, hidden_units = check_sizes(latent_dim, hidden_units, name)
    inputs = keras.Input(shape=(latent_dim,), name="z")
    hidden = dense_stack(inputs, hidden_units, "decoder")
    logits = layers.Dense(IMAGE_PIXELS, name="pixel_logits")(hidden)
    return keras.Model(inputs, logits, name=name)


def build_conv_decoder(latent_dim=40, filters=(32, 64), name="decoder"):
    """Transposed-convolution decoder: z -> a small feature map -> 28x28 logits.

    z -> ReLU Dense -> a ``(side, side, filters[-1])`` map, side = 28 / 2**len(filters) ->
    one 3x3 stride-2 ReLU transposed convolution per entry of ``filters``, in reverse order,
    each doubling the side (7 -> 14 -> 28) -> a 3x3 convolution to one logit per pixel,
    flattened to 784 (no sigmoid: see ``VAE``). ``filters`` has one or two entries, so that
    28 halves evenly. Given :func:`build_conv_encoder`'s ``filters``, it retraces that
    encoder's sides backwards; its default, (32, 64), is not the encoder's (16, 32).
    Taught in chapter 2, section "A convolutional VAE".
    """
    latent_dim, _ = check_sizes(latent_dim, (), name)
    filters = check_sequence(filters, "filters", int, min_length=1, low=1)
    if IMAGE_SIDE % 2 ** len(filters):
        raise ValueError(
            f"filters must have at most 2 entries, so that 28 halves evenly; got {filters!r}."
        )
    side = IMAGE_SIDE // 2 ** len(filters)
    inputs = keras.Input(shape=(latent_dim,), name="z")
    hidden = layers.Dense(side * side * filters[-1], activation="relu", name="decoder_dense")(
        inputs
    )
    hidden = layers.Reshape((side, side, filters[-1]), name="to_feature_map")(hidden)
    for index, count in enumerate(reversed(filters)):
        hidden = layers.Conv2DTranspose(
            count, 3, strides=2, padding="same", activation="relu", name=f"decoder_deconv_{index}"
        )(hidden)
    logits = layers.Conv2D(1, 3, padding="same", name="to_logits")(hidden)
    return keras.Model(inputs, layers.Flatten(name="pixel_logits")(logits), name=name)


def _shapes(tensors):
    return [tuple(tensor.shape[1:]) for tensor in tensors]


def _check_part(part, name, input_size, input_text):
    """Check ``part`` is a keras Model with one flat input of ``input_size`` features.

    Returns the per-example shapes of its outputs.
    """
    check_instance(part, name, keras.Model, "a keras Model")
    try:
        inputs, outputs = part.inputs, part.outputs
    except (AttributeError, ValueError):
        inputs = outputs = None
    if not inputs or not outputs:
        raise ValueError(
            f"{name} must be a functional or Sequential keras Model built on keras.Input, "
            f"whose inputs and outputs are known; got a {type(part).__name__} without them."
        )
    if _shapes(inputs) != [(input_size,)]:
        raise ValueError(
            f"{name} must take one input of {input_size} features ({input_text}); "
            f"got input shapes {_shapes(inputs)}."
        )
    return _shapes(outputs)


def check_parts(encoder, decoder, num_codes, label_inputs=0):
    """Check an encoder and decoder fit together; return the latent size.

    The encoder takes 784 pixels (plus ``label_inputs`` one-hot label entries) and has
    ``num_codes`` outputs of one latent size each: 2 (mean, log_var) for a VAE, 1 (the code)
    for an autoencoder. The decoder takes that latent size (plus the label) and outputs 784
    logits.
    """
    label_text = " and the one-hot label" if label_inputs else ""
    shapes = _check_part(
        encoder, "encoder", IMAGE_PIXELS + label_inputs, "the flat image" + label_text
    )
    wanted = "two outputs, (mean, log_var)," if num_codes == 2 else "one output (the code),"
    if len(shapes) != num_codes or len(set(shapes)) != 1 or len(shapes[0]) != 1:
        example = (
            "build_dense_encoder()" if num_codes == 2 else "build_dense_encoder(variational=False)"
        )
        raise ValueError(
            f"encoder must have {wanted} each of shape (latent_dim,), e.g. {example}; "
            f"got {len(shapes)} outputs of shapes {shapes}."
        )
    latent_dim = shapes[0][0]
    decoder_shapes = _check_part(
        decoder,
        "decoder",
        latent_dim + label_inputs,
        f"z{label_text}, matching the encoder's latent_dim of {latent_dim}",
    )
    if decoder_shapes != [(IMAGE_PIXELS,)]:
        raise ValueError(
            f"decoder must have one output of {IMAGE_PIXELS} pixel logits; "
            f"got output shapes {decoder_shapes}."
        )
    return latent_dim


class _EncoderDecoderModel:
    """What ``VAE`` and ``Autoencoder`` share: NumPy decoding and reconstruction, and the
    ``get_config``/``from_config`` of a model made of ``encoder`` and ``decoder`` models.
    Subclasses define ``_codes(x, batch_size)``, the latent vector each image decodes from.
    """

    def decode(self, z, batch_size=1024):
        """Return the pixel probabilities ``sigmoid(decoder(z))`` as ``(N, 28, 28)`` images."""
        z = check_latents(z, self.latent_dim, "z")
        (probabilities,) = in_batches(self._probabilities, z, batch_size)
        return probabilities.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)

    def _probabilities(self, z):
        return ops.sigmoid(self.decoder(z))

    def reconstruct(self, x, batch_size=1024):
        """Decode each image's code; returns probabilities in the layout of ``x``."""
        codes = self._codes(x, batch_size)
        return like_layout(self.decode(codes, batch_size=batch_size).reshape(-1, IMAGE_PIXELS), x)

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


@keras.saving.register_keras_serializable(package=PACKAGE)
class VAE(_EncoderDecoderModel, keras.Model):
    """A VAE trained on the negative ELBO (in nats per image) with ``fit``.

    ``fit(x)`` reconstructs ``x``; ``fit(x_noisy, x_clean)`` scores reconstructions of the
    inputs against the targets (denoising). Images may be ``(N, 784)``, ``(N, 28, 28)`` or
    ``(N, 28, 28, 1)`` in [0, 1]. Tracks ``loss`` (negative ELBO, or the weighted objective
    while the KL's weight is not 1), ``reconstruction`` (-E log p(x|z)) and ``kl``. That
    weight is ``kl_weight``, a non-trainable variable that starts at ``beta``;
    :class:`KLWarmup` changes it between epochs without a retrace.

    Calling the model returns a dict with ``logits``, ``mean``, ``log_var`` and ``z``; use
    :meth:`reconstruct`, :meth:`encode`, :meth:`decode` and :meth:`sample` for NumPy work.

    ``encoder`` maps flat 784-pixel images to ``(mean, log_var)``, two outputs of
    ``latent_dim`` each; ``decoder`` maps ``latent_dim`` to 784 logits. Both are checked.
    Taught in chapter 2, section "The model, written out"; chapter 3 writes its loss three ways.
    """

    takes_labels = False  # whether encode, decode, reconstruct and sample take labels
    label_inputs = 0  # one-hot label entries the encoder and decoder take besides x and z

    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = int(check_parts(encoder, decoder, 2, self.label_inputs))
        self.beta, self.seed = check_vae_settings(beta, seed)
        self.kl_weight = keras.Variable(self.beta, trainable=False, name="kl_weight")
        self.encoder = encoder
        self.decoder = decoder
        self.sampling = Sampling(seed=self.seed, name="sampling")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    def posterior(self, x):
        """Return (mean, log_var) of q(z|x) for a batch of images, log_var clipped finite.

        ``x`` is a tensor, or NumPy images (checked) in any accepted layout.
        """
        if not is_tensor(x):
            x = as_flat_images(x, "x")
        mean, log_var = self.encoder(ops.reshape(x, (-1, IMAGE_PIXELS)))
        return mean, ops.clip(log_var, *LOG_VAR_RANGE)

    def call(self, inputs, training=None):
        mean, log_var = self.posterior(inputs)
        z = self.sampling((mean, log_var))
        return {"logits": self.decoder(z), "mean": mean, "log_var": log_var, "z": z}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        _refuse_sample_weight(sample_weight)
        target = ops.reshape(x if y is None else y, (-1, IMAGE_PIXELS))
        reconstruction = ops.mean(bernoulli_nll(target, y_pred["logits"]))
        kl = ops.mean(kl_divergence(y_pred["mean"], y_pred["log_var"]))
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return reconstruction + ops.cast(self.kl_weight, kl.dtype) * kl

    def encode(self, x, batch_size=1024):
        """Return the posterior ``(mean, log_var)`` of each image as NumPy arrays."""
        flat = as_flat_images(x, "x")
        return in_batches(self.posterior, flat, batch_size)

    def _codes(self, x, batch_size):
        return self.encode(x, batch_size=batch_size)[0]  # reconstruct from the posterior mean

    def sample(self, num_samples, seed=None, temperature=1.0):
        """Decode ``num_samples`` draws from the prior N(0, temperature**2 I) to images.

        ``temperature`` >= 0 scales the draws (0 decodes the prior mean).
        """
        num_samples = check_scalar(num_samples, "num_samples", int, low=1)
        check_scalar(seed, "seed", int, **SEED_RULE)
        check_scalar(temperature, "temperature", float, low=0)
        rng = np.random.default_rng(seed)
        z = temperature * rng.standard_normal((num_samples, self.latent_dim), dtype=np.float32)
        return self.decode(z)

    def sample_posterior(self, x, num_samples, seed=None):
        """Decode ``num_samples`` draws of z ~ q(z|x) for each image of ``x``.

        Returns pixel probabilities of shape ``(N, num_samples, 28, 28)``: the spread of
        images the model finds plausible for each input (e.g. each noisy digit).
        """
        num_samples = check_scalar(num_samples, "num_samples", int, low=1)
        check_scalar(seed, "seed", int, **SEED_RULE)
        mean, log_var = self.encode(x)
        rng = np.random.default_rng(seed)
        epsilon = rng.standard_normal((len(mean), num_samples, self.latent_dim), dtype=np.float32)
        z = mean[:, None] + np.exp(0.5 * log_var)[:, None] * epsilon
        images = self.decode(z.reshape(-1, self.latent_dim))
        return images.reshape(len(mean), num_samples, IMAGE_SIDE, IMAGE_SIDE)

    def get_config(self):
        return {**super().get_config(), "beta": self.beta, "seed": self.seed}


class KLWarmup(keras.callbacks.Callback):
    """KL warm-up (Bowman et al. 2016; Sonderby et al. 2016): at the start of epoch ``e``
    (counted from 0) the model's ``kl_weight`` is ``beta * min(1, e / epochs)``, rising from 0
    to the model's ``beta`` over the first ``epochs`` epochs.

    The model is a :class:`VAE` (or subclass). While the weight is below ``beta``, ``loss``
    is the weighted objective, not the negative ELBO. Taught in chapter 2, section "Training".
    """

    def __init__(self, epochs):
        super().__init__()
        self.epochs = check_scalar(epochs, "epochs", int, low=1)

    def on_train_begin(self, logs=None):
        check_instance(self.model, "the model KLWarmup is used with", VAE, "a vae_helpers.VAE")

    def on_epoch_begin(self, epoch, logs=None):
        self.model.kl_weight.assign(self.model.beta * min(1.0, epoch / self.epochs))


def _refuse_sample_weight(sample_weight):
    if sample_weight is not None:
        raise ValueError(
            "sample_weight is not supported: the loss is the batch mean of each image's "
            "negative ELBO (or reconstruction term), every image weighing the same; "
            f"got {type(sample_weight).__name__}. Repeat or subsample images instead."
        )


def in_batches(function, arrays, batch_size):
    """Apply ``function`` to ``batch_size`` rows at a time; returns a tuple of NumPy arrays.

    ``arrays`` is one array, or a tuple of equally long arrays whose batches are passed as
    separate arguments; ``function`` returns one tensor or a tuple of them.
    """
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    arrays = arrays if isinstance(arrays, tuple) else (arrays,)
    parts = []
    for start in range(0, len(arrays[0]), batch_size):
        outputs = function(*(array[start : start + batch_size] for array in arrays))
        outputs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
        parts.append([ops.convert_to_numpy(output) for output in outputs])
    return tuple(np.concatenate(column) for column in zip(*parts))


def build_dense_vae(latent_dim=40, hidden_units=(512,), beta=1.0, seed=None):
    """The book's dense VAE (784-512-``latent_dim`` by default, mirrored decoder)."""
    latent_dim, hidden_units = check_sizes(latent_dim, hidden_units)
    check_vae_settings(beta, seed)
    encoder = build_dense_encoder(latent_dim, hidden_units)
    decoder = build_dense_decoder(latent_dim, tuple(reversed(hidden_units)))
    return VAE(encoder, decoder, beta=beta, seed=seed, name="vae")


def build_conv_vae(latent_dim=40, filters=(16, 32), hidden_units=(512,), beta=1.0, seed=None):
    """A VAE with a convolutional encoder and a dense decoder (not a convolutional one).

    The encoder is :func:`build_conv_encoder` with ``filters``; the decoder is
    :func:`build_dense_decoder` with ``hidden_units`` reversed (``latent_dim``-512-784 by
    default). The chapters' convolutional VAE pairs :func:`build_conv_encoder` with
    :func:`build_conv_decoder` in ``VAE`` instead.
    """
    latent_dim, hidden_units = check_sizes(latent_dim, hidden_units)
    check_vae_settings(beta, seed)
    encoder = build_conv_encoder(latent_dim, filters)
    decoder = build_dense_decoder(latent_dim, tuple(reversed(hidden_units)))
    return VAE(encoder, decoder, beta=beta, seed=seed, name="conv_vae")


@keras.saving.register_keras_serializable(package=PACKAGE)
class Autoencoder(_EncoderDecoderModel, keras.Model):
    """A deterministic autoencoder: code = encoder(x), logits = decoder(code).

    Trained with ``fit`` on the Bernoulli reconstruction term alone (per-example sum over
    pixels, in nats, averaged over the batch), with no KL term and no sampling; otherwise it
    follows ``VAE``: ``fit(x_noisy, x_clean)`` denoises, the encoder takes flat images, and
    :meth:`encode`, :meth:`decode` and :meth:`reconstruct` work on NumPy arrays in any of
    the layouts ``(N, 784)``, ``(N, 28, 28)``, ``(N, 28, 28, 1)``.
    """

    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = int(check_parts(encoder, decoder, 1))
        self.encoder = encoder
        self.decoder = decoder

    def call(self, inputs, training=None):
        return self.decoder(self.encoder(ops.reshape(inputs, (-1, IMAGE_PIXELS))))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        _refuse_sample_weight(sample_weight)
        target = ops.reshape(x if y is None else y, (-1, IMAGE_PIXELS))
        return ops.mean(bernoulli_nll(target, y_pred))

    def encode(self, x, batch_size=1024):
        """Return each image's code as a NumPy array ``(N, latent_dim)``."""
        flat = as_flat_images(x, "x")
        (codes,) = in_batches(self.encoder, flat, batch_size)
        return codes

    _codes = encode


def build_dense_autoencoder(latent_dim=40, hidden_units=(512,)):
    """The dense VAE's deterministic twin: the same layers without the log-variance head."""
    latent_dim, hidden_units = check_sizes(latent_dim, hidden_units)
    encoder = build_dense_encoder(latent_dim, hidden_units, variational=False)
    decoder = build_dense_decoder(latent_dim, tuple(reversed(hidden_units)))
    return Autoencoder(encoder, decoder, name="autoencoder")
