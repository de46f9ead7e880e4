import numpy as np
import pytest

import vae_helpers as vh
from vae_helpers.config import is_quick


def test_mode_defaults_to_full(monkeypatch):
    monkeypatch.delenv("VAE_BOOK_MODE", raising=False)
    assert vh.run_mode() == "full"
    assert vh.by_mode(full=30, quick=2) == 30


def test_quick_mode_picks_quick_values(monkeypatch):
    monkeypatch.setenv("VAE_BOOK_MODE", "Quick")
    assert is_quick()
    assert vh.by_mode(full=30, quick=2) == 2


def test_unknown_mode_is_rejected_by_name(monkeypatch):
    monkeypatch.setenv("VAE_BOOK_MODE", "fast")
    with pytest.raises(ValueError, match="VAE_BOOK_MODE must be one of .*'fast'"):
        vh.run_mode()


def test_seed_everything_makes_draws_repeatable():
    import keras

    vh.seed_everything(7)
    first = (np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    vh.seed_everything(7)
    second = (np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


@pytest.mark.parametrize(("gpus", "switched_on"), [([], False), (["GPU:0"], True)])
def test_seed_everything_switches_op_determinism_on_only_where_a_gpu_is_seen(
    monkeypatch, gpus, switched_on
):
    import tensorflow as tf

    calls = []
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: gpus)
    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism", lambda: calls.append(1))
    vh.seed_everything(0)
    assert calls == ([1] if switched_on else [])


@pytest.mark.parametrize(
    ("seed", "error", "message"),
    [
        (-1, ValueError, r"seed must be an integer in \[0, 4294967295\]; got -1"),
        (2**32, ValueError, r"seed must be an integer in \[0, 4294967295\]; got 4294967296"),
        (1.5, TypeError, "seed must be an int; got float 1.5"),
        ("0", TypeError, "seed must be an int; got str '0'"),
        (True, TypeError, "seed must be an int; got bool True"),
    ],
)
def test_seed_everything_rejects_bad_seeds(seed, error, message):
    with pytest.raises(error, match=message):
        vh.seed_everything(seed)


def test_seed_everything_accepts_numpy_integers():
    vh.seed_everything(np.int64(7))
    first = np.random.rand(3)
    vh.seed_everything(7)
    np.testing.assert_array_equal(first, np.random.rand(3))


def test_runtime_summary_names_mode_and_versions(monkeypatch):
    import keras

    monkeypatch.setenv("VAE_BOOK_MODE", "quick")
    summary = vh.runtime_summary()
    assert summary.startswith("mode=quick | TensorFlow ")
    assert f"Keras {keras.__version__}" in summary and "GPUs: " in summary
