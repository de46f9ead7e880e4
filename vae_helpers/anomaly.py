"""Anomaly scores from a trained VAE, and what they are worth: AUROC and thresholded decisions.

Every score is per image and "higher is more anomalous": the negative ELBO, its
reconstruction term ``-log p(x|z)`` and its KL term alone, and the importance-weighted bound
on ``-log p(x)`` (Burda et al., 2016), all in nats. :func:`anomaly_scores` computes all four;
:func:`auroc_table` turns scores into the area under the ROC curve (normal = 0, anomaly = 1),
:func:`roc_curves` into the curves themselves, and :func:`threshold_at_percentile` with
:func:`detection_report` turn a score into decisions. :func:`png_bits` measures an image's
complexity, to correct a likelihood for it (Serrà et al., 2020).
"""

import io

import keras
import numpy as np
from keras import ops
from PIL import Image
from sklearn.metrics import (
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)

from .losses import bernoulli_nll, importance_weighted_nll, kl_divergence
from .models import VAE
from .validation import (
    MAX_SEED,
    SEED_RULE,
    as_array,
    as_class_labels,
    as_finite_vector,
    as_flat_images,
    as_mapping,
    as_square_images,
    check_model,
    check_same_length,
    check_scalar,
)

SCORE_NAMES = ("negative ELBO", "reconstruction", "KL", "IW bound")


def elbo_terms(model, x, seed=None, batch_size=1024):
    """Per-image ``(reconstruction, kl)`` of the negative ELBO, in nats, as float64 arrays.

    ``reconstruction`` is ``-log p(x|z)`` for one draw ``z ~ q(z|x)`` per image (seeded by
    ``seed``), ``kl`` the analytic ``KL(q(z|x) || p(z))``; their sum is the one-sample
    negative ELBO that ``model.evaluate`` averages. ``model`` is a :class:`~vae_helpers.VAE`;
    ``x`` holds images in [0, 1] as ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``.
    Taught in chapter 7, section "Four anomaly scores".
    """
    check_model(model, "model", (VAE,))
    flat = as_flat_images(x, "x")
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    seed = check_scalar(seed, "seed", int, **SEED_RULE)  # a NumPy int becomes a Python int
    seed_generator = keras.random.SeedGenerator(seed)
    reconstruction, kl = [], []
    for start in range(0, len(flat), batch_size):
        images = flat[start : start + batch_size]
        mean, log_var = model.posterior(images)
        epsilon = keras.random.normal(ops.shape(mean), seed=seed_generator)
        logits = model.decoder(mean + ops.exp(0.5 * log_var) * epsilon)
        reconstruction.append(ops.convert_to_numpy(bernoulli_nll(images, logits)))
        kl.append(ops.convert_to_numpy(kl_divergence(mean, log_var)))
    return (
        np.concatenate(reconstruction).astype(np.float64),
        np.concatenate(kl).astype(np.float64),
    )


def anomaly_scores(model, x, num_samples=50, seed=None, batch_size=1024):
    """The four scores of each image, as a dict ``{name: float64 array of N}`` (nats).

    Keys are :data:`SCORE_NAMES`: ``"negative ELBO"`` (one draw of z per image),
    ``"reconstruction"`` and ``"KL"`` (its two terms, from the same draw) and ``"IW bound"``
    (:func:`~vae_helpers.importance_weighted_nll` with ``num_samples`` draws, seeded by the
    next seed, ``seed + 1``, wrapping to 0 after the largest). Higher means more anomalous for
    all four. ``x`` is ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``. ``batch_size``
    batches the ELBO pass only; the IW bound keeps its own default batching.
    Taught in chapter 7, section "Four anomaly scores".
    """
    seed = check_scalar(seed, "seed", int, **SEED_RULE)
    check_scalar(num_samples, "num_samples", int, low=1)
    reconstruction, kl = elbo_terms(model, x, seed=seed, batch_size=batch_size)
    iw_seed = None if seed is None else (seed + 1) % (MAX_SEED + 1)
    iw = importance_weighted_nll(model, x, num_samples, seed=iw_seed)
    return dict(zip(SCORE_NAMES, (reconstruction + kl, reconstruction, kl, iw)))


def png_bits(x):
    """Length in bits of each image saved as a PNG file (8-bit greyscale, as MNIST is stored).

    A lossless compressor's code length is a measure of an image's complexity that needs no
    training: Serrà et al. (2020) subtract it from ``-log2 p(x)`` so that simple images stop
    looking likely just for being simple. ``x`` holds images in [0, 1] in any accepted layout;
    pixels are rounded to 256 grey levels. Returns an int64 array of N values.
    Taught in chapter 7, section "Correcting the likelihood for complexity".
    """
    images = np.rint(as_square_images(x, "x") * 255).astype(np.uint8)
    sizes = np.empty(len(images), dtype=np.int64)
    for index, image in enumerate(images):
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="PNG", optimize=True)
        sizes[index] = 8 * buffer.tell()
    return sizes


