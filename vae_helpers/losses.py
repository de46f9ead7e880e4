"""The ELBO's two terms, per example, in nats, and the importance-weighted bound.

Both terms return one value per example (summed over pixels or latent dimensions), so
that the negative ELBO is ``bernoulli_nll + beta * kl_divergence``, averaged over the batch
only at the very end. They work on NumPy arrays and on tensors (``keras.ops``).
:func:`importance_weighted_nll` tightens the ELBO towards ``-log p(x)`` for a trained model.
"""

import keras
import numpy as np
from keras import ops

from .validation import as_flat_images, check_positive_int


def _same_shape_tensors(first, second, names):
    """Convert both to float32 tensors; raise a ValueError if their known shapes differ."""
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
    """
    mean, log_var = _same_shape_tensors(mean, log_var, ("mean", "log_var"))
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)


def bernoulli_nll(x, logits):
    """-log p(x | logits) under independent Bernoulli pixels, summed per example.

    ``x`` and ``logits`` share a shape whose first axis is the batch; the sum runs over all
    other axes. Computed from logits (``log(1 + exp(-|l|))`` form), so it stays finite where
    a sigmoid would round to 0 or 1.
    """
    x, logits = _same_shape_tensors(x, logits, ("x", "logits"))
    per_pixel = ops.binary_crossentropy(x, logits, from_logits=True)
    return ops.sum(ops.reshape(per_pixel, (ops.shape(per_pixel)[0], -1)), axis=-1)


def monte_carlo_kl(mean, log_var, num_samples, seed=None):
    """Estimate KL( N(mean, exp(log_var)) || N(0, I) ) by sampling z ~ q, per example.

    Returns the average of ``log q(z) - log p(z)`` over ``num_samples`` draws for each row;
    it converges to :func:`kl_divergence`, which chapter 1 checks.
    """
    mean = np.asarray(mean, dtype=np.float64)
    log_var = np.asarray(log_var, dtype=np.float64)
    if mean.shape != log_var.shape or mean.ndim != 2:
        raise ValueError(
            "mean and log_var must share a shape (N, latent_dim); "
            f"got {mean.shape} and {log_var.shape}."
        )
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

    ``model`` is a :class:`~vae_helpers.VAE` (anything with ``posterior(x)`` returning
    ``(mean, log_var)`` and a ``decoder`` returning Bernoulli logits). ``x`` holds images
    in [0, 1] as ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``. At most
    ``batch_size`` (image, sample) pairs are decoded at once: several images per pass when
    ``k`` is small, one image's samples split over several passes when ``k`` is large, so
    memory does not grow with ``k``. Returns a NumPy float64 array of N values.
    """
    if not (hasattr(model, "posterior") and hasattr(model, "decoder")):
        raise TypeError(
            "model must be a vae_helpers.VAE (with posterior() and decoder); "
            f"got {type(model).__name__}."
        )
    flat = as_flat_images(x, "x")
    num_samples = check_positive_int(num_samples, "num_samples")
    batch_size = check_positive_int(batch_size, "batch_size")
    images_per_pass = max(1, batch_size // num_samples)
    samples_per_pass = min(num_samples, batch_size)
    seed_generator = keras.random.SeedGenerator(seed)
    results = []
    for start in range(0, len(flat), images_per_pass):
        images = flat[start : start + images_per_pass]
        mean, log_var = model.posterior(images)
        total = np.full(len(images), -np.inf)
        for done in range(0, num_samples, samples_per_pass):
            count = min(samples_per_pass, num_samples - done)
            log_weights = _log_importance_weights(
                model.decoder, images, mean, log_var, count, seed_generator
            )
            total = np.logaddexp(total, ops.convert_to_numpy(ops.logsumexp(log_weights, axis=1)))
        results.append(np.log(num_samples) - total)
    return np.concatenate(results)


def _log_importance_weights(decoder, images, mean, log_var, count, seed_generator):
    """``log p(x|z) + log p(z) - log q(z|x)`` for ``count`` draws per image: (images, count)."""
    num_images, latent_dim = ops.shape(mean)
    epsilon = keras.random.normal((num_images, count, latent_dim), seed=seed_generator)
    z = mean[:, None, :] + ops.exp(0.5 * log_var)[:, None, :] * epsilon
    logits = decoder(ops.reshape(z, (-1, latent_dim)))
    targets = ops.repeat(images, count, axis=0)  # image i's row for each of its draws
    log_likelihood = -ops.reshape(bernoulli_nll(targets, logits), (num_images, count))
    # log p(z) - log q(z|x): the Gaussians' log(2 pi) terms cancel, and z - mean = sigma * eps.
    log_ratio = -0.5 * ops.sum(ops.square(z) - ops.square(epsilon) - log_var[:, None, :], axis=-1)
    return log_likelihood + log_ratio
