"""Data-parallel training of the book's VAE with ``tf.distribute``, and MNIST in TFRecord shards.

TensorFlow's own route, for the TensorFlow backend: a ``MirroredStrategy`` keeps one replica of
the model per device of a machine, a ``MultiWorkerMirroredStrategy`` one per worker process,
each configured by the ``TF_CONFIG`` environment variable. Every step splits a global batch
among the replicas and sums their gradients before one shared update.

- :func:`split_cpu` and :func:`mirrored_strategy`: several logical devices on one CPU, and a
  strategy over them (the devices share the same cores: correct, not faster).
- :class:`DistributedVAE`: ``VAE`` made correct under a strategy (loss scaled per replica,
  noise drawn for the global batch); :func:`train_data_parallel` builds and fits it.
- :func:`run_workers` starts worker processes on loopback with a hard timeout;
  :func:`train_multi_worker` trains a ``DistributedVAE`` in two or more of them.
- :func:`write_tfrecord_shards` and :func:`tfrecord_dataset`: images in sharded files, read
  back with ``tf.data`` (interleave, shuffle buffer, dynamic binarisation, prefetch).
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from .config import seed_everything
from .data import binarize_batch, binarized_dataset
from .models import PACKAGE, VAE, build_dense_decoder, build_dense_encoder, check_sizes
from .validation import (
    IMAGE_PIXELS,
    SEED_RULE,
    as_flat_images,
    check_instance,
    check_scalar,
    check_sequence,
)

FEATURE = "image"  # the one feature of each TFRecord example: 784 bytes, grey levels 0-255
WORKER_LOG_LINES = 15  # lines of a failed worker's error output quoted in the exception


def split_cpu(num_devices):
    """Split the CPU into ``num_devices`` logical devices and return their names.

    Call it before TensorFlow's runtime starts, i.e. before the first tensor, op or
    ``tf.config.list_logical_devices`` (importing TensorFlow, Keras or this package and
    :func:`~vae_helpers.seed_everything` do not start it). Calling it again with the same
    number returns the same names; another number, once the runtime runs, raises a
    ``RuntimeError``: restart the Python process (the notebook's kernel) and split first.
    The logical devices share the same cores, so they show correctness, not speed.
    """
    num_devices = check_scalar(num_devices, "num_devices", int, low=1)
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(num_devices)]
        )
    except RuntimeError as error:
        existing = len(tf.config.list_logical_devices("CPU"))
        if existing != num_devices:
            raise RuntimeError(
                f"split_cpu({num_devices}) came too late: TensorFlow's runtime already runs "
                f"with {existing} logical CPU device(s), and it cannot be changed. Restart the "
                "Python process (the notebook's kernel) and call split_cpu before anything "
                "creates a tensor."
            ) from error
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def mirrored_strategy(num_replicas):
    """A ``tf.distribute.MirroredStrategy`` over the first ``num_replicas`` logical CPU devices.

    Gradients are summed by copying them to one device (``ReductionToOneDevice``): on CPUs
    the default, collective ops, keys its groups per strategy, so a second strategy with
    another number of devices in the same process clashes with the first.
    """
    num_replicas = check_scalar(num_replicas, "num_replicas", int, low=1)
    devices = [device.name for device in tf.config.list_logical_devices("CPU")]
    if num_replicas > len(devices):
        raise ValueError(
            f"num_replicas must be at most the {len(devices)} logical CPU device(s) there "
            f"are; got {num_replicas}. Call split_cpu({num_replicas}) first, before "
            "TensorFlow's runtime starts."
        )
    return tf.distribute.MirroredStrategy(
        devices[:num_replicas], cross_device_ops=tf.distribute.ReductionToOneDevice()
    )


def replica_position():
    """Return ``(replicas in sync, this replica's index)``; ``(1, 0)`` outside a replica.

    Keras runs each training step once per replica; code that builds the model in a
    strategy's scope runs outside any replica.
    """
    context = tf.distribute.get_replica_context()
    if context is None:
        return 1, 0
    return context.num_replicas_in_sync, context.replica_id_in_sync_group


@keras.saving.register_keras_serializable(package=PACKAGE)
class DistributedVAE(VAE):
    """``VAE`` that trains the same model on any number of replicas of a ``tf.distribute``
    strategy, for the same global batch and seed.

    - **Loss.** Each replica returns its batch mean divided by the number of replicas, so
      the sum of the replicas' gradients (what Keras' optimizer applies) is the gradient of
      the global-batch mean. ``scale_loss=False`` keeps the plain per-replica mean, the
      classic bug: gradients and the reported ``loss`` come out N times too large.
    - **Noise.** A seeded ``SeedGenerator`` gives every replica the same draws; here each
      replica draws eps for the whole global batch and keeps its own slice, so every example
      gets the noise it would get on a single device.

    Outside a strategy, or on one replica, it computes exactly what ``VAE`` computes.
    Arguments, inputs and outputs are ``VAE``'s, plus ``scale_loss`` (a bool).
    """

    def __init__(self, encoder, decoder, beta=1.0, seed=None, scale_loss=True, **kwargs):
        super().__init__(encoder, decoder, beta=beta, seed=seed, **kwargs)
        self.scale_loss = check_scalar(scale_loss, "scale_loss", bool)

    def call(self, inputs, training=None):
        mean, log_var = self.posterior(inputs)
        replicas, replica = replica_position()
        size = ops.shape(mean)[0]
        zeros = ops.zeros((size * replicas, self.latent_dim))
        epsilon = self.sampling((zeros, zeros))  # mean 0, log-variance 0: plain N(0, I) draws
        epsilon = epsilon[replica * size : (replica + 1) * size]
        z = mean + ops.exp(0.5 * log_var) * epsilon
        return {"logits": self.decoder(z), "mean": mean, "log_var": log_var, "z": z}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x, y, y_pred, sample_weight, training)
        replicas, _ = replica_position()
        return loss / replicas if self.scale_loss else loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        logs = super().compute_metrics(x, y, y_pred, sample_weight)
        if not isinstance(tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy):
            return logs
        # Keras' fit averages each logged value over the workers with
        # strategy.reduce("MEAN", value, axis=0), which needs an axis: a scalar fails with
        # "Invalid reduction dimension 0" (tensorflow/tensorflow#72388). Give each value one.
        return {name: ops.reshape(value, (1,)) for name, value in logs.items()}

    def get_config(self):
        return {**super().get_config(), "scale_loss": self.scale_loss}


def build_distributed_vae(latent_dim=40, hidden_units=(512,), seed=None, scale_loss=True):
    """The book's dense VAE (``build_dense_vae``'s layers) as a :class:`DistributedVAE`.

    Call it inside ``strategy.scope()`` so that its variables are mirrored.
    """
    latent_dim, hidden_units = check_sizes(latent_dim, hidden_units)
    encoder = build_dense_encoder(latent_dim, hidden_units)
    decoder = build_dense_decoder(latent_dim, tuple(reversed(hidden_units)))
    return DistributedVAE(encoder, decoder, seed=seed, scale_loss=scale_loss, name="vae")


class EpochTimes(keras.callbacks.Callback):
    """Records the wall time of every epoch of ``fit``, in seconds, in ``seconds``."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


