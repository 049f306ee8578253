# Everything runs from a virtual environment in .venv, made on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Run the service with demo data on the embedded SQLite database under ./data/.
run: $(STAMP)
	$(BIN)/lrs-bridge serve --demo

## Lint, type-check and run the whole test suite.
test: lint unit

lint: $(STAMP)
	$(BIN)/ruff check lrs_bridge statements reports tests
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
