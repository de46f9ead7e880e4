"""Denoising figures: denoised images, method comparisons, noise sweeps, posterior samples."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import vae_helpers as vh

LAYOUTS = [(12, 784), (12, 28, 28), (12, 28, 28, 1)]


def _image_axes(fig):
    return [axis for axis in fig.axes if axis.images]


def _shown(axes):
    return np.stack([axis.images[0].get_array() for axis in axes])


def _ylabels(fig):
    return [axis.get_ylabel() for axis in fig.axes if axis.get_ylabel()]


@pytest.mark.parametrize("shape", LAYOUTS)
def test_plot_denoised_images_shows_noisy_denoised_and_clean_rows(images, shape):
    noisy = vh.add_gaussian_noise(images, 0.3, seed=1)
    denoised = images[::-1].copy()  # any images in [0, 1] will do: the plot only draws them
    fig = vh.plot_denoised_images(
        images.reshape(shape), noisy.reshape(shape), denoised.reshape(shape), num_images=3
    )
    axes = _image_axes(fig)
    assert len(axes) == 9 and _ylabels(fig) == ["noisy", "denoised", "clean"]
    np.testing.assert_allclose(_shown(axes[:3]), noisy[:3].reshape(3, 28, 28))
    np.testing.assert_allclose(_shown(axes[3:6]), denoised[:3].reshape(3, 28, 28))
    np.testing.assert_allclose(_shown(axes[6:]), images[:3].reshape(3, 28, 28))


def test_plot_denoised_images_takes_what_a_model_returns(tiny_vae, images):
    noisy = vh.add_gaussian_noise(images, 0.2, seed=0)
    fig = vh.plot_denoised_images(images, noisy, tiny_vae.reconstruct(noisy), num_images=10)
    assert len(_image_axes(fig)) == 30


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_images": 13}, "num_images must be at most the 12 images in x_clean; got 13"),
        ({"num_images": 0}, "num_images must be a positive integer; got 0"),
        ({"x_noisy": np.zeros((5, 784))}, "must hold the same number of images; got 12 and 5"),
        ({"denoised": np.zeros((5, 784))}, "x_clean and denoised must hold the same number"),
        ({"denoised": np.full((12, 784), 3.0)}, r"denoised must hold values in \[0, 1\]"),
        (
            {"x_noisy": np.zeros((12, 32, 32))},
            r"x_noisy must have shape .*got shape \(12, 32, 32\)",
        ),
    ],
)
def test_plot_denoised_images_rejects_bad_input(images, kwargs, message):
    arguments = {"x_clean": images, "x_noisy": images, "denoised": images, **kwargs}
    with pytest.raises(ValueError, match=message):
        vh.plot_denoised_images(**arguments)


def test_comparison_shows_noisy_each_method_and_clean(images):
    noisy = vh.add_gaussian_noise(images, 0.3, seed=0)
    denoised = {"median": vh.denoise_images(noisy, "median"), "flipped": images[::-1]}
    fig = vh.plot_denoiser_comparison(images, noisy, denoised, num_images=5)
    axes = _image_axes(fig)
    assert len(axes) == 20
    assert _ylabels(fig) == ["noisy", "median", "flipped", "clean"]
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


def test_sweep_draws_a_row_per_noise_level_with_the_scores_it_is_given(images):
    outputs = {"noisy": images[:2], "blur": images[2:4], "none": images[4:6]}
    scores = {"noisy": [10.0, 5.0], "blur": [12.5, 8.25], "none": [np.inf, 5.0]}
    fig = vh.plot_denoising_sweep(images[6], outputs, [0.1, 0.5], scores)
    axes = _image_axes(fig)
    assert len(axes) == 2 * 4
    titles = [axis.get_title() for axis in axes]
    assert titles == [
        "noisy\n10.0 dB", "blur\n12.5 dB", "none\ninf dB", "clean",
        "noisy\n5.0 dB", "blur\n8.2 dB", "none\n5.0 dB", "clean",
    ]  # fmt: skip
    assert _ylabels(fig) == ["noise 0.10", "noise 0.50"]
    np.testing.assert_allclose(axes[5].images[0].get_array(), images[3].reshape(28, 28))
    np.testing.assert_allclose(axes[7].images[0].get_array(), images[6].reshape(28, 28))
    untitled = vh.plot_denoising_sweep(images[6].reshape(28, 28), outputs, [0.1, 0.5])
    assert [axis.get_title() for axis in _image_axes(untitled)][:4] == [
        "noisy", "blur", "none", "clean"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"clean": np.zeros((2, 784))}, ValueError, r"clean must be one image.*got shape \(2, 784"),
        ({"outputs": {}}, ValueError, "outputs must map at least one column name"),
        ({"outputs": {"a": np.zeros((3, 784))}}, ValueError, r"outputs\['a'\] must hold one image"),
        ({"noise_factors": []}, ValueError, "noise_factors must hold at least 1 value"),
        ({"noise_factors": ["0.2"]}, TypeError, r"noise_factors\[0\] must be a real number"),
        ({"scores": {"b": [1.0]}}, ValueError, r"scores must have the keys of outputs, \['a'\]"),
        ({"scores": {"a": [np.nan]}}, ValueError, r"scores\['a'\] must hold 1 PSNRs"),
        ({"fig": "figure"}, TypeError, "fig must be a Matplotlib Figure or None"),
    ],
)
def test_sweep_names_bad_input(images, kwargs, error, message):
    arguments = {"clean": images[0], "outputs": {"a": images[:1]}, "noise_factors": [0.2]}
    with pytest.raises(error, match=message):
        vh.plot_denoising_sweep(**{**arguments, **kwargs})


def test_posterior_samples_show_each_draw_below_its_noisy_input(images):
    noisy = vh.add_gaussian_noise(images, 0.5, seed=0)
    samples = np.stack([images[::-1], images], axis=1).reshape(12, 2, 28, 28)
    given = plt.figure()
    fig = vh.plot_posterior_samples(images, noisy, samples, num_images=4, fig=given)
    assert fig is given
    axes = _image_axes(fig)
    assert len(axes) == 4 * 4
    assert _ylabels(fig) == ["noisy", "sample 1", "sample 2", "clean"]
    np.testing.assert_allclose(_shown(axes[4:8]), samples[:4, 0])
    with pytest.raises(ValueError, match=r"samples must have shape \(12, num_samples, 28, 28\)"):
        vh.plot_posterior_samples(images, noisy, samples[:5])
