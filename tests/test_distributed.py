"""Data-parallel training: logical devices, the replica-correct VAE, worker processes on
loopback with a hard timeout, and MNIST-style images in TFRecord shards."""

import json
import time
import types

import keras
import numpy as np
import pytest
import tensorflow as tf

import vae_helpers as vh
from vae_helpers.distributed import free_ports

pytestmark = pytest.mark.skipif(
    keras.config.backend() != "tensorflow", reason="tf.distribute trains TensorFlow models only"
)
TINY = {"latent_dim": 2, "hidden_units": (16,)}
# A worker that reports its part of the cluster, for the tests of run_workers.
REPORT = "import json, os; print(json.dumps(json.loads(os.environ['TF_CONFIG'])))"


def _flat_weights(weights):
    return np.concatenate([np.ravel(w) for w in weights])


def _loss_and_gradients(model, x):
    with tf.GradientTape() as tape:
        outputs = model(x)
        loss = model.compute_loss(x=x, y_pred=outputs)
    gradients = tape.gradient(loss, model.trainable_weights)
    return float(loss), _flat_weights([np.asarray(g) for g in gradients]), outputs


def _twin(model_class, source, **kwargs):
    """A model of ``model_class`` with the weights of ``source`` and the seed 3."""
    encoder = vh.build_dense_encoder(TINY["latent_dim"], TINY["hidden_units"])
    decoder = vh.build_dense_decoder(TINY["latent_dim"], TINY["hidden_units"])
    encoder.set_weights(source.encoder.get_weights())
    decoder.set_weights(source.decoder.get_weights())
    return model_class(encoder, decoder, seed=3, **kwargs)


@pytest.fixture
def tiny_vae_weights():
    vh.seed_everything(0)
    return vh.build_dense_vae(seed=3, **TINY)


@pytest.fixture
def four_replicas(monkeypatch):
    """Pretend each step runs as replica 1 of 4, as a MirroredStrategy's second device would."""
    context = types.SimpleNamespace(num_replicas_in_sync=4, replica_id_in_sync_group=1)
    monkeypatch.setattr(tf.distribute, "get_replica_context", lambda: context)


# --- logical devices and strategies -------------------------------------------------------


def test_split_cpu_returns_the_devices_of_the_split_the_runtime_already_runs():
    tf.constant(0.0)  # make sure the runtime has started, whatever ran before
    count = len(tf.config.list_logical_devices("CPU"))
    names = vh.split_cpu(count)
    assert names == [device.name for device in tf.config.list_logical_devices("CPU")]


def test_split_cpu_after_the_runtime_started_raises_an_error_that_says_to_restart():
    tf.constant(0.0)
    count = len(tf.config.list_logical_devices("CPU"))
    with pytest.raises(RuntimeError, match=r"split_cpu\(\d+\) came too late.*Restart"):
        vh.split_cpu(count + 1)


@pytest.mark.parametrize(
    "value, error", [("2", TypeError), (2.0, TypeError), (0, ValueError), (True, TypeError)]
)
def test_split_cpu_rejects_a_device_count_that_is_not_a_positive_int(value, error):
    with pytest.raises(error, match="num_devices"):
        vh.split_cpu(value)


def test_mirrored_strategy_over_one_device_has_one_replica():
    assert vh.mirrored_strategy(1).num_replicas_in_sync == 1


def test_mirrored_strategy_refuses_more_replicas_than_logical_devices():
    count = len(tf.config.list_logical_devices("CPU"))
    with pytest.raises(ValueError, match=rf"at most the {count} logical.*split_cpu"):
        vh.mirrored_strategy(count + 1)


# --- the replica-correct VAE --------------------------------------------------------------


def test_distributed_vae_on_one_device_computes_what_vae_computes(tiny_vae_weights, images):
    vae = _twin(vh.VAE, tiny_vae_weights)
    twin = _twin(vh.DistributedVAE, tiny_vae_weights)
    loss, gradients, outputs = _loss_and_gradients(vae, images)
    twin_loss, twin_gradients, twin_outputs = _loss_and_gradients(twin, images)
    assert twin_loss == loss
    np.testing.assert_array_equal(twin_outputs["z"], outputs["z"])  # the same draw of eps
    np.testing.assert_array_equal(twin_gradients, gradients)


