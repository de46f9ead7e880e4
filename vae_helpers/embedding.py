"""Latent codes as embeddings, scored with the Parametric UMAP protocol (Sainburg et al., 2021).

:func:`encode_dataset` turns images into one latent vector each (a VAE's posterior mean or one
draw from its posterior; an autoencoder's code). :func:`evaluate_embedding` scores any
embedding of the test images the way that paper does: k-nearest-neighbour accuracy of a
classifier fitted on the training embedding, trustworthiness of the test embedding against
the test images, and the silhouette score of the digit classes, all from scikit-learn.
"""

import numpy as np
from sklearn.manifold import trustworthiness
from sklearn.metrics import silhouette_score
from sklearn.neighbors import KNeighborsClassifier

from .models import VAE, Autoencoder
from .validation import (
    SEED_RULE,
    as_class_labels,
    as_finite_matrix,
    as_flat_images,
    check_model,
    check_same_length,
    check_scalar,
    check_sequence,
)


def encode_dataset(model, x, batch_size=1024, sample=False, seed=None):
    """Return one latent vector per image, ``(N, latent_dim)``, computed in batches.

    ``model`` is a ``VAE`` (posterior means, or with ``sample=True`` one draw
    z ~ q(z|x) per image, repeatable with ``seed``) or an ``Autoencoder`` (its codes; it has
    no posterior to sample). ``x`` is ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``.
    """
    check_model(model, "model", (VAE, Autoencoder))
    flat = as_flat_images(x, "x")
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    sample = check_scalar(sample, "sample", bool)
    check_scalar(seed, "seed", int, **SEED_RULE)
    encoded = model.encode(flat, batch_size=batch_size)
    if not isinstance(encoded, tuple):  # an autoencoder's codes
        if sample:
            raise ValueError(
                f"sample=True needs a VAE's posterior; {type(model).__name__} is deterministic."
            )
        return encoded
    mean, log_var = encoded
    if not sample:
        return mean
    epsilon = np.random.default_rng(seed).standard_normal(mean.shape, dtype=np.float32)
    return mean + np.exp(0.5 * log_var) * epsilon


def evaluate_embedding(
    train_embedding,
    train_labels,
    test_embedding,
    test_labels,
    test_images,
    neighbors=(1, 5),
    trustworthiness_neighbors=5,
    subsample=2_000,
    seed=0,
):
    """Score an embedding of the test images; returns a dict, one table row.

    - ``"k-NN accuracy"`` for each k in ``neighbors``: a ``KNeighborsClassifier`` fitted on
      ``train_embedding`` and ``train_labels``, scored on the test embedding and labels;
    - ``"trustworthiness"`` of ``test_embedding`` against ``test_images`` (``(N, 784)``,
      ``(N, 28, 28)`` or ``(N, 28, 28, 1)``) with ``trustworthiness_neighbors`` neighbours;
    - ``"silhouette"`` of the test labels in the test embedding (Euclidean).

    Trustworthiness and silhouette use the same ``subsample`` test points drawn with
    ``seed`` (all of them if there are fewer): ``trustworthiness_neighbors`` must be below
    half their number, and they need at least two classes, fewer than their number. Labels
    are class labels of any kind (integers, or e.g. strings), one per row of their embedding.
    Taught in chapter 6, section "The data and the protocol".
    """
    train = as_finite_matrix(train_embedding, "train_embedding")
    test = as_finite_matrix(test_embedding, "test_embedding")
    if train.shape[1] != test.shape[1]:
        raise ValueError(
            "train_embedding and test_embedding must have the same number of dimensions; "
            f"got {train.shape[1]} and {test.shape[1]}."
        )
    train_labels = as_class_labels(train_labels, "train_labels", len(train), "biufUS")
    test_labels = as_class_labels(test_labels, "test_labels", len(test), "biufUS")
    images = as_flat_images(test_images, "test_images")
    check_same_length(test, images, "test_embedding", "test_images")
    neighbors = list(
        check_sequence(neighbors, "neighbors", int, min_length=1, scalar_ok=True, low=1)
    )
    if max(neighbors) > len(train):
        raise ValueError(
            f"neighbors must be at most the {len(train)} training points; got {max(neighbors)}."
        )
    trust_k = check_scalar(trustworthiness_neighbors, "trustworthiness_neighbors", int, low=1)
    subsample = check_scalar(subsample, "subsample", int, low=1)
    check_scalar(seed, "seed", int, **SEED_RULE)
    picked = np.random.default_rng(seed).permutation(len(test))[:subsample]
    if trust_k >= len(picked) / 2:
        raise ValueError(
            f"trustworthiness_neighbors must be below half the {len(picked)} scored points "
            f"(subsample={subsample}, at most the {len(test)} test points); got {trust_k}."
        )
    rule = "at least two classes, and fewer classes than points, for the silhouette score"
    for labels, name, where in [
        (test_labels, "test_labels must hold", f"the {len(test)} test points"),
        (
            test_labels[picked],
            "subsample must pick test points of",
            f"the {len(picked)} points picked with seed {seed}",
        ),
    ]:
        classes = len(np.unique(labels))
        if not 2 <= classes < len(labels):
            noun = "class" if classes == 1 else "classes"
            raise ValueError(f"{name} {rule}; got {classes} {noun} in {where}.")

    row = {}
    for k in neighbors:
        classifier = KNeighborsClassifier(n_neighbors=k).fit(train, train_labels)
        row[f"{k}-NN accuracy"] = float(classifier.score(test, test_labels))
    row["trustworthiness"] = float(
        trustworthiness(images[picked], test[picked], n_neighbors=trust_k)
    )
    row["silhouette"] = float(silhouette_score(test[picked], test_labels[picked]))
    return row
