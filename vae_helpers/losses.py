"""The ELBO's two terms, per example, in nats, and the importance-weighted bound.

Both terms return one value per example (summed over pixels or latent dimensions), so
that the negative ELBO is ``bernoulli_nll + beta * kl_divergence``, averaged over the batch
only at the very end. They work on NumPy arrays and on tensors (``keras.ops``).
:func:`importance_weighted_nll` tightens the ELBO towards ``-log p(x)`` for a trained model.
"""

import keras
import numpy as np
from keras import ops

from .backend import compiled_for
from .validation import SEED_RULE, as_array, as_flat_images, check_model, check_scalar, is_tensor

_NUMBERS = (("float", "int", "uint"), "a numeric array or tensor")
_PIXELS = (("float", "bool"), "an array or tensor of float pixel values in [0, 1]")


def _checked(value, name, kinds, expected):
    """A tensor whose dtype is one of ``kinds``, or a checked non-empty, finite NumPy array.

    NumPy pixel targets (``_PIXELS``) must also lie in [0, 1] and not be integers.
    """
    if is_tensor(value):
        dtype = ops.dtype(value)
        mixed_precision = ("bfloat16",) if "float" in kinds else ()  # computed in float32 below
        if not dtype.startswith(kinds + mixed_precision):
            raise TypeError(f"{name} must be {expected}; got a tensor of dtype {dtype}.")
        return value
    array = as_array(value, name, expected, "biuf")
    if array.dtype.kind not in "".join(kind[0] for kind in kinds):
        hint = f" Divide 0-255 pixels by 255 ({name} / 255.0)." if "bool" in kinds else ""
        raise TypeError(f"{name} must be {expected}; got an array of dtype {array.dtype}.{hint}")
    if array.size == 0:
        raise ValueError(f"{name} must hold at least one value; got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite; got NaN or infinite values.")
    if "bool" in kinds and (array.min() < 0 or array.max() > 1):
        raise ValueError(
            f"{name} must hold values in [0, 1]; "
            f"got values in [{float(array.min()):g}, {float(array.max()):g}]."
        )
    return array.astype(np.float32) if array.dtype.kind == "b" else array


def _same_shape_tensors(first, second, names, first_check=_NUMBERS):
    """Check both (dtype; for NumPy input also size, finiteness and range) and convert them
    to float32 tensors; raise a ValueError if their known shapes differ."""
    first = _checked(first, names[0], *first_check)
    second = _checked(second, names[1], *_NUMBERS)
    first = ops.convert_to_tensor(first, dtype="float32")
    second = ops.convert_to_tensor(second, dtype="float32")
    if tuple(first.shape) != tuple(second.shape) and None not in (*first.shape, *second.shape):
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape; "
            f"got {tuple(first.shape)} and {tuple(second.shape)}."
        )
    return first, second


def kl_divergence(mean, log_var):
    """KL( N(mean, exp(log_var)) || N(0, I) ), summed over the last axis.

    Closed form: ``-0.5 * sum(1 + log_var - mean**2 - exp(log_var))``.
    Taught in chapter 1, section "The Gaussian KL in closed form".
    """
    mean, log_var = _same_shape_tensors(mean, log_var, ("mean", "log_var"))
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)


def bernoulli_nll(x, logits):
    """-log p(x | logits) under independent Bernoulli pixels, summed per example.

    ``x`` and ``logits`` share a shape whose first axis is the batch; the sum runs over all
    other axes. Computed from logits (``log(1 + exp(-|l|))`` form), so it stays finite where
    a sigmoid would round to 0 or 1.
    Taught in chapter 3, section "The correct loss, three ways".
    """
    x, logits = _same_shape_tensors(x, logits, ("x", "logits"), _PIXELS)
    per_pixel = ops.binary_crossentropy(x, logits, from_logits=True)
    return ops.sum(ops.reshape(per_pixel, (ops.shape(per_pixel)[0], -1)), axis=-1)


def monte_carlo_kl(mean, log_var, num_samples, seed=None):
    """Estimate KL( N(mean, exp(log_var)) || N(0, I) ) by sampling z ~ q, per example.

    Returns the average of ``log q(z) - log p(z)`` over ``num_samples`` draws for each row;
    it converges to :func:`kl_divergence`, which chapter 1 checks.
    """
    mean = as_array(mean, "mean", "a numeric array (N, latent_dim)", "iuf").astype(np.float64)
    log_var = as_array(log_var, "log_var", "a numeric array (N, latent_dim)", "iuf")
    log_var = log_var.astype(np.float64)
    if mean.shape != log_var.shape or mean.ndim != 2 or mean.size == 0:
        raise ValueError(
            "mean and log_var must share a non-empty shape (N, latent_dim); "
            f"got {mean.shape} and {log_var.shape}."
        )
    for array, name in ((mean, "mean"), (log_var, "log_var")):
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} must be finite; got NaN or infinite values.")
    num_samples = check_scalar(num_samples, "num_samples", int, low=1)
    check_scalar(seed, "seed", int, **SEED_RULE)
    rng = np.random.default_rng(seed)
    epsilon = rng.standard_normal((num_samples,) + mean.shape)
    z = mean + np.exp(0.5 * log_var) * epsilon
    log_q = -0.5 * (np.log(2 * np.pi) + log_var + epsilon**2)
    log_p = -0.5 * (np.log(2 * np.pi) + z**2)
    return (log_q - log_p).sum(axis=-1).mean(axis=0)


