"""Notebook plumbing: showing a failure on purpose without stopping "Run all", gluing results
into the book's prose wherever myst-nb is installed (and nowhere else, e.g. Colab), and live
training progress that leaves a one-line summary in the stored notebook."""

import contextlib
import importlib.util
import time
import traceback
from pathlib import Path

import keras
import numpy as np
from IPython.display import Pretty
from IPython.display import display as show

from .validation import check_scalar, received


class CaughtError:
    """What :func:`shows_error` caught: ``error`` is the exception (None until caught)."""

    error = None


@contextlib.contextmanager
def shows_error(*expected):
    """Run a block that must raise one of ``expected``; print the error and carry on.

    Chapters use it to reproduce the older tutorials' errors on today's Keras: the real
    exception's type and message are printed with where it was raised, the notebook keeps
    running (so "Run all" works on Colab), and a block that no longer fails raises an
    ``AssertionError``, so a chapter cannot keep showing a failure that has gone away. An
    expected error that arrives wrapped in another (as its ``__cause__`` or ``__context__``,
    as Keras wraps errors raised while it builds a model on JAX and PyTorch) is the one shown
    and kept. Exceptions of other types propagate unchanged.
    """
    if not expected:
        raise ValueError("expected must name one or more exception classes; got none.")
    for index, kind in enumerate(expected):
        if not (isinstance(kind, type) and issubclass(kind, BaseException)):
            shown = f"the class {kind.__name__}" if isinstance(kind, type) else received(kind)
            raise TypeError(f"expected[{index}] must be an exception class; got {shown}.")
    caught = CaughtError()
    try:
        yield caught
    except BaseException as raised:
        error = raised
        while error is not None and not isinstance(error, expected):
            error = error.__cause__ or error.__context__
        if error is None:
            raise
        caught.error = error
        where = traceback.extract_tb(error.__traceback__)[-1]
        print(f"{type(error).__name__}: {error}")
        print(f"(raised in {where.name}, {Path(where.filename).name}, line {where.lineno})")
        return
    names = ", ".join(kind.__name__ for kind in expected)
    raise AssertionError(f"expected the block to raise {names}, but it ran without error")


def glue(name, value, display=True):
    """Store ``value`` under ``name`` for the book's ``{glue}`` references, like ``myst_nb.glue``.

    The book's build has myst-nb and glues as usual. A reader's runtime without it (Colab
    installs only this package) has no book to glue into: the value is shown when ``display``
    is true and otherwise dropped, so a chapter runs the same everywhere. A NumPy scalar is
    glued as the Python number it holds, so that ``{glue:text}`name:.2f``` can format it.
    """
    check_scalar(name, "name", str)
    if isinstance(value, np.generic):
        value = value.item()
    if importlib.util.find_spec("myst_nb") is not None:
        from myst_nb import glue as myst_glue

        myst_glue(name, value, display=display)
    elif display:
        show(value)


class TrainingProgress(keras.callbacks.Callback):
    """Live progress of ``fit`` in Jupyter and Colab: one line, redrawn after every epoch.

    The line names ``label``, the epoch, the latest losses, the time so far and the time
    left; once training ends it becomes a summary, which is all the stored notebook keeps.
    Pass it as ``fit(..., verbose=0, callbacks=[vh.TrainingProgress("dense VAE")])``.
    Outside IPython, ``display`` prints the first line's ``repr`` when training starts (not
    its text) and nothing after. ``label`` is a non-empty str.
    """

    def __init__(self, label="training"):
        super().__init__()
        self.label = check_scalar(label, "label", str)
        self.handle = None

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        self.epochs = self.params.get("epochs") or 0
        self.handle = show(Pretty(f"{self.label}: starting {self.epochs} epochs"), display_id=True)

    def on_epoch_end(self, epoch, logs=None):
        self.done, self.logs = epoch + 1, dict(logs or {})
        elapsed = time.perf_counter() - self.start
        left = elapsed / self.done * (self.epochs - self.done)
        self._draw(f"epoch {self.done}/{self.epochs}", f"{elapsed:.0f} s, about {left:.0f} s left")

    def on_train_end(self, logs=None):
        elapsed = time.perf_counter() - self.start
        done = getattr(self, "done", 0)
        self._draw(f"{done} epoch{'' if done == 1 else 's'}", f"{elapsed:.0f} s")

    def _draw(self, progress, timing):
        if self.handle is None:
            return
        losses = " | ".join(
            f"{name} {value:.2f}"
            for name, value in getattr(self, "logs", {}).items()
            if name.endswith("loss")
        )
        self.handle.update(Pretty(" | ".join(filter(None, [self.label, progress, losses, timing]))))
