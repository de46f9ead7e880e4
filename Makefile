# The book's two commands: `make book` (build the HTML book, full mode) and `make test`.
# Each creates .venv and installs requirements.txt first when they are missing or changed.

PYTHON_BOOTSTRAP ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
QUICK := VAE_BOOK_MODE=quick

PACKAGE_SOURCES := $(wildcard vae_helpers/*.py)

.PHONY: book test unit lint book-quick outputs benchmarks gpu-check set-repository clean

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# Jupyter Book's execution cache keys on a notebook's code cells only: after an edit of
# vae_helpers/ the cached outputs are stale, so the cache of that build is dropped.
%/.package-stamp: $(PACKAGE_SOURCES)
	rm -rf $*/.jupyter_cache
	mkdir -p $* && touch $@

## book: execute every chapter in full mode and build the HTML book into _build/html
book: $(INSTALLED) _build/.package-stamp
	$(BIN)/jupyter-book build . -W --keep-going

## test: lint, a quick-mode book build (-W), then unit tests, every chapter under nbval
## (quick mode) and the built pages in headless Chromium, in one pytest run
test: lint book-quick
	$(QUICK) $(BIN)/python -m pytest tests chapters --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=1200 --durations=10

## unit: the package's unit tests (tests/test_<module>.py), without the book-level tests
unit: $(INSTALLED)
	$(BIN)/python -m pytest tests --ignore=tests/book

lint: $(INSTALLED)
	$(BIN)/ruff check vae_helpers tests benchmarks scripts chapters
	$(BIN)/ruff format --check vae_helpers tests benchmarks scripts chapters

book-quick: $(INSTALLED) _build/quick/_build/.package-stamp
	$(QUICK) $(BIN)/jupyter-book build . --path-output _build/quick -W --keep-going

## outputs: re-execute the committed notebooks in full mode, in place, timing each chapter
outputs: $(INSTALLED)
	$(BIN)/python benchmarks/book_time.py --modes full --in-place \
		--output benchmarks/results/book_time_full.json

## gpu-check: on a machine with a GPU, every chapter in full mode, timed, failures recorded
gpu-check: $(INSTALLED)
	$(BIN)/python benchmarks/book_time.py --modes full --keep-going \
		--output benchmarks/results/book_time_gpu.json

## set-repository URL=https://github.com/owner/repo BRANCH=main: the one switch for the
## repository that _config.yml and every chapter's Colab setup cell name
set-repository: $(INSTALLED)
	$(BIN)/python scripts/set_repository.py "$(URL)" "$(BRANCH)"

## benchmarks: speed (throughput.py), model quality (quality.py), per-chapter times (book_time.py)
benchmarks: $(INSTALLED)
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/quality.py
	$(BIN)/python benchmarks/book_time.py

clean:
	rm -rf _build
