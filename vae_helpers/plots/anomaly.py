"""Anomaly detection: ROC curves, the most and least anomalous images, and what a threshold
decides.
"""

from collections.abc import Mapping

import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay

from ..anomaly import check_anomaly_labels
from ..validation import (
    as_array,
    as_finite_vector,
    as_mapping,
    as_square_images,
    check_instance,
    check_scalar,
)
from ._common import (
    axes_to_draw_on,
    check_ax,
    check_fig,
    check_num_images,
    check_title,
    figure_to_draw_on,
    image_rows,
)

ROC_KEYS = ("false_positive_rate", "true_positive_rate", "auroc")
REPORT_KEYS = ("precision", "recall", "f1", "flagged", "confusion")


def _check_curve(curve, name):
    """One ROC curve: rates from 0 to 1 of equal length, and an AUROC in [0, 1]."""
    check_instance(curve, name, Mapping, f"a dict with the keys {list(ROC_KEYS)}")
    missing = [key for key in ROC_KEYS if key not in curve]
    if missing:
        raise ValueError(f"{name} must have the keys {list(ROC_KEYS)}; got one without {missing}.")
    rates = []
    for key in ROC_KEYS[:2]:
        shown = f"{name}[{key!r}]"
        rate = as_array(curve[key], shown, "a 1-d array of rates in [0, 1]", "iuf")
        rate = rate.astype(np.float64, copy=False)
        if rate.ndim != 1 or len(rate) < 2 or not np.all((rate >= 0) & (rate <= 1)):
            raise ValueError(
                f"{shown} must be a 1-d array of at least 2 rates in [0, 1]; "
                f"got shape {rate.shape}."
            )
        rates.append(rate)
    if len(rates[0]) != len(rates[1]):
        raise ValueError(
            f"{name} must hold as many false-positive as true-positive rates; "
            f"got {len(rates[0])} and {len(rates[1])}."
        )
    area = check_scalar(curve["auroc"], f"{name}['auroc']", float, low=0, high=1)
    return rates[0], rates[1], area


def plot_roc_curves(curves, title=None, ax=None):
    """ROC curves of several anomaly scores, each labelled with its AUROC, and chance.

    ``curves`` maps a score's name to its curve, a dict with the keys
    ``"false_positive_rate"``, ``"true_positive_rate"`` (equally long, from 0 to 1) and
    ``"auroc"``, as :func:`~vae_helpers.anomaly.roc_curves` returns. Draws on ``ax`` when given.
    """
    as_mapping(curves, "curves", "score name to its ROC curve")
    checked = {name: _check_curve(curve, f"curves[{name!r}]") for name, curve in curves.items()}
    check_title(title)
    check_ax(ax)
    ax = axes_to_draw_on(ax, (4.6, 4.2))
    for name, (false_positive, true_positive, area) in checked.items():
        ax.plot(false_positive, true_positive, label=f"{name} (AUROC {area:.3f})")
    ax.plot([0, 1], [0, 1], color="gray", linestyle=":", label="chance (AUROC 0.5)")
    ax.set_xlabel("false-positive rate (normal images flagged)")
    ax.set_ylabel("true-positive rate (anomalies flagged)")
    ax.legend(loc="lower right", fontsize=8)
    if title:
        ax.set_title(title)
    return ax.figure


def plot_ranked_images(x, scores, num_images=8, title=None, fig=None):
    """The ``num_images`` highest-scoring (most anomalous) and lowest-scoring images of ``x``.

    ``x`` is ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``; ``scores`` holds one score
    per image (higher = more anomalous), shown above each image. Draws on ``fig`` when given.
    """
    images = as_square_images(x, "x")
    values = as_finite_vector(scores, "scores", len(images), "finite scores, one per image")
    num_images = check_num_images(num_images, len(images), "x")
    check_title(title)
    check_fig(fig)
    order = np.argsort(values, kind="stable")
    picks = [order[::-1][:num_images], order[:num_images]]
    rows = [images[pick] for pick in picks]
    panel_titles = [[f"{values[i]:.1f}" for i in pick] for pick in picks]
    return image_rows(rows, ["most\nanomalous", "least\nanomalous"], title, panel_titles, fig=fig)