@pytest.mark.parametrize("scale_loss, divisor", [(True, 4.0), (False, 1.0)])
def test_distributed_vae_divides_its_loss_by_the_replicas_only_when_told_to(
    tiny_vae_weights, images, four_replicas, scale_loss, divisor
):
    twin = _twin(vh.DistributedVAE, tiny_vae_weights, scale_loss=scale_loss)
    outputs = twin(images)
    loss = float(twin.compute_loss(x=images, y_pred=outputs))
    mean = float(vh.VAE.compute_loss(twin, x=images, y_pred=outputs))
    np.testing.assert_allclose(loss, mean / divisor, rtol=1e-6)


def test_each_replica_keeps_its_own_slice_of_the_global_batch_noise(
    tiny_vae_weights, images, four_replicas
):
    twin = _twin(vh.DistributedVAE, tiny_vae_weights)
    outputs = twin(images)
    epsilon = (outputs["z"] - outputs["mean"]) * np.exp(-0.5 * np.asarray(outputs["log_var"]))
    global_draw = vh.Sampling(seed=3)((np.zeros((48, 2), "float32"),) * 2)  # 4 x 12 images
    np.testing.assert_allclose(epsilon, np.asarray(global_draw)[12:24], atol=1e-5)


def test_distributed_vae_round_trips_through_a_keras_file(tiny_vae_weights, images, tmp_path):
    twin = _twin(vh.DistributedVAE, tiny_vae_weights, scale_loss=False)
    twin(images)
    twin.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert type(loaded) is vh.DistributedVAE and loaded.scale_loss is False
    np.testing.assert_array_equal(
        _flat_weights(loaded.get_weights()), _flat_weights(twin.get_weights())
    )


def test_distributed_vae_rejects_a_scale_loss_that_is_not_a_bool(tiny_vae_weights):
    with pytest.raises(TypeError, match="scale_loss must be a bool; got str"):
        _twin(vh.DistributedVAE, tiny_vae_weights, scale_loss="yes")


def test_train_data_parallel_returns_the_model_its_history_and_epoch_times(prototype_digits):
    dataset = vh.binarized_dataset(prototype_digits, batch_size=64, seed=0)
    run = vh.train_data_parallel(
        tf.distribute.get_strategy(), dataset, epochs=2, learning_rate=1e-2, seed=0, **TINY
    )
    assert isinstance(run.model, vh.DistributedVAE) and len(run.epoch_seconds) == 2
    assert set(run.history) == {"loss", "reconstruction", "kl"}
    assert run.history["loss"][1] < run.history["loss"][0]


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"strategy": None}, TypeError, "strategy must be a tf.distribute.Strategy; got None"),
        ({"dataset": np.zeros((4, 784))}, TypeError, "dataset must be a tf.data.Dataset"),
        ({"epochs": 0}, ValueError, "epochs must be a positive integer; got 0"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate must be a finite number > 0"),
        ({"seed": None}, TypeError, "seed must be an int; got None"),
    ],
)
def test_train_data_parallel_rejects_bad_arguments_by_name(prototype_digits, change, error, match):
    arguments = {
        "strategy": tf.distribute.get_strategy(),
        "dataset": vh.binarized_dataset(prototype_digits, batch_size=64, seed=0),
        "epochs": 1,
        "learning_rate": 1e-3,
        "seed": 0,
        **change,
    }
    strategy, dataset = arguments.pop("strategy"), arguments.pop("dataset")
    with pytest.raises(error, match=match):
        vh.train_data_parallel(strategy, dataset, **arguments)


# --- worker processes on loopback ---------------------------------------------------------


def test_tf_config_names_every_worker_on_loopback_and_this_task():
    config = vh.tf_config([2222, 2223], 1)
    assert config == {
        "cluster": {"worker": ["127.0.0.1:2222", "127.0.0.1:2223"]},
        "task": {"type": "worker", "index": 1},
    }


