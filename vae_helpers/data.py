"""MNIST and Fashion-MNIST loading, one-class splits, noise and binarisation.

:func:`load_mnist` goes through ``keras.datasets.mnist`` (download and sha256 check by Keras).
Offline, set ``VAE_BOOK_DATA`` to a folder holding Keras' own ``mnist.npz``; the file is then
read from there after the same sha256 check. :func:`load_fashion_mnist` does the same with
``keras.datasets.fashion_mnist`` and, offline, the four published ``.gz`` files in the
``fashion-mnist`` subfolder of that folder.
"""

import gzip
import hashlib
import os
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from .validation import (
    IMAGE_SIDE,
    SEED_RULE,
    as_array,
    as_class_labels,
    as_flat_images,
    check_scalar,
    like_layout,
)

DATA_VARIABLE = "VAE_BOOK_DATA"
MNIST_FILE = "mnist.npz"
# The checksum keras.datasets.mnist pins for mnist.npz (a test checks the two agree).
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
FASHION_FOLDER = "fashion-mnist"
# The sha256 of each file Fashion-MNIST publishes (their md5s are in its README).
# The order is the one load_fashion_mnist unpacks: train images, train labels, test ones.
FASHION_SHA256 = {
    "train-images-idx3-ubyte.gz": (
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"
    ),
    "train-labels-idx1-ubyte.gz": (
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"
    ),
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}
NUM_CLASSES = 10


class ChecksumError(ValueError):
    """A data file's sha256 differs from the published one."""


