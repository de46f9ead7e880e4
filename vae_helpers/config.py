"""Run size and seeding: the book's one switch and its one seeding call.

The run size comes from the ``VAE_BOOK_MODE`` environment variable: ``full`` (the default,
the real book) or ``quick`` (CI and nbval: fewer epochs, smaller subsets). Chapters read it
through :func:`by_mode` so that every mode-dependent number sits next to its full-mode value.
"""

import os

import keras
import tensorflow as tf

from .validation import MAX_SEED, check_scalar

MODE_VARIABLE = "VAE_BOOK_MODE"
MODES = ("full", "quick")


def run_mode():
    """Return ``"full"`` or ``"quick"`` from ``VAE_BOOK_MODE`` (default ``"full"``)."""
    mode = os.environ.get(MODE_VARIABLE, "full").strip().lower() or "full"
    if mode not in MODES:
        raise ValueError(
            f"{MODE_VARIABLE} must be one of {MODES}; got {os.environ[MODE_VARIABLE]!r}."
        )
    return mode


def is_quick():
    """True when the book runs in quick mode."""
    return run_mode() == "quick"


def by_mode(*, full, quick):
    """Return ``quick`` in quick mode and ``full`` otherwise."""
    return quick if is_quick() else full


def seed_everything(seed):
    """Seed Python, NumPy and the Keras backend; where TensorFlow sees a GPU, also switch on
    TensorFlow's op determinism.

    ``seed`` is an int (Python's or NumPy's) from 0 to 2**32 - 1, the range NumPy accepts.
    On a CPU the book's TensorFlow runs give the same numbers run after run without op
    determinism (``tests/book/test_repeatability.py`` runs chapter 2 twice), and switching it on
    cost a quarter to a third of the training speed at batch 512 in two runs of
    ``benchmarks/throughput.py``. GPU kernels may add in a varying order, so there it is on.
    """
    seed = check_scalar(seed, "seed", int, low=0, high=MAX_SEED)
    keras.utils.set_random_seed(seed)
    if tf.config.list_physical_devices("GPU"):
        tf.config.experimental.enable_op_determinism()


def runtime_summary():
    """One line naming the run mode, TensorFlow, Keras and the GPUs TensorFlow sees.

    Listing the devices also initialises TensorFlow's runtime, so its start-up messages
    appear in the cell that calls this, not in a later cell whose output is compared.
    """
    gpus = tf.config.list_physical_devices("GPU")
    return (
        f"mode={run_mode()} | TensorFlow {tf.__version__} | Keras {keras.__version__} | "
        f"GPUs: {len(gpus)}"
    )
