#!/usr/bin/env bash
# A Colab reader's runtime, imitated: a fresh virtual environment with only the package's wheel
# (and what the wheel depends on) plus the kernel machinery every Jupyter runtime has. Each
# chapter is copied alone into an empty folder and executed there in quick mode, so a chapter
# that imports anything the package does not install (myst-nb, jupyter-book) or reads a file of
# the repository fails here. (The setup cell itself installs from the repository only on Colab.)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${COLAB_PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" .
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet --only-binary=:all: "$work"/dist/*.whl ipykernel nbclient
for absent in myst_nb jupyter_book; do
  if "$work/venv/bin/python" -c "import $absent" 2>/dev/null; then
    echo "the wheel pulled in $absent: the check would not show what Colab lacks" >&2
    exit 1
  fi
done

for chapter in chapters/*.ipynb; do
  folder="$work/$(basename "$chapter" .ipynb)"
  mkdir "$folder"
  cp "$chapter" "$folder/"
  start=$(date +%s)
  (cd "$folder" && VAE_BOOK_MODE=quick "$work/venv/bin/python" - "$(basename "$chapter")" <<'PY'
import sys

import nbformat
from nbclient import NotebookClient

notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, timeout=900, resources={"metadata": {"path": "."}}).execute()
PY
  ) >"$folder/log" 2>&1 || { cat "$folder/log" >&2; echo "FAILED: $chapter alone, wheel only" >&2; exit 1; }
  echo "wheel only: $(basename "$chapter") ran alone in quick mode in $(( $(date +%s) - start )) s"
done
