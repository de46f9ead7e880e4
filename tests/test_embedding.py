"""Encoding images to latent vectors, and the Parametric UMAP protocol's scores."""

import numpy as np
import pytest

import vae_helpers as vh


def _clusters(num_per_class=40, dims=3, spread=0.01, seed=0):
    """Four tight, far-apart Gaussian clusters and their labels."""
    rng = np.random.default_rng(seed)
    centres = 10.0 * np.eye(4, dims)
    labels = np.repeat(np.arange(4), num_per_class)
    return centres[labels] + spread * rng.standard_normal((len(labels), dims)), labels


def _images_for(points):
    """Images in [0, 1] whose first pixels hold the points (the rest zero)."""
    images = np.zeros((len(points), 784), dtype=np.float32)
    scaled = (points - points.min()) / (points.max() - points.min())
    images[:, : points.shape[1]] = scaled
    return images


def test_knn_accuracy_is_one_on_well_separated_clusters():
    train, train_labels = _clusters(seed=0)
    test, test_labels = _clusters(seed=1)
    row = vh.evaluate_embedding(train, train_labels, test, test_labels, _images_for(test))
    assert row["1-NN accuracy"] == 1.0
    assert row["5-NN accuracy"] == 1.0
    assert row["silhouette"] > 0.99


def test_knn_accuracy_is_at_chance_when_labels_are_shuffled():
    train, train_labels = _clusters(num_per_class=100, seed=0)
    test, test_labels = _clusters(num_per_class=100, seed=1)
    shuffled = np.random.default_rng(2).permutation(train_labels)
    row = vh.evaluate_embedding(train, shuffled, test, test_labels, _images_for(test))
    assert 0.1 < row["5-NN accuracy"] < 0.45


def test_trustworthiness_of_an_identity_embedding_is_one():
    images = np.random.default_rng(0).random((60, 784), dtype=np.float32)
    labels = np.arange(60) % 3
    row = vh.evaluate_embedding(images, labels, images, labels, images.reshape(-1, 28, 28))
    assert row["trustworthiness"] == pytest.approx(1.0)
    assert row["1-NN accuracy"] == 1.0


def test_trustworthiness_of_a_random_embedding_is_lower():
    images = np.random.default_rng(0).random((200, 784), dtype=np.float32)
    labels = np.arange(200) % 2
    noise = np.random.default_rng(1).standard_normal((200, 2))
    row = vh.evaluate_embedding(noise, labels, noise, labels, images)
    assert row["trustworthiness"] < 0.7


def test_subsample_bounds_the_points_scored_and_neighbors_name_the_columns():
    train, train_labels = _clusters(seed=0)
    test, test_labels = _clusters(seed=1)
    row = vh.evaluate_embedding(
        train, train_labels, test, test_labels, _images_for(test), neighbors=(3,), subsample=50
    )
    assert list(row) == ["3-NN accuracy", "trustworthiness", "silhouette"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"train_labels": np.zeros(5)}, "train_labels must be a 1-d array of 160"),
        ({"test_images": np.zeros((10, 784))}, "same number of images"),
        ({"test_embedding": np.zeros((160, 2))}, "same number of dimensions"),
        ({"neighbors": (0,)}, r"neighbors\[0\] must be a positive integer"),
        ({"neighbors": ()}, "neighbors must hold at least 1 value"),
        ({"neighbors": (500,)}, "at most the 160 training points"),
        ({"trustworthiness_neighbors": 100}, "below half"),
        ({"test_embedding": np.full((160, 3), np.nan)}, "must be finite"),
        ({"test_images": np.full((160, 784), 2.0)}, r"values in \[0, 1\]"),
    ],
)
def test_evaluate_embedding_rejects_bad_inputs_with_clear_messages(change, message):
    train, train_labels = _clusters(seed=0)
    test, test_labels = _clusters(seed=1)
    arguments = {
        "train_embedding": train,
        "train_labels": train_labels,
        "test_embedding": test,
        "test_labels": test_labels,
        "test_images": _images_for(test),
        **change,
    }
    with pytest.raises(ValueError, match=message):
        vh.evaluate_embedding(**arguments)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"trustworthiness_neighbors": 100},
            r"trustworthiness_neighbors must be below half the 160 scored points "
            r"\(subsample=2000, at most the 160 test points\); got 100",
        ),
        (
            {"trustworthiness_neighbors": 5, "subsample": 10},
            r"below half the 10 scored points \(subsample=10, .*\); got 5",
        ),
        (
            {"test_labels": np.zeros(160, int)},
            "test_labels must hold at least two classes, and fewer classes than points, for "
            "the silhouette score; got 1 class in the 160 test points",
        ),
        (
            {"test_labels": np.arange(160)},
            "test_labels must hold .*; got 160 classes in the 160 test points",
        ),
        (
            {"test_labels": np.r_[np.zeros(159, int), 1], "subsample": 20},
            "subsample must pick test points of at least two classes, .*; got 1 class in the "
            "20 points picked with seed 0",
        ),
    ],
)
def test_evaluate_embedding_checks_its_subsample_before_fitting_anything(
    monkeypatch, change, message
):
    def no_fit(*args, **kwargs):
        raise AssertionError("a classifier was fitted before the arguments were checked")

    monkeypatch.setattr(vh.embedding, "KNeighborsClassifier", no_fit)
    train, train_labels = _clusters(seed=0)
    test, test_labels = _clusters(seed=1)
    arguments = {"test_labels": test_labels, **change}
    with pytest.raises(ValueError, match=message):
        vh.evaluate_embedding(train, train_labels, test, test_images=_images_for(test), **arguments)


