"""Chapter 6's teaching code scores an embedding as the package does, on the same points.

The chapter writes ``evaluate_embedding``, one row of its results table under the Parametric
UMAP protocol: 1-NN and 5-NN accuracy, trustworthiness and silhouette on a seeded subsample.
The test runs the chapter's own cell (tagged ``teach``) and holds it to
``vh.evaluate_embedding``: edit the teaching cell so that it computes something else and the
test fails.
"""

import numpy as np
import pytest
from teaching import teaching_namespace

import vae_helpers as vh


@pytest.fixture(scope="module")
def taught():
    return teaching_namespace("06_dimensionality_reduction")


def _clustered(rng, centres, count):
    """``count`` points around the ten class ``centres``, with their labels."""
    labels = np.arange(count) % 10
    return centres[labels] + rng.normal(size=(count, centres.shape[1])), labels


@pytest.mark.parametrize(("dims", "subsample", "seed"), [(2, 80, 0), (3, 1_000, 4)])
def test_evaluate_embedding_gives_the_row_of_vh_evaluate_embedding(taught, dims, subsample, seed):
    """``subsample`` above the number of test points scores all of them, in a seeded order."""
    rng = np.random.default_rng(dims)
    centres = rng.normal(0.0, 3.0, size=(10, dims))
    train, train_labels = _clustered(rng, centres, 300)
    test, test_labels = _clustered(rng, centres, 150)
    images = rng.random((150, 28, 28), dtype=np.float32)
    written = taught["evaluate_embedding"](
        train, train_labels, test, test_labels, images, subsample=subsample, seed=seed
    )
    package = vh.evaluate_embedding(
        train, train_labels, test, test_labels, images, subsample=subsample, seed=seed
    )
    assert list(written) == list(package)
    assert 0.3 < package["1-NN accuracy"] < 1.0  # the clusters overlap, so the score moves
    np.testing.assert_allclose(list(written.values()), list(package.values()), rtol=1e-12)
