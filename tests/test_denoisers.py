"""Classical denoisers over a batch, and their tuning on validation data."""

import numpy as np
import pytest
from scipy import ndimage
from skimage.restoration import denoise_nl_means, denoise_tv_chambolle

import vae_helpers as vh
from vae_helpers.denoisers import denoiser_defaults

LAYOUTS = [(6, 784), (6, 28, 28), (6, 28, 28, 1)]
METHODS = {
    "median": {"size": 3},
    "gaussian": {"sigma": 0.8},
    "tv": {"weight": 0.15},
    "nl_means": {"h": 0.2},
}


@pytest.fixture
def strokes():
    """Six synthetic 'digits': bright bars on a dark background, and a noisy copy."""
    clean = np.zeros((6, 28, 28), dtype=np.float32)
    for k in range(6):
        clean[k, 6 + k : 22, 10 + k : 14 + k] = 1.0  # a vertical bar
        clean[k, 12:16, 6 : 20 + k] = 0.8  # a horizontal bar
    return clean, vh.add_gaussian_noise(clean, 0.3, seed=0)


def test_the_four_methods_are_listed():
    assert vh.DENOISERS == ("median", "gaussian", "tv", "nl_means")
    assert set(denoiser_defaults("nl_means")) == {"h", "patch_size", "patch_distance"}


@pytest.mark.parametrize("method", list(METHODS))
def test_each_denoiser_reduces_the_error_of_a_noisy_image(strokes, method):
    clean, noisy = strokes
    denoised = vh.denoise_images(noisy, method, **METHODS[method])
    assert vh.psnr(clean, denoised, True) > vh.psnr(clean, noisy, True) + 2.0


@pytest.mark.parametrize("method", list(METHODS))
@pytest.mark.parametrize("shape", LAYOUTS)
def test_results_keep_the_layout_dtype_and_range(strokes, method, shape):
    _, noisy = strokes
    denoised = vh.denoise_images(noisy.reshape(shape), method, **METHODS[method])
    assert denoised.shape == shape and denoised.dtype == np.float32
    assert denoised.min() >= 0.0 and denoised.max() <= 1.0


def test_each_image_is_denoised_on_its_own(strokes):
    _, noisy = strokes
    expected = {
        "median": [ndimage.median_filter(image, size=3) for image in noisy],
        "gaussian": [ndimage.gaussian_filter(image, sigma=0.8) for image in noisy],
        "tv": [denoise_tv_chambolle(image, weight=0.15) for image in noisy],
        "nl_means": [
            denoise_nl_means(image, h=0.2, patch_size=5, patch_distance=4, fast_mode=True)
            for image in noisy
        ],
    }
    for method, images in expected.items():
        np.testing.assert_allclose(
            vh.denoise_images(noisy, method, **METHODS[method]),
            np.clip(images, 0, 1),
            atol=1e-6,
            err_msg=method,
        )


def test_zero_width_filters_change_nothing(strokes):
    _, noisy = strokes
    np.testing.assert_array_equal(vh.denoise_images(noisy, "median", size=1), noisy)
    np.testing.assert_array_equal(vh.denoise_images(noisy, "gaussian", sigma=0.0), noisy)


@pytest.mark.parametrize(
    ("method", "params", "error", "message"),
    [
        ("wiener", {}, ValueError, r"method must be one of \('median', 'gaussian', 'tv', 'nl_"),
        ("median", {"size": 4}, ValueError, "size must be odd"),
        ("median", {"size": 0}, ValueError, "size must be a positive integer; got 0"),
        ("gaussian", {"sigma": -1.0}, ValueError, "sigma must be a finite number >= 0; got -1.0"),
        ("tv", {"weight": 0.0}, ValueError, "weight must be a finite number > 0; got 0.0"),
        ("nl_means", {"h": float("nan")}, ValueError, "h must be a finite number > 0; got nan"),
        ("nl_means", {"patch_size": 2.5}, TypeError, "patch_size must be an int; got float 2.5"),
        ("tv", {"sigma": 1.0}, ValueError, r"tv takes the parameters \['weight'\]; got unknown"),
    ],
)
def test_bad_methods_and_parameters_are_named(strokes, method, params, error, message):
    with pytest.raises(error, match=message):
        vh.denoise_images(strokes[1], method, **params)


def test_bad_images_are_named():
    with pytest.raises(ValueError, match=r"x must have shape .*got shape \(2, 27, 27\)"):
        vh.denoise_images(np.zeros((2, 27, 27)), "median")


