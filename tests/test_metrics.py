import numpy as np
import pytest

import vae_helpers as vh


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