class DataParallelRun(NamedTuple):
    """What :func:`train_data_parallel` returns."""

    model: DistributedVAE
    history: dict  # metric name -> one value per epoch
    epoch_seconds: list  # wall time of each epoch; the first includes tracing the step


def train_data_parallel(
    strategy,
    dataset,
    *,
    epochs,
    learning_rate,
    seed,
    latent_dim=40,
    hidden_units=(512,),
    scale_loss=True,
    steps_per_execution=1,
):
    """Build a :func:`build_distributed_vae` model in ``strategy``'s scope and fit it.

    ``dataset`` is a ``tf.data.Dataset`` of global batches of flat images (e.g.
    ``binarized_dataset``); Keras splits each batch among the replicas. Weights start from
    ``keras.utils.set_random_seed(seed)`` and the noise from ``seed``, so runs with the same
    arguments on different strategies train the same model. Adam, ``verbose=0``.
    """
    check_instance(strategy, "strategy", tf.distribute.Strategy, "a tf.distribute.Strategy")
    check_instance(dataset, "dataset", tf.data.Dataset, "a tf.data.Dataset of image batches")
    epochs = check_scalar(epochs, "epochs", int, low=1)
    learning_rate = check_scalar(learning_rate, "learning_rate", float, low=0, open_low=True)
    seed = check_scalar(seed, "seed", int, **{**SEED_RULE, "none_ok": False})
    steps_per_execution = check_scalar(steps_per_execution, "steps_per_execution", int, low=1)
    keras.utils.set_random_seed(seed)
    with strategy.scope():
        model = build_distributed_vae(latent_dim, hidden_units, seed, scale_loss)
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
            steps_per_execution=steps_per_execution,
        )
    timer = EpochTimes()
    # shuffle=False: Keras cannot shuffle a dataset; it reshuffles itself every epoch.
    history = model.fit(dataset, epochs=epochs, shuffle=False, verbose=0, callbacks=[timer])
    values = {name: [float(v) for v in series] for name, series in history.history.items()}
    return DataParallelRun(model, values, timer.seconds)