@pytest.mark.parametrize(
    "ports, index, error, match",
    [
        ([2222], 1, ValueError, r"index must be an integer in \[0, 0\]; got 1"),
        ([0], 0, ValueError, r"ports\[0\] must be an integer in \[1, 65535\]"),
        ("2222", 0, TypeError, "ports must be a list or tuple of ints"),
    ],
)
def test_tf_config_rejects_bad_ports_and_indices(ports, index, error, match):
    with pytest.raises(error, match=match):
        vh.tf_config(ports, index)


def test_free_ports_are_distinct_loopback_ports():
    ports = free_ports(3)
    assert len(set(ports)) == 3 and all(1 <= port <= 65535 for port in ports)


def test_run_workers_gives_each_worker_its_task_and_returns_their_output_in_order():
    outputs = vh.run_workers(["-c", REPORT], num_workers=2, timeout=60)
    configs = [json.loads(output) for output in outputs]
    assert [config["task"] for config in configs] == [
        {"type": "worker", "index": 0},
        {"type": "worker", "index": 1},
    ]
    assert configs[0]["cluster"] == configs[1]["cluster"]


def test_a_worker_that_dies_fails_the_run_at_once_and_stops_the_others():
    # Worker 1 dies; worker 0 would wait for it for a minute, like a real peer in a collective.
    script = (
        "import json, os, sys, time\n"
        "index = json.loads(os.environ['TF_CONFIG'])['task']['index']\n"
        "if index == 1:\n"
        "    sys.exit('worker 1 lost its data')\n"
        "time.sleep(60)\n"
    )
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"(?s)worker 1 of 2 exited with code 1.*lost its data"):
        vh.run_workers(["-c", script], num_workers=2, timeout=50)
    assert time.monotonic() - start < 20


def test_workers_that_hang_are_stopped_at_the_timeout():
    start = time.monotonic()
    with pytest.raises(TimeoutError, match=r"did not finish within 1\.5 s; workers \[0, 1\]"):
        vh.run_workers(["-c", "import time; time.sleep(60)"], num_workers=2, timeout=1.5)
    assert time.monotonic() - start < 15


def test_two_workers_on_loopback_end_with_identical_weights_equal_to_one_process(
    prototype_digits,
):
    settings = {"epochs": 2, "learning_rate": 1e-2, "seed": 0, **TINY}
    run = vh.train_multi_worker(
        prototype_digits, num_workers=2, batch_size=64, timeout=120, **settings
    )
    first, second = (_flat_weights(weights) for weights in run.weights)
    np.testing.assert_array_equal(first, second)

    # The reference runs under a strategy too: without one, Keras makes one more iterator over
    # the dataset, and a dataset that reshuffles and re-binarises per iterator then starts at
    # its second epoch's order.
    dataset = vh.binarized_dataset(prototype_digits, batch_size=64, seed=0)
    alone = vh.train_data_parallel(vh.mirrored_strategy(1), dataset, **settings)
    np.testing.assert_allclose(first, _flat_weights(alone.model.get_weights()), atol=1e-4)
    np.testing.assert_allclose(run.history[0]["loss"], alone.history["loss"], rtol=1e-4)
    keras.utils.set_random_seed(0)
    initial = _flat_weights(vh.build_distributed_vae(**TINY).get_weights())
    assert not np.allclose(first, initial, atol=1e-3)  # they trained, from the same start


def test_train_multi_worker_needs_a_batch_that_splits_evenly_among_the_workers(images):
    with pytest.raises(ValueError, match="batch_size must be a multiple of num_workers=2"):
        vh.train_multi_worker(images, batch_size=5, epochs=1, learning_rate=1e-3, seed=0)


# --- TFRecord shards ----------------------------------------------------------------------


def _read_all(dataset):
    return np.concatenate([np.asarray(batch) for batch in dataset])


def _sorted_rows(array):
    return array[np.lexsort(array.T[::-1])]


