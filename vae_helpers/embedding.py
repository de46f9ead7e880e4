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

from .validation import as_finite_matrix, as_flat_images, check_positive_int, check_same_length


def encode_dataset(model, x, batch_size=1024, sample=False, seed=None):
    """Return one latent vector per image, ``(N, latent_dim)``, computed in batches.

    ``model`` is a ``VAE`` (posterior means, or with ``sample=True`` one draw
    z ~ q(z|x) per image, repeatable with ``seed``) or an ``Autoencoder`` (its codes; it has
    no posterior to sample). ``x`` is ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)``.
    """
    if not hasattr(model, "encode") or not hasattr(model, "latent_dim"):
        raise TypeError(
            f"model must be a vae_helpers VAE or Autoencoder; got {type(model).__name__}."
        )
    flat = as_flat_images(x, "x")
    batch_size = check_positive_int(batch_size, "batch_size")
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


def _as_labels(labels, name, expected):
    array = np.asarray(labels)
    if array.ndim != 1 or len(array) != expected:
        raise ValueError(f"{name} must be a 1-d array of {expected} labels; got {array.shape}.")
    return array


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
    ``seed`` (all of them if there are fewer).
    """
    train = as_finite_matrix(train_embedding, "train_embedding")
    test = as_finite_matrix(test_embedding, "test_embedding")
    if train.shape[1] != test.shape[1]:
        raise ValueError(
            "train_embedding and test_embedding must have the same number of dimensions; "
            f"got {train.shape[1]} and {test.shape[1]}."
        )
    train_labels = _as_labels(train_labels, "train_labels", len(train))
    test_labels = _as_labels(test_labels, "test_labels", len(test))
    images = as_flat_images(test_images, "test_images")
    check_same_length(test, images, "test_embedding", "test_images")
    neighbors = [check_positive_int(k, "neighbors") for k in np.atleast_1d(neighbors)]
    if max(neighbors) > len(train):
        raise ValueError(
            f"neighbors must be at most the {len(train)} training points; got {max(neighbors)}."
        )
    trust_k = check_positive_int(trustworthiness_neighbors, "trustworthiness_neighbors")
    subsample = check_positive_int(subsample, "subsample")

    row = {}
    for k in neighbors:
        classifier = KNeighborsClassifier(n_neighbors=k).fit(train, train_labels)
        row[f"{k}-NN accuracy"] = float(classifier.score(test, test_labels))
    picked = np.random.default_rng(seed).permutation(len(test))[:subsample]
    if trust_k >= len(picked) / 2:
        raise ValueError(
            f"trustworthiness_neighbors must be below half the {len(picked)} scored points; "
            f"got {trust_k}."
        )
    row["trustworthiness"] = float(
        trustworthiness(images[picked], test[picked], n_neighbors=trust_k)
    )
    if len(np.unique(test_labels[picked])) < 2:
        raise ValueError("test_labels must hold at least two classes for the silhouette score.")
    row["silhouette"] = float(silhouette_score(test[picked], test_labels[picked]))
    return row
