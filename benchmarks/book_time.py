"""How long does each chapter take to execute, in quick and in full mode?

Executes the notebooks with nbclient, one kernel per chapter and mode, in the chapters'
folder, and reports wall times as a table and JSON (default benchmarks/results/book_time.json).
The notebooks on disk are left alone unless --in-place is given, which saves each executed
notebook back, its outputs cleaned of C++ log lines, ANSI codes and machine paths (what
`make outputs` does in full mode). With --keep-going a failing chapter is recorded (its error's
last line) and the run goes on: on a GPU machine, `make gpu-check` uses it to list every
chapter that TensorFlow's deterministic GPU kernels cannot run.
Usage: python benchmarks/book_time.py [--modes quick full] [--chapters 01 02] [--in-place]
       [--keep-going]
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
sys.path.insert(0, str(ROOT / "scripts"))
from clean_outputs import clean_notebook  # noqa: E402


def execute_seconds(path, mode, in_place=False, timeout=3600):
    """Wall time of executing the notebook at ``path`` with ``VAE_BOOK_MODE=mode``."""
    notebook = nbformat.read(path, as_version=4)
    previous = os.environ.get("VAE_BOOK_MODE")
    os.environ["VAE_BOOK_MODE"] = mode  # the kernel inherits this process's environment
    try:
        start = time.perf_counter()
        NotebookClient(
            notebook, timeout=timeout, resources={"metadata": {"path": str(path.parent)}}
        ).execute()
        seconds = time.perf_counter() - start
        if in_place:
            clean_notebook(notebook)
            nbformat.write(notebook, path)
        return seconds
    finally:
        if previous is None:
            os.environ.pop("VAE_BOOK_MODE")
        else:
            os.environ["VAE_BOOK_MODE"] = previous


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", default=["quick", "full"], choices=["quick", "full"])
    parser.add_argument("--chapters", nargs="*", help="chapter number prefixes (default: all)")
    parser.add_argument("--in-place", action="store_true", help="save executed notebooks")
    parser.add_argument("--keep-going", action="store_true", help="record failures, go on")
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).parent / "results" / "book_time.json"
    )
    args = parser.parse_args()

    paths = sorted(CHAPTERS.glob("*.ipynb"))
    if args.chapters:
        paths = [path for path in paths if path.name.startswith(tuple(args.chapters))]
    seconds = {mode: {} for mode in args.modes}
    errors = {mode: {} for mode in args.modes}
    for mode in args.modes:
        for path in paths:
            try:
                seconds[mode][path.stem] = execute_seconds(path, mode, args.in_place)
            except CellExecutionError as error:
                if not args.keep_going:
                    raise
                errors[mode][path.stem] = str(error).strip().splitlines()[-1]
                print(f"{mode:>5}  {path.stem:<28} FAILED: {errors[mode][path.stem]}", flush=True)
                continue
            print(f"{mode:>5}  {path.stem:<28} {seconds[mode][path.stem]:7.1f} s", flush=True)
        print(f"{mode:>5}  {'whole book':<28} {sum(seconds[mode].values()):7.1f} s")
    result = {
        "cpu_count": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "errors": errors,
        "seconds": seconds,
        "totals": {mode: sum(values.values()) for mode, values in seconds.items()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