def test_binary_images_come_back_from_the_shards_exactly(prototype_digits, tmp_path):
    paths = vh.write_tfrecord_shards(prototype_digits, tmp_path, num_shards=3)
    assert len(paths) == 3 and all(path.endswith(".tfrecord") for path in paths)
    read = _read_all(vh.tfrecord_dataset(paths, batch_size=50, seed=0, shuffle_buffer=64))
    assert read.shape == prototype_digits.shape and read.dtype == np.float32
    np.testing.assert_array_equal(_sorted_rows(read), _sorted_rows(prototype_digits))


def test_tfrecord_dataset_reshuffles_and_rebinarises_every_epoch_reproducibly(tmp_path):
    grey = np.full((64, 28, 28), 0.5, dtype=np.float32)
    grey[:, 0, 0] = np.arange(64) / 255.0  # tag each image by its first pixel's grey level
    paths = vh.write_tfrecord_shards(grey, tmp_path, num_shards=4, prefix="grey")
    dataset = vh.tfrecord_dataset(paths, batch_size=16, seed=1, shuffle_buffer=32, cycle_length=2)
    first, second = _read_all(dataset), _read_all(dataset)
    assert first.shape == (64, 784) and set(np.unique(first)) <= {0.0, 1.0}
    assert 0.45 < first[:, 1:].mean() < 0.55  # P(pixel = 1) = its grey level, 0.5
    assert not np.array_equal(first, second)  # a fresh order and fresh pixels in epoch two
    again = vh.tfrecord_dataset(paths, batch_size=16, seed=1, shuffle_buffer=32, cycle_length=2)
    np.testing.assert_array_equal(_read_all(again), first)


def test_unshuffled_tfrecord_batches_are_drawn_as_binarized_dataset_draws_them(
    prototype_digits, tmp_path
):
    grey = np.round(prototype_digits * 0.6 * 255) / 255  # grey levels that survive the shards
    paths = vh.write_tfrecord_shards(grey, tmp_path, num_shards=1)
    streamed = vh.tfrecord_dataset(paths, batch_size=50, seed=2, shuffle_buffer=1, cycle_length=1)
    in_memory = vh.binarized_dataset(grey, batch_size=50, seed=2, shuffle=False)
    np.testing.assert_array_equal(_read_all(streamed), _read_all(in_memory))


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"folder": 3}, TypeError, "folder must be a folder path; got int"),
        ({"folder": "missing-folder"}, ValueError, "folder must be an existing folder"),
        ({"num_shards": 13}, ValueError, r"num_shards must be an integer in \[1, 12\]; got 13"),
        ({"x": np.zeros((12, 784), dtype=np.uint8)}, TypeError, "x must hold float pixel"),
    ],
)
def test_write_tfrecord_shards_rejects_bad_arguments_by_name(
    images, tmp_path, monkeypatch, change, error, match
):
    monkeypatch.chdir(tmp_path)
    arguments = {"x": images, "folder": tmp_path, "num_shards": 2, **change}
    with pytest.raises(error, match=match):
        vh.write_tfrecord_shards(**arguments)


def test_tfrecord_dataset_refuses_files_that_do_not_exist(tmp_path):
    with pytest.raises(ValueError, match="paths must name existing files; got 1 that do not"):
        vh.tfrecord_dataset([str(tmp_path / "none.tfrecord")], batch_size=4, seed=0)


def test_tfrecord_dataset_wants_a_list_of_paths_not_one_string(tmp_path):
    with pytest.raises(TypeError, match="paths must be a list or tuple of strs"):
        vh.tfrecord_dataset(str(tmp_path / "one.tfrecord"), batch_size=4, seed=0)


def test_tfrecord_dataset_knows_its_length_when_told_the_number_of_images(
    prototype_digits, tmp_path
):
    paths = vh.write_tfrecord_shards(prototype_digits, tmp_path, num_shards=2)
    told = vh.tfrecord_dataset(paths, batch_size=50, seed=0, num_images=256)
    assert int(told.cardinality()) == 6 and len(_read_all(told)) == 256
    untold = vh.tfrecord_dataset(paths, batch_size=50, seed=0)
    assert int(untold.cardinality()) == tf.data.UNKNOWN_CARDINALITY
