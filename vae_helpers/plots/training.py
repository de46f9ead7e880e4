"""Training curves."""

import numpy as np

from ..validation import as_array, check_instance
from ._common import check_fig, figure_to_draw_on

_CURVE_ORDER = ["loss", "reconstruction", "kl"]


def plot_training_curves(history, fig=None):
    """Plot each tracked quantity per epoch, with its ``val_`` twin when present.

    ``history`` is the ``History`` that ``fit`` returns or its ``.history`` dict; one panel
    per quantity, drawn on ``fig`` when given.
    """
    curves = getattr(history, "history", history)
    check_instance(curves, "history", dict, "a keras History or a dict of lists")
    if not curves or all(name.startswith("val_") for name in curves):
        raise ValueError(
            f"history must be a keras History or a non-empty dict of lists; got {history!r}."
        )
    for name, values in curves.items():
        values = as_array(values, f"history[{name!r}]", "a list of numbers, one per epoch", "iuf")
        if values.ndim != 1 or len(values) == 0:
            raise ValueError(
                f"history[{name!r}] must be a 1-d list of at least one number, one per epoch; "
                f"got shape {values.shape}."
            )
    for name in curves:
        if f"val_{name}" in curves and len(curves[f"val_{name}"]) != len(curves[name]):
            raise ValueError(
                f"history[{f'val_{name}'!r}] must hold as many epochs as history[{name!r}]; "
                f"got {len(curves[f'val_{name}'])} and {len(curves[name])}."
            )
    check_fig(fig)
    names = sorted(
        (name for name in curves if not name.startswith("val_")),
        key=lambda name: _CURVE_ORDER.index(name) if name in _CURVE_ORDER else len(_CURVE_ORDER),
    )
    fig = figure_to_draw_on(fig, (4 * len(names), 3))
    axes = fig.subplots(1, len(names), squeeze=False)
    for axis, name in zip(axes[0], names):
        epochs = np.arange(1, len(curves[name]) + 1)
        axis.plot(epochs, curves[name], label="train")
        if f"val_{name}" in curves:
            axis.plot(epochs, curves[f"val_{name}"], label="validation")
        axis.set_title(name)
        axis.set_xlabel("epoch")
        axis.set_ylabel("nats per image")
        axis.legend()
    fig.tight_layout()
    return fig
