"""Every public callable refuses bad input with an error that names the argument.

One table holds, for each callable exported by ``vae_helpers`` and each public method of its
model classes, how to call it with valid arguments and a list of cases
``(argument, bad value, expected error)``. Each case replaces one argument by the bad value;
the call must raise that error type (``TypeError`` for a wrong type, ``ValueError`` for a
wrong value) with a message naming the argument. Another test checks that the table covers
every exported callable, so a new export without cases fails here.
"""

import contextlib
import os
import re
from types import SimpleNamespace

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf

import vae_helpers as vh
from vae_helpers import conditional, config, denoisers, distributed, generation, sample_quality

N = 4
RNG = np.random.default_rng(0)
X = RNG.random((N, 784), dtype=np.float32)
X2 = RNG.random((N, 784), dtype=np.float32)
LABELS = np.array([0, 1, 0, 1])
SCORES = np.array([1.0, 3.0, 2.0, 4.0])
MASK = vh.square_mask(10)
SAMPLES = RNG.random((N, 2, 28, 28), dtype=np.float32)
NAN_X = np.where(np.arange(784) == 0, np.nan, X).astype(np.float32)
CURVE = {
    "false_positive_rate": [0.0, 0.5, 1.0],
    "true_positive_rate": [0.0, 1.0, 1.0],
    "auroc": 0.75,
}
REPORT = vh.detection_report(LABELS, SCORES, 2.5)

# Exported callables without cases, and why.
EXEMPT = {
    "by_mode": "returns one of its two arguments, whatever they are: no value is invalid",
    "ChecksumError": "an exception class, raised by the loaders, not called with input",
}
# Helpers a module keeps for its own tests and for other modules, not exported: their checks
# are held to the same standard here.
UNEXPORTED = {
    "check_labels": conditional.check_labels,
    "class_histogram_entropy": sample_quality.class_histogram_entropy,
    "denoiser_defaults": denoisers.denoiser_defaults,
    "free_ports": distributed.free_ports,
    "is_quick": config.is_quick,
    "normal_quantiles": generation.normal_quantiles,
}
# Keras hooks of the model classes, called by Keras itself with its own values.
KERAS_HOOKS = {
    "call",
    "build",
    "compute_output_shape",
    "compute_metrics",
    "get_config",
    "from_config",
}
# Entries whose valid call is not run here: it trains, starts processes, splits the CPU,
# reads the data files or records a value for the book (their own test modules run them).
# Their bad calls fail before any of that.
VALID_CALL_NOT_RUN = {
    "glue",
    "split_cpu",
    "mirrored_strategy",
    "run_workers",
    "train_data_parallel",
    "train_multi_worker",
    "load_mnist",
    "load_fashion_mnist",
}


class Part(str):
    """The name of one of the tiny models of the ``parts`` fixture, put in place at test time."""


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    vh.seed_everything(0)
    folder = tmp_path_factory.mktemp("shards")
    vae = vh.build_dense_vae(latent_dim=2, hidden_units=(8,), seed=0)
    autoencoder = vh.build_dense_autoencoder(latent_dim=2, hidden_units=(8,))
    cvae = vh.build_conditional_vae(latent_dim=2, hidden_units=(8,), seed=0)
    classifier = vh.build_mnist_classifier(feature_units=8)
    distributed = vh.build_distributed_vae(latent_dim=2, hidden_units=(8,), seed=0)
    return SimpleNamespace(
        folder=str(folder),
        shards=vh.write_tfrecord_shards(X, folder, 2),
        one_device=tf.distribute.OneDeviceStrategy("/cpu:0"),
        dataset=vh.binarized_dataset(X, 2, seed=0),
        dvae=distributed,
        dvae_outputs=distributed(X),
        vae=vae,
        vae3=vh.build_dense_vae(latent_dim=3, hidden_units=(8,), seed=0),
        ae=autoencoder,
        cvae=cvae,
        classifier=classifier,
        features=vh.classifier_outputs(classifier, X)[1],
        plain=keras.Sequential([keras.Input((784,)), keras.layers.Dense(3)]),
        encoder=vh.build_dense_encoder(2, (8,)),
        encoder3=vh.build_dense_encoder(3, (8,)),
        code_encoder=vh.build_dense_encoder(2, (8,), variational=False),
        decoder=vh.build_dense_decoder(2, (8,)),
        decoder3=vh.build_dense_decoder(3, (8,)),
        cvae_encoder=cvae.encoder,
        cvae_decoder=cvae.decoder,
        vae_outputs=vae(X),
        ae_outputs=autoencoder(X),
        cvae_outputs=cvae((X, LABELS)),
    )


# ---- families of bad values: (value, expected error) -----------------------------------------
def images(argument):
    return [
        (argument, None, TypeError),
        (argument, "images", TypeError),
        (argument, 0.5, TypeError),
        (argument, (X * 255).astype(np.uint8), TypeError),
        (argument, X * 255, ValueError),
        (argument, NAN_X, ValueError),
        (argument, np.zeros((N, 783), np.float32), ValueError),
        (argument, np.zeros((0, 784), np.float32), ValueError),
        (argument, [], ValueError),
    ]


def count(argument, too_many=None):
    cases = [
        (argument, None, TypeError),
        (argument, "3", TypeError),
        (argument, 1.5, TypeError),
        (argument, True, TypeError),
        (argument, 0, ValueError),
        (argument, -1, ValueError),
    ]
    return cases + ([(argument, too_many, ValueError)] if too_many else [])


def number(argument, negative=True):
    cases = [
        (argument, None, TypeError),
        (argument, "1", TypeError),
        (argument, True, TypeError),
        (argument, [1.0], TypeError),
        (argument, float("nan"), ValueError),
        (argument, float("inf"), ValueError),
    ]
    return cases + ([(argument, -1.0, ValueError)] if negative else [])


def seed(argument="seed"):
    return [
        (argument, "1", TypeError),
        (argument, 1.5, TypeError),
        (argument, True, TypeError),
        (argument, -1, ValueError),
        (argument, 2**32, ValueError),
    ]


def flag(argument):
    return [(argument, "no", TypeError), (argument, 2, TypeError), (argument, None, TypeError)]


def digits(argument, optional=False):
    cases = [
        (argument, "abc", TypeError),
        (argument, 3, TypeError),
        (argument, np.full(N, 0.5), TypeError),
        (argument, np.ones(N, bool), TypeError),
        (argument, [0, 1], ValueError),
        (argument, np.full(N, 10), ValueError),
        (argument, np.full(N, -1), ValueError),
    ]
    return cases + ([] if optional else [(argument, None, TypeError)])


def anomaly_labels(argument="is_anomaly"):
    return [
        (argument, None, TypeError),
        (argument, "abc", TypeError),
        (argument, np.full(N, 0.5), ValueError),
        (argument, np.array([0, 2, 0, 2]), ValueError),
        (argument, np.zeros(N, np.int64), ValueError),
        (argument, [0, 1], ValueError),
    ]


