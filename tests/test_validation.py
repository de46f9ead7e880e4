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
        ([["a"] * 784], "x must be a numeric array"),
    ],
)
def test_bad_images_are_rejected_with_what_came(bad, message):
    with pytest.raises(ValueError, match=message):
        vh.binarize(bad, seed=0)


def test_python_lists_of_images_are_accepted():
    assert vh.binarize([[0.0] * 784], seed=0).shape == (1, 784)
