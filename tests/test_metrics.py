"""Measurements of models and images: active units, PSNR and SSIM (whole images and
missing regions only)."""

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

import vae_helpers as vh

LAYOUTS = [(12, 784), (12, 28, 28), (12, 28, 28, 1)]


def test_count_on_a_trained_model_is_a_number_of_units(trained_tiny_vae, prototype_digits):
    count, variances = vh.active_units(trained_tiny_vae, prototype_digits, return_variances=True)
    assert isinstance(count, int) and 0 <= count <= trained_tiny_vae.latent_dim
    assert variances.shape == (trained_tiny_vae.latent_dim,)
    assert count == int(np.sum(variances > 0.01))
    assert vh.active_units(trained_tiny_vae, prototype_digits) == count


def test_a_unit_whose_mean_ignores_the_input_is_inactive(trained_tiny_vae, prototype_digits):
    _, before = vh.active_units(trained_tiny_vae, prototype_digits, return_variances=True)
    layer = trained_tiny_vae.encoder.get_layer("z_mean")
    kernel, bias = layer.get_weights()
    try:
        layer.set_weights([np.concatenate([np.zeros_like(kernel[:, :1]), kernel[:, 1:]], 1), bias])
        count, after = vh.active_units(trained_tiny_vae, prototype_digits, return_variances=True)
    finally:
        layer.set_weights([kernel, bias])  # the trained model is shared by this module
    assert after[0] == 0.0
    np.testing.assert_allclose(after[1:], before[1:], rtol=1e-6)
    assert count == int(np.sum(before[1:] > 0.01))


def test_threshold_sets_what_counts_as_active(trained_tiny_vae, prototype_digits):
    assert vh.active_units(trained_tiny_vae, prototype_digits, threshold=1e9) == 0


@pytest.mark.parametrize("shape", [(256, 784), (256, 28, 28), (256, 28, 28, 1)])
def test_accepts_every_image_layout(trained_tiny_vae, prototype_digits, shape):
    reference = vh.active_units(trained_tiny_vae, prototype_digits, return_variances=True)[1]
    _, variances = vh.active_units(
        trained_tiny_vae, prototype_digits.reshape(shape), return_variances=True
    )
    np.testing.assert_allclose(variances, reference, rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": np.zeros((1, 784))}, "x must hold at least two images to measure a variance; got 1"),
        ({"x": np.zeros((3, 783))}, r"x must have shape .*; got shape \(3, 783\)"),
        ({"threshold": -0.1}, "threshold must be a finite number >= 0; got -0.1"),
        ({"threshold": float("nan")}, "threshold must be a finite number >= 0; got nan"),
    ],
)
def test_rejects_bad_arguments(tiny_vae, images, kwargs, message):
    arguments = {"x": images, **kwargs}
    with pytest.raises(ValueError, match=message):
        vh.active_units(tiny_vae, **arguments)


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


def test_masked_psnr_is_the_mse_over_the_missing_pixels_only(images):
    mask = vh.square_mask(10)
    missing = (mask == 0).reshape(-1)
    test = images.copy()
    test[:, missing] = np.clip(test[:, missing] + 0.1, 0, 1)
    test[:, ~missing] = 1.0 - test[:, ~missing]  # visible pixels: huge error, must be ignored
    mse = ((images[:, missing] - test[:, missing]) ** 2).mean(axis=1)
    np.testing.assert_allclose(vh.psnr(images, test, mask=mask), 10 * np.log10(1 / mse), rtol=1e-5)


def test_masked_ssim_averages_the_ssim_map_over_the_missing_pixels(images):
    mask = vh.half_mask("left")
    test = np.clip(images + 0.05, 0, 1)
    _, ssim_map = structural_similarity(
        images[0].reshape(28, 28), test[0].reshape(28, 28), data_range=1, full=True
    )
    expected = ssim_map[:, :14].mean()
    assert vh.ssim(images, test, mask=mask)[0] == pytest.approx(expected, rel=1e-6)


def test_masked_psnr_ignores_the_visible_pixels_and_a_perfect_fill_scores_inf(images):
    mask = vh.square_mask(14)
    visible = (mask == 1).reshape(-1)
    fill = images * 0.9
    scrambled = np.where(visible, 1.0 - images, fill)  # same fill, wrong visible pixels
    np.testing.assert_allclose(
        vh.psnr(images, fill, mask=mask), vh.psnr(images, scrambled, mask=mask)
    )
    perfect_fill = np.where(visible, 0.0, images)
    assert np.all(np.isinf(vh.psnr(images, perfect_fill, mask=mask)))


def test_masked_metrics_need_a_missing_region(images):
    with pytest.raises(ValueError, match="mask must leave at least one missing pixel"):
        vh.psnr(images, images, mask=np.ones((28, 28)))
    with pytest.raises(ValueError, match="mask must leave at least one missing pixel"):
        vh.ssim(images, images, mask=np.ones((28, 28)))