def scores(argument="scores"):
    return [
        (argument, None, TypeError),
        (argument, "abc", TypeError),
        (argument, np.array(["a", "b", "c", "d"]), TypeError),
        (argument, [1.0, np.nan, 2.0, 3.0], ValueError),
        (argument, [1.0, 2.0], ValueError),
        (argument, SCORES[:, None], ValueError),
    ]


def masks(argument="mask"):
    return [
        (argument, None, TypeError),
        (argument, "m", TypeError),
        (argument, np.full((28, 28), 0.5), ValueError),
        (argument, np.ones((27, 27)), ValueError),
        (argument, np.ones((3, 28, 28)), ValueError),
    ]


def latents(argument="z", width=2):
    return [
        (argument, None, TypeError),
        (argument, "z", TypeError),
        (argument, np.zeros((N, width), bool), TypeError),
        (argument, np.zeros((N, width + 3)), ValueError),
        (argument, np.full((N, width), np.nan), ValueError),
        (argument, [], ValueError),
    ]


def matrix(argument):
    return [
        (argument, None, TypeError),
        (argument, "m", TypeError),
        (argument, np.full((N, 2), "a"), TypeError),
        (argument, np.full((N, 2), np.nan), ValueError),
        (argument, np.zeros(N), ValueError),
    ]


def vector(argument):
    return [
        (argument, None, TypeError),
        (argument, "v", TypeError),
        (argument, np.array([np.nan, 0.0]), ValueError),
        (argument, np.zeros((2, 2)), ValueError),
        (argument, np.zeros(3), ValueError),
    ]


def _not_models(argument):
    """Values that are no model at all: each is a TypeError wherever a model is expected."""
    return [(argument, value, TypeError) for value in (None, "vae", X)]


def models(argument="model", *unsupported):
    wrong = ["plain", *unsupported]
    return _not_models(argument) + [(argument, Part(name), TypeError) for name in wrong]


def classifiers(argument="classifier"):
    """A classifier is any keras Model with a "features" layer: other models are values."""
    return _not_models(argument) + [
        (argument, Part("plain"), ValueError),
        (argument, Part("vae"), ValueError),
    ]


def image_models(argument="model"):
    """Any keras Model mapping images to images passes, but not one needing labels."""
    return _not_models(argument) + [
        (argument, Part("plain"), ValueError),
        (argument, Part("cvae"), TypeError),
    ]


def title(argument="title"):
    return [(argument, 3, TypeError), (argument, ["a"], TypeError), (argument, "", ValueError)]


def hidden(argument="hidden_units"):
    return [
        (argument, None, TypeError),
        (argument, 512, TypeError),
        (argument, "512", TypeError),
        (argument, (8.5,), TypeError),
        (argument, (0,), ValueError),
    ]


def name(argument="name"):
    return [(argument, None, TypeError), (argument, 3, TypeError), (argument, "", ValueError)]


def image_map(argument):
    return [
        (argument, None, TypeError),
        (argument, [X], TypeError),
        (argument, {}, ValueError),
        (argument, {"m": "abc"}, TypeError),
        (argument, {"m": X * 255}, ValueError),
        (argument, {"m": X[:2]}, ValueError),
    ]


def function_map(argument):
    return [
        (argument, None, TypeError),
        (argument, "abc", TypeError),
        (argument, {}, ValueError),
        (argument, {"m": None}, TypeError),
    ]


def encoders(argument, *extra):
    return [
        (argument, None, TypeError),
        (argument, "encoder", TypeError),
        (argument, Part("decoder"), ValueError),  # one output, 2 inputs
        (argument, Part("encoder3"), ValueError),  # latent size 3, decoder takes 2
        (argument, Part("classifier"), ValueError),
        *extra,
    ]


def decoders(argument, *extra):
    return [
        (argument, None, TypeError),
        (argument, "decoder", TypeError),
        (argument, Part("encoder"), ValueError),  # two outputs
        (argument, Part("decoder3"), ValueError),  # takes 3, encoder gives 2
        (argument, Part("classifier"), ValueError),
        *extra,
    ]


# ---- how to call each callable ------------------------------------------------------------
def sample_stacks(argument="samples"):
    """Several images per image, ``(N, num_samples, 28, 28)``."""
    return [
        (argument, None, TypeError),
        (argument, "abc", TypeError),
        (argument, (SAMPLES * 255).astype(np.uint8), TypeError),
        (argument, SAMPLES * 255, ValueError),
        (argument, SAMPLES[:2], ValueError),
        (argument, np.full_like(SAMPLES, np.nan), ValueError),
    ]


def figs():
    """A multi-panel plot draws on a Matplotlib Figure or a new one, nothing else."""
    return [("fig", "figure", TypeError), ("fig", 1, TypeError), ("fig", plt.gca(), TypeError)]


def axes():
    """A one-panel plot draws on a Matplotlib Axes or a new one, nothing else."""
    return [("ax", "ax", TypeError), ("ax", 1, TypeError), ("ax", plt.figure(), TypeError)]


def _named(name):
    """The exported callable ``name``, or the unexported helper of that name."""
    return getattr(vh, name) if name in vh.__all__ else UNEXPORTED[name]


def function(name):
    return lambda parts, **kwargs: _named(name)(**kwargs)


def method(model, name):
    return lambda parts, **kwargs: getattr(getattr(parts, model), name)(**kwargs)


@contextlib.contextmanager
def environment(variable, value):
    old = os.environ.get(variable)
    os.environ[variable] = value
    try:
        yield
    finally:
        if old is None:
            del os.environ[variable]
        else:
            os.environ[variable] = old


def with_environment(name, variable):
    def call(parts, **kwargs):
        with environment(variable, kwargs[variable]):
            return _named(name)()

    return call


def in_shows_error(parts, expected):
    with vh.shows_error(*expected):
        raise ValueError("the block's error")


def denoise_with(method_name):
    return lambda parts, **params: vh.denoise_images(X, method_name, **params)


EMBEDDING = {
    "train_embedding": RNG.random((20, 2)),
    "train_labels": np.arange(20) % 4,
    "test_embedding": RNG.random((12, 2)),
    "test_labels": np.arange(12) % 4,
    "test_images": RNG.random((12, 784), dtype=np.float32),
    "neighbors": (1, 3),
    "trustworthiness_neighbors": 2,
    "subsample": 12,
    "seed": 0,
}

