"""Anomaly scores, AUROC and ROC curves, thresholds and detection reports."""

import keras
import numpy as np
import pytest

import vae_helpers as vh


def test_auroc_is_one_for_separated_scores_and_zero_when_reversed():
    is_anomaly = np.array([0, 0, 0, 1, 1])
    scores = np.array([0.1, 0.2, 0.3, 5.0, 6.0])
    assert vh.auroc(is_anomaly, scores) == 1.0
    assert vh.auroc(is_anomaly, -scores) == 0.0
    assert vh.auroc(is_anomaly.astype(bool), np.ones(5)) == 0.5


@pytest.mark.parametrize(
    ("is_anomaly", "scores", "message"),
    [
        ([0, 0, 0], [1.0, 2.0, 3.0], "both normal"),
        ([0, 1, 2], [1.0, 2.0, 3.0], "only 0"),
        ([0, 1], [1.0, 2.0, 3.0], "same number"),
        ([0, 1], [1.0, np.nan], "scores must be finite"),
    ],
)
def test_auroc_rejects_bad_inputs(is_anomaly, scores, message):
    with pytest.raises(ValueError, match=message):
        vh.auroc(is_anomaly, scores)


def test_auroc_table_treats_the_normal_class_as_zero():
    labels = np.array([0, 0, 1, 1, 2, 2])
    scores = {
        0: {"good": np.array([0, 0, 1, 1, 1, 1.0]), "bad": np.array([1, 1, 0, 0, 0, 0.0])},
        2: {"good": np.array([1, 1, 1, 1, 0, 0.0]), "bad": np.array([0, 0, 0, 0, 1, 1.0])},
    }
    table = vh.auroc_table(scores, labels)
    assert table == {0: {"good": 1.0, "bad": 0.0}, 2: {"good": 1.0, "bad": 0.0}}


def test_scores_are_one_finite_value_per_image_even_on_blank_and_full_images(trained_tiny_vae):
    x = np.concatenate([np.zeros((3, 28, 28)), np.ones((3, 28, 28))]).astype(np.float32)
    scores = vh.anomaly_scores(trained_tiny_vae, x, num_samples=8, seed=0, batch_size=4)
    assert tuple(scores) == vh.SCORE_NAMES
    for name, values in scores.items():
        assert values.shape == (6,) and np.all(np.isfinite(values)), name
    np.testing.assert_allclose(
        scores["negative ELBO"], scores["reconstruction"] + scores["KL"], rtol=1e-12
    )
    assert np.all(scores["KL"] >= 0.0)


LARGEST_SEED = pytest.param(
    2**32 - 1,
    0,
    marks=pytest.mark.skipif(
        keras.config.backend() == "torch",
        reason="Keras' PyTorch SeedGenerator holds its seed as int32",
    ),
)


@pytest.mark.parametrize(("seed", "iw_seed"), [(5, 6), LARGEST_SEED])
def test_the_iw_bound_is_seeded_by_the_next_seed_wrapping_after_the_largest(
    trained_tiny_vae, prototype_digits, seed, iw_seed
):
    x = prototype_digits[:8]
    scores = vh.anomaly_scores(trained_tiny_vae, x, num_samples=4, seed=seed)
    reconstruction, kl = vh.elbo_terms(trained_tiny_vae, x, seed=seed)
    np.testing.assert_array_equal(scores["negative ELBO"], reconstruction + kl)
    np.testing.assert_array_equal(
        scores["IW bound"], vh.importance_weighted_nll(trained_tiny_vae, x, 4, seed=iw_seed)
    )


def test_elbo_terms_are_seeded_and_average_to_the_evaluated_loss(
    trained_tiny_vae, prototype_digits
):
    first = vh.elbo_terms(trained_tiny_vae, prototype_digits, seed=1, batch_size=256)
    again = vh.elbo_terms(trained_tiny_vae, prototype_digits, seed=1, batch_size=256)
    np.testing.assert_array_equal(first[0], again[0])
    mean, log_var = trained_tiny_vae.encode(prototype_digits)
    np.testing.assert_allclose(first[1], vh.kl_divergence(mean, log_var), rtol=1e-5)
    evaluated = np.mean(
        [
            trained_tiny_vae.evaluate(
                prototype_digits, batch_size=256, verbose=0, return_dict=True
            )["loss"]
            for _ in range(20)
        ]
    )
    draws = [
        sum(vh.elbo_terms(trained_tiny_vae, prototype_digits, seed=s)).mean() for s in range(20)
    ]
    assert abs(np.mean(draws) - evaluated) < 0.01 * evaluated


