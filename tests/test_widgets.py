"""The ipywidgets explorers: each computes its view and redraws it when a control moves."""

import numpy as np
import pytest

import vae_helpers as vh


def _image_axes(fig):
    return [axis for axis in fig.axes if axis.images]


def _blur(x_noisy, noise_factor):
    return vh.denoise_images(x_noisy, "gaussian", sigma=1.0)


def test_kl_explorer_redraws_for_new_slider_values(drawn_figures):
    explorer = vh.kl_explorer(mean=0.0, log_var=0.0)
    sliders = {child.description: child for child in explorer.children[:2]}
    assert set(sliders) == {"mean", "log-variance"}
    first_picture = bytes(explorer.children[-1].value)
    assert first_picture.startswith(b"\x89PNG")
    assert drawn_figures[-1].axes[0].get_title().endswith("KL(q || p) = 0.000 nats")
    sliders["mean"].value = 2.0
    assert drawn_figures[-1].axes[0].get_title().endswith("KL(q || p) = 2.000 nats")
    assert bytes(explorer.children[-1].value) != first_picture


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


def test_denoising_explorer_names_a_bad_denoiser(images):
    with pytest.raises(TypeError, match=r"denoisers\['bad'\] must be a function"):
        vh.denoising_explorer(images, {"bad": None})


def test_threshold_explorer_redraws_for_a_new_threshold(drawn_figures, images):
    explorer = vh.threshold_explorer(images, np.repeat([0, 1], 6), np.arange(12.0), 4.5)
    assert drawn_figures[-1]._suptitle.get_text().startswith("threshold 4.5: 7 of 12 flagged")
    explorer.children[0].value = 9.5
    assert drawn_figures[-1]._suptitle.get_text().startswith("threshold 9.5: 2 of 12 flagged")
    assert "precision 1.00, recall 0.33" in drawn_figures[-1].axes[1].get_title()


@pytest.fixture(scope="module")
def trained_cvae():
    vh.seed_everything(0)
    cvae = vh.build_conditional_vae(latent_dim=2, hidden_units=(8,), seed=1)
    return cvae


def test_latent_explorer_redraws_the_decoded_point(drawn_figures, trained_tiny_vae, trained_cvae):
    explorer = vh.latent_explorer(trained_tiny_vae)
    sliders = {child.description: child for child in explorer.children[:2]}
    sliders["z1"].value = 1.5
    assert drawn_figures[-1].axes[0].get_title() == "z1 = 1.5, z2 = 0"
    np.testing.assert_allclose(
        drawn_figures[-1].axes[0].images[0].get_array(),
        trained_tiny_vae.decode(np.array([[1.5, 0.0]], np.float32))[0],
    )
    explorer = vh.latent_explorer(trained_cvae, digit=4)
    controls = {child.description: child for child in explorer.children[:3]}
    controls["digit"].value = 7
    assert drawn_figures[-1].axes[0].get_title() == "z1 = 0, z2 = 0, digit = 7"
    with pytest.raises(ValueError, match="at most 4 latent"):
        vh.latent_explorer(vh.build_dense_vae(latent_dim=5, hidden_units=(8,)))


def test_latent_explorer_takes_an_autoencoder_with_one_slider_per_latent_dimension(drawn_figures):
    autoencoder = vh.build_dense_autoencoder(latent_dim=3, hidden_units=(8,))
    sliders = vh.latent_explorer(autoencoder, span=2.0).children[:-1]
    assert [slider.description for slider in sliders] == ["z1", "z2", "z3"]
    assert {(s.min, s.max, s.step) for s in sliders} == {(-2.0, 2.0, vh.widgets.SLIDER_STEP)}
    assert drawn_figures[-1].axes[0].get_title() == "z1 = 0, z2 = 0, z3 = 0"
