"""Measurements of a trained VAE beyond its loss.

:func:`active_units` counts the latent dimensions a model actually uses (Burda et al., 2016).
"""

import numpy as np

from .validation import as_flat_images


def active_units(model, x, threshold=0.01, return_variances=False):
    """Count the latent units whose posterior mean varies with the input.

    Unit ``u`` is *active* when ``Var_x(E_q[z_u | x]) > threshold`` over the images ``x``
    (Burda et al., 2016, use 0.01). An inactive unit's posterior mean is the same for every
    image, so it carries no information about ``x``: the KL term has pushed it onto the prior
    (posterior collapse) or the encoder ignores it.

    ``model`` is a :class:`~vae_helpers.VAE`; ``x`` holds at least two images in [0, 1] as
    ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``. Returns the count (an ``int``), or
    ``(count, variances)`` with the per-unit variances when ``return_variances`` is true.
    """
    flat = as_flat_images(x, "x")
    if len(flat) < 2:
        raise ValueError(f"x must hold at least two images to measure a variance; got {len(flat)}.")
    if isinstance(threshold, bool) or not np.isfinite(threshold) or threshold < 0:
        raise ValueError(f"threshold must be a finite number >= 0; got {threshold!r}.")
    mean, _ = model.encode(flat)
    variances = np.var(mean.astype(np.float64), axis=0)
    count = int(np.count_nonzero(variances > threshold))
    return (count, variances) if return_variances else count
