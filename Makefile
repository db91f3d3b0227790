# Two entry points do all set-up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The CPU build of torch lies on this machine's disk; installing it first keeps pip from
# resolving argostranslate -> stanza -> torch to a multi-GB CUDA build.
TORCH := torch==2.13.0
SAMPLES := samples/requests
# Some machines' pip configuration names local indexes that lack a package; pip says so once per
# package, which buries what matters.
PIP := $(BIN)/pip install -q --progress-bar off
QUIET := 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }

.PHONY: setup system postgres venv demo test bench eval lint samples clean

setup: system venv

system:
	@scripts/setup-system.sh

# The store and queue tests run against a real PostgreSQL too; where none answers, Debian's is
# installed and started.
postgres:
	@scripts/ensure-postgres.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c "import torch" 2>/dev/null || $(PIP) $(TORCH) $(QUIET)
	@$(PIP) -e '.[dev]' $(QUIET)
	@touch $@

# The demo translation packages are installed from their files (samples/models), never downloaded.
demo: setup
	@$(BIN)/rogatory models install samples/models/*.argosmodel
	@$(BIN)/rogatory ingest $(SAMPLES)

test: setup postgres
	@$(BIN)/pytest -q

bench: setup postgres
	@$(BIN)/python -m bench

# Extraction scored against the labelled samples, each scan through the whole flow (~4 min).
eval: setup
	@$(BIN)/rogatory eval samples/

lint: setup
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy -p rogatory

samples: setup
	@$(BIN)/python samples/render.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
