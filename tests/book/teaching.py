"""The code a chapter teaches, run from the notebook itself so tests can hold it to the package.

A chapter marks each cell that writes a piece of the model or its evaluation with the cell tag
``teach``. Those cells only define things (no training, no data); they run here in order, in a
namespace that holds the names every chapter imports (``np``, ``keras``, ``layers``, ``ops``
and ``vh``). Edit a teaching cell and the equivalence tests run the edited code.
"""

import functools
from pathlib import Path

import keras
import nbformat
import numpy as np
from keras import layers, ops

import vae_helpers as vh

CHAPTERS = Path(__file__).resolve().parents[2] / "chapters"
TAG = "teach"


def teaching_cells(chapter):
    """The source of each code cell tagged ``teach`` in ``chapters/<chapter>.ipynb``."""
    notebook = nbformat.read(CHAPTERS / f"{chapter}.ipynb", as_version=4)
    return [
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code" and TAG in cell.metadata.get("tags", [])
    ]


@functools.cache
def teaching_namespace(chapter):
    """Run the chapter's teaching cells and return the names they define."""
    cells = teaching_cells(chapter)
    assert cells, f"chapters/{chapter}.ipynb has no code cell tagged {TAG!r}"
    namespace = {"np": np, "keras": keras, "layers": layers, "ops": ops, "vh": vh}
    for index, source in enumerate(cells):
        exec(compile(source, f"<{chapter} teaching cell {index}>", "exec"), namespace)
    return namespace