def test_tuning_picks_the_grid_value_with_the_best_psnr(strokes):
    clean, noisy = strokes
    grid = (0.0, 0.5, 0.8, 1.5, 3.0)
    tuning = vh.tune_denoiser(clean, noisy, "gaussian", "sigma", grid)
    expected = [vh.psnr(clean, vh.denoise_images(noisy, "gaussian", sigma=s), True) for s in grid]
    assert tuning.method == "gaussian" and tuning.parameter == "sigma" and tuning.grid == grid
    np.testing.assert_allclose(tuning.scores, expected)
    assert tuning.best == grid[int(np.argmax(expected))]
    assert tuning.best not in (0.0, 3.0)  # neither no smoothing nor far too much


def test_tuning_passes_the_fixed_parameters(strokes):
    clean, noisy = strokes
    tuning = vh.tune_denoiser(clean, noisy, "nl_means", "h", [0.1, 0.2], patch_size=3)
    expected = vh.psnr(clean, vh.denoise_images(noisy, "nl_means", h=0.2, patch_size=3), True)
    assert tuning.scores[1] == pytest.approx(expected)


def test_tuning_on_clean_inputs_rewards_doing_nothing(strokes):
    # The mistake of validating a denoiser on clean -> clean pairs, in one line.
    clean, _ = strokes
    tuning = vh.tune_denoiser(clean, clean, "gaussian", "sigma", [0.0, 0.5, 1.0])
    assert tuning.best == 0.0 and tuning.scores[0] == np.inf


def test_ties_go_to_the_first_grid_value(strokes):
    clean, noisy = strokes
    assert vh.tune_denoiser(clean, noisy, "median", "size", [3, 3]).best == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"parameter": "size"}, r"parameter must be one of \('weight',\); got 'size'"),
        ({"grid": []}, "grid must hold at least 1 value; got none"),
        ({"grid": [0.1, -1.0]}, r"grid\[1\] must be a finite number > 0; got -1.0"),
        ({"weight": 0.1}, "fixed must not set weight, the parameter that grid tunes"),
        ({"x_noisy": np.zeros((2, 784))}, "x_clean and x_noisy must hold the same number"),
    ],
)
def test_bad_tuning_requests_are_named(strokes, kwargs, message):
    clean, noisy = strokes
    arguments = {"x_clean": clean, "x_noisy": noisy, "method": "tv", "parameter": "weight"}
    arguments = {**arguments, "grid": [0.1], **kwargs}
    with pytest.raises(ValueError, match=message):
        vh.tune_denoiser(**arguments)


def _identity(x_noisy, noise_factor):
    return x_noisy


def _blur(x_noisy, noise_factor):
    return vh.denoise_images(x_noisy, "gaussian", sigma=1.0)


def test_sweep_runs_one_digit_through_each_denoiser_at_each_level(strokes):
    clean, _ = strokes
    outputs, scores = vh.denoising_sweep(
        clean, {"blur": _blur, "none": _identity}, [0.0, 0.1, 0.5], index=2, seed=3
    )
    assert list(outputs) == list(scores) == ["noisy", "blur", "none"]
    assert all(images.shape == (3, 28, 28) for images in outputs.values())
    noisy = vh.add_gaussian_noise(clean[2:3], 0.5, seed=3)
    np.testing.assert_allclose(outputs["noisy"][2], noisy.reshape(28, 28))
    np.testing.assert_allclose(outputs["blur"][2], _blur(noisy, 0.5).reshape(28, 28))
    assert scores["noisy"][2] == pytest.approx(vh.psnr(clean[2:3], noisy)[0])
    np.testing.assert_array_equal(scores["none"], scores["noisy"])  # identity scores the input
    assert scores["noisy"][0] == np.inf  # no noise: the noisy digit is the clean one


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"index": 6}, ValueError, r"index must be an integer in \[0, 5\]; got 6"),
        ({"index": 1.0}, TypeError, "index must be an int; got float 1.0"),
        ({"denoisers": {}}, ValueError, "denoisers must map at least one name"),
        ({"denoisers": {"bad": None}}, TypeError, r"denoisers\['bad'\] must be a function"),
        (
            {"denoisers": {"bad": lambda x, f: x * 3}},
            ValueError,
            r"output of denoisers\['bad'\] must hold",
        ),
        ({"denoisers": {"two": lambda x, f: x.repeat(2, 0)}}, ValueError, "must hold one image"),
        ({"noise_factors": []}, ValueError, "noise_factors must hold at least 1 value"),
        ({"noise_factors": ["0.2"]}, TypeError, r"noise_factors\[0\] must be a real number"),
        ({"seed": -1}, ValueError, "seed must be"),
    ],
)
def test_sweep_names_bad_input(strokes, kwargs, error, message):
    arguments = {"denoisers": {"blur": _blur}, "noise_factors": [0.2], **kwargs}
    with pytest.raises(error, match=message):
        vh.denoising_sweep(strokes[0], **arguments)