def free_ports(count):
    """Return ``count`` distinct TCP ports that are free on 127.0.0.1 right now."""
    count = check_scalar(count, "count", int, low=1)
    sockets = [socket.socket() for _ in range(count)]
    try:
        for handle in sockets:
            handle.bind(("127.0.0.1", 0))
        return [handle.getsockname()[1] for handle in sockets]
    finally:
        for handle in sockets:
            handle.close()


def tf_config(ports, index):
    """The ``TF_CONFIG`` dict of worker ``index`` in a cluster of workers on 127.0.0.1.

    ``ports`` holds one port per worker; worker 0 is the chief.
    """
    ports = check_sequence(ports, "ports", int, min_length=1, low=1, high=65535)
    index = check_scalar(index, "index", int, low=0, high=len(ports) - 1)
    return {
        "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
        "task": {"type": "worker", "index": index},
    }


def _tail(path, lines=WORKER_LOG_LINES):
    text = Path(path).read_text(errors="replace").strip().splitlines()
    return "\n".join(text[-lines:]) or "(no output)"


def run_workers(argv, num_workers=2, timeout=300.0):
    """Run ``num_workers`` Python processes ``python *argv`` as one cluster on 127.0.0.1.

    Each process gets the ``TF_CONFIG`` of its index (:func:`tf_config`, fresh free ports).
    Returns the standard output of each worker, in index order, once all exit with code 0.
    If a worker exits with another code, the others are stopped at once (they would wait
    for it forever) and a ``RuntimeError`` quotes the end of its error output; if they are
    not all done within ``timeout`` seconds, all are stopped and a ``TimeoutError`` is raised.
    No process is left running either way.
    """
    argv = check_sequence(argv, "argv", str, min_length=1)
    num_workers = check_scalar(num_workers, "num_workers", int, low=1)
    timeout = check_scalar(timeout, "timeout", float, low=0, open_low=True)
    ports = free_ports(num_workers)
    with tempfile.TemporaryDirectory(prefix="workers-") as folder:
        logs = [(Path(folder) / f"{i}.out", Path(folder) / f"{i}.err") for i in range(num_workers)]
        processes = []
        try:
            for index, (out, err) in enumerate(logs):
                env = {**os.environ, "TF_CONFIG": json.dumps(tf_config(ports, index))}
                with open(out, "wb") as stdout, open(err, "wb") as stderr:
                    command = [sys.executable, *argv]
                    processes.append(
                        subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr)
                    )
            deadline = time.monotonic() + timeout
            while True:
                codes = [process.poll() for process in processes]
                for index, code in enumerate(codes):
                    if code not in (None, 0):
                        how = (
                            f"was killed by signal {-code}"
                            if code < 0
                            else f"exited with code {code}"
                        )
                        raise RuntimeError(
                            f"worker {index} of {num_workers} {how}; the other workers were "
                            f"stopped. The end of its error output:\n{_tail(logs[index][1])}"
                        )
                if all(code == 0 for code in codes):
                    return [out.read_text(errors="replace") for out, _ in logs]
                if time.monotonic() > deadline:
                    running = [index for index, code in enumerate(codes) if code is None]
                    raise TimeoutError(
                        f"the {num_workers} workers did not finish within {timeout:g} s; "
                        f"workers {running} were still running and were stopped (a worker "
                        "whose peers never join waits for them). The end of worker "
                        f"{running[0]}'s error output:\n{_tail(logs[running[0]][1])}"
                    )
                time.sleep(0.05)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                process.wait()


