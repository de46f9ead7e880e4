import gzip
import inspect
import os
import shutil
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import vae_helpers as vh
from vae_helpers import data

SHARED_MNIST = os.environ.get("VAE_BOOK_DATA")
SHARED = SHARED_MNIST
HAS_FASHION = bool(SHARED) and all(
    (Path(SHARED) / data.FASHION_FOLDER / name).is_file() for name in data.FASHION_SHA256
)
needs_fashion = pytest.mark.skipif(
    not HAS_FASHION, reason="set VAE_BOOK_DATA to a folder holding fashion-mnist/*.gz"
)


@pytest.mark.skipif(
    not SHARED_MNIST or not (Path(SHARED_MNIST) / "mnist.npz").is_file(),
    reason="set VAE_BOOK_DATA to a folder holding mnist.npz",
)
def test_load_mnist_reads_the_offline_file_with_published_values():
    (x_train, y_train), (x_test, y_test) = vh.load_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.float32 and 0.0 == x_train.min() and x_train.max() == 1.0
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    np.testing.assert_allclose(x_train.mean(dtype=np.float64), 0.1306604762738429, rtol=1e-6)
    np.testing.assert_array_equal(y_train[:10], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])


def test_missing_offline_file_names_the_variable_and_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv("VAE_BOOK_DATA", str(tmp_path))
    with pytest.raises(
        FileNotFoundError,
        match="VAE_BOOK_DATA must name a folder holding mnist.npz; got .*mnist.npz",
    ):
        vh.load_mnist()


def test_corrupt_offline_file_fails_its_checksum(monkeypatch, tmp_path):
    np.savez(tmp_path / "mnist.npz", x_train=np.zeros((1, 28, 28), np.uint8))
    monkeypatch.setenv("VAE_BOOK_DATA", str(tmp_path))
    with pytest.raises(vh.ChecksumError, match="sha256 is [0-9a-f]{64}, expected 731c5ac6"):
        vh.load_mnist()


def test_failed_download_says_what_to_set(monkeypatch):
    def no_network():
        raise Exception("URL fetch failure on https://example.invalid/mnist.npz")

    monkeypatch.delenv("VAE_BOOK_DATA", raising=False)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", no_network)
    with pytest.raises(RuntimeError, match="set VAE_BOOK_DATA to a folder that holds mnist.npz"):
        vh.load_mnist()


def test_pinned_checksum_is_the_one_keras_uses():
    assert data.MNIST_SHA256 in inspect.getsource(keras.datasets.mnist.load_data)


@pytest.mark.parametrize("shape", [(12, 784), (12, 28, 28), (12, 28, 28, 1)])
def test_gaussian_noise_keeps_layout_and_range(images, shape):
    noisy = vh.add_gaussian_noise(images.reshape(shape), noise_factor=0.5, seed=0)
    assert noisy.shape == shape and noisy.dtype == np.float32
    assert noisy.min() >= 0.0 and noisy.max() <= 1.0
    assert not np.allclose(noisy.reshape(12, 784), images)


def test_gaussian_noise_has_the_requested_spread_and_is_seeded():
    grey = np.full((200, 784), 0.5, dtype=np.float32)
    noisy = vh.add_gaussian_noise(grey, noise_factor=0.1, seed=3)
    assert abs(float(noisy.std()) - 0.1) < 0.005
    np.testing.assert_array_equal(noisy, vh.add_gaussian_noise(grey, 0.1, seed=3))
    np.testing.assert_array_equal(vh.add_gaussian_noise(grey, 0.0, seed=3), grey)


def test_gaussian_noise_rejects_negative_factor(images):
    with pytest.raises(ValueError, match="noise_factor must be a finite number >= 0; got -0.1"):
        vh.add_gaussian_noise(images, noise_factor=-0.1, seed=0)


def test_binarize_draws_pixels_with_their_intensity_as_probability():
    x = np.full((100, 28, 28), 0.3, dtype=np.float32)
    binary = vh.binarize(x, seed=0)
    assert binary.shape == x.shape
    assert set(np.unique(binary)) <= {0.0, 1.0}
    assert abs(float(binary.mean()) - 0.3) < 0.01
    np.testing.assert_array_equal(vh.binarize(np.zeros((2, 784)), seed=0), 0.0)
    np.testing.assert_array_equal(vh.binarize(np.ones((2, 784)), seed=0), 1.0)


