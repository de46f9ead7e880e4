"""House rules for the chapters: listed in the book, Colab-ready, executed, no old traps."""

import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from clean_outputs import clean_notebook  # noqa: E402
from set_repository import setup_cell_source  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
OLD_TRAPS = ("safe_mode=False", "keras.backend", "tf.compat.v1", "Lambda(")


def _code_cells(path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def _expects_error(cell):
    return "raises-exception" in cell.metadata.get("tags", [])


def _shows_an_error(cell):
    return _expects_error(cell) or "vh.shows_error(" in cell.source


def test_every_chapter_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = {entry["file"] for entry in toc["chapters"]}
    assert CHAPTERS, "no chapters found"
    assert {f"chapters/{path.stem}" for path in CHAPTERS} <= listed


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_first_cell_installs_the_pinned_helpers_from_the_configured_repository_on_colab(path):
    first = _code_cells(path)[0]
    assert first.source == setup_cell_source(), "run `make set-repository` (see README)"
    assert f"git+{CONFIG['repository']['url']}@v" in first.source
    assert "remove-cell" in first.metadata.get("tags", []), "the setup cell shows on the page"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_committed_outputs_come_from_a_clean_in_order_run(path):
    cells = [cell for cell in _code_cells(path) if cell.source.strip()]
    counts = [cell.execution_count for cell in cells]
    assert None not in counts, "some code cells were never executed"
    assert counts == sorted(counts), "cells were executed out of order"
    for cell in cells:
        errors = [out for out in cell.outputs if out.output_type == "error"]
        assert not errors or _expects_error(cell), f"unexpected error in: {cell.source[:80]}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_old_keras_traps_only_appear_where_an_error_is_shown(path):
    for cell in _code_cells(path):
        used = [trap for trap in OLD_TRAPS if trap in cell.source]
        assert not used or _shows_an_error(cell), f"{used} outside a cell that shows its error"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_no_cell_whose_output_nbval_compares_glues_a_value(path):
    """Glued values are stored outputs only where myst-nb is installed (not on Colab, nor in the
    wheel-only nbval run), so a compared cell that glues fails there."""
    for cell in _code_cells(path):
        if "NBVAL_CHECK_OUTPUT" in cell.source:
            assert "glue(" not in cell.source, f"move the glue out of: {cell.source[:80]}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_every_figure_cell_carries_its_figure(path):
    """A cell with figure alt text must have an image output (none: run without inline plots)."""
    for cell in _code_cells(path):
        if cell.metadata.get("mystnb", {}).get("image"):
            kinds = {kind for out in cell.outputs for kind in out.get("data", {})}
            assert "image/png" in kinds, f"no figure from: {cell.source[:80]}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_stored_outputs_carry_no_log_lines_ansi_codes_or_machine_paths(path):
    notebook = nbformat.read(path, as_version=4)
    assert clean_notebook(notebook) == 0, f"run `python scripts/clean_outputs.py {path.name}`"


def test_cleaning_keeps_python_warnings_and_drops_runtime_noise():
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output(
            "stream",
            name="stderr",
            text="E0000 00:00:1795242108.648408   17695 cuda_platform.cc:52] failed call to "
            "cuInit\n/tmp/ipykernel_17695/2271.py:3: UserWarning: real warning\n",
        ),
        nbformat.v4.new_output("stream", name="stderr", text="W0000 00:00:1.5  1 a.cc:9] x\n"),
        nbformat.v4.new_output("error", ename="E", evalue="v", traceback=["\x1b[1;31mE\x1b[0m: v"]),
    ]
    notebook.cells.append(cell)
    assert clean_notebook(notebook) == 3
    stream, error = cell.outputs
    assert stream.text == "2271.py:3: UserWarning: real warning\n"
    assert error.traceback == ["E: v"]