class MultiWorkerRun(NamedTuple):
    """What :func:`train_multi_worker` returns: one entry per worker, in index order."""

    weights: list  # each worker's final ``model.get_weights()``
    history: list  # each worker's history: metric name -> one value per epoch
    epoch_seconds: list  # each worker's wall time per epoch
    seconds: float  # wall time of the whole run, process start-up included


WORKER_CODE = (
    "import sys; from vae_helpers.distributed import worker_main; worker_main(sys.argv[1])"
)


def train_multi_worker(
    x,
    *,
    num_workers=2,
    epochs,
    batch_size,
    learning_rate,
    seed,
    latent_dim=40,
    hidden_units=(512,),
    steps_per_execution=1,
    timeout=600.0,
):
    """Train a :class:`DistributedVAE` on ``x`` in ``num_workers`` processes on 127.0.0.1.

    Each worker builds a ``MultiWorkerMirroredStrategy`` from its ``TF_CONFIG``, reads the
    same ``binarized_dataset(x, batch_size, seed)`` and keeps its share of every global batch
    of ``batch_size`` images (tf.data's ``DATA`` sharding), then calls
    :func:`train_data_parallel` with the other arguments. ``x`` is any accepted image layout
    in [0, 1]. The workers share this machine's cores equally. See :func:`run_workers` for
    ``timeout`` and failures; the temporary files are removed before returning.
    """
    flat = as_flat_images(x, "x")
    num_workers = check_scalar(num_workers, "num_workers", int, low=1)
    config = {
        "epochs": check_scalar(epochs, "epochs", int, low=1),
        "batch_size": check_scalar(batch_size, "batch_size", int, low=1),
        "learning_rate": check_scalar(learning_rate, "learning_rate", float, low=0, open_low=True),
        "seed": check_scalar(seed, "seed", int, **{**SEED_RULE, "none_ok": False}),
        "latent_dim": check_sizes(latent_dim, hidden_units)[0],
        "hidden_units": list(check_sizes(latent_dim, hidden_units)[1]),
        "steps_per_execution": check_scalar(steps_per_execution, "steps_per_execution", int, low=1),
        "threads": max(1, (os.cpu_count() or 1) // num_workers),
    }
    if config["batch_size"] % num_workers:
        raise ValueError(
            f"batch_size must be a multiple of num_workers={num_workers}, so that every worker "
            f"gets the same share of a global batch; got {config['batch_size']}."
        )
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="multi-worker-") as folder:
        np.save(Path(folder) / "images.npy", flat)
        (Path(folder) / "config.json").write_text(json.dumps(config))
        run_workers(["-c", WORKER_CODE, folder], num_workers=num_workers, timeout=timeout)
        weights, history, epoch_seconds = [], [], []
        for index in range(num_workers):
            with np.load(Path(folder) / f"weights_{index}.npz") as arrays:
                weights.append([arrays[f"arr_{i}"] for i in range(len(arrays.files))])
            record = json.loads((Path(folder) / f"history_{index}.json").read_text())
            history.append(record["history"])
            epoch_seconds.append(record["epoch_seconds"])
    return MultiWorkerRun(weights, history, epoch_seconds, time.perf_counter() - start)


def worker_main(folder):
    """The body of one worker of :func:`train_multi_worker`; ``folder`` holds its inputs.

    It runs in a fresh process whose ``TF_CONFIG`` names the cluster and its own index.
    """
    folder = Path(folder)
    config = json.loads((folder / "config.json").read_text())
    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    # The workers share this machine's cores: one intra-op pool each, sized to its share.
    tf.config.threading.set_intra_op_parallelism_threads(config["threads"])
    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # before any other TensorFlow op
    seed_everything(config["seed"])
    dataset = binarized_dataset(
        np.load(folder / "images.npy"), config["batch_size"], config["seed"]
    )
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    run = train_data_parallel(
        strategy,
        dataset.with_options(options),
        epochs=config["epochs"],
        learning_rate=config["learning_rate"],
        seed=config["seed"],
        latent_dim=config["latent_dim"],
        hidden_units=tuple(config["hidden_units"]),
        steps_per_execution=config["steps_per_execution"],
    )
    np.savez(folder / f"weights_{index}.npz", *run.model.get_weights())
    record = {"history": run.history, "epoch_seconds": run.epoch_seconds}
    (folder / f"history_{index}.json").write_text(json.dumps(record))


