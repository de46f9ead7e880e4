import gzip
import shutil

import numpy as np
import pytest

import vae_helpers as vh
from vae_helpers import data

SHARED = data.os.environ.get("VAE_BOOK_DATA")
HAS_FASHION = bool(SHARED) and all(
    (data.Path(SHARED) / data.FASHION_FOLDER / name).is_file() for name in data.FASHION_SHA256
)
needs_fashion = pytest.mark.skipif(
    not HAS_FASHION, reason="set VAE_BOOK_DATA to a folder holding fashion-mnist/*.gz"
)


@needs_fashion
def test_load_fashion_mnist_reads_the_offline_files_with_published_values():
    (x_train, y_train), (x_test, y_test) = vh.load_fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_test.dtype == np.float32 and y_test.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert y_train.shape == (60000,) and set(np.unique(y_train)) == set(range(10))
    np.testing.assert_allclose(x_test.mean(dtype=np.float64), 0.28684928071228494, rtol=1e-6)
    np.testing.assert_array_equal(y_test[:10], [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])


@needs_fashion
def test_corrupt_fashion_file_fails_its_checksum(monkeypatch, tmp_path):
    folder = tmp_path / data.FASHION_FOLDER
    shutil.copytree(data.Path(SHARED) / data.FASHION_FOLDER, folder)
    with gzip.open(folder / "t10k-labels-idx1-ubyte.gz", "wb") as handle:
        handle.write(bytes(8 + 10000))  # a well-formed file with the wrong labels
    monkeypatch.setenv("VAE_BOOK_DATA", str(tmp_path))
    with pytest.raises(
        vh.ChecksumError, match="t10k-labels.*sha256 is [0-9a-f]{64}, expected 67da"
    ):
        vh.load_fashion_mnist()


def test_missing_fashion_files_name_the_variable_and_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv("VAE_BOOK_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="has no fashion-mnist/train-images-idx3-ubyte.gz"):
        vh.load_fashion_mnist()


def test_failed_fashion_download_says_what_to_set(monkeypatch):
    def no_network():
        raise Exception("URL fetch failure")

    monkeypatch.delenv("VAE_BOOK_DATA", raising=False)
    monkeypatch.setattr(data.keras.datasets.fashion_mnist, "load_data", no_network)
    with pytest.raises(
        RuntimeError, match="set VAE_BOOK_DATA to a folder that holds fashion-mnist/"
    ):
        vh.load_fashion_mnist()


@pytest.mark.parametrize("shape", [(12, 784), (12, 28, 28), (12, 28, 28, 1)])
def test_one_class_split_keeps_only_the_requested_digit(images, shape):
    labels = np.arange(12) % 10
    picked = vh.one_class_split(images.reshape(shape), labels, 3)
    assert picked.shape == (1,) + shape[1:]
    np.testing.assert_array_equal(picked.reshape(-1, 784), images[labels == 3])
    two = vh.one_class_split(images, labels, np.int64(1))
    np.testing.assert_array_equal(two, images[[1, 11]])


@pytest.mark.parametrize(
    ("digit", "error", "message"),
    [
        (10, ValueError, r"digit must be an integer in \[0, 9\]; got 10"),
        (-1, ValueError, r"digit must be an integer in \[0, 9\]; got -1"),
        (2.0, TypeError, "digit must be an int; got float 2.0"),
        (True, TypeError, "digit must be an int; got bool True"),
        ("3", TypeError, "digit must be an int; got str '3'"),
    ],
)
def test_one_class_split_rejects_an_unknown_digit(images, digit, error, message):
    with pytest.raises(error, match=message):
        vh.one_class_split(images, np.zeros(12, dtype=np.int64), digit)


def test_one_class_split_needs_one_integer_label_per_image(images):
    with pytest.raises(
        ValueError, match=r"y must be a 1-d array of 12 labels, .*got shape \(11,\)"
    ):
        vh.one_class_split(images, np.zeros(11, dtype=np.int64), 0)
    with pytest.raises(TypeError, match="y must be a 1-d array of integer labels; got .*bool"):
        vh.one_class_split(images, np.zeros(12, dtype=bool), 0)


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


def test_roc_curves_label_each_score_with_its_auroc():
    is_anomaly = np.repeat([0, 1], 5)
    scores = {"perfect": np.arange(10.0), "reversed": -np.arange(10.0)}
    fig = vh.plot_roc_curves(is_anomaly, scores, title="t")
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels[:2] == ["perfect (AUROC 1.000)", "reversed (AUROC 0.000)"]


def test_ranked_images_show_the_highest_and_lowest_scores(images):
    scores = np.arange(12.0)
    fig = vh.plot_ranked_images(images, scores, num_images=3)
    titles = [axis.get_title() for axis in fig.axes]
    assert titles == ["11.0", "10.0", "9.0", "0.0", "1.0", "2.0"]
    with pytest.raises(ValueError, match=r"scores must be a 12-long 1-d array of finite scores"):
        vh.plot_ranked_images(images, scores[:5])


def test_threshold_decision_shows_the_borderline_flagged_images(images):
    is_anomaly = np.repeat([0, 1], 6)
    scores = np.arange(12.0)
    fig = vh.plot_threshold_decision(images, is_anomaly, scores, threshold=4.5, num_images=3)
    titles = [axis.get_title() for axis in fig.axes[2:]]
    assert titles == ["5.0\nNORMAL", "6.0\nanomaly", "7.0\nanomaly"]
    assert "precision 0.86, recall 1.00" in fig.axes[1].get_title()


def test_threshold_explorer_redraws_for_a_new_threshold(drawn_figures, images):
    explorer = vh.threshold_explorer(images, np.repeat([0, 1], 6), np.arange(12.0), 4.5)
    assert drawn_figures[-1]._suptitle.get_text().startswith("threshold 4.5: 7 of 12 flagged")
    explorer.children[0].value = 9.5
    assert drawn_figures[-1]._suptitle.get_text().startswith("threshold 9.5: 2 of 12 flagged")
