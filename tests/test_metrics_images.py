"""PSNR and SSIM: known values, agreement with scikit-image image by image, input checks."""

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

import vae_helpers as vh

LAYOUTS = [(12, 784), (12, 28, 28), (12, 28, 28, 1)]


@pytest.fixture
def pair(images):
    """Twelve images and a noisy copy of them."""
    return images, vh.add_gaussian_noise(images, 0.2, seed=0)


def test_psnr_of_a_constant_offset_of_a_tenth_is_20_db():
    clean = np.full((3, 784), 0.5, dtype=np.float32)
    np.testing.assert_allclose(vh.psnr(clean, clean + 0.1), [20.0] * 3, rtol=1e-5)
    np.testing.assert_allclose(vh.psnr(clean, clean + 0.01, average=True), 40.0, rtol=1e-4)


def test_psnr_of_identical_images_is_infinite_without_a_warning(images, recwarn):
    scores = vh.psnr(images, images)
    assert np.all(np.isinf(scores)) and np.all(scores > 0)
    assert vh.psnr(images, images, average=True) == np.inf
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_ssim_of_identical_images_is_one(images):
    np.testing.assert_allclose(vh.ssim(images, images), np.ones(12), rtol=1e-6)


def test_ssim_of_two_constant_images_has_the_closed_form():
    # Flat images have no variance, so SSIM is the luminance term (2ab + C1) / (a^2 + b^2 + C1).
    a, b, c1 = 0.5, 0.6, (0.01 * 1.0) ** 2
    first = np.full((2, 28, 28), a, dtype=np.float32)
    second = np.full((2, 28, 28), b, dtype=np.float32)
    expected = (2 * a * b + c1) / (a**2 + b**2 + c1)
    np.testing.assert_allclose(vh.ssim(first, second), [expected] * 2, rtol=1e-5)


def test_psnr_and_ssim_equal_scikit_image_called_per_image(pair):
    clean, noisy = pair
    square_clean, square_noisy = clean.reshape(-1, 28, 28), noisy.reshape(-1, 28, 28)
    expected_psnr = [
        peak_signal_noise_ratio(a, b, data_range=1.0) for a, b in zip(square_clean, square_noisy)
    ]
    expected_ssim = [
        structural_similarity(a, b, data_range=1.0) for a, b in zip(square_clean, square_noisy)
    ]
    np.testing.assert_allclose(vh.psnr(clean, noisy), expected_psnr, rtol=1e-6)
    np.testing.assert_allclose(vh.ssim(clean, noisy), expected_ssim, rtol=1e-6, atol=1e-9)


def test_ssim_in_several_batches_equals_one_batch(monkeypatch, pair):
    clean, noisy = pair
    whole = vh.ssim(clean, noisy)
    monkeypatch.setattr("vae_helpers.metrics._SSIM_BATCH", 5)
    np.testing.assert_array_equal(vh.ssim(clean, noisy), whole)


@pytest.mark.parametrize("true_shape", LAYOUTS)
@pytest.mark.parametrize("test_shape", LAYOUTS)
def test_every_layout_gives_the_same_scores(pair, true_shape, test_shape):
    clean, noisy = pair
    expected_psnr, expected_ssim = vh.psnr(clean, noisy), vh.ssim(clean, noisy)
    x_true, x_test = clean.reshape(true_shape), noisy.reshape(test_shape)
    np.testing.assert_array_equal(vh.psnr(x_true, x_test), expected_psnr)
    np.testing.assert_array_equal(vh.ssim(x_true, x_test), expected_ssim)


def test_average_is_the_mean_of_the_per_image_scores(pair):
    clean, noisy = pair
    assert vh.psnr(clean, noisy).shape == vh.ssim(clean, noisy).shape == (12,)
    assert vh.psnr(clean, noisy, average=True) == pytest.approx(vh.psnr(clean, noisy).mean())
    assert vh.ssim(clean, noisy, average=True) == pytest.approx(vh.ssim(clean, noisy).mean())
    assert isinstance(vh.psnr(clean, noisy, average=True), float)


def test_more_noise_scores_lower(images):
    light, heavy = (vh.add_gaussian_noise(images, f, seed=1) for f in (0.1, 0.5))
    assert vh.psnr(images, light, True) > vh.psnr(images, heavy, True)
    assert vh.ssim(images, light, True) > vh.ssim(images, heavy, True)


@pytest.mark.parametrize("metric", [vh.psnr, vh.ssim])
@pytest.mark.parametrize(
    ("x_true", "x_test", "message"),
    [
        (
            np.zeros((3, 784)),
            np.zeros((4, 784)),
            "must hold the same number of images; got 3 and 4",
        ),
        (
            np.zeros((3, 30, 30)),
            np.zeros((3, 784)),
            r"x_true must have shape .*got shape \(3, 30, 30\)",
        ),
        (np.zeros((3, 784)), np.full((3, 784), 1.5), r"x_test must hold values in \[0, 1\]"),
        (np.zeros((3, 784)), np.full((3, 784), np.nan), "x_test must be finite"),
        (np.zeros((0, 784)), np.zeros((0, 784)), "x_true must hold at least one image"),
    ],
)
def test_bad_input_is_named(metric, x_true, x_test, message):
    with pytest.raises(ValueError, match=message):
        metric(x_true, x_test)