def write_tfrecord_shards(x, folder, num_shards, prefix="images"):
    """Write images to ``num_shards`` TFRecord files in ``folder``; return their paths.

    ``x`` is any accepted image layout in [0, 1]. Each image becomes one ``tf.train.Example``
    with a bytes feature ``"image"``: its 784 grey levels rounded to 0-255, which MNIST's
    pixels (multiples of 1/255) survive exactly. Consecutive images share a shard.
    """
    flat = as_flat_images(x, "x")
    folder = Path(check_instance(folder, "folder", (str, os.PathLike), "a folder path"))
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing folder; got {str(folder)!r}.")
    num_shards = check_scalar(num_shards, "num_shards", int, low=1, high=len(flat))
    prefix = check_scalar(prefix, "prefix", str)
    grey = np.rint(flat * 255).astype(np.uint8)
    paths = []
    for index, block in enumerate(np.array_split(grey, num_shards)):
        path = folder / f"{prefix}-{index:05d}-of-{num_shards:05d}.tfrecord"
        with tf.io.TFRecordWriter(str(path)) as writer:
            for image in block:
                feature = tf.train.Feature(bytes_list=tf.train.BytesList(value=[image.tobytes()]))
                example = tf.train.Example(features=tf.train.Features(feature={FEATURE: feature}))
                writer.write(example.SerializeToString())
        paths.append(str(path))
    return paths


def tfrecord_dataset(
    paths, batch_size, seed, shuffle_buffer=10_000, cycle_length=4, num_images=None
):
    """Stream dynamically binarised batches of flat images from TFRecord shards.

    The pipeline: the shard list reshuffled each epoch; ``cycle_length`` shards read in
    parallel and interleaved; a shuffle buffer of ``shuffle_buffer`` serialised images;
    batches of ``batch_size`` parsed at once; a fresh binarisation of each batch in every
    epoch; and ``prefetch``, so the next batches are ready while a step runs. Only the
    buffers are in memory, never the whole dataset. Reproducible from ``seed``. With
    ``num_images``, the number of images in the shards, the dataset knows its length, so
    ``fit`` knows the steps of an epoch (files alone do not tell it without reading them).
    """
    paths = check_sequence(paths, "paths", str, min_length=1)
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    seed = check_scalar(seed, "seed", int, **{**SEED_RULE, "none_ok": False})
    shuffle_buffer = check_scalar(shuffle_buffer, "shuffle_buffer", int, low=1)
    cycle_length = check_scalar(cycle_length, "cycle_length", int, low=1)
    num_images = check_scalar(num_images, "num_images", int, low=1, none_ok=True)
    missing = [path for path in paths if not Path(path).is_file()]
    if missing:
        raise ValueError(
            f"paths must name existing files; got {len(missing)} that do not: {missing[:3]}."
        )
    spec = {FEATURE: tf.io.FixedLenFeature([], tf.string)}

    def parse(serialized):
        pixels = tf.io.decode_raw(tf.io.parse_example(serialized, spec)[FEATURE], tf.uint8)
        return tf.reshape(tf.cast(pixels, tf.float32) / 255.0, (-1, IMAGE_PIXELS))

    examples = (
        tf.data.Dataset.from_tensor_slices(list(paths))
        .shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
        .interleave(
            tf.data.TFRecordDataset,
            cycle_length=cycle_length,
            num_parallel_calls=tf.data.AUTOTUNE,
            deterministic=True,
        )
        .shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
        .map(parse, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    )
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
    batches = tf.data.Dataset.zip(examples, seeds).map(
        binarize_batch, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
    )
    if num_images is not None:
        batches = batches.apply(
            tf.data.experimental.assert_cardinality(-(-num_images // batch_size))
        )
    return batches.prefetch(tf.data.AUTOTUNE)
