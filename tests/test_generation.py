"""Interpolation and the inverse-CDF grid."""

import numpy as np
import pytest
from scipy import stats

import vae_helpers as vh
from vae_helpers.generation import normal_quantiles


def test_lerp_runs_evenly_from_start_to_end():
    path = vh.lerp([0.0, 2.0], [4.0, -2.0], steps=5)
    assert path.shape == (5, 2) and path.dtype == np.float32
    np.testing.assert_allclose(path[:, 0], [0, 1, 2, 3, 4])
    np.testing.assert_allclose(path[:, 1], [2, 1, 0, -1, -2])


def test_slerp_keeps_exact_endpoints_and_unit_norm():
    rng = np.random.default_rng(0)
    start, end = rng.standard_normal((2, 40))
    start, end = start / np.linalg.norm(start), end / np.linalg.norm(end)
    path = vh.slerp(start, end, steps=9)
    np.testing.assert_array_equal(path[0], start.astype(np.float32))
    np.testing.assert_array_equal(path[-1], end.astype(np.float32))
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), 1.0, atol=1e-6)
    assert not np.allclose(path, vh.lerp(start, end, 9))  # lerp cuts inside the sphere


def test_slerp_turns_at_a_constant_angle_per_step():
    path = vh.slerp([1.0, 0.0], [0.0, 1.0], steps=3)
    np.testing.assert_allclose(path[1], [np.sqrt(0.5), np.sqrt(0.5)], atol=1e-7)


@pytest.mark.parametrize("end", [[2.0, 4.0], [0.0, 0.0]])
def test_slerp_falls_back_to_lerp_for_parallel_or_zero_vectors(end):
    np.testing.assert_allclose(vh.slerp([1.0, 2.0], end, 4), vh.lerp([1.0, 2.0], end, 4))


@pytest.mark.parametrize(
    "start, end, steps, message",
    [
        ([0.0, 1.0], [1.0], 3, "same length"),
        ([0.0], [1.0], 1, "steps must be an integer >= 2; got 1"),
        ([np.nan], [1.0], 3, "finite"),
    ],
)
def test_interpolation_rejects_bad_arguments(start, end, steps, message):
    with pytest.raises(ValueError, match=message):
        vh.slerp(start, end, steps)


def test_normal_quantiles_are_midpoints_of_equal_probability_slices():
    np.testing.assert_allclose(normal_quantiles(4), [0.125, 0.375, 0.625, 0.875])
    quantiles = normal_quantiles(25)
    assert quantiles.min() > 0.0 and quantiles.max() < 1.0


def test_normal_grid_covers_the_prior_in_reading_order():
    grid = vh.normal_grid(3)
    values = stats.norm.ppf([1 / 6, 0.5, 5 / 6])
    assert grid.shape == (9, 2) and grid.dtype == np.float32
    np.testing.assert_allclose(grid[:3, 0], values, rtol=1e-6)  # z1 grows along a row
    np.testing.assert_allclose(grid[::3, 1], values[::-1], rtol=1e-6)  # z2 falls down rows
    np.testing.assert_allclose(np.unique(stats.norm.cdf(grid)), [1 / 6, 0.5, 5 / 6], rtol=1e-6)