def test_separable_data_get_a_high_auroc_from_a_trained_model(trained_tiny_vae, prototype_digits):
    noise = np.random.default_rng(0).random((64, 784)) < 0.5
    x = np.concatenate([prototype_digits[:64], noise.astype(np.float32)])
    is_anomaly = np.repeat([0, 1], 64)
    scores = vh.anomaly_scores(trained_tiny_vae, x, num_samples=4, seed=0)
    assert vh.auroc(is_anomaly, scores["negative ELBO"]) > 0.99
    assert vh.auroc(is_anomaly, scores["IW bound"]) > 0.99


def test_threshold_at_percentile_flags_the_expected_share_of_normals():
    normal = np.arange(1000, dtype=np.float64)
    threshold = vh.threshold_at_percentile(normal, 95)
    assert np.mean(normal > threshold) == pytest.approx(0.05, abs=0.002)
    with pytest.raises(ValueError, match=r"percentile must be a finite number in \[0, 100\]"):
        vh.threshold_at_percentile(normal, 120)
    with pytest.raises(ValueError, match="normal_scores must be a non-empty 1-d array"):
        vh.threshold_at_percentile([], 95)


def test_detection_report_counts_match_a_hand_worked_example():
    is_anomaly = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    scores = np.array([1, 2, 3, 9, 4, 8, 9, 1.0])
    report = vh.detection_report(is_anomaly, scores, threshold=3.5)
    # flagged: 9 (normal), 4, 8, 9 (anomalies); missed: the anomaly scoring 1
    np.testing.assert_array_equal(report["confusion"], [[3, 1], [1, 3]])
    assert report["precision"] == 0.75 and report["recall"] == 0.75 and report["f1"] == 0.75
    assert report["false_positive_rate"] == 0.25 and report["flagged"] == 4


def test_roc_curves_run_from_corner_to_corner_with_each_scores_auroc():
    is_anomaly = np.repeat([0, 1], 5)
    scores = {"perfect": np.arange(10.0), "reversed": -np.arange(10.0)}
    curves = vh.roc_curves(is_anomaly, scores)
    assert list(curves) == ["perfect", "reversed"]
    assert curves["perfect"]["auroc"] == 1.0 and curves["reversed"]["auroc"] == 0.0
    for curve in curves.values():
        rates = curve["false_positive_rate"], curve["true_positive_rate"]
        assert [(rate[0], rate[-1]) for rate in rates] == [(0.0, 1.0), (0.0, 1.0)]
        assert all(np.all(np.diff(rate) >= 0) for rate in rates)
    # the perfect score reaches every anomaly before its first false alarm
    perfect = curves["perfect"]
    assert perfect["true_positive_rate"][perfect["false_positive_rate"] == 0].max() == 1.0
    assert curves["perfect"]["auroc"] == vh.auroc(is_anomaly, scores["perfect"])


def test_roc_curves_name_the_score_with_bad_values():
    with pytest.raises(ValueError, match=r"scores\['s'\] must be finite"):
        vh.roc_curves([0, 1, 0, 1], {"s": [1.0, np.nan, 2.0, 3.0]})
    with pytest.raises(ValueError, match="is_anomaly must contain both normal"):
        vh.roc_curves([0, 0, 0, 0], {"s": [1.0, 2.0, 3.0, 4.0]})


def test_png_bits_are_the_size_of_the_png_file_that_decodes_to_the_image():
    import io

    from PIL import Image

    rng = np.random.default_rng(0)
    images = (rng.random((3, 28, 28)) < 0.3).astype(np.float32)
    bits = vh.png_bits(images)
    assert bits.dtype == np.int64 and bits.shape == (3,)
    for image, size in zip(images, bits):
        buffer = io.BytesIO()
        Image.fromarray((image * 255).astype(np.uint8)).save(buffer, format="PNG", optimize=True)
        assert size == 8 * len(buffer.getvalue())
        decoded = np.asarray(Image.open(io.BytesIO(buffer.getvalue())))
        np.testing.assert_array_equal(decoded, image * 255)


def test_png_bits_grow_with_the_complexity_of_the_image():
    rng = np.random.default_rng(0)
    blank = np.zeros((1, 784), dtype=np.float32)
    square = np.zeros((1, 28, 28), dtype=np.float32)
    square[0, 8:20, 8:20] = 1.0
    noise = (rng.random((1, 784)) < 0.5).astype(np.float32)
    sizes = [vh.png_bits(x)[0] for x in (blank, square, noise)]
    assert sizes[0] < sizes[1] < sizes[2]
    assert sizes[2] > 784  # random bits do not compress below one bit per pixel
