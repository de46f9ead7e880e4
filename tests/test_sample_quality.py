"""The classifier-based sample scores: Fréchet distance, histogram entropy, the score row."""

import numpy as np
import pytest

import vae_helpers as vh
from vae_helpers.sample_quality import class_histogram_entropy


@pytest.fixture
def gaussian_features():
    return np.random.default_rng(0).standard_normal((4000, 3))


def test_frechet_distance_of_a_set_with_itself_is_zero(gaussian_features):
    assert vh.frechet_distance(gaussian_features, gaussian_features) == pytest.approx(0, abs=1e-9)


def test_frechet_distance_grows_with_a_mean_shift(gaussian_features):
    distances = [
        vh.frechet_distance(gaussian_features, gaussian_features + shift) for shift in (0.5, 1, 2)
    ]
    # a shift by s in each of the 3 coordinates adds exactly 3 s^2
    np.testing.assert_allclose(distances, [0.75, 3.0, 12.0], rtol=1e-9)


def test_frechet_distance_matches_the_gaussian_formula():
    rng = np.random.default_rng(1)
    mean_a, mean_b = np.array([0.0, 1.0]), np.array([2.0, -1.0])
    cov_a, cov_b = np.diag([1.0, 4.0]), np.diag([9.0, 1.0])
    a = rng.multivariate_normal(mean_a, cov_a, size=200_000)
    b = rng.multivariate_normal(mean_b, cov_b, size=200_000)
    # diagonal covariances: |mu_a - mu_b|^2 + sum (sqrt(s_a) - sqrt(s_b))^2 = 8 + (4 + 1)
    assert vh.frechet_distance(a, b) == pytest.approx(13.0, rel=0.01)


def test_frechet_distance_rejects_mismatched_features(gaussian_features):
    with pytest.raises(ValueError, match="as many columns; got 3 and 2"):
        vh.frechet_distance(gaussian_features, gaussian_features[:, :2])
    with pytest.raises(ValueError, match="features_a must be a 2-d array"):
        vh.frechet_distance(gaussian_features[:, 0], gaussian_features)


def test_histogram_entropy_is_ln10_for_uniform_classes_and_0_for_one_class():
    uniform = np.eye(10)[np.arange(1000) % 10]
    assert class_histogram_entropy(uniform) == pytest.approx(np.log(10))
    one_class = np.tile([0.05, 0.9, 0.05], (50, 1))
    assert class_histogram_entropy(one_class) == 0.0
    halves = np.eye(10)[np.arange(100) % 2]
    assert class_histogram_entropy(halves) == pytest.approx(np.log(2))


def test_classifier_exposes_its_features_and_probabilities(images):
    classifier = vh.build_mnist_classifier(feature_units=32)
    probabilities, features = vh.classifier_outputs(classifier, images.reshape(-1, 28, 28, 1))
    assert probabilities.shape == (12, 10) and features.shape == (12, 32)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert features.min() >= 0.0  # ReLU features


def test_score_samples_returns_the_four_scores(images):
    classifier = vh.build_mnist_classifier(feature_units=16)
    probabilities, features = vh.classifier_outputs(classifier, images)
    predicted = probabilities.argmax(axis=1)
    scores = vh.score_samples(classifier, images, features, labels=predicted)
    assert scores["label_accuracy"] == 1.0
    assert scores["frechet"] == pytest.approx(0.0, abs=1e-6)
    assert scores["confidence"] == pytest.approx(probabilities.max(axis=1).mean(), rel=1e-6)
    assert scores["entropy"] == pytest.approx(class_histogram_entropy(probabilities))
    assert np.isnan(vh.score_samples(classifier, images, features)["label_accuracy"])
    with pytest.raises(ValueError, match=r"labels must be a 1-d array of 12 labels"):
        vh.score_samples(classifier, images, features, labels=predicted[:3])
    with pytest.raises(ValueError, match="images must hold values in"):
        vh.score_samples(classifier, images * 255, features)
    with pytest.raises(ValueError, match="reference_features must have the classifier's 16"):
        vh.score_samples(classifier, images, features[:, :3])


def test_frechet_distance_copes_with_dead_features(gaussian_features):
    dead = np.column_stack([gaussian_features, np.zeros(len(gaussian_features))])
    assert vh.frechet_distance(dead, dead) == pytest.approx(0.0, abs=1e-6)
    assert vh.frechet_distance(dead, dead + 1.0) == pytest.approx(4.0, rel=1e-6)