def test_binarized_dataset_redraws_each_epoch_reproducibly():
    x = np.full((64, 28, 28), 0.5, dtype=np.float32)
    dataset = vh.binarized_dataset(x, batch_size=32, seed=5)
    first, second = (np.concatenate([b.numpy() for b in dataset]) for _ in range(2))
    assert first.shape == (64, 784) and set(np.unique(first)) <= {0.0, 1.0}
    assert not np.array_equal(first, second)
    again = np.concatenate([b.numpy() for b in vh.binarized_dataset(x, 32, seed=5)])
    np.testing.assert_array_equal(first, again)


def test_binarize_batch_is_the_draw_of_each_binarized_batch():
    x = np.random.default_rng(1).random((20, 784), dtype=np.float32)
    pairs = tf.data.Dataset.random(seed=4, rerandomize_each_iteration=True).batch(2).take(3)
    expected = [data.binarize_batch(x[i : i + 8], pair) for i, pair in zip([0, 8, 16], pairs)]
    batches = vh.binarized_dataset(x, 8, seed=4, shuffle=False)
    for batch, draw in zip(batches, expected, strict=True):
        np.testing.assert_array_equal(batch.numpy(), draw.numpy())
    binary = data.binarize_batch(tf.constant(np.full((200, 784), 0.3, np.float32)), [1, 2])
    assert binary.dtype == tf.float32 and set(np.unique(binary)) <= {0.0, 1.0}
    assert abs(float(tf.reduce_mean(binary)) - 0.3) < 0.01


def test_binarized_dataset_gives_the_same_batches_as_with_tf_data_autotuning(images):
    options = tf.data.Options()
    options.autotune.enabled = True  # tf.data's default, which the package turns off
    tuned = vh.binarized_dataset(images, batch_size=8, seed=3).with_options(options)
    epochs = [np.concatenate(list(tuned.as_numpy_iterator())) for _ in range(2)]
    ours = vh.binarized_dataset(images, batch_size=8, seed=3)
    for expected in epochs:  # the same shuffles and the same fresh draws, epoch by epoch
        np.testing.assert_array_equal(np.concatenate(list(ours.as_numpy_iterator())), expected)
    assert not np.array_equal(*epochs)


def test_gaussian_noise_takes_one_factor_per_image():
    grey = np.full((3, 784), 0.5, dtype=np.float32)
    factors = np.array([0.0, 0.05, 0.1], dtype=np.float32)
    noisy = vh.add_gaussian_noise(grey, factors, seed=0)
    np.testing.assert_array_equal(noisy[0], grey[0])
    assert noisy[1].std() < noisy[2].std()
    # One factor per image draws the same noise as one number for every image.
    same = vh.add_gaussian_noise(grey, np.full(3, 0.1, dtype=np.float32), seed=0)
    np.testing.assert_array_equal(same, vh.add_gaussian_noise(grey, 0.1, seed=0))


@pytest.mark.parametrize(
    ("factors", "message"),
    [
        (
            np.zeros(5),
            r"noise_factor must be a number or an array of 12 numbers .*got shape \(5,\)",
        ),
        (np.array([0.1] * 11 + [-0.1]), r"noise_factor must hold finite numbers >= 0; got values"),
        (np.array([0.1] * 11 + [np.nan]), "noise_factor must hold finite numbers >= 0"),
    ],
)
def test_gaussian_noise_rejects_bad_factor_arrays(images, factors, message):
    with pytest.raises(ValueError, match=message):
        vh.add_gaussian_noise(images, factors, seed=0)


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
    with pytest.raises(
        FileNotFoundError,
        match="holding fashion-mnist/train-images-idx3-ubyte.gz; got .*, which has no file",
    ):
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


def test_binarized_dataset_keeps_labels_with_their_images():
    images = np.repeat(np.linspace(0, 1, 10, dtype=np.float32)[:, None], 784, axis=1)
    images[:, 0] = np.arange(10) % 2  # pixel 0 is binary: it survives binarisation
    labels = np.arange(10) % 2
    batches = list(vh.binarized_dataset(images, 4, seed=0, labels=labels))
    assert len(batches) == 3 and len(batches[0]) == 1
    for ((binary, batch_labels),) in batches:
        np.testing.assert_array_equal(binary.numpy()[:, 0], batch_labels.numpy())
    with pytest.raises(ValueError, match=r"labels must be a 1-d array of 10 labels"):
        vh.binarized_dataset(images, 4, seed=0, labels=labels[:5])
    with pytest.raises(ValueError, match=r"labels must hold digits 0-9; got values in \[0, 10\]"):
        vh.binarized_dataset(images, 4, seed=0, labels=labels * 10)