# name -> (call, valid arguments, cases)
TABLE = {
    "active_units": (
        function("active_units"),
        {"model": Part("vae"), "x": X, "threshold": 0.01},
        models("model", "cvae", "ae")
        + images("x")
        + number("threshold")
        + flag("return_variances"),
    ),
    "add_gaussian_noise": (
        function("add_gaussian_noise"),
        {"x": X, "noise_factor": 0.2, "seed": 0},
        images("x")
        + [case for case in number("noise_factor") if case[1] != [1.0]]
        + [("noise_factor", [0.1, 0.2], ValueError), ("noise_factor", ["a"] * N, TypeError)]
        + [("noise_factor", [0.1, np.nan, 0.1, 0.1], ValueError)]
        + seed(),
    ),
    "anomaly_scores": (
        function("anomaly_scores"),
        {"model": Part("vae"), "x": X, "num_samples": 2, "seed": 0},
        models("model", "cvae", "ae")
        + images("x")
        + count("num_samples")
        + seed()
        + count("batch_size"),
    ),
    "apply_mask": (
        function("apply_mask"),
        {"x": X, "mask": MASK, "fill": 0.5},
        images("x") + masks() + number("fill") + [("fill", 2.0, ValueError)],
    ),
    "auroc": (
        function("auroc"),
        {"is_anomaly": LABELS, "scores": SCORES},
        anomaly_labels() + scores(),
    ),
    "png_bits": (
        function("png_bits"),
        {"x": X},
        images("x"),
    ),
    "auroc_table": (
        function("auroc_table"),
        {"scores_by_normal": {0: {"s": SCORES}}, "labels": LABELS},
        [
            ("scores_by_normal", None, TypeError),
            ("scores_by_normal", [SCORES], TypeError),
            ("scores_by_normal", {}, ValueError),
            ("scores_by_normal", {0: SCORES}, TypeError),
            ("scores_by_normal", {7: {"s": SCORES}}, ValueError),
            ("scores_by_normal", {0: {"s": SCORES[:2]}}, ValueError),
            ("scores_by_normal", {0: {"s": [1.0, np.nan, 2.0, 3.0]}}, ValueError),
            ("labels", None, TypeError),
            ("labels", np.full(N, 0.5), TypeError),
            ("labels", [0, 1], ValueError),
            ("labels", np.zeros(N, np.int64), ValueError),
        ],
    ),
    "Autoencoder": (
        lambda parts, **kwargs: vh.Autoencoder(**kwargs),
        {"encoder": Part("code_encoder"), "decoder": Part("decoder")},
        encoders("encoder", ("encoder", Part("encoder"), ValueError)) + decoders("decoder"),
    ),
    "Autoencoder.compute_loss": (
        lambda parts, **kwargs: parts.ae.compute_loss(y_pred=parts.ae_outputs, **kwargs),
        {"x": X},
        [("sample_weight", np.ones(N), ValueError)],
    ),
    "Autoencoder.decode": (
        method("ae", "decode"),
        {"z": np.zeros((N, 2))},
        latents() + count("batch_size"),
    ),
    "Autoencoder.encode": (method("ae", "encode"), {"x": X}, images("x") + count("batch_size")),
    "Autoencoder.reconstruct": (
        method("ae", "reconstruct"),
        {"x": X},
        images("x") + count("batch_size"),
    ),
    "bernoulli_nll": (
        function("bernoulli_nll"),
        {"x": X, "logits": X2},
        [
            ("x", None, TypeError),
            ("x", "x", TypeError),
            ("x", (X * 255).astype(np.uint8), TypeError),
            ("x", X * 255, ValueError),
            ("x", NAN_X, ValueError),
            ("x", [], ValueError),
            ("logits", None, TypeError),
            ("logits", np.full((N, 784), "a"), TypeError),
            ("logits", NAN_X, ValueError),
            ("logits", np.zeros((N, 10)), ValueError),
        ],
    ),
    "binarize": (function("binarize"), {"x": X, "seed": 0}, images("x") + seed()),
    "binarized_dataset": (
        function("binarized_dataset"),
        {"x": X, "batch_size": 2, "seed": 0},
        images("x") + count("batch_size") + seed() + flag("shuffle") + digits("labels", True),
    ),
    "build_conditional_vae": (
        function("build_conditional_vae"),
        {"latent_dim": 2, "hidden_units": (8,)},
        count("latent_dim") + hidden() + number("beta") + seed(),
    ),
    "build_conv_decoder": (
        function("build_conv_decoder"),
        {"latent_dim": 2, "filters": (4,)},
        count("latent_dim")
        + hidden("filters")
        + [("filters", (), ValueError), ("filters", (2, 2, 2), ValueError)]
        + name(),
    ),
    "build_conv_encoder": (
        function("build_conv_encoder"),
        {"latent_dim": 2, "filters": (4,)},
        count("latent_dim")
        + hidden("filters")
        + [("filters", (), ValueError)]
        + name()
        + flag("variational"),
    ),
    "build_conv_vae": (
        function("build_conv_vae"),
        {"latent_dim": 2, "filters": (4,), "hidden_units": (8,)},
        count("latent_dim") + hidden("filters") + hidden() + number("beta") + seed(),
    ),
    "build_dense_autoencoder": (
        function("build_dense_autoencoder"),
        {"latent_dim": 2, "hidden_units": (8,)},
        count("latent_dim") + hidden(),
    ),
    "build_dense_decoder": (
        function("build_dense_decoder"),
        {"latent_dim": 2, "hidden_units": (8,)},
        count("latent_dim") + hidden() + name(),
    ),
    "build_dense_encoder": (
        function("build_dense_encoder"),
        {"latent_dim": 2, "hidden_units": (8,)},
        count("latent_dim") + hidden() + name() + flag("variational"),
    ),
    "build_dense_vae": (
        function("build_dense_vae"),
        {"latent_dim": 2, "hidden_units": (8,)},
        count("latent_dim") + hidden() + number("beta") + seed(),
    ),
    "build_mnist_classifier": (
        function("build_mnist_classifier"),
        {"feature_units": 8},
        count("feature_units"),
    ),
    "check_labels": (
        function("check_labels"),
        {"labels": LABELS, "count": N},
        digits("labels")
        + [("count", None, TypeError), ("count", 1.5, TypeError), ("count", -1, ValueError)]
        + name(),
    ),
    "class_histogram_entropy": (
        function("class_histogram_entropy"),
        {"probabilities": np.full((N, 10), 0.1)},
        matrix("probabilities") + [("probabilities", np.full((N, 10), -0.1), ValueError)],
    ),
    "classifier_outputs": (
        function("classifier_outputs"),
        {"classifier": Part("classifier"), "x": X},
        classifiers() + images("x") + count("batch_size"),
    ),
    "ConditionalVAE": (
        lambda parts, **kwargs: vh.ConditionalVAE(**kwargs),
        {"encoder": Part("cvae_encoder"), "decoder": Part("cvae_decoder")},
        encoders("encoder", ("encoder", Part("encoder"), ValueError))
        + decoders("decoder")
        + number("beta")
        + seed(),
    ),
    "ConditionalVAE.compute_loss": (
        lambda parts, **kwargs: parts.cvae.compute_loss(y_pred=parts.cvae_outputs, **kwargs),
        {"x": (X, LABELS)},
        [("sample_weight", np.ones(N), ValueError)],
    ),
    "ConditionalVAE.decode": (
        method("cvae", "decode"),
        {"z": np.zeros((N, 2)), "labels": LABELS},
        latents() + digits("labels") + count("batch_size"),
    ),
    "ConditionalVAE.encode": (
        method("cvae", "encode"),
        {"x": X, "labels": LABELS},
        images("x") + digits("labels") + count("batch_size"),
    ),
    "ConditionalVAE.posterior": (
        method("cvae", "posterior"),
        {"inputs": (X, LABELS)},
        [
            ("inputs", X, TypeError),
            ("inputs", (X, LABELS, LABELS), TypeError),
            ("inputs", ((X * 255).astype(np.uint8), LABELS), TypeError),
            ("inputs", (X, np.full(N, 0.5)), TypeError),
            ("inputs", (X, [0, 1]), ValueError),
            ("inputs", (X * 255, LABELS), ValueError),
        ],
    ),
    "ConditionalVAE.reconstruct": (
        method("cvae", "reconstruct"),
        {"x": X, "labels": LABELS},
        images("x") + digits("labels") + count("batch_size"),
    ),
    "ConditionalVAE.sample": (
        method("cvae", "sample"),
        {"labels": LABELS},
        [
            ("labels", None, TypeError),
            ("labels", "abc", TypeError),
            ("labels", 3, TypeError),
            ("labels", np.full(N, 0.5), TypeError),
            ("labels", np.ones(N, bool), TypeError),
            ("labels", [], ValueError),
            ("labels", [0, 12], ValueError),
            ("labels", np.zeros((N, 1), np.int64), ValueError),
        ]
        + seed()
        + number("temperature"),
    ),
    "ConditionalVAE.sample_posterior": (
        method("cvae", "sample_posterior"),
        {"x": X, "labels": LABELS, "num_samples": 2},
        images("x") + digits("labels") + count("num_samples") + seed(),
    ),
    "ConditionalVAE.transfer_style": (
        method("cvae", "transfer_style"),
        {"x": X, "labels": LABELS, "new_labels": LABELS[::-1]},
        images("x") + digits("labels") + digits("new_labels"),
    ),
    "denoise_images": (
        function("denoise_images"),
        {"x": X, "method": "median"},
        images("x")
        + [("method", None, TypeError), ("method", 3, TypeError), ("method", "x", ValueError)],
    ),
    "denoise_images[median]": (
        denoise_with("median"),
        {"size": 3},
        count("size") + [("size", 4, ValueError)],
    ),
    "denoise_images[gaussian]": (denoise_with("gaussian"), {"sigma": 1.0}, number("sigma")),
    "denoise_images[tv]": (
        denoise_with("tv"),
        {"weight": 0.1},
        number("weight") + [("weight", 0.0, ValueError)],
    ),
    "denoise_images[nl_means]": (
        denoise_with("nl_means"),
        {"h": 0.1, "patch_size": 3, "patch_distance": 2},
        number("h") + count("patch_size") + count("patch_distance"),
    ),
    "denoiser_defaults": (
        function("denoiser_defaults"),
        {"method": "median"},
        [("method", None, TypeError), ("method", ["tv"], TypeError), ("method", "x", ValueError)],
    ),
    "denoising_explorer": (
        function("denoising_explorer"),
        {"x_clean": X, "denoisers": {"identity": lambda x, f: x}},
        images("x_clean")
        + function_map("denoisers")
        + number("noise_factor")
        + [("noise_factor", 5.0, ValueError)]
        + number("max_noise")
        + [("max_noise", 0.0, ValueError)]
        + [("index", 1.5, TypeError), ("index", N, ValueError), ("index", -1, ValueError)],
    ),
    "detection_report": (
        function("detection_report"),
        {"is_anomaly": LABELS, "scores": SCORES, "threshold": 2.5},
        anomaly_labels() + scores() + number("threshold", negative=False),
    ),
    "DistributedVAE": (
        lambda parts, **kwargs: vh.DistributedVAE(**kwargs),
        {"encoder": Part("encoder"), "decoder": Part("decoder")},
        encoders("encoder", ("encoder", Part("code_encoder"), ValueError))
        + decoders("decoder")
        + number("beta")
        + seed()
        + flag("scale_loss"),
    ),
    "DistributedVAE.compute_loss": (
        lambda parts, **kwargs: parts.dvae.compute_loss(y_pred=parts.dvae_outputs, **kwargs),
        {"x": X},
        [("sample_weight", np.ones(N), ValueError)],
    ),
    "build_distributed_vae": (
        function("build_distributed_vae"),
        {"latent_dim": 2, "hidden_units": (8,)},
        count("latent_dim") + hidden() + seed() + flag("scale_loss"),
    ),
    "free_ports": (function("free_ports"), {"count": 2}, count("count")),
    "mirrored_strategy": (
        function("mirrored_strategy"),
        {"num_replicas": 1},
        count("num_replicas", too_many=999),
    ),
    "run_workers": (
        function("run_workers"),
        {"argv": ["-c", "pass"], "num_workers": 1, "timeout": 60.0},
        [
            ("argv", None, TypeError),
            ("argv", "-c", TypeError),
            ("argv", [], ValueError),
            ("argv", ["-c", 1], TypeError),
        ]
        + count("num_workers")
        + number("timeout")
        + [("timeout", 0.0, ValueError)],
    ),
    "split_cpu": (function("split_cpu"), {"num_devices": 1}, count("num_devices")),
    "tf_config": (
        function("tf_config"),
        {"ports": [5000, 5001], "index": 1},
        [
            ("ports", None, TypeError),
            ("ports", "5000", TypeError),
            ("ports", [], ValueError),
            ("ports", [5000.5], TypeError),
            ("ports", [0], ValueError),
            ("ports", [70000], ValueError),
            ("index", None, TypeError),
            ("index", 1.5, TypeError),
            ("index", 2, ValueError),
            ("index", -1, ValueError),
        ],
    ),
    "tfrecord_dataset": (
        function("tfrecord_dataset"),
        {"paths": Part("shards"), "batch_size": 2, "seed": 0},
        [
            ("paths", None, TypeError),
            ("paths", "images.tfrecord", TypeError),
            ("paths", [], ValueError),
            ("paths", [3], TypeError),
            ("paths", ["/nonexistent/images.tfrecord"], ValueError),
        ]
        + count("batch_size")
        + seed()
        + [("seed", None, TypeError)]
        + count("shuffle_buffer")
        + count("cycle_length"),
    ),
    "train_data_parallel": (
        function("train_data_parallel"),
        {
            "strategy": Part("one_device"),
            "dataset": Part("dataset"),
            "epochs": 1,
            "learning_rate": 1e-3,
            "seed": 0,
            "latent_dim": 2,
            "hidden_units": (8,),
        },
        [("strategy", None, TypeError), ("strategy", "cpu", TypeError)]
        + [("dataset", None, TypeError), ("dataset", X, TypeError)]
        + count("epochs")
        + number("learning_rate")
        + [("learning_rate", 0.0, ValueError)]
        + seed()
        + [("seed", None, TypeError)]
        + count("latent_dim")
        + hidden()
        + flag("scale_loss")
        + count("steps_per_execution"),
    ),
    "train_multi_worker": (
        function("train_multi_worker"),
        {
            "x": X,
            "num_workers": 2,
            "epochs": 1,
            "batch_size": 2,
            "learning_rate": 1e-3,
            "seed": 0,
            "latent_dim": 2,
            "hidden_units": (8,),
            "timeout": 60.0,
        },
        images("x")
        + count("num_workers")
        + count("epochs")
        + count("batch_size")
        + [("batch_size", 3, ValueError)]
        + number("learning_rate")
        + [("learning_rate", 0.0, ValueError)]
        + seed()
        + [("seed", None, TypeError)]
        + count("latent_dim")
        + hidden()
        + count("steps_per_execution")
        + [("timeout", "60", TypeError), ("timeout", 0.0, ValueError)],
    ),
    "write_tfrecord_shards": (
        function("write_tfrecord_shards"),
        {"x": X, "folder": Part("folder"), "num_shards": 2},
        images("x")
        + [("folder", None, TypeError), ("folder", 3, TypeError)]
        + [("folder", "/nonexistent/folder", ValueError)]
        + count("num_shards", too_many=N + 1)
        + name("prefix"),
    ),
    "elbo_terms": (
        function("elbo_terms"),
        {"model": Part("vae"), "x": X},
        models("model", "cvae", "ae") + images("x") + seed() + count("batch_size"),
    ),
    "encode_dataset": (
        function("encode_dataset"),
        {"model": Part("vae"), "x": X},
        models("model", "cvae") + images("x") + count("batch_size") + flag("sample") + seed(),
    ),
    "evaluate_embedding": (
        function("evaluate_embedding"),
        EMBEDDING,
        matrix("train_embedding")
        + matrix("test_embedding")
        + [
            ("train_labels", None, TypeError),
            ("train_labels", np.arange(5), ValueError),
            ("test_labels", "abc", TypeError),
            ("test_labels", np.arange(5), ValueError),
        ]
        + images("test_images")
        + count("neighbors")
        + [("neighbors", (), ValueError), ("neighbors", (50,), ValueError)]
        + count("trustworthiness_neighbors")
        + count("subsample")
        + seed(),
    ),
    "frechet_distance": (
        function("frechet_distance"),
        {"features_a": RNG.random((N, 3)), "features_b": RNG.random((N, 3))},
        matrix("features_a") + matrix("features_b"),
    ),
    "glue": (
        function("glue"),
        {"name": "value_in_prose", "value": 1, "display": False},
        [("name", None, TypeError), ("name", 3, TypeError), ("name", "", ValueError)],
    ),
    "half_mask": (
        function("half_mask"),
        {"which": "left"},
        [("which", None, TypeError), ("which", 1, TypeError), ("which", "middle", ValueError)],
    ),
    "importance_weighted_nll": (
        function("importance_weighted_nll"),
        {"model": Part("vae"), "x": X, "num_samples": 3},
        models("model", "cvae", "ae")
        + images("x")
        + count("num_samples")
        + count("batch_size")
        + seed(),
    ),
    "inpaint_biharmonic": (
        function("inpaint_biharmonic"),
        {"x": X[:2], "mask": MASK},
        images("x") + masks(),
    ),
    "inpaint_iterative": (
        function("inpaint_iterative"),
        {"model": Part("vae"), "x": X, "mask": MASK, "steps": 2},
        models("model", "cvae") + images("x") + masks() + count("steps"),
    ),
    "inpaint_once": (
        function("inpaint_once"),
        {"model": Part("vae"), "x": X, "mask": MASK},
        models("model", "cvae") + images("x") + masks(),
    ),
    "inpaint_samples": (
        function("inpaint_samples"),
        {"model": Part("vae"), "x": X, "mask": MASK, "num_samples": 2, "steps": 1},
        models("model", "cvae", "ae")
        + images("x")
        + masks()
        + count("num_samples")
        + count("steps")
        + seed(),
    ),
    "is_quick": (
        with_environment("is_quick", "VAE_BOOK_MODE"),
        {"VAE_BOOK_MODE": "quick"},
        [("VAE_BOOK_MODE", "fast", ValueError)],
    ),
    "kl_divergence": (
        function("kl_divergence"),
        {"mean": np.zeros((N, 2)), "log_var": np.zeros((N, 2))},
        latents("mean") + [("mean", 1.0, TypeError)] + latents("log_var"),
    ),
    "kl_explorer": (
        function("kl_explorer"),
        {"mean": 1.0, "log_var": -1.0},
        number("mean", negative=False)
        + [("mean", 10.0, ValueError)]
        + number("log_var", negative=False)
        + [("log_var", 10.0, ValueError)],
    ),
    "latent_explorer": (
        function("latent_explorer"),
        {"model": Part("cvae"), "digit": 3},
        models("model")
        + number("span")
        + [("span", 0.0, ValueError)]
        + [("digit", 1.5, TypeError), ("digit", 10, ValueError), ("digit", -1, ValueError)],
    ),
    "lerp": (
        function("lerp"),
        {"start": np.zeros(2), "end": np.ones(2), "steps": 3},
        vector("start") + vector("end") + count("steps") + [("steps", 1, ValueError)],
    ),
    "load_fashion_mnist": (
        with_environment("load_fashion_mnist", "VAE_BOOK_DATA"),
        {"VAE_BOOK_DATA": "data"},
        [("VAE_BOOK_DATA", "/nonexistent/folder", FileNotFoundError)],
    ),
    "load_mnist": (
        with_environment("load_mnist", "VAE_BOOK_DATA"),
        {"VAE_BOOK_DATA": "data"},
        [("VAE_BOOK_DATA", "/nonexistent/folder", FileNotFoundError)],
    ),
    "monte_carlo_kl": (
        function("monte_carlo_kl"),
        {"mean": np.zeros((N, 2)), "log_var": np.zeros((N, 2)), "num_samples": 10},
        latents("mean") + latents("log_var") + count("num_samples") + seed(),
    ),
    "normal_grid": (function("normal_grid"), {"grid_size": 3}, count("grid_size")),
    "normal_quantiles": (function("normal_quantiles"), {"grid_size": 3}, count("grid_size")),
    "one_class_split": (
        function("one_class_split"),
        {"x": X, "y": LABELS, "digit": 1},
        images("x")
        + digits("y")
        + [("digit", 1.0, TypeError), ("digit", "1", TypeError), ("digit", 10, ValueError)],
    ),
    "plot_denoised_images": (
        function("plot_denoised_images"),
        {"x_clean": X, "x_noisy": X2, "denoised": X, "num_images": 2},
        images("x_clean")
        + images("x_noisy")
        + images("denoised")
        + count("num_images", too_many=99)
        + figs(),
    ),
    "plot_denoiser_comparison": (
        function("plot_denoiser_comparison"),
        {"x_clean": X, "x_noisy": X2, "denoised": {"m": X}, "num_images": 2},
        images("x_clean")
        + images("x_noisy")
        + image_map("denoised")
        + count("num_images", too_many=99)
        + figs(),
    ),
    "plot_denoising_sweep": (
        function("plot_denoising_sweep"),
        {
            "clean": X[0],
            "outputs": {"noisy": X[:1]},
            "noise_factors": [0.1],
            "scores": {"noisy": [20.0]},
        },
        [
            ("clean", None, TypeError),
            ("clean", "x", TypeError),
            ("clean", (X[0] * 255).astype(np.uint8), TypeError),
            ("clean", X, ValueError),
            ("clean", X[0] * 255, ValueError),
            ("clean", NAN_X[0], ValueError),
            ("outputs", None, TypeError),
            ("outputs", [X[:1]], TypeError),
            ("outputs", {}, ValueError),
            ("outputs", {"noisy": "abc"}, TypeError),
            ("outputs", {"noisy": X[:1] * 255}, ValueError),
            ("outputs", {"noisy": X[:2]}, ValueError),
            ("noise_factors", None, TypeError),
            ("noise_factors", [], ValueError),
            ("noise_factors", ["a"], TypeError),
            ("noise_factors", [np.nan], ValueError),
            ("noise_factors", [-0.1], ValueError),
            ("scores", "abc", TypeError),
            ("scores", {"other": [20.0]}, ValueError),
            ("scores", {"noisy": "a"}, TypeError),
            ("scores", {"noisy": [np.nan]}, ValueError),
            ("scores", {"noisy": [20.0, 30.0]}, ValueError),
        ]
        + figs(),
    ),
    "denoising_sweep": (
        function("denoising_sweep"),
        {"x_clean": X, "denoisers": {"identity": lambda x, f: x}, "noise_factors": [0.1]},
        images("x_clean")
        + function_map("denoisers")
        + [
            ("denoisers", {"bad": lambda x, f: x * 3}, ValueError),
            ("noise_factors", None, TypeError),
            ("noise_factors", [], ValueError),
            ("noise_factors", ["a"], TypeError),
            ("noise_factors", [np.nan], ValueError),
            ("noise_factors", [-0.1], ValueError),
            ("index", 1.5, TypeError),
            ("index", N, ValueError),
        ]
        + seed(),
    ),
    "plot_embeddings": (
        function("plot_embeddings"),
        {"embeddings": {"a": RNG.random((N, 2))}, "labels": LABELS},
        [
            ("embeddings", None, TypeError),
            ("embeddings", [RNG.random((N, 2))], TypeError),
            ("embeddings", {}, ValueError),
            ("embeddings", {"a": "abc"}, TypeError),
            ("embeddings", {"a": np.zeros((N, 3))}, ValueError),
            ("embeddings", {"a": np.full((N, 2), np.nan)}, ValueError),
            ("embeddings", {"a": np.zeros((2, 2))}, ValueError),
            ("labels", None, TypeError),
            ("labels", np.full(N, 0.5), TypeError),
            ("labels", [], ValueError),
        ]
        + title()
        + number("point_size")
        + [("point_size", 0.0, ValueError)]
        + figs(),
    ),
    "plot_image_grid": (
        function("plot_image_grid"),
        {"images": X, "ncols": 2},
        images("images") + count("ncols") + title() + figs(),
    ),
    "plot_image_rows": (
        function("plot_image_rows"),
        {"rows": [X, X2], "row_titles": ["a", "b"]},
        [
            ("rows", None, TypeError),
            ("rows", "abc", TypeError),
            ("rows", [], ValueError),
            ("rows", [X * 255, X], ValueError),
            ("rows", [X, X[:2]], ValueError),
            ("row_titles", None, TypeError),
            ("row_titles", "ab", TypeError),
            ("row_titles", [1, 2], TypeError),
            ("row_titles", ["a"], ValueError),
        ]
        + title()
        + figs(),
    ),
    "plot_inpainting_comparison": (
        function("plot_inpainting_comparison"),
        {"x_true": X, "mask": MASK, "inpainted": {"m": X}, "num_images": 2},
        images("x_true")
        + masks()
        + image_map("inpainted")
        + count("num_images", too_many=99)
        + title()
        + figs(),
    ),
    "plot_inpainting_samples": (
        function("plot_inpainting_samples"),
        {"x_true": X, "mask": MASK, "samples": SAMPLES},
        images("x_true") + masks() + sample_stacks() + figs(),
    ),
    "plot_latent_manifold": (
        function("plot_latent_manifold"),
        {"tiles": X, "means": RNG.random((N, 2)), "labels": LABELS},
        images("tiles")
        + [("tiles", X[:3], ValueError)]
        + [
            ("means", "m", TypeError),
            ("means", np.full((N, 2), "a"), TypeError),
            ("means", np.full((N, 2), np.nan), ValueError),
            ("means", np.zeros((N, 3)), ValueError),
            ("labels", "abc", TypeError),
            ("labels", np.full(N, 0.5), TypeError),
            ("labels", [0, 1], ValueError),
        ]
        + axes(),
    ),
    "plot_posterior_samples": (
        function("plot_posterior_samples"),
        {"x_clean": X, "x_noisy": X2, "samples": SAMPLES, "num_images": 2},
        images("x_clean")
        + images("x_noisy")
        + sample_stacks()
        + count("num_images", too_many=99)
        + figs(),
    ),
    "plot_posterior_vs_prior": (
        function("plot_posterior_vs_prior"),
        {"mean": 1.0, "log_var": -1.0, "kl": 0.5},
        number("mean", negative=False)
        + number("log_var", negative=False)
        + [case for case in number("kl", negative=False) if case[1] is not None]
        + axes(),
    ),
    "plot_ranked_images": (
        function("plot_ranked_images"),
        {"x": X, "scores": SCORES, "num_images": 2},
        images("x") + scores() + count("num_images", too_many=99) + title() + figs(),
    ),
    "plot_roc_curves": (
        function("plot_roc_curves"),
        {"curves": {"s": CURVE}},
        [
            ("curves", None, TypeError),
            ("curves", [CURVE], TypeError),
            ("curves", {}, ValueError),
            ("curves", {"s": "abc"}, TypeError),
            ("curves", {"s": {"auroc": 0.5}}, ValueError),
            ("curves", {"s": {**CURVE, "auroc": 2.0}}, ValueError),
            ("curves", {"s": {**CURVE, "auroc": "high"}}, TypeError),
            ("curves", {"s": {**CURVE, "true_positive_rate": "abc"}}, TypeError),
            ("curves", {"s": {**CURVE, "true_positive_rate": [0.0, 1.5]}}, ValueError),
            ("curves", {"s": {**CURVE, "true_positive_rate": [0.0, 1.0]}}, ValueError),
        ]
        + title()
        + axes(),
    ),
    "roc_curves": (
        function("roc_curves"),
        {"is_anomaly": LABELS, "scores": {"s": SCORES}},
        anomaly_labels()
        + [
            ("scores", None, TypeError),
            ("scores", [SCORES], TypeError),
            ("scores", {}, ValueError),
            ("scores", {"s": "abc"}, TypeError),
            ("scores", {"s": [1.0, np.nan, 2.0, 3.0]}, ValueError),
            ("scores", {"s": SCORES[:2]}, ValueError),
        ],
    ),
    "plot_temperature_rows": (
        function("plot_temperature_rows"),
        {"samples": [X, X2], "temperatures": [0.5, 1.0]},
        [
            ("samples", None, TypeError),
            ("samples", "abc", TypeError),
            ("samples", [], ValueError),
            ("samples", [X * 255, X], ValueError),
            ("samples", [X, X[:2]], ValueError),
            ("temperatures", None, TypeError),
            ("temperatures", 1.0, TypeError),
            ("temperatures", [], ValueError),
            ("temperatures", ["a", "b"], TypeError),
            ("temperatures", [np.nan, 1.0], ValueError),
            ("temperatures", [-1.0, 1.0], ValueError),
            ("temperatures", [1.0], ValueError),
        ]
        + figs(),
    ),
    "plot_threshold_decision": (
        function("plot_threshold_decision"),
        {
            "x": X,
            "is_anomaly": LABELS,
            "scores": SCORES,
            "threshold": 2.5,
            "report": REPORT,
            "num_images": 2,
        },
        images("x")
        + anomaly_labels()
        + scores()
        + number("threshold", negative=False)
        + [
            ("report", None, TypeError),
            ("report", "report", TypeError),
            ("report", {}, ValueError),
            ("report", {**REPORT, "precision": 2.0}, ValueError),
            ("report", {**REPORT, "flagged": 1.5}, TypeError),
            ("report", {**REPORT, "confusion": np.zeros(3, np.int64)}, ValueError),
            ("report", {**REPORT, "confusion": "m"}, TypeError),
            ("report", vh.detection_report(LABELS, SCORES, 3.5), ValueError),
        ]
        + count("num_images")
        + figs(),
    ),
    "plot_training_curves": (
        function("plot_training_curves"),
        {"history": {"loss": [3.0, 2.0], "val_loss": [3.5, 2.5]}},
        [
            ("history", None, TypeError),
            ("history", [1.0, 2.0], TypeError),
            ("history", {}, ValueError),
            ("history", {"loss": "abc"}, TypeError),
            ("history", {"loss": []}, ValueError),
            ("history", {"loss": [1.0, 2.0], "val_loss": [1.0]}, ValueError),
        ]
        + figs(),
    ),
    "psnr": (
        function("psnr"),
        {"x_true": X, "x_test": X2},
        images("x_true") + images("x_test") + flag("average") + masks()[1:],
    ),
    "random_mask": (
        function("random_mask"),
        {"fraction_missing": 0.5, "num_images": 2},
        [case for case in number("fraction_missing") if case[1] != [1.0]]
        + [("fraction_missing", 1.5, ValueError), ("fraction_missing", [0.5] * 3, ValueError)]
        + [("fraction_missing", ["a", "b"], TypeError), ("fraction_missing", [0.5, 2], ValueError)]
        + count("num_images")
        + seed(),
    ),
    "run_mode": (
        with_environment("run_mode", "VAE_BOOK_MODE"),
        {"VAE_BOOK_MODE": "quick"},
        [("VAE_BOOK_MODE", "fast", ValueError)],
    ),
    "runtime_summary": (
        with_environment("runtime_summary", "VAE_BOOK_MODE"),
        {"VAE_BOOK_MODE": "quick"},
        [("VAE_BOOK_MODE", "fast", ValueError)],
    ),
    "Sampling": (lambda parts, **kwargs: vh.Sampling(**kwargs), {"seed": 0}, seed()),
    "Sampling.call": (
        lambda parts, inputs: vh.Sampling(seed=0)(inputs),
        {"inputs": (np.zeros((N, 2), np.float32), np.zeros((N, 2), np.float32))},
        [
            ("inputs", np.zeros((N, 2), np.float32), TypeError),
            ("inputs", (np.zeros((N, 2), np.float32),) * 3, TypeError),
            ("inputs", (np.zeros((N, 2), np.float32), np.zeros((N, 3), np.float32)), ValueError),
        ],
    ),
    "score_samples": (
        function("score_samples"),
        {
            "classifier": Part("classifier"),
            "images": X,
            "reference_features": Part("features"),
            "labels": LABELS,
        },
        classifiers()
        + images("images")
        + [("images", X[:1], ValueError)]
        + matrix("reference_features")
        + [("reference_features", np.zeros((N, 3)), ValueError)]
        + digits("labels", optional=True),
    ),
    "seed_everything": (
        function("seed_everything"),
        {"seed": 0},
        seed() + [("seed", None, TypeError)],
    ),
    "supported_steps_per_execution": (
        function("supported_steps_per_execution"),
        {"steps": 16},
        [("steps", 2.0, TypeError), ("steps", "16", TypeError), ("steps", 0, ValueError)],
    ),
    "shows_error": (
        in_shows_error,
        {"expected": (ValueError,)},
        [
            ("expected", (), ValueError),
            ("expected", ("ValueError",), TypeError),
            ("expected", (ValueError("x"),), TypeError),
        ],
    ),
    "slerp": (
        function("slerp"),
        {"start": np.zeros(2), "end": np.ones(2), "steps": 3},
        vector("start") + vector("end") + count("steps") + [("steps", 1, ValueError)],
    ),
    "square_mask": (
        function("square_mask"),
        {"side": 10},
        count("side", too_many=29)
        + [("top", 1.5, TypeError), ("top", "1", TypeError), ("top", 20, ValueError)]
        + [("left", True, TypeError), ("left", -1, ValueError)],
    ),
    "ssim": (
        function("ssim"),
        {"x_true": X, "x_test": X2},
        images("x_true") + images("x_test") + flag("average") + masks()[1:],
    ),
    "threshold_at_percentile": (
        function("threshold_at_percentile"),
        {"normal_scores": SCORES, "percentile": 95.0},
        scores("normal_scores")[:4]
        + [("normal_scores", [], ValueError)]
        + number("percentile")
        + [("percentile", 120.0, ValueError)],
    ),
    "threshold_explorer": (
        function("threshold_explorer"),
        {"x": X, "is_anomaly": LABELS, "scores": SCORES, "threshold": 2.5, "num_images": 2},
        images("x")
        + anomaly_labels()
        + scores()
        + number("threshold", negative=False)
        + count("num_images"),
    ),
    "KLWarmup": (
        lambda parts, **kwargs: vh.KLWarmup(**kwargs),
        {"epochs": 3},
        count("epochs"),
    ),
    "TrainingProgress": (
        lambda parts, **kwargs: vh.TrainingProgress(**kwargs),
        {"label": "dense VAE"},
        [("label", 3, TypeError), ("label", None, TypeError), ("label", "", ValueError)],
    ),
    "tune_denoiser": (
        lambda parts, **kwargs: vh.tune_denoiser(**kwargs),
        {
            "x_clean": X[:2],
            "x_noisy": X2[:2],
            "method": "gaussian",
            "parameter": "sigma",
            "grid": (0.5, 1.0),
        },
        images("x_clean")
        + images("x_noisy")
        + [("method", None, TypeError), ("method", "x", ValueError)]
        + [("parameter", None, TypeError), ("parameter", "size", ValueError)]
        + [("grid", None, TypeError), ("grid", 1.0, TypeError), ("grid", (), ValueError)]
        + [
            ("grid", ("a",), TypeError),
            ("grid", (np.nan,), ValueError),
            ("grid", (-1.0,), ValueError),
        ],
    ),
    "VAE": (
        lambda parts, **kwargs: vh.VAE(**kwargs),
        {"encoder": Part("encoder"), "decoder": Part("decoder")},
        encoders("encoder", ("encoder", Part("code_encoder"), ValueError))
        + decoders("decoder")
        + number("beta")
        + seed(),
    ),
    "VAE.compute_loss": (
        lambda parts, **kwargs: parts.vae.compute_loss(y_pred=parts.vae_outputs, **kwargs),
        {"x": X},
        [("sample_weight", np.ones(N), ValueError), ("sample_weight", "w", ValueError)],
    ),
    "VAE.decode": (
        method("vae", "decode"),
        {"z": np.zeros((N, 2))},
        latents() + count("batch_size"),
    ),
    "VAE.encode": (method("vae", "encode"), {"x": X}, images("x") + count("batch_size")),
    "VAE.posterior": (method("vae", "posterior"), {"x": X}, images("x")),
    "VAE.reconstruct": (method("vae", "reconstruct"), {"x": X}, images("x") + count("batch_size")),
    "VAE.sample": (
        method("vae", "sample"),
        {"num_samples": 2},
        count("num_samples") + seed() + number("temperature"),
    ),
    "VAE.sample_posterior": (
        method("vae", "sample_posterior"),
        {"x": X, "num_samples": 2},
        images("x") + count("num_samples") + seed(),
    ),
}


