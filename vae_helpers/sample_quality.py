"""Scoring generated digits with a small MNIST classifier.

A classifier trained on real digits judges samples three ways: how confidently it names a
class (``confidence``), how evenly the named classes spread over the ten digits
(``entropy`` of the class histogram, in nats; ln 10 when all ten are equally common), and,
for a conditional model, how often it names the requested digit (``label_accuracy``).
The fourth score is a Fréchet distance between Gaussians fitted to the classifier's
penultimate-layer features of the samples and of real images: the recipe of FID
(Heusel et al., 2017), with this MNIST classifier standing in for the Inception network,
so its values are comparable only with each other, not with published FIDs.
"""

import warnings

import keras
import numpy as np
from keras import layers
from scipy import linalg, special

from .conditional import check_labels
from .models import in_batches
from .validation import (
    IMAGE_PIXELS,
    IMAGE_SIDE,
    as_finite_matrix,
    as_flat_images,
    check_instance,
    check_scalar,
)

FEATURES_LAYER = "features"


def build_mnist_classifier(feature_units=128):
    """A small convolutional MNIST classifier on flat 784-pixel inputs, outputting 10 logits.

    Two 5x5 stride-2 ReLU convolutions (16 and 32 filters) and a ReLU dense layer named
    ``"features"`` (``feature_units`` wide), whose activations :func:`classifier_features`
    returns. Compile it with a from-logits sparse cross-entropy.
    """
    feature_units = check_scalar(feature_units, "feature_units", int, low=1)
    inputs = keras.Input(shape=(IMAGE_PIXELS,), name="image")
    hidden = layers.Reshape((IMAGE_SIDE, IMAGE_SIDE, 1), name="to_image")(inputs)
    for index, count in enumerate((16, 32)):
        hidden = layers.Conv2D(
            count, 5, strides=2, padding="same", activation="relu", name=f"conv_{index}"
        )(hidden)
    hidden = layers.Flatten(name="flatten")(hidden)
    features = layers.Dense(feature_units, activation="relu", name=FEATURES_LAYER)(hidden)
    logits = layers.Dense(10, name="class_logits")(features)
    return keras.Model(inputs, logits, name="mnist_classifier")


def _check_classifier(classifier):
    """The classifier's ``(logits, features)`` model, once ``classifier`` is checked."""
    expected = "a keras Model like build_mnist_classifier()'s"
    check_instance(classifier, "classifier", keras.Model, expected)
    try:
        inputs, outputs = classifier.inputs, classifier.outputs
        features = classifier.get_layer(FEATURES_LAYER).output
    except (AttributeError, ValueError):
        raise ValueError(
            f"classifier must be {expected}: a functional model with one 784-pixel input and "
            f'a layer named "{FEATURES_LAYER}"; got {type(classifier).__name__} '
            f"{classifier.name!r}, which has no such layer, or no known inputs and outputs."
        ) from None
    shapes = [tuple(tensor.shape[1:]) for tensor in (*inputs, outputs[0])]
    if len(inputs) != 1 or shapes[0] != (IMAGE_PIXELS,) or len(shapes[1]) != 1:
        raise ValueError(
            f"classifier must take one input of {IMAGE_PIXELS} pixels and output one logit "
            f"per class; got input shapes {shapes[:-1]} and output shape {shapes[-1]}."
        )
    return keras.Model(inputs[0], [outputs[0], features])


def _outputs(classifier, x, batch_size, name):
    flat = as_flat_images(x, name)
    both = _check_classifier(classifier)
    logits, features = in_batches(both, flat, batch_size)
    return special.softmax(logits, axis=1), features


def classifier_outputs(classifier, x, batch_size=1024):
    """Return ``(probabilities, features)`` of the classifier for images ``x``.

    ``x`` is ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` in [0, 1]; probabilities
    are the softmax of the logits ``(N, 10)``, features the ``"features"`` layer's output.
    ``classifier`` is a model from :func:`build_mnist_classifier` (trained).
    """
    return _outputs(classifier, x, batch_size, "x")


def frechet_distance(features_a, features_b):
    """Fréchet distance between Gaussians fitted to two feature sets (rows are samples).

    ``|mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2))``, with the matrix square root
    from ``scipy.linalg.sqrtm``; its tiny imaginary parts (rounding) are discarded. Features
    that never vary (dead ReLUs) make the covariances singular, which ``sqrtm`` handles.
    Taught in chapter 5, section "Measuring sample quality".
    """
    a = as_finite_matrix(features_a, "features_a", min_rows=2)
    b = as_finite_matrix(features_b, "features_b", min_rows=2)
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"features_a and features_b must have as many columns; got {a.shape[1]} and "
            f"{b.shape[1]}."
        )
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))
    with warnings.catch_warnings():  # dead (always-zero) features make the product singular
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        root = linalg.sqrtm(cov_a @ cov_b)
        if not np.all(np.isfinite(root)):  # nudge both covariances off singularity
            offset = 1e-6 * np.eye(len(cov_a))
            root = linalg.sqrtm((cov_a + offset) @ (cov_b + offset))
    distance = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b - 2.0 * np.real(root))
    return float(max(distance, 0.0))


def class_histogram_entropy(probabilities):
    """Entropy in nats of the histogram of predicted classes (argmax of each row).

    ``probabilities`` is ``(N, classes)``; 0 when every sample gets the same class,
    ln(classes) when all classes are predicted equally often.
    """
    probabilities = as_finite_matrix(probabilities, "probabilities")
    if probabilities.min() < 0 or probabilities.max() > 1:
        raise ValueError(
            "probabilities must hold values in [0, 1]; "
            f"got values in [{probabilities.min():g}, {probabilities.max():g}]."
        )
    counts = np.bincount(probabilities.argmax(axis=1), minlength=probabilities.shape[1])
    shares = counts[counts > 0] / len(probabilities)
    return float(-(shares * np.log(shares)).sum() + 0.0)


def score_samples(classifier, images, reference_features, labels=None):
    """Score generated ``images`` with the classifier; returns a dict of four numbers.

    ``images`` are ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` in [0, 1];
    ``reference_features`` are the classifier's features of real images (from
    :func:`classifier_outputs`). Keys: ``confidence`` (mean top softmax probability),
    ``entropy`` (of the predicted-class histogram, nats), ``label_accuracy`` (share
    classified as the requested ``labels``; NaN without labels) and ``frechet`` (Fréchet
    distance of the samples' features to the reference features). The Fréchet distance needs
    at least two images and two reference rows.
    """
    probabilities, features = _outputs(classifier, images, 1024, "images")
    reference = as_finite_matrix(reference_features, "reference_features", min_rows=2)
    if reference.shape[1] != features.shape[1]:
        raise ValueError(
            f"reference_features must have the classifier's {features.shape[1]} feature "
            f"columns; got {reference.shape[1]}."
        )
    if len(features) < 2:
        raise ValueError(
            f"images must hold at least two images for the Fréchet distance; got {len(features)}."
        )
    if labels is None:
        label_accuracy = float("nan")
    else:
        labels = check_labels(labels, len(probabilities))
        label_accuracy = float(np.mean(probabilities.argmax(axis=1) == labels))
    return {
        "confidence": float(probabilities.max(axis=1).mean()),
        "entropy": class_histogram_entropy(probabilities),
        "label_accuracy": label_accuracy,
        "frechet": frechet_distance(features, reference_features),
    }