def test_encode_dataset_returns_posterior_means_in_any_layout(trained_tiny_vae, prototype_digits):
    mean, _ = trained_tiny_vae.encode(prototype_digits)
    for layout in (prototype_digits, prototype_digits.reshape(-1, 28, 28, 1)):
        codes = vh.encode_dataset(trained_tiny_vae, layout, batch_size=50)
        assert codes.shape == (256, 2)
        np.testing.assert_allclose(codes, mean, rtol=1e-5, atol=1e-6)


def test_encode_dataset_samples_around_the_means_repeatably(trained_tiny_vae, prototype_digits):
    mean, log_var = trained_tiny_vae.encode(prototype_digits)
    first = vh.encode_dataset(trained_tiny_vae, prototype_digits, sample=True, seed=4)
    again = vh.encode_dataset(trained_tiny_vae, prototype_digits, sample=True, seed=4)
    other = vh.encode_dataset(trained_tiny_vae, prototype_digits, sample=True, seed=5)
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)
    standardised = (first - mean) / np.exp(0.5 * log_var)
    assert abs(standardised.mean()) < 0.2
    assert standardised.std() == pytest.approx(1.0, abs=0.15)


def test_encode_dataset_returns_an_autoencoders_codes(prototype_digits):
    autoencoder = vh.build_dense_autoencoder(latent_dim=3, hidden_units=(16,))
    codes = vh.encode_dataset(autoencoder, prototype_digits.reshape(-1, 28, 28))
    np.testing.assert_allclose(codes, autoencoder.encode(prototype_digits), rtol=1e-5)
    with pytest.raises(ValueError, match="deterministic"):
        vh.encode_dataset(autoencoder, prototype_digits, sample=True)


def test_encode_dataset_rejects_other_models_and_bad_images(tiny_vae):
    with pytest.raises(TypeError, match="VAE or Autoencoder"):
        vh.encode_dataset(object(), np.zeros((2, 784)))
    cvae = vh.build_conditional_vae(latent_dim=2, hidden_units=(8,))
    with pytest.raises(TypeError, match="ConditionalVAE, whose encode, decode, .* need the digit"):
        vh.encode_dataset(cvae, np.zeros((2, 784)))
    with pytest.raises(TypeError, match="sample must be a bool; got str 'no'"):
        vh.encode_dataset(tiny_vae, np.zeros((2, 784)), sample="no")
    with pytest.raises(ValueError, match=r"x must have shape"):
        vh.encode_dataset(tiny_vae, np.zeros((2, 10)))
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        vh.encode_dataset(tiny_vae, np.zeros((2, 784)), batch_size=0)


def test_a_umap_transform_of_held_out_clusters_is_scored_as_chapter_6_does():
    import umap  # here, not at the top: importing it compiles with numba, which takes seconds

    train, train_labels = _clusters(num_per_class=50, dims=10, seed=0)
    test, test_labels = _clusters(num_per_class=50, dims=10, seed=1)
    reducer = umap.UMAP(n_components=2, n_neighbors=10, random_state=0, n_jobs=1)
    train_points = reducer.fit_transform(train)
    test_points = reducer.transform(test)
    assert train_points.shape == (200, 2) and test_points.shape == (200, 2)
    row = vh.evaluate_embedding(
        train_points, train_labels, test_points, test_labels, _images_for(test)
    )
    assert row["1-NN accuracy"] == 1.0