def _resolve(value, parts):
    return getattr(parts, value) if isinstance(value, Part) else value


def _call(entry, parts, changes=None):
    """Call the table's ``entry`` with its valid arguments, updated by ``changes``."""
    call, valid, _ = TABLE[entry]
    arguments = {**(valid or {}), **(changes or {})}
    return call(parts, **{key: _resolve(value, parts) for key, value in arguments.items()})


def _shown(bad):
    if isinstance(bad, np.ndarray):
        return f"array({bad.dtype}, shape {bad.shape})"
    text = repr(bad)
    return text if len(text) <= 60 else text[:57] + "..."


def _names_argument(message, argument):
    return re.search(rf"(?<![\w]){re.escape(argument)}(?![\w])", message) is not None


def _failure(name, parts, argument, bad, error):
    """What is wrong with calling entry ``name`` with ``argument=bad``, or None if nothing."""
    try:
        _call(name, parts, {argument: bad})
    except error as caught:
        if not _names_argument(str(caught), argument):
            return f"{argument}={_shown(bad)}: the message does not name {argument}: {caught}"
        if "; got " not in str(caught):
            return f"{argument}={_shown(bad)}: the message does not say what came: {caught}"
        return None
    except Exception as caught:  # noqa: BLE001 - any other error is what this test reports
        kind = type(caught).__name__
        return f"{argument}={_shown(bad)}: {kind} instead of {error.__name__}: {caught}"
    finally:
        plt.close("all")
    return f"{argument}={_shown(bad)}: returned instead of raising {error.__name__}"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_bad_input_raises_the_expected_error_naming_the_argument(parts, name):
    failures = [_failure(name, parts, *case) for case in TABLE[name][2]]
    failures = [failure for failure in failures if failure]
    assert not failures, f"{name}, {len(failures)} case(s):\n" + "\n".join(failures)


