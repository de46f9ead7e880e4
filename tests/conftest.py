"""Shared fixtures: small data and tiny models so the suite runs in seconds on 2 cores."""

import keras
import matplotlib
import numpy as np
import pytest
from keras import ops

matplotlib.use("Agg")

import vae_helpers as vh  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    matplotlib.pyplot.close("all")


class _KLWeightRecorder(keras.callbacks.Callback):
    """Records the model's KL weight as each epoch's training starts (after KLWarmup's turn)."""

    def on_train_begin(self, logs=None):
        self.weights = []

    def on_train_batch_begin(self, batch, logs=None):
        if batch == 0:
            self.weights.append(float(ops.convert_to_numpy(self.model.kl_weight)))


@pytest.fixture
def kl_weight_recorder():
    """A fresh callback whose ``weights`` lists the KL weight at each epoch's first batch."""
    return _KLWeightRecorder()


@pytest.fixture
def drawn_figures(monkeypatch):
    """The figures the explorers draw, in order, captured as each is rendered to its widget."""
    figures = []
    render = vh.widgets._figure_png

    def capture(figure):
        figures.append(figure)
        return render(figure)

    monkeypatch.setattr(vh.widgets, "_figure_png", capture)
    return figures


@pytest.fixture
def images():
    """Twelve 28x28 images in [0, 1], flat (N, 784)."""
    return np.random.default_rng(0).random((12, 784), dtype=np.float32)


def _prototype_digits():
    rng = np.random.default_rng(1)
    prototypes = rng.random((4, 784)) < 0.3
    picks = prototypes[rng.integers(0, 4, size=256)]
    flips = rng.random(picks.shape) < 0.02
    return np.logical_xor(picks, flips).astype(np.float32)


def _tiny_vae():
    vh.seed_everything(0)
    vae = vh.build_dense_vae(latent_dim=2, hidden_units=(32,), seed=3)
    vae.compile(optimizer="adam")
    return vae


@pytest.fixture
def prototype_digits():
    """256 binary images drawn around four fixed prototypes: something a VAE can learn."""
    return _prototype_digits()


@pytest.fixture
def tiny_vae():
    return _tiny_vae()


@pytest.fixture(scope="module")
def trained_tiny_vae():
    """A ``tiny_vae`` trained on ``prototype_digits``, shared by a module: do not modify it."""
    vae = _tiny_vae()
    vae.fit(_prototype_digits(), epochs=30, batch_size=32, verbose=0)
    return vae
