"""Figures and the widget of the denoising chapter."""

import numpy as np
import pytest

import vae_helpers as vh


def _image_axes(fig):
    return [axis for axis in fig.axes if axis.images]


def _blur(x_noisy, noise_factor):
    return vh.denoise_images(x_noisy, "gaussian", sigma=1.0)


def _identity(x_noisy, noise_factor):
    return x_noisy


def test_comparison_shows_noisy_each_method_and_clean(images):
    noisy = vh.add_gaussian_noise(images, 0.3, seed=0)
    denoised = {"median": vh.denoise_images(noisy, "median"), "blur": _blur(noisy, 0.3)}
    fig = vh.plot_denoiser_comparison(images, noisy, denoised, num_images=5)
    axes = _image_axes(fig)
    assert len(axes) == 20
    labels = [axis.get_ylabel() for axis in fig.axes if axis.get_ylabel()]
    assert labels == ["noisy", "median", "blur", "clean"]
    np.testing.assert_allclose(axes[5].images[0].get_array(), denoised["median"][0].reshape(28, 28))


@pytest.mark.parametrize(
    ("denoised", "message"),
    [
        ({}, "denoised must map at least one method name"),
        ({"short": np.zeros((3, 784))}, "x_clean and denoised\\['short'\\] must hold the same"),
        ({"bad": np.full((12, 784), 2.0)}, r"denoised\['bad'\] must hold values in \[0, 1\]"),
    ],
)
def test_comparison_names_bad_outputs(images, denoised, message):
    with pytest.raises(ValueError, match=message):
        vh.plot_denoiser_comparison(images, images, denoised)


def test_sweep_draws_one_row_per_noise_level_with_psnr_titles(images):
    denoisers = {"blur": _blur, "none": _identity}
    fig = vh.plot_denoising_sweep(images, denoisers, [0.1, 0.5], index=2, seed=0)
    axes = _image_axes(fig)
    assert len(axes) == 2 * 4
    titles = [axis.get_title() for axis in axes]
    assert titles[0].startswith("noisy\n") and titles[0].endswith(" dB")
    assert titles[1].startswith("blur\n") and titles[3] == "clean"
    # The identity "denoiser" scores exactly what the noisy input scores.
    assert titles[2].split("\n")[1] == titles[0].split("\n")[1]
    noisy = vh.add_gaussian_noise(images[2:3], 0.5, seed=0)
    expected = f"noisy\n{vh.psnr(images[2:3], noisy)[0]:.1f} dB"
    assert titles[4] == expected
    labels = [axis.get_ylabel() for axis in fig.axes if axis.get_ylabel()]
    assert labels == ["noise 0.10", "noise 0.50"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"index": 12}, ValueError, r"index must be an integer in \[0, 11\]; got 12"),
        ({"index": 1.0}, TypeError, "index must be an int; got float 1.0"),
        ({"denoisers": {}}, ValueError, "denoisers must map at least one name"),
        ({"denoisers": {"bad": None}}, TypeError, r"denoisers\['bad'\] must be a function"),
        ({"denoisers": {"bad": lambda x, f: x * 3}}, ValueError, r"output of 'bad' must hold"),
        ({"noise_factors": []}, ValueError, "noise_factors must hold at least 1 value"),
        ({"noise_factors": ["0.2"]}, TypeError, r"noise_factors\[0\] must be a real number"),
    ],
)
def test_sweep_names_bad_input(images, kwargs, error, message):
    arguments = {"denoisers": {"blur": _blur}, "noise_factors": [0.2], **kwargs}
    with pytest.raises(error, match=message):
        vh.plot_denoising_sweep(images, **arguments)


def test_posterior_samples_figure(tiny_vae, images):
    noisy = vh.add_gaussian_noise(images, 0.5, seed=0)
    fig = vh.plot_posterior_samples(tiny_vae, images, noisy, num_images=4, num_samples=3)
    assert len(_image_axes(fig)) == 4 * 5
    labels = [axis.get_ylabel() for axis in fig.axes if axis.get_ylabel()]
    assert labels == ["noisy", "sample 1", "sample 2", "sample 3", "clean"]


def test_denoising_explorer_builds_and_redraws(drawn_figures, images):
    explorer = vh.denoising_explorer(images, {"blur": _blur}, noise_factor=0.2, index=0)
    controls = {child.description: child for child in explorer.children[:2]}
    assert set(controls) == {"noise factor", "digit (index)"}
    assert controls["digit (index)"].max == 11
    assert len(drawn_figures) == 1 and len(_image_axes(drawn_figures[0])) == 3  # noisy, blur, clean
    controls["noise factor"].value = 0.5
    controls["digit (index)"].value = 7
    noisy = vh.add_gaussian_noise(images[7:8], 0.5, seed=7)
    titles = [axis.get_title() for axis in _image_axes(drawn_figures[-1])]
    assert titles[0] == f"noisy\n{vh.psnr(images[7:8], noisy)[0]:.1f} dB"
    assert len(drawn_figures) == 3
