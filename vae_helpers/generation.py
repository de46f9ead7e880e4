"""Walking the latent space: linear and spherical interpolation, and the inverse-CDF grid.

A grid evenly spaced in z crowds the prior's tails; :func:`normal_grid` spaces its points
evenly in *probability* instead, through the Normal inverse CDF, so each cell of the grid
holds the same prior mass.
"""

import numpy as np
from scipy import stats

from .validation import as_array, check_scalar

# Below this sin(angle), two directions count as parallel and slerp falls back to lerp.
_PARALLEL = 1e-6


def _endpoints(start, end):
    start = as_array(start, "start", "a 1-d numeric vector", "iuf").astype(np.float64)
    end = as_array(end, "end", "a 1-d numeric vector", "iuf").astype(np.float64)
    if start.ndim != 1 or start.shape != end.shape or start.size == 0:
        raise ValueError(
            "start and end must be 1-d vectors of the same length; "
            f"got shapes {start.shape} and {end.shape}."
        )
    if not (np.all(np.isfinite(start)) and np.all(np.isfinite(end))):
        raise ValueError("start and end must be finite; got NaN or infinite values.")
    return start, end


def _fractions(steps):
    """``steps`` evenly spaced fractions from 0 to 1 inclusive, as a column."""
    steps = check_scalar(steps, "steps", int, low=2)
    return np.linspace(0.0, 1.0, steps)[:, None]


def lerp(start, end, steps):
    """``steps`` points on the straight line from ``start`` to ``end`` (both included).

    ``start`` and ``end`` are 1-d vectors of equal length; returns float32 ``(steps, d)``.
    Taught in chapter 5, section "Interpolation".
    """
    start, end = _endpoints(start, end)
    t = _fractions(steps)
    return ((1.0 - t) * start + t * end).astype(np.float32)


def slerp(start, end, steps):
    """``steps`` points along the spherical interpolation from ``start`` to ``end``.

    The path turns at a constant angular rate in the plane of the two vectors
    (Shoemake's slerp); two vectors of equal norm keep that norm all along it. When the
    vectors are (nearly) parallel, or one is zero, the angle is undefined and the straight
    line is returned. Returns float32 ``(steps, d)`` with the endpoints exactly as given.
    Taught in chapter 5, section "Interpolation".
    """
    start, end = _endpoints(start, end)
    t = _fractions(steps)
    norms = np.linalg.norm(start) * np.linalg.norm(end)
    if norms == 0.0:
        return lerp(start, end, steps)
    cosine = np.clip(np.dot(start, end) / norms, -1.0, 1.0)
    angle = np.arccos(cosine)
    sine = np.sin(angle)
    if sine < _PARALLEL:
        return lerp(start, end, steps)
    path = (np.sin((1.0 - t) * angle) * start + np.sin(t * angle) * end) / sine
    path[0], path[-1] = start, end  # exact endpoints despite rounding
    return path.astype(np.float32)


def normal_quantiles(grid_size):
    """``grid_size`` probabilities evenly spaced in (0, 1): ``(i + 0.5) / grid_size``.

    The midpoints of ``grid_size`` equal slices of probability, so 0 and 1 (where the
    inverse CDF is infinite) are never reached.
    """
    grid_size = check_scalar(grid_size, "grid_size", int, low=1)
    return (np.arange(grid_size) + 0.5) / grid_size


def normal_grid(grid_size):
    """A ``grid_size`` x ``grid_size`` grid of 2-d latent points covering N(0, I) evenly.

    Each coordinate runs over ``scipy.stats.norm.ppf(normal_quantiles(grid_size))``.
    Returns float32 ``(grid_size**2, 2)`` in reading order for a picture: row by row from
    the top (largest z2) down, and within a row from the smallest z1 to the largest.
    Taught in chapter 5, section "The latent manifold of the 2-d model".
    """
    values = stats.norm.ppf(normal_quantiles(grid_size))
    z1, z2 = np.meshgrid(values, values[::-1])
    return np.column_stack([z1.ravel(), z2.ravel()]).astype(np.float32)
