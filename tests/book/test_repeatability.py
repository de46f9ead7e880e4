"""A training chapter run twice, in quick mode, glues the same numbers (timings aside)."""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from glued_values import compare, glued_values  # noqa: E402

CHAPTER = ROOT / "chapters" / "02_dense_vae.ipynb"


def _glued_values_of_a_fresh_run(path):
    notebook = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(path.parent)}}
    NotebookClient(notebook, timeout=900, resources=resources).execute()
    return glued_values(notebook)


def test_two_runs_of_the_dense_vae_chapter_glue_identical_values(monkeypatch):
    monkeypatch.setenv("VAE_BOOK_MODE", "quick")
    first = _glued_values_of_a_fresh_run(CHAPTER)
    second = _glued_values_of_a_fresh_run(CHAPTER)
    result = compare(first, second)
    assert result["different"] == [] and result["missing"] == []
    assert len(result["identical"]) >= 10 and "test_neg_elbo" in result["identical"]


def test_compare_sorts_changed_values_and_timings_apart():
    old = {"loss": "98.2", "train_seconds": "116.0", "kept": "'a'", "gone": "1"}
    new = {"loss": "98.3", "train_seconds": "120.0", "kept": "'a'"}
    old |= {"tv_milliseconds": "1.28", "images_per_second": "5.1", "msd": "0.5"}
    new |= {"tv_milliseconds": "1.26", "images_per_second": "4.7", "msd": "0.5"}
    result = compare(old, new)
    assert result["identical"] == ["kept", "msd"]
    assert result["timings"] == ["images_per_second", "train_seconds", "tv_milliseconds"]
    assert result["missing"] == ["gone"]
    ((name, before, after, relative),) = result["different"]
    assert (name, before, after) == ("loss", "98.2", "98.3")
    assert abs(relative - 0.1 / 98.3) < 1e-12