def sha256_of(path):
    """Return the hex sha256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def offline_file(file_name, sha256):
    """Return the verified path of ``file_name`` in the ``VAE_BOOK_DATA`` folder, or None."""
    folder = os.environ.get(DATA_VARIABLE)
    if not folder:
        return None
    path = Path(folder).expanduser() / file_name
    if not path.is_file():
        raise FileNotFoundError(
            f"{DATA_VARIABLE} must name a folder holding {file_name}; got {folder!r}, which has no "
            f"file {path}. "
            f"Copy Keras' {file_name} there, or unset {DATA_VARIABLE} to download it."
        )
    actual = sha256_of(path)
    if actual != sha256:
        raise ChecksumError(
            f"{path} is not the published {file_name}: its sha256 is {actual}, "
            f"expected {sha256}. Replace it with an intact copy."
        )
    return path


def _download(dataset, what):
    try:
        return getattr(keras.datasets, dataset).load_data()
    except Exception as error:  # Keras raises a bare Exception for fetch failures.
        raise RuntimeError(
            f"Could not download {what} through keras.datasets.{dataset} ({error}). "
            f"Offline, set {DATA_VARIABLE} to a folder that holds {what}."
        ) from error


def _scale(images, labels):
    return images.astype(np.float32) / 255.0, labels.astype(np.int64)


def load_mnist():
    """Return MNIST as ``(x_train, y_train), (x_test, y_test)``.

    Images are float32 in [0, 1] with shape ``(N, 28, 28)``; labels are int64 digits.
    """
    path = offline_file(MNIST_FILE, MNIST_SHA256)
    if path is None:
        (x_train, y_train), (x_test, y_test) = _download("mnist", MNIST_FILE)
    else:
        with np.load(path, allow_pickle=False) as arrays:
            x_train, y_train = arrays["x_train"], arrays["y_train"]
            x_test, y_test = arrays["x_test"], arrays["y_test"]
    return _scale(x_train, y_train), _scale(x_test, y_test)


def _read_idx(file_name):
    """One verified, gzipped IDX file of the offline Fashion-MNIST as uint8, or None."""
    path = offline_file(f"{FASHION_FOLDER}/{file_name}", FASHION_SHA256[file_name])
    if path is None:
        return None
    images = "images" in file_name
    with gzip.open(path, "rb") as handle:  # IDX headers: 16 bytes for images, 8 for labels
        values = np.frombuffer(handle.read(), dtype=np.uint8, offset=16 if images else 8)
    return values.reshape(-1, IMAGE_SIDE, IMAGE_SIDE) if images else values


def load_fashion_mnist():
    """Return Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``, scaled like MNIST.

    Images are float32 in [0, 1] with shape ``(N, 28, 28)``; labels are int64 classes 0-9.
    Offline, the four ``.gz`` files are read from ``$VAE_BOOK_DATA/fashion-mnist/``.
    """
    arrays = [_read_idx(file_name) for file_name in FASHION_SHA256]
    if arrays[0] is None:
        (x_train, y_train), (x_test, y_test) = _download(
            "fashion_mnist", f"{FASHION_FOLDER}/ with the four Fashion-MNIST .gz files"
        )
    else:
        x_train, y_train, x_test, y_test = arrays
    return _scale(x_train, y_train), _scale(x_test, y_test)


def _digits(labels, name):
    """Raise a ``ValueError`` unless the integer ``labels`` all lie in 0-9; return them."""
    if len(labels) and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise ValueError(
            f"{name} must hold digits 0-{NUM_CLASSES - 1}; "
            f"got values in [{labels.min()}, {labels.max()}]."
        )
    return labels


def one_class_split(x, y, digit):
    """Return the images of ``x`` whose label in ``y`` is ``digit`` (one class, for training).

    ``x`` is ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` in [0, 1] and keeps its
    layout; ``y`` holds N integer labels 0-9; ``digit`` is an int from 0 to 9.
    """
    flat = as_flat_images(x, "x")
    labels = _digits(as_class_labels(y, "y", len(flat)), "y")
    check_scalar(digit, "digit", int, low=0, high=NUM_CLASSES - 1)
    return like_layout(flat[labels == digit], x)


def add_gaussian_noise(x, noise_factor, seed):
    """Return ``x + noise_factor * N(0, 1)`` clipped to [0, 1], in the layout of ``x``.

    ``x`` is ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` in [0, 1]. ``noise_factor``
    is one number for every image, or an array of N numbers, one per image.
    Taught in chapter 4, section "Noisy digits".
    """
    flat = as_flat_images(x, "x")
    if not isinstance(noise_factor, (list, tuple, np.ndarray)) or np.ndim(noise_factor) == 0:
        check_scalar(noise_factor, "noise_factor", float, low=0)
    expected = f"a number or an array of {len(flat)} numbers (one per image)"
    factors = as_array(noise_factor, "noise_factor", expected, "iuf", min_ndim=0)
    factors = factors.astype(np.float32)
    if factors.shape not in ((), (len(flat),)):
        raise ValueError(f"noise_factor must be {expected}; got shape {factors.shape}.")
    check_scalar(seed, "seed", int, **SEED_RULE)
    if not (np.all(np.isfinite(factors)) and np.all(factors >= 0)):
        raise ValueError(
            "noise_factor must hold finite numbers >= 0; "
            f"got values in [{np.nanmin(factors):g}, {np.nanmax(factors):g}]."
        )
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(flat.shape, dtype=np.float32)
    noisy = flat + np.reshape(factors, (-1, 1)) * noise
    return like_layout(np.clip(noisy, 0.0, 1.0), x)


def binarize(x, seed):
    """Draw binary images with P(pixel = 1) = intensity (one dynamic-binarisation draw).

    ``x`` is ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 28, 28, 1)`` in [0, 1]; the result is
    float32 in {0, 1} with the layout of ``x``.
    """
    flat = as_flat_images(x, "x")
    check_scalar(seed, "seed", int, **SEED_RULE)
    rng = np.random.default_rng(seed)
    return like_layout((rng.random(flat.shape, dtype=np.float32) < flat).astype(np.float32), x)


def binarize_batch(batch, pair):
    """One dynamic-binarisation draw of a float32 batch in a ``tf.data`` map: P(1) = intensity.

    ``pair`` is the draw's stateless seed, two int64 values (a batch of two from
    ``tf.data.Dataset.random``); the result is float32 in {0, 1}, shaped like ``batch``.
    """
    return tf.cast(tf.random.stateless_uniform(tf.shape(batch), seed=pair) < batch, tf.float32)


def binarized_dataset(x, batch_size, seed, shuffle=True, labels=None):
    """A ``tf.data`` pipeline that re-binarises ``x`` in every epoch (dynamic binarisation).

    Yields float32 ``(batch, 784)`` batches; ``x`` is any accepted image layout in [0, 1].
    With ``labels`` (one digit 0-9 per image), yields ``((images, labels),)`` instead, the
    input a conditional model's ``fit`` expects, shuffled together.
    Each epoch reshuffles (when ``shuffle``) and draws fresh pixels, reproducibly from ``seed``.
    """
    flat = as_flat_images(x, "x")
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    seed = check_scalar(seed, "seed", int, **SEED_RULE)
    shuffle = check_scalar(shuffle, "shuffle", bool)
    if labels is None:
        examples = tf.data.Dataset.from_tensor_slices(flat)
    else:
        labels = _digits(as_class_labels(labels, "labels", len(flat)), "labels")
        examples = tf.data.Dataset.from_tensor_slices((flat, labels))
    if shuffle:
        examples = examples.shuffle(len(flat), seed=seed, reshuffle_each_iteration=True)
    examples = examples.batch(batch_size)
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)

    if labels is None:
        binarise = binarize_batch
    else:

        def binarise(batch, pair):
            images, batch_labels = batch
            return ((binarize_batch(images, pair), batch_labels),)

    # With tf.data's autotuner on (its default), some epochs stall at their start, by 0.4 s to
    # 2.5 s on a 2-core machine (benchmarks/throughput.py times every epoch of chapter 2's
    # training both ways); off, every epoch runs as fast as the best, and the batches are the
    # same (a test holds them equal).
    options = tf.data.Options()
    options.autotune.enabled = False
    return (
        tf.data.Dataset.zip(examples, seeds)
        .map(binarise, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .prefetch(tf.data.AUTOTUNE)
        .with_options(options)
    )
