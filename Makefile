# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
NEED ?= fixtures/demo_need.json

.PHONY: run test install install-dev lint seed bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

seed: install
	$(BIN)/sstc seed
	$(BIN)/sstc catalogue stats

run: seed
	$(BIN)/sstc recommend --input $(NEED) --format table
	$(BIN)/sstc serve --host 127.0.0.1 --port 8000

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# axe-core for the browser accessibility test (tests/e2e/test_accessibility.py), from its lock file.
AXE := tests/e2e/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund
	touch $@

test: lint $(AXE)
	$(BIN)/pytest

clean:
	rm -rf $(VENV) var

bench: install-dev
	$(BIN)/python -m benchmarks.run
