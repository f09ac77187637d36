# pld: the two commands are `make demo` and `make test`; both create .venv when missing.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PLD := $(VENV)/bin/pld
STAMP := $(VENV)/.installed

export DVC_NO_ANALYTICS := 1
export GX_ANALYTICS_ENABLED := false
export DAGSTER_HOME ?= $(CURDIR)/.dagster
export MPLBACKEND := Agg
export PYTHONUNBUFFERED := 1

.PHONY: demo test ui bench venv clean

venv: $(STAMP)

# Pinned direct dependencies live in pyproject.toml; requirements.lock pins the rest.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

demo: $(STAMP)
	@mkdir -p $(DAGSTER_HOME)
	$(PY) -m orchestration.demo

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

ui: $(STAMP)
	@mkdir -p $(DAGSTER_HOME)
	$(PY) -m orchestration.ui

bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf data/raw/demo data/ingested data/labels data/pseudo models reports .dagster .cache
