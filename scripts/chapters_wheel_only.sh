#!/usr/bin/env bash
# Every chapter under nbval (quick mode), each alone, in what a Colab reader's runtime has: a
# fresh virtual environment with only the package's wheel (and what the wheel depends on), the
# kernel machinery every Jupyter runtime has, and pytest with nbval. Each chapter is copied alone
# into an empty folder, so a chapter that imports anything the package does not install
# (myst-nb, jupyter-book) or reads a file of the repository fails here. (The setup cell itself
# installs from the repository only on Colab.) `make test` runs this as its chapter step.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

specs_text=$(bash scripts/requirement_specs.sh ipykernel nbval pytest)
mapfile -t specs <<< "$specs_text"
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" .
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet --only-binary=:all: "$work"/dist/*.whl "${specs[@]}"
for absent in myst_nb jupyter_book; do
  if "$work/venv/bin/python" -c "import $absent" 2>/dev/null; then
    echo "the wheel pulled in $absent: the check would not show what Colab lacks" >&2
    exit 1
  fi
done

mkdir "$work/chapters"
for chapter in chapters/*.ipynb; do
  folder="$work/chapters/$(basename "$chapter" .ipynb)"
  mkdir "$folder"
  cp "$chapter" "$folder/"
done
# nbval starts each chapter's kernel in the chapter's own folder; pytest runs from the empty
# parent, so it reads no configuration of the repository.
cd "$work/chapters"
VAE_BOOK_MODE=quick "$work/venv/bin/python" -m pytest -p no:cacheprovider --durations=8 \
  --nbval-lax --nbval-current-env --nbval-cell-timeout=1200 ./*/*.ipynb
