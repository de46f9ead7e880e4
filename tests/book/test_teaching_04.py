"""Chapter 4's teaching code computes what the package computes, on the same inputs and seeds.

The chapter writes the noise it corrupts digits with and the iterative inpainting method (one
pass of which is the one-pass method). Each test runs the chapter's own cells (tagged
``teach``) and holds them to ``vh.add_gaussian_noise``, ``vh.inpaint_iterative`` and
``vh.inpaint_once``: edit a teaching cell so that it computes something else and a test fails.
"""

import numpy as np
import pytest
from teaching import teaching_namespace

import vae_helpers as vh


@pytest.fixture(scope="module")
def taught():
    return teaching_namespace("04_denoising_vae")


@pytest.fixture(scope="module")
def digits():
    """Twelve grey images in [0, 1], (N, 28, 28), about half of their pixels black."""
    rng = np.random.default_rng(0)
    return np.where(rng.random((12, 28, 28)) < 0.5, 0.0, rng.random((12, 28, 28)))


@pytest.fixture(scope="module")
def vae():
    vh.seed_everything(0)
    return vh.build_dense_vae(latent_dim=3, hidden_units=(16,), seed=5)


@pytest.mark.parametrize("layout", [(784,), (28, 28), (28, 28, 1)], ids=str)
@pytest.mark.parametrize("per_image", [False, True], ids=["one factor", "a factor per image"])
def test_noise_matches_the_package_for_the_same_seed(taught, digits, layout, per_image):
    x = digits.astype(np.float32).reshape((len(digits), *layout))
    factors = np.linspace(0.0, 0.6, len(x)) if per_image else 0.3
    noisy = taught["add_gaussian_noise"](x, factors, seed=7)
    expected = vh.add_gaussian_noise(x, factors, seed=7)
    assert noisy.shape == expected.shape and noisy.dtype == expected.dtype == np.float32
    np.testing.assert_allclose(noisy, expected, rtol=1e-6, atol=1e-7)
    assert np.mean(noisy != x) > 0.3  # the noise did change most pixels


MASKS = {
    "square": lambda n: vh.square_mask(10),
    "left half": lambda n: vh.half_mask("left"),
    "random, one per image": lambda n: vh.random_mask(0.5, n, seed=3),
}


@pytest.mark.parametrize("mask_kind", list(MASKS))
@pytest.mark.parametrize("steps", [1, 4])
def test_inpainting_matches_the_package_iterative_method(taught, digits, vae, mask_kind, steps):
    x = digits.astype(np.float32)
    mask = MASKS[mask_kind](len(x))
    filled = taught["inpaint_iterative"](vae, x, mask, steps)
    expected = vh.inpaint_iterative(vae, x, mask, steps=steps)
    assert filled.shape == expected.shape == x.shape
    np.testing.assert_allclose(filled, expected, rtol=1e-6, atol=1e-7)
    if steps == 1:
        np.testing.assert_allclose(filled, vh.inpaint_once(vae, x, mask), rtol=1e-6, atol=1e-7)


def test_inpainting_keeps_the_visible_pixels_and_fills_the_missing_ones(taught, digits, vae):
    x = digits.astype(np.float32)
    mask = vh.square_mask(10)
    filled = taught["inpaint_iterative"](vae, x, mask, 2)
    visible = np.broadcast_to(mask == 1, x.shape)
    np.testing.assert_array_equal(filled[visible], x[visible])
    assert np.all(filled[~visible] > 0)  # decoded probabilities, never the black fill