def _check_report(report):
    """The numbers of a detection report that the figure shows."""
    as_mapping(report, "report", "name to a number, as detection_report returns")
    missing = [key for key in REPORT_KEYS if key not in report]
    if missing:
        raise ValueError(
            f"report must have the keys {list(REPORT_KEYS)}; got one without {missing}."
        )
    shown = {
        key: check_scalar(report[key], f"report[{key!r}]", float, low=0, high=1)
        for key in REPORT_KEYS[:3]
    }
    shown["flagged"] = check_scalar(report["flagged"], "report['flagged']", int, low=0)
    confusion = as_array(report["confusion"], "report['confusion']", "a 2x2 array of counts", "iu")
    if confusion.shape != (2, 2) or confusion.min() < 0:
        raise ValueError(
            f"report['confusion'] must be a 2x2 array of counts; got shape {confusion.shape}."
        )
    shown["confusion"] = confusion
    return shown


def _check_report_matches(report, values, threshold):
    """Refuse a report whose counts are not those of flagging ``values > threshold``."""
    flagged = int(np.count_nonzero(values > threshold))
    confusion = report["confusion"]
    came = (report["flagged"], int(confusion.sum()), int(confusion[:, 1].sum()))
    if came != (flagged, len(values), flagged):
        raise ValueError(
            f"report must be detection_report's for these scores and threshold {threshold:g}, "
            f"which flag {flagged} of {len(values)} images; got report['flagged'] {came[0]} "
            f"and a confusion matrix of {came[1]} images with {came[2]} flagged."
        )


def plot_threshold_decision(x, is_anomaly, scores, threshold, report, num_images=8, fig=None):
    """What flagging ``score > threshold`` does: score histograms, confusion matrix, examples.

    Top left, the scores of normal and anomalous images with the threshold; top right,
    ``report``'s confusion matrix with its precision, recall and F1 (``report`` is what
    :func:`~vae_helpers.anomaly.detection_report` returns for the same arguments: a report
    whose flagged count or confusion matrix disagrees with ``scores > threshold`` raises a
    ``ValueError``); below, the flagged images whose scores lie closest above the threshold
    (the borderline calls), each titled with its score and whether it really is an anomaly.
    ``x`` is ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``; ``is_anomaly`` holds 1 for
    anomalies and 0 for normal images. Draws on ``fig`` when given.
    """
    images = as_square_images(x, "x")
    values = as_finite_vector(scores, "scores", len(images), "finite scores, one per image")
    labels, _ = check_anomaly_labels(is_anomaly, values)
    labels = labels.astype(bool)
    threshold = check_scalar(threshold, "threshold", float)
    report = _check_report(report)
    _check_report_matches(report, values, threshold)
    num_images = check_scalar(num_images, "num_images", int, low=1)
    check_fig(fig)
    fig = figure_to_draw_on(fig, (1.2 * max(num_images, 8), 5.6))
    grid = fig.add_gridspec(2, num_images, height_ratios=[2.6, 1.0])
    split = num_images // 2 + num_images % 2
    histogram = fig.add_subplot(grid[0, :split])
    bins = np.linspace(values.min(), np.percentile(values, 99.5), 60)
    histogram.hist(values[~labels], bins=bins, alpha=0.6, density=True, label="normal")
    histogram.hist(values[labels], bins=bins, alpha=0.6, density=True, label="anomaly")
    histogram.axvline(threshold, color="black", linestyle="--", label="threshold")
    histogram.set_xlabel("score (nats)")
    histogram.set_ylabel("density")
    histogram.legend(fontsize=8)
    matrix = fig.add_subplot(grid[0, split:])
    ConfusionMatrixDisplay(report["confusion"], display_labels=["normal", "anomaly"]).plot(
        ax=matrix, colorbar=False, values_format="d"
    )
    matrix.set_xlabel("flagged as")
    matrix.set_ylabel("truly")
    matrix.set_title(
        f"precision {report['precision']:.2f}, recall {report['recall']:.2f}, "
        f"F1 {report['f1']:.2f}",
        fontsize=9,
    )
    flagged = np.flatnonzero(values > threshold)
    borderline = flagged[np.argsort(values[flagged], kind="stable")][:num_images]
    for column in range(num_images):
        axis = fig.add_subplot(grid[1, column])
        axis.axis("off")
        if column < len(borderline):
            index = borderline[column]
            axis.imshow(images[index], cmap="gray", vmin=0.0, vmax=1.0)
            truth = "anomaly" if labels[index] else "NORMAL"
            axis.set_title(f"{values[index]:.1f}\n{truth}", fontsize=8)
    fig.suptitle(
        f"threshold {threshold:.1f}: {report['flagged']} of {len(values)} flagged "
        "(below: the flagged images closest to the threshold)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig
