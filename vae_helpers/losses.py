"""The ELBO's two terms, per example, in nats.

Both functions return one value per example (summed over pixels or latent dimensions), so
that the negative ELBO is ``bernoulli_nll + beta * kl_divergence``, averaged over the batch
only at the very end. They work on NumPy arrays and on tensors (``keras.ops``).
"""

import numpy as np
from keras import ops


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
