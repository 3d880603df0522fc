# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --disable-pip-version-check --progress-bar off
STAMP := $(VENV)/.kerasnotes-installed
BACKENDS_STAMP := $(VENV)/.kerasnotes-backends
DOCS_STAMP := $(VENV)/.kerasnotes-docs
# The suite runs in parallel processes (pytest-xdist), one per core, at most 4:
# about 1.6x faster on the 2-core CI machine. `make test PYTEST_ARGS=` runs it
# in one process. The 25 slowest tests are listed at the end of each run.
PYTEST_ARGS ?= -n auto --maxprocesses=4 --durations=25

.PHONY: install install-backends demo test test-fast test-backends lint format bench docs docs-serve dist-check clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -e ".[test,plot,sklearn]"
	touch $(STAMP)

install: $(STAMP)

# torch is pinned to the CPU build these machines carry; the extras then find
# it installed and fetch nothing more.
$(BACKENDS_STAMP): $(STAMP)
	$(PIP) "torch==2.13.0"
	$(PIP) -e ".[jax,torch]"
	touch $(BACKENDS_STAMP)

install-backends: $(BACKENDS_STAMP)

demo: install
	$(VENV)/bin/kerasnotes demo

test: install
	KERAS_BACKEND=tensorflow $(PY) -m pytest $(PYTEST_ARGS)

# The inner loop: everything but the tests that start processes or run
# searches (marked `slow`).
test-fast: install
	KERAS_BACKEND=tensorflow $(PY) -m pytest $(PYTEST_ARGS) -m "not slow"

# ruff, configured in pyproject.toml: lint and formatting check.
lint: install
	$(VENV)/bin/ruff check kerasnotes _kerasnotes_cli.py tests bench examples scripts docs/_build
	$(VENV)/bin/ruff format --check kerasnotes _kerasnotes_cli.py tests bench examples scripts docs/_build

format: install
	$(VENV)/bin/ruff check --fix kerasnotes _kerasnotes_cli.py tests bench examples scripts docs/_build
	$(VENV)/bin/ruff format kerasnotes _kerasnotes_cli.py tests bench examples scripts docs/_build

# The same suite on the JAX and PyTorch backends, less the slow tests whose
# subject does not depend on the backend (marked `one_backend`: the command
# line's plumbing, the examples, process faults), which `make test` runs on
# TensorFlow; fails if either fails, including pytest's "no tests collected"
# (exit status 5).
test-backends: install-backends
	KERAS_BACKEND=jax $(PY) -m pytest $(PYTEST_ARGS) -m "not one_backend"
	KERAS_BACKEND=torch $(PY) -m pytest $(PYTEST_ARGS) -m "not one_backend"

$(DOCS_STAMP): $(STAMP)
	$(PIP) -e ".[docs]"
	touch $(DOCS_STAMP)

# The documentation site (mkdocs.yml) into site/; --strict: a broken link or
# anchor, a page missing from the nav or a docstring griffe cannot read fails.
docs: $(DOCS_STAMP)
	$(VENV)/bin/mkdocs build --strict --site-dir site

# The same site on http://127.0.0.1:8000, rebuilt when a page changes.
docs-serve: $(DOCS_STAMP)
	$(VENV)/bin/mkdocs serve

bench: install
	$(PY) bench/optimizers.py
	$(PY) bench/smote.py
	$(PY) bench/layers.py
	$(PY) bench/tuning.py
	$(PY) bench/losses.py
	$(PY) bench/schedules.py

# The release check: build the sdist and the wheel (dist/), check their
# metadata and README (twine), check that they carry every tracked module and
# package-data file, then install the wheel into a fresh environment (not
# .venv) and import every module and run the console script from it, outside
# the source tree. The fresh environment installs the wheel alone (no
# dependencies, so it takes seconds, not TensorFlow's download) and finds the
# dependencies in .venv's site-packages through a .pth line, which puts that
# folder on sys.path without running its .pth files: .venv's editable
# install of kerasnotes is not seen, and check_dist.py smoke checks that
# kerasnotes comes from the fresh environment; `pip check` there checks that
# the wheel's requirements are met.
DIST_VENV := build/dist-check-venv

dist-check: install
	rm -rf dist $(DIST_VENV)
	$(PY) -m build --outdir dist .
	$(VENV)/bin/twine check --strict dist/*
	$(PY) scripts/check_dist.py contents dist
	$(PY) -m venv --without-pip $(DIST_VENV)
	$(PY) -m pip --python $(DIST_VENV)/bin/python install --no-deps --no-index --disable-pip-version-check --quiet dist/*.whl
	$(PY) -c "import sysconfig; print(sysconfig.get_path('purelib'))" > "$$($(DIST_VENV)/bin/python -c "import sysconfig; print(sysconfig.get_path('purelib'))")/kerasnotes_dist_check_deps.pth"
	$(PY) -m pip --python $(DIST_VENV)/bin/python check
	cd $(DIST_VENV) && env -u PYTHONPATH KERAS_BACKEND=tensorflow TF_CPP_MIN_LOG_LEVEL=2 bin/python $(CURDIR)/scripts/check_dist.py smoke
	cd $(DIST_VENV) && env -u PYTHONPATH bin/kerasnotes --help > /dev/null
	cd $(DIST_VENV) && env -u PYTHONPATH bin/kerasnotes tune --help > /dev/null
	cd $(DIST_VENV) && env -u PYTHONPATH bin/kerasnotes --version

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache site