def importance_weighted_nll(model, x, num_samples, batch_size=16_384, seed=None):
    """Estimate -log p(x) per image, in nats, with the importance-weighted bound.

    For each image this is ``-log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x)`` with
    ``z_1..z_k ~ q(z|x)`` and ``k = num_samples`` (Burda et al., 2016). Its expectation is an
    upper bound on ``-log p(x)`` that falls towards it as ``k`` grows; ``k = 1`` gives a
    one-sample estimate of the negative ELBO. The mean over the k weights is taken in log
    space (log-sum-exp), so no weight is ever exponentiated.

    ``model`` is a :class:`~vae_helpers.VAE` (not a conditional one: no labels are passed),
    whose ``decoder`` returns Bernoulli logits. ``x`` holds images
    in [0, 1] as ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``. At most
    ``batch_size`` (image, sample) pairs are decoded at once: several images per pass when
    ``k`` is small, one image's samples split over several passes when ``k`` is large, so
    memory does not grow with ``k``. Returns a NumPy float64 array of N values.
    Taught in chapter 3, section "How good is the model really? The importance-weighted bound".
    """
    from .models import VAE  # here, not at the top: the models module imports this one

    check_model(model, "model", (VAE,))
    flat = as_flat_images(x, "x")
    num_samples = check_scalar(num_samples, "num_samples", int, low=1)
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    seed = check_scalar(seed, "seed", int, **SEED_RULE)  # a NumPy int becomes a Python int
    # Every pass has the same shapes, so the compiled function is traced once per model: a
    # short last group of images is padded with blank ones, a short last group of draws with
    # zero noise whose weights the function masks out.
    images_per_pass = min(len(flat), max(1, batch_size // num_samples))
    samples_per_pass = min(num_samples, batch_size)
    seed_generator = keras.random.SeedGenerator(seed)
    log_sum_of_weights = compiled_for(model.decoder, _log_sum_of_weights)
    # the decoder's weights go in as arguments: a compiled function that read them itself
    # would keep the values of its first trace on JAX, and score a model trained since with them
    weights = tuple(
        [variable.value for variable in variables]
        for variables in (model.decoder.trainable_variables, model.decoder.non_trainable_variables)
    )
    results = []
    for start in range(0, len(flat), images_per_pass):
        chunk = flat[start : start + images_per_pass]
        num_images = len(chunk)
        images = ops.convert_to_tensor(np.pad(chunk, [(0, images_per_pass - num_images), (0, 0)]))
        mean, log_var = model.posterior(images)
        latent_dim = ops.shape(mean)[1]
        total = np.full(num_images, -np.inf)
        for done in range(0, num_samples, samples_per_pass):
            count = min(samples_per_pass, num_samples - done)
            epsilon = keras.random.normal((num_images, count, latent_dim), seed=seed_generator)
            epsilon = ops.pad(
                epsilon, [[0, images_per_pass - num_images], [0, samples_per_pass - count], [0, 0]]
            )
            count_tensor = ops.convert_to_tensor(count, "int32")  # a tensor: no retrace per value
            part = log_sum_of_weights(weights, images, mean, log_var, epsilon, count_tensor)
            total = np.logaddexp(total, ops.convert_to_numpy(part)[:num_images])
        results.append(np.log(num_samples) - total)
    return np.concatenate(results)


def _log_sum_of_weights(decoder):
    """A function of ``(weights, images, mean, log_var, epsilon, count)`` with ``epsilon`` of
    shape (images, draws, latent): ``log sum_i w_i`` per image over its first ``count`` draws,
    where ``log w_i = log p(x|z_i) + log p(z_i) - log q(z_i|x)`` and ``z_i = mean + sigma *
    epsilon_i``, decoded with ``weights``, the values of the decoder's (trainable,
    non-trainable) variables; compiled, so one call decodes and scores all the draws."""

    def log_sum_of_weights(weights, images, mean, log_var, epsilon, count):
        num_images, draws, latent_dim = ops.shape(epsilon)
        z = mean[:, None, :] + ops.exp(0.5 * log_var)[:, None, :] * epsilon
        logits, _ = decoder.stateless_call(*weights, ops.reshape(z, (-1, latent_dim)))
        # image i's pixels for each of its draws (a broadcast, not a copy, once compiled)
        targets = ops.broadcast_to(images[:, None, :], (num_images, draws, ops.shape(images)[1]))
        targets = ops.reshape(targets, ops.shape(logits))
        log_likelihood = -ops.reshape(bernoulli_nll(targets, logits), (num_images, draws))
        # log p(z) - log q(z|x): the Gaussians' log(2 pi) terms cancel, and z - mean = sigma * eps
        log_ratio = -0.5 * ops.sum(
            ops.square(z) - ops.square(epsilon) - log_var[:, None, :], axis=-1
        )
        counted = ops.arange(draws)[None, :] < count
        return ops.logsumexp(ops.where(counted, log_likelihood + log_ratio, -np.inf), axis=1)

    return log_sum_of_weights
