"""Chapter 7's teaching code scores images as the package does, on the same model and noise.

The chapter writes the per-image terms of the negative ELBO, the four anomaly scores, the
AUROC table of the one-class protocol, the percentile threshold and the detection report.
Each test runs the chapter's own cells (tagged ``teach``) and holds them to the package's
hardened versions: edit a teaching cell so that it computes something else and a test here
fails.
"""

import numpy as np
import pytest
from teaching import teaching_namespace

import vae_helpers as vh


@pytest.fixture(scope="module")
def taught():
    return teaching_namespace("07_anomaly_detection")


@pytest.fixture(scope="module")
def model():
    """A tiny untrained VAE: its posteriors differ from image to image, which is all we need."""
    vh.seed_everything(0)
    return vh.build_dense_vae(latent_dim=3, hidden_units=(16,), seed=1)


@pytest.fixture(scope="module")
def images():
    """Forty binary images, (N, 28, 28): fewer than one of the package's batches."""
    return (np.random.default_rng(0).random((40, 28, 28)) < 0.3).astype(np.float32)


def test_elbo_terms_equal_vh_elbo_terms_on_the_same_draw_of_z(taught, model, images):
    reconstruction, kl = taught["elbo_terms"](model, images, seed=7)
    package_reconstruction, package_kl = vh.elbo_terms(model, images, seed=7)
    assert reconstruction.shape == kl.shape == (len(images),)
    np.testing.assert_allclose(reconstruction, package_reconstruction, rtol=1e-6)
    np.testing.assert_allclose(kl, package_kl, rtol=1e-5, atol=1e-6)
    other_draw, _ = taught["elbo_terms"](model, images, seed=8)
    assert not np.allclose(other_draw, reconstruction)  # the seed picks the draw of z


def test_anomaly_scores_equal_vh_anomaly_scores_for_all_four_scores(taught, model, images):
    written = taught["anomaly_scores"](model, images, num_samples=5, seed=3)
    package = vh.anomaly_scores(model, images, num_samples=5, seed=3)
    assert list(written) == list(package) == list(vh.SCORE_NAMES)
    for name in vh.SCORE_NAMES:
        np.testing.assert_allclose(written[name], package[name], rtol=1e-5, err_msg=name)


def test_auroc_table_equals_vh_auroc_table(taught):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 10, size=200)
    scores_by_normal = {
        digit: {
            "shifted": rng.normal(size=200) + (labels != digit),
            "noise": rng.normal(size=200),
        }
        for digit in (0, 3, 9)
    }
    written = taught["auroc_table"](scores_by_normal, labels)
    package = vh.auroc_table(scores_by_normal, labels)
    assert written.keys() == package.keys()
    for digit in package:
        assert written[digit].keys() == package[digit].keys()
        for name, value in package[digit].items():
            np.testing.assert_allclose(written[digit][name], value, rtol=1e-12)
        assert package[digit]["shifted"] > 0.65  # a score that separates, and one that does not


@pytest.mark.parametrize("percentile", [5.0, 95.0, 99.0])
def test_threshold_and_detection_report_equal_the_package_twins(taught, percentile):
    rng = np.random.default_rng(2)
    is_anomaly = (rng.random(300) < 0.7).astype(int)
    scores = rng.normal(size=300) + 1.5 * is_anomaly
    normal_scores = rng.normal(size=120)
    threshold = taught["threshold_at_percentile"](normal_scores, percentile)
    package_threshold = vh.threshold_at_percentile(normal_scores, percentile)
    np.testing.assert_allclose(threshold, package_threshold, rtol=1e-12)

    written = taught["detection_report"](is_anomaly, scores, threshold)
    package = vh.detection_report(is_anomaly, scores, package_threshold)
    assert written.keys() == package.keys()
    np.testing.assert_array_equal(written["confusion"], package["confusion"])
    assert written["flagged"] == package["flagged"]
    for name in ("precision", "recall", "f1", "false_positive_rate"):
        np.testing.assert_allclose(written[name], package[name], rtol=1e-12, err_msg=name)


def test_png_bits_equal_vh_png_bits_on_binary_and_grey_images(taught, images):
    grey = np.random.default_rng(1).random((5, 784)).astype(np.float32)
    for x in (images, grey):
        np.testing.assert_array_equal(taught["png_bits"](x), vh.png_bits(x))
