# The book's two commands: `make book` (build the HTML book, full mode) and `make test`.
# Each creates .venv and installs requirements.txt first when they are missing or changed.

PYTHON_BOOTSTRAP ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
QUICK := VAE_BOOK_MODE=quick

.PHONY: book test unit lint book-quick outputs benchmarks clean

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

## book: execute every chapter in full mode and build the HTML book into _build/html
book: $(INSTALLED)
	$(BIN)/jupyter-book build . -W --keep-going

## test: lint, a quick-mode book build (-W), then unit tests, every chapter under nbval
## (quick mode) and the built pages in headless Chromium, in one pytest run
test: lint book-quick
	$(QUICK) $(BIN)/python -m pytest tests chapters --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=1200 --durations=10

unit: $(INSTALLED)
	$(BIN)/python -m pytest tests --ignore=tests/book

lint: $(INSTALLED)
	$(BIN)/ruff check vae_helpers tests benchmarks chapters
	$(BIN)/ruff format --check vae_helpers tests benchmarks chapters

book-quick: $(INSTALLED)
	$(QUICK) $(BIN)/jupyter-book build . --path-output _build/quick -W --keep-going

## outputs: re-execute the committed notebooks in full mode, in place, timing each chapter
outputs: $(INSTALLED)
	$(BIN)/python benchmarks/book_time.py --modes full --in-place \
		--output benchmarks/results/book_time_full.json

## benchmarks: speed (throughput.py), model quality (quality.py), per-chapter times (book_time.py)
benchmarks: $(INSTALLED)
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/quality.py
	$(BIN)/python benchmarks/book_time.py

clean:
	rm -rf _build
