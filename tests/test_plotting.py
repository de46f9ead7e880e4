import keras
import matplotlib.figure
import numpy as np
import pytest

import vae_helpers as vh

LAYOUTS = [(12, 784), (12, 28, 28), (12, 28, 28, 1)]


def _image_axes(fig):
    return [axis for axis in fig.axes if axis.images]


def _sigmoid_autoencoder(input_shape):
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Flatten(),
            keras.layers.Dense(784, activation="sigmoid"),
        ]
    )


def test_plot_denoised_images_accepts_the_tutorial_call(tiny_vae, images):
    x_train, x_train_noisy = images, vh.add_gaussian_noise(images, 0.2, seed=0)
    fig = vh.plot_denoised_images(tiny_vae, x_train, x_train_noisy, num_images=10)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(_image_axes(fig)) == 30
    labels = [axis.get_ylabel() for axis in fig.axes if axis.get_ylabel()]
    assert labels == ["noisy", "denoised", "clean"]


@pytest.mark.parametrize("shape", LAYOUTS)
@pytest.mark.parametrize("model_input", [(784,), (28, 28), (28, 28, 1)])
def test_plot_denoised_images_with_any_image_to_image_model(images, shape, model_input):
    x = images.reshape(shape)
    fig = vh.plot_denoised_images(_sigmoid_autoencoder(model_input), x, x, num_images=4)
    assert len(_image_axes(fig)) == 12
    denoised_row = _image_axes(fig)[4:8]
    assert all(axis.images[0].get_array().shape == (28, 28) for axis in denoised_row)


def test_plot_denoised_images_shows_the_model_output(tiny_vae, images):
    noisy = vh.add_gaussian_noise(images, 0.3, seed=1)
    fig = vh.plot_denoised_images(tiny_vae, images, noisy, num_images=3)
    shown = np.stack([axis.images[0].get_array() for axis in _image_axes(fig)[3:6]])
    np.testing.assert_allclose(shown, tiny_vae.reconstruct(noisy[:3]).reshape(3, 28, 28))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_images": 13}, "num_images must be at most the 12 images in x_clean; got 13"),
        ({"num_images": 0}, "num_images must be a positive integer; got 0"),
        ({"x_noisy": np.zeros((5, 784))}, "must hold the same number of images; got 12 and 5"),
        (
            {"x_noisy": np.zeros((12, 32, 32))},
            r"x_noisy must have shape .*got shape \(12, 32, 32\)",
        ),
    ],
)
def test_plot_denoised_images_rejects_bad_input(tiny_vae, images, kwargs, message):
    arguments = {"x_clean": images, "x_noisy": images, "num_images": 10, **kwargs}
    with pytest.raises(ValueError, match=message):
        vh.plot_denoised_images(tiny_vae, **arguments)


def test_models_that_output_logits_are_caught(images):
    logits_model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(784)])
    logits_model.layers[0].set_weights([np.eye(784) * 50, np.full(784, -25.0)])
    with pytest.raises(ValueError, match=r"pixel probabilities in \[0, 1\]"):
        vh.plot_denoised_images(logits_model, images, images, num_images=2)


@pytest.mark.parametrize("shape", LAYOUTS)
def test_plot_reconstructions_on_every_layout(tiny_vae, images, shape):
    fig = vh.plot_reconstructions(tiny_vae, images.reshape(shape), num_images=5)
    assert len(_image_axes(fig)) == 10


@pytest.mark.parametrize("shape", LAYOUTS)
def test_plot_image_grid_on_every_layout(images, shape):
    fig = vh.plot_image_grid(images.reshape(shape), ncols=5, title="samples")
    assert len(_image_axes(fig)) == 12
    assert fig._suptitle.get_text() == "samples"


def test_plot_training_curves_from_fit(tiny_vae, images):
    history = tiny_vae.fit(images, validation_data=(images,), epochs=2, verbose=0)
    fig = vh.plot_training_curves(history)
    assert [axis.get_title() for axis in fig.axes] == ["loss", "reconstruction", "kl"]
    assert all(len(axis.lines) == 2 for axis in fig.axes)


def test_plot_training_curves_rejects_empty_history():
    with pytest.raises(ValueError, match="history must be a keras History or a non-empty dict"):
        vh.plot_training_curves({})


def test_plot_posterior_vs_prior_reports_the_kl():
    fig = vh.plot_posterior_vs_prior(2.0, 0.0)
    assert "KL(q || p) = 2.000 nats" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="mean must be a finite number; got nan"):
        vh.plot_posterior_vs_prior(float("nan"), 0.0)
    with pytest.raises(TypeError, match="log_var must be a real number; got None"):
        vh.plot_posterior_vs_prior(0.0, None)


def test_plot_posterior_vs_prior_shows_zero_kl_for_the_prior():
    assert "KL(q || p) = 0.000 nats" in vh.plot_posterior_vs_prior(0.0, 0.0).axes[0].get_title()


@pytest.mark.parametrize("shape", [(3, 784), (3, 28, 28), (3, 28, 28, 1)])
def test_plot_image_rows_labels_each_row(images, shape):
    rows = [images[:3].reshape(shape), images[3:6].reshape(shape)]
    fig = vh.plot_image_rows(rows, ["first", "second"], title="two rows")
    assert len(_image_axes(fig)) == 6
    labels = [axis.get_ylabel() for axis in fig.axes if axis.get_ylabel()]
    assert labels == ["first", "second"]
    np.testing.assert_allclose(_image_axes(fig)[3].images[0].get_array(), images[3].reshape(28, 28))


@pytest.mark.parametrize(
    ("rows", "titles", "message"),
    [
        ([np.zeros((3, 784))], ["a", "b"], "got 1 rows and 2 titles"),
        ([], [], "must be non-empty"),
        ([np.zeros((3, 784)), np.zeros((2, 784))], ["a", "b"], r"got \[3, 2\]"),
        ([np.zeros((3, 783))], ["a"], r"rows\[0\] must have shape"),
    ],
)
def test_plot_image_rows_rejects_bad_rows(rows, titles, message):
    with pytest.raises(ValueError, match=message):
        vh.plot_image_rows(rows, titles)