def check_anomaly_labels(is_anomaly, scores, scores_name="scores", labels_name="is_anomaly"):
    """Check the truth ``is_anomaly`` and one score per image; return them as arrays.

    ``is_anomaly`` is a 1-d array of 0 (normal) and 1 (anomaly), or booleans, with both
    classes present; ``scores`` as many finite numbers. Returns ``(int64 labels, float64
    scores)``. The names are those of the caller's arguments, for the messages.
    """
    labels = as_array(is_anomaly, labels_name, "a 1-d array of 0 (normal) and 1 (anomaly)")
    values = as_array(scores, scores_name, "a 1-d array of numbers, one score per image")
    values = values.astype(np.float64, copy=False)
    if labels.ndim != 1 or values.ndim != 1:
        raise ValueError(
            f"{labels_name} and {scores_name} must be 1-d, one value per image; "
            f"got shapes {labels.shape} and {values.shape}."
        )
    check_same_length(labels, values, labels_name, scores_name)
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(
            f"{labels_name} must hold only 0 (normal) and 1 (anomaly) or booleans; "
            f"got {np.unique(labels[~np.isin(labels, (0, 1))])[:5].tolist()}."
        )
    if len(np.unique(labels)) != 2:
        raise ValueError(
            f"{labels_name} must contain both normal (0) and anomalous (1) images; "
            f"got only {np.unique(labels).tolist()} in {len(labels)} images."
        )
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{scores_name} must be finite; got NaN or infinite values.")
    return labels.astype(np.int64), values


def auroc(is_anomaly, scores):
    """Area under the ROC curve of ``scores`` (higher = more anomalous) against ``is_anomaly``.

    ``is_anomaly`` holds 1 (or True) for anomalies and 0 for normal images. 1.0 means every
    anomaly scores above every normal image, 0.5 is chance, 0.0 a perfectly reversed order.
    """
    labels, values = check_anomaly_labels(is_anomaly, scores)
    return float(roc_auc_score(labels, values))


def roc_curves(is_anomaly, scores):
    """The ROC curve of each score and the area under it, for :func:`plot_roc_curves`.

    ``is_anomaly`` holds 1 (or True) for anomalies and 0 for normal images; ``scores`` maps
    a score's name to one value per image, higher meaning more anomalous. Returns
    ``{name: {"false_positive_rate": ..., "true_positive_rate": ..., "auroc": ...}}``: the
    curve as scikit-learn's ``roc_curve`` gives it (one point per distinct threshold, from
    (0, 0) to (1, 1)) and its AUROC as a float.
    """
    as_mapping(scores, "scores", "score name to one score per image")
    curves = {}
    for name, values in scores.items():
        labels, checked = check_anomaly_labels(is_anomaly, values, f"scores[{name!r}]")
        false_positive, true_positive, _ = roc_curve(labels, checked)
        curves[name] = {
            "false_positive_rate": false_positive,
            "true_positive_rate": true_positive,
            "auroc": float(roc_auc_score(labels, checked)),
        }
    return curves


def auroc_table(scores_by_normal, labels):
    """AUROC per normal class and per score: ``{normal class: {score name: AUROC}}``.

    ``scores_by_normal`` maps each normal class ``c`` (e.g. the digit a one-class model was
    trained on) to the dict of scores its model gave the evaluation images (as from
    :func:`anomaly_scores`); ``labels`` holds those images' classes. Images of class ``c``
    are normal (0), all others anomalous (1): the one-class protocol of Ruff et al. (2018).
    Every normal class must occur in ``labels``, and so must at least one other class.
    Taught in chapter 7, section "Four anomaly scores".
    """
    as_mapping(scores_by_normal, "scores_by_normal", "normal class to a dict of scores")
    labels = as_array(labels, "labels", "a 1-d array of integer class labels", "iu")
    labels = as_class_labels(labels, "labels", len(labels))
    if len(labels) == 0:
        raise ValueError("labels must hold the class of at least one image; got none.")
    table = {}
    for normal, scores in scores_by_normal.items():
        name = f"scores_by_normal[{normal!r}]"
        as_mapping(scores, name, "score name to one score per image")
        is_anomaly = (labels != normal).astype(np.int64)
        if is_anomaly.all() or not is_anomaly.any():
            raise ValueError(
                f"scores_by_normal has the normal class {normal!r}, so labels must hold it and "
                f"at least one other class; got labels holding {np.unique(labels).tolist()}."
            )
        table[normal] = {
            score: float(
                roc_auc_score(
                    *check_anomaly_labels(is_anomaly, values, f"{name}[{score!r}]", "labels")
                )
            )
            for score, values in scores.items()
        }
    return table


def threshold_at_percentile(normal_scores, percentile=95.0):
    """The score below which ``percentile`` % of ``normal_scores`` fall (NumPy's percentile).

    Chosen on held-out normal images, flagging ``score > threshold`` then flags about
    ``100 - percentile`` % of normal images (the false-positive rate one accepts).
    Taught in chapter 7, section "From scores to decisions".
    """
    values = as_finite_vector(normal_scores, "normal_scores", what="finite scores")
    check_scalar(percentile, "percentile", float, low=0, high=100)
    return float(np.percentile(values, percentile))


def detection_report(is_anomaly, scores, threshold):
    """Decisions ``score > threshold`` scored against the truth, as a dict.

    Keys: ``precision``, ``recall`` and ``f1`` of the anomaly class (scikit-learn's), the
    ``false_positive_rate`` on normal images, the number ``flagged``, and ``confusion``, the
    2x2 confusion matrix (rows: true normal, anomaly; columns: predicted normal, anomaly).
    Taught in chapter 7, section "From scores to decisions".
    """
    labels, values = check_anomaly_labels(is_anomaly, scores)
    check_scalar(threshold, "threshold", float)
    flagged = (values > threshold).astype(np.int64)
    precision, recall, f1, _ = precision_recall_fscore_support(
        labels, flagged, average="binary", zero_division=0.0
    )
    confusion = confusion_matrix(labels, flagged, labels=[0, 1])
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "false_positive_rate": float(confusion[0, 1] / confusion[0].sum()),
        "flagged": int(flagged.sum()),
        "confusion": confusion,
    }
