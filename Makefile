# courtops — the O&M engineer's entry points. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: help setup system-deps demo test lint lock clean ledger-check

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

system-deps:  ## install the Debian packages the tools and the lab need (root)
	./scripts/install-system-deps

$(BIN)/courtops: requirements/constraints.txt requirements/requirements.in pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -r requirements/requirements.in
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

setup: $(BIN)/courtops  ## create .venv with the pinned toolchain

demo: system-deps setup  ## the main job on the built-in lab: real reports under reports/ (root)
	./scripts/demo

# The tests without the lab run on every core (pytest-xdist); the lab tests run one at a time on the
# one lab (they change its hosts and devices). Both parts always run; either failing fails the target.
test: system-deps setup  ## lint, then every test (root: the integration tests build the lab)
	$(MAKE) lint
	$(BIN)/pytest -q -n auto -m "not lab"; a=$$?; $(BIN)/pytest -q -m lab; b=$$?; exit $$(( a || b ))

lint: setup  ## ruff, mypy, yamllint, ansible-lint (production profile)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/yamllint -s .
	$(BIN)/ansible-lint --profile production --offline -q

ledger-check: setup  ## validate the court's asset ledger
	$(BIN)/courtops ledger check inventory/court/assets.csv

lock:  ## re-resolve requirements.in into constraints.txt (needs the package registry)
	rm -rf /tmp/courtops-lock && $(PYTHON) -m venv /tmp/courtops-lock
	/tmp/courtops-lock/bin/pip install --quiet -U pip setuptools wheel
	/tmp/courtops-lock/bin/pip install --quiet -r requirements/requirements.in
	{ head -2 requirements/constraints.txt; /tmp/courtops-lock/bin/pip freeze --all | grep -v '^pip=='; } > requirements/constraints.new
	mv requirements/constraints.new requirements/constraints.txt

clean:  ## remove the virtualenv and caches (reports are kept)
	rm -rf $(VENV) .cache .facts .pytest_cache .ruff_cache

# --- the local lab (issue 3): courtops lab up/down/status; root; COURTOPS_LAB_ID selects the lab ---
.PHONY: lab-up lab-down lab-status
LAB_ARGS ?=

lab-up: setup  ## start the local lab (root; LAB_ARGS="--linux 20" etc.)
	$(BIN)/courtops lab up $(LAB_ARGS)

lab-down: setup  ## remove everything the local lab created (root)
	$(BIN)/courtops lab down

lab-status: setup  ## show what the local lab runs
	$(BIN)/courtops lab status
