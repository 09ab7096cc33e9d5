# The two commands: `make run` (set up and serve the demo) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Test processes (pytest-xdist), one per core by default; TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto
WORKERS ?= 4
# gunicorn listens on loopback for the reverse proxy in front of it: with
# PROXY_COUNT set, a client reaching gunicorn directly could forge its address.
BIND ?= 127.0.0.1:$(PORT)
export FLASK_APP := app:create_app

.PHONY: run test serve install install-dev db demo bench bench-psychometrics bench-item-analysis bench-equating bench-polytomous bench-password-hashing clean

# The mail worker runs beside the server (mail lands in instance/mail/ as .eml
# files unless MAIL_URL says otherwise) and is stopped when the server stops.
run: demo
	$(BIN)/flask mail work & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The tests' bytecode (pytest's rewritten assertions, the app's modules) is
# kept in __pycache__ even where PYTHONDONTWRITEBYTECODE is set: otherwise
# every test process parses and rewrites every test module again, each run.
test: install-dev
	$(BIN)/ruff check .
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist load --maxschedchunk 1 --durations=15 $(PYTEST_ARGS)

# Production: PostgreSQL in DATABASE_URL, Redis in RATELIMIT_STORAGE_URI, a
# SECRET_KEY, MAIL_URL and PUBLIC_URL in the environment; the app refuses to
# start without them. Run `ATTEST_CONFIG=production flask mail work` beside it
# (one or more, under the same supervisor): it sends the mail.
serve: install
	ATTEST_CONFIG=production $(BIN)/flask db upgrade
	ATTEST_CONFIG=production $(BIN)/gunicorn --workers $(WORKERS) --bind $(BIND) \
		--access-logfile - 'app:create_app()'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# uv (from PyPI, pinned here, into the virtualenv) installs the pinned
# requirements in seconds where pip takes half a minute; it reads the system's
# certificates and compiles to bytecode at install, as pip does, so that no
# process compiles the libraries again on import (PYTHONDONTWRITEBYTECODE).
UV_VERSION := 0.13.9
INSTALL := $(BIN)/uv pip install --quiet --native-tls --compile-bytecode --python $(BIN)/python

$(BIN)/uv: | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The project itself is installed too (editable, its folder on the path) for
# its entry points: `flask item-analysis` is a plugin command, found before
# Flask builds the web application.
INSTALL_PROJECT := $(INSTALL) --no-deps --config-settings editable_mode=compat -e .

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/uv
	$(INSTALL) -r requirements.txt
	$(INSTALL_PROJECT)
	touch $@

$(VENV)/.installed-bench: requirements.txt requirements-dev.txt bench/requirements.txt | $(BIN)/uv
	$(INSTALL) -r requirements-dev.txt -r bench/requirements.txt
	touch $@

# Examination-day load against gunicorn and PostgreSQL (500 candidates, 15 minutes), latency and CPU per endpoint;
# BENCH_ARGS="--minutes 3" for a short run, "--knee" for the largest day meeting the targets, "--servers 2" behind HAProxy.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/exam_load.py $(BENCH_ARGS)

# Classical report and 2PL calibration against numpy and the PyPI peers; BENCH_ARGS="--quick" for a short run.
bench-psychometrics: $(VENV)/.installed-bench
	$(BIN)/python bench/psychometrics_speed.py $(BENCH_ARGS)

# `flask item-analysis --irt 2pl` end to end against its computation, with peak memory; BENCH_ARGS="--quick" for a short run.
bench-item-analysis: $(VENV)/.installed
	$(BIN)/python bench/item_analysis_cli.py $(BENCH_ARGS)

# Equating at 10,000 candidates a form, each method, against the truth and pyequate; BENCH_ARGS="--candidates 2000".
bench-equating: $(VENV)/.installed-bench
	$(BIN)/python bench/equating_speed.py $(BENCH_ARGS)

# Both parts' GPCM calibration at 10,000 candidates against mirt and girth; BENCH_ARGS="--candidates 2000" for a short run.
bench-polytomous: $(VENV)/.installed-bench
	$(BIN)/python bench/polytomous_speed.py $(BENCH_ARGS)

# One sign-in's argon2id hash: ms and memory, sign-ins per second, and a sitting candidate's request beside a burst.
bench-password-hashing: $(VENV)/.installed
	$(BIN)/python bench/password_hashing.py $(BENCH_ARGS)

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt pyproject.toml | $(BIN)/uv
	$(INSTALL) -r requirements-dev.txt
	$(INSTALL_PROJECT)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

db: install
	mkdir -p instance
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo load

clean:
	rm -rf $(VENV) instance .pytest_cache