@pytest.mark.parametrize("name", sorted(set(TABLE) - VALID_CALL_NOT_RUN))
def test_the_valid_arguments_of_each_entry_are_accepted(parts, name):
    _call(name, parts)


def _public_methods(cls, exported_classes):
    """Public methods ``cls`` defines or gets from vae_helpers' unexported classes.

    Methods it inherits from another exported class are that class's entries.
    """
    names = set()
    for klass in cls.__mro__:
        if klass is not cls and klass in exported_classes:
            break
        if klass.__module__.startswith("vae_helpers"):
            names |= {
                attribute
                for attribute, value in vars(klass).items()
                if not attribute.startswith("_") and callable(value)
            }
    return names - KERAS_HOOKS


def test_the_table_covers_every_exported_callable_and_model_method():
    exported = {name for name in vh.__all__ if callable(getattr(vh, name))}
    layers = {getattr(vh, name) for name in exported if isinstance(getattr(vh, name), type)}
    layers = {cls for cls in layers if issubclass(cls, keras.Layer)}
    methods = {
        f"{cls.__name__}.{method_name}"
        for cls in layers
        for method_name in _public_methods(cls, layers)
    }
    assert not set(EXEMPT) - exported, "an exemption names no exported callable"
    missing = (exported | methods) - set(TABLE) - set(EXEMPT)
    assert not missing, f"no bad-input cases for {sorted(missing)}"
    stale = {re.split(r"[.\[]", entry)[0] for entry in TABLE} - exported - set(UNEXPORTED)
    assert not stale, f"cases for names that are neither exported nor listed: {sorted(stale)}"
    assert not set(UNEXPORTED) & exported, "an unexported helper is exported after all"
    assert all(cases for _, _, cases in TABLE.values())


def test_numpy_scalars_pass_wherever_python_numbers_do(parts):
    _call("seed_everything", parts, {"seed": np.int64(3)})
    _call("anomaly_scores", parts, {"seed": np.int64(1), "num_samples": np.int32(2)})
    _call("VAE.sample", parts, {"num_samples": np.int64(2), "temperature": np.float32(0.5)})
    _call("Sampling", parts, {"seed": np.uint8(1)})
    _call("build_mnist_classifier", parts, {"feature_units": np.int64(4)})
    _call("threshold_at_percentile", parts, {"percentile": np.float32(90.0)})
    _call("square_mask", parts, {"side": np.int16(10), "top": np.int64(2)})
