"""The numbers chapters glue into their prose, read from executed notebooks and compared.

    python scripts/glued_values.py --against REV [NOTEBOOK ...]

compares the glued values of the notebooks on disk (default: every chapter) with those of the
same notebooks committed at git revision REV, e.g. after `make outputs` against `HEAD`. It
prints every value that differs with its relative difference, and counts the identical ones.
Timings (names with "seconds", "per_second" or "minutes", ending in "_ms" or starting with
"cost_") are counted apart: they differ from run to run by nature.
"""

import argparse
import re
import subprocess
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
# a glued value is a timing when its name says so ("milliseconds" matches too)
TIMING = re.compile(r"seconds|per_second|minutes")


def glued_values(notebook):
    """``{name: stored text}`` of every value the notebook glued."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = output.get("data", {})
                plain = [text for key, text in data.items() if key.endswith("text/plain")]
                values[name] = plain[0] if plain else str(sorted(data))
    return values


def _relative_difference(first, second):
    try:
        a, b = float(first), float(second)
    except ValueError:
        return None
    return abs(a - b) / max(abs(a), abs(b), 1e-12)


def compare(old, new):
    """Sort the names of two ``glued_values`` results into identical, different, timings and
    missing (in one of them only); ``different`` holds ``(name, old, new, relative)``."""
    result = {"identical": [], "different": [], "timings": [], "missing": []}
    for name in sorted(set(old) | set(new)):
        if name not in old or name not in new:
            result["missing"].append(name)
        elif TIMING.search(name):
            result["timings"].append(name)
        elif old[name] == new[name]:
            result["identical"].append(name)
        else:
            relative = _relative_difference(old[name], new[name])
            result["different"].append((name, old[name], new[name], relative))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="git revision of the old notebooks")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    totals = {"identical": 0, "different": 0, "timings": 0, "missing": 0}
    for path in paths:
        relative_path = path.resolve().relative_to(ROOT).as_posix()
        shown = subprocess.run(
            ["git", "show", f"{args.against}:{relative_path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if shown.returncode != 0:
            print(f"{relative_path}: not at {args.against}")
            continue
        old = glued_values(nbformat.reads(shown.stdout, as_version=4))
        result = compare(old, glued_values(nbformat.read(path, as_version=4)))
        for key in totals:
            totals[key] += len(result[key])
        print(
            f"{path.stem}: {len(result['identical'])} identical, {len(result['different'])} "
            f"different, {len(result['timings'])} timings, {len(result['missing'])} in one only"
        )
        for name, before, after, relative in result["different"]:
            change = "" if relative is None else f" ({100 * relative:.3g} %)"
            print(f"    {name}: {before} -> {after}{change}")
        if result["missing"]:
            print(f"    in one only: {', '.join(result['missing'])}")
    print("total: " + ", ".join(f"{count} {key}" for key, count in totals.items()))


if __name__ == "__main__":
    main()
