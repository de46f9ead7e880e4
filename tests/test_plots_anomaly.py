"""Anomaly figures: ROC curves, ranked images, threshold decisions."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

import vae_helpers as vh


def test_roc_curves_draw_each_curve_with_its_auroc_and_chance():
    curves = {
        "perfect": {"false_positive_rate": [0, 0, 1], "true_positive_rate": [0, 1, 1], "auroc": 1},
        "chance": {"false_positive_rate": [0, 1], "true_positive_rate": [0, 1], "auroc": 0.5},
    }
    fig, ax = plt.subplots()
    assert vh.plot_roc_curves(curves, title="t", ax=ax) is fig
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["perfect (AUROC 1.000)", "chance (AUROC 0.500)", "chance (AUROC 0.5)"]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 0, 1])
    assert ax.get_title() == "t"


def test_roc_curves_draw_what_roc_curves_computes():
    is_anomaly = np.repeat([0, 1], 5)
    curves = vh.roc_curves(is_anomaly, {"reversed": -np.arange(10.0)})
    fig = vh.plot_roc_curves(curves)
    assert fig.axes[0].get_legend_handles_labels()[1][0] == "reversed (AUROC 0.000)"


@pytest.mark.parametrize(
    ("curve", "message"),
    [
        ({"auroc": 0.5}, "must have the keys"),
        (
            {"false_positive_rate": [0, 2], "true_positive_rate": [0, 1], "auroc": 0.5},
            r"false_positive_rate'\] must be a 1-d array of at least 2 rates in \[0, 1\]",
        ),
        (
            {"false_positive_rate": [0, 1], "true_positive_rate": [0, 0.5, 1], "auroc": 0.5},
            "as many false-positive as true-positive rates; got 2 and 3",
        ),
        (
            {"false_positive_rate": [0, 1], "true_positive_rate": [0, 1], "auroc": 1.5},
            r"auroc'\] must be a finite number in \[0, 1\]",
        ),
    ],
)
def test_roc_curves_name_a_bad_curve(curve, message):
    with pytest.raises(ValueError, match=message):
        vh.plot_roc_curves({"s": curve})


def test_ranked_images_show_the_highest_and_lowest_scores(images):
    scores = np.arange(12.0)
    fig = vh.plot_ranked_images(images, scores, num_images=3)
    titles = [axis.get_title() for axis in fig.axes]
    assert titles == ["11.0", "10.0", "9.0", "0.0", "1.0", "2.0"]
    with pytest.raises(ValueError, match=r"scores must be a 12-long 1-d array of finite scores"):
        vh.plot_ranked_images(images, scores[:5])


def test_threshold_decision_draws_the_report_and_the_borderline_flagged_images(images):
    is_anomaly = np.repeat([0, 1], 6)
    scores = np.arange(12.0)
    report = vh.detection_report(is_anomaly, scores, 4.5)
    fig = vh.plot_threshold_decision(images, is_anomaly, scores, 4.5, report, num_images=3)
    titles = [axis.get_title() for axis in fig.axes[2:]]
    assert titles == ["5.0\nNORMAL", "6.0\nanomaly", "7.0\nanomaly"]
    assert "precision 0.86, recall 1.00" in fig.axes[1].get_title()
    assert fig._suptitle.get_text().startswith("threshold 4.5: 7 of 12 flagged")
    # the matrix and the numbers come from the report, as given (its counts agree: 7 of 12)
    made_up = {**report, "precision": 0.25, "confusion": np.array([[4, 3], [1, 4]])}
    fig = vh.plot_threshold_decision(images, is_anomaly, scores, 4.5, made_up, num_images=3)
    assert "precision 0.25" in fig.axes[1].get_title()
    assert [text.get_text() for text in fig.axes[1].texts] == ["4", "3", "1", "4"]


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"flagged": -1}, ValueError, r"report\['flagged'\] must be a non-negative integer"),
        ({"confusion": np.zeros((3, 3), int)}, ValueError, "report.'confusion'. must be a 2x2"),
        ({"recall": "1"}, TypeError, r"report\['recall'\] must be a real number"),
        ({"f1": None}, TypeError, r"report\['f1'\] must be a real number"),
    ],
)
def test_threshold_decision_names_a_bad_report(images, change, error, message):
    is_anomaly, scores = np.repeat([0, 1], 6), np.arange(12.0)
    report = {**vh.detection_report(is_anomaly, scores, 4.5), **change}
    with pytest.raises(error, match=message):
        vh.plot_threshold_decision(images, is_anomaly, scores, 4.5, report)
    with pytest.raises(ValueError, match="report must have the keys"):
        vh.plot_threshold_decision(images, is_anomaly, scores, 4.5, {"precision": 1.0})


@pytest.mark.parametrize(
    ("report_for", "came"),
    [
        ("another threshold", "got report['flagged'] 3 and a confusion matrix of 12 images with 3"),
        ("other scores", "got report['flagged'] 7 and a confusion matrix of 14 images with 7"),
        ("a wrong count", "got report['flagged'] 6 and a confusion matrix of 12 images with 7"),
    ],
)
def test_threshold_decision_refuses_a_report_for_other_scores_or_threshold(
    images, report_for, came
):
    is_anomaly, scores = np.repeat([0, 1], 6), np.arange(12.0)
    report = {
        "another threshold": vh.detection_report(is_anomaly, scores, 8.5),
        "other scores": vh.detection_report(np.repeat([0, 1], 7), np.arange(14.0), 6.5),
        "a wrong count": {**vh.detection_report(is_anomaly, scores, 4.5), "flagged": 6},
    }[report_for]
    expected = r"report must be detection_report's for these scores and threshold 4\.5, "
    expected += r"which flag 7 of 12 images; " + re.escape(came)
    with pytest.raises(ValueError, match=expected):
        vh.plot_threshold_decision(images, is_anomaly, scores, 4.5, report)
