import numpy as np
import pytest

import vae_helpers as vh


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            np.zeros((5, 783)),
            r"x must have shape \(N, 784\), \(N, 28, 28\) or \(N, 28, 28, 1\); "
            r"got shape \(5, 783\)",
        ),
        (np.zeros(784), r"got shape \(784,\)"),
        (np.zeros((0, 784)), "at least one image"),
        (np.full((2, 784), np.nan), "x must be finite; got 1568 NaN or infinite values"),
        (
            np.full((2, 28, 28), 255.0),
            r"x must hold values in \[0, 1\]; got values in \[255, 255\]",
        ),
    ],
)
def test_bad_images_are_rejected_with_what_came(bad, message):
    with pytest.raises(ValueError, match=message):
        vh.binarize(bad, seed=0)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ([["a"] * 784], "x must be an array of float images .*got a list of 1 items .*<U1"),
        (None, "x must be an array of float images .*got None"),
        ("x", "x must be an array of float images .*got str 'x'"),
        (0.5, "x must be an array of float images .*got float 0.5"),
        (np.zeros((2, 784), np.uint8), r"not integers; .*dtype uint8\. Divide 0-255 pixels by 255"),
    ],
)
def test_images_of_the_wrong_type_are_rejected_with_what_came(bad, message):
    with pytest.raises(TypeError, match=message):
        vh.binarize(bad, seed=0)


def test_boolean_images_count_as_zero_and_one():
    mask = np.arange(784) % 2 == 0
    binary = vh.binarize(mask[None], seed=0)
    np.testing.assert_array_equal(binary[0], mask.astype(np.float32))


def test_python_lists_of_images_are_accepted():
    assert vh.binarize([[0.0] * 784], seed=0).shape == (1, 784)
