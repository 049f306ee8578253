# Everything runs from a virtual environment in .venv, made on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Coverage of the test passes; `make test COV=` runs them without it (the tracer costs time).
COV ?= --cov --cov-report=

.PHONY: run test lint typecheck unit unit-postgresql coverage bench screenshot clean

$(STAMP): pyproject.toml constraints-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints-dev.txt -e '.[test]'
	touch $(STAMP)

## Run the service with demo data on the embedded SQLite database under ./data/.
run: $(STAMP)
	$(BIN)/lrs-bridge serve --demo

## Lint, type-check and run the whole test suite: once on SQLite, then the tests whose
## service runs on a database once more on PostgreSQL (they say they skipped, and why, when
## LRS_BRIDGE_TEST_POSTGRES, default postgresql://postgres@127.0.0.1:5432/test, is absent).
## Coverage is measured over both passes and reported as one line at the end (no threshold).
test: lint unit unit-postgresql coverage

lint: $(STAMP)
	$(BIN)/ruff check lrs_bridge statements reports tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

## The test runs use two pytest-xdist workers, one test file each at a time (a file's tests
## may share a module-scoped database). PYTEST_ARGS= runs them in one process.
PYTEST_ARGS ?= -n 2 --dist loadfile

unit: $(STAMP)
	$(BIN)/pytest -q $(PYTEST_ARGS) $(COV)

unit-postgresql: $(STAMP)
	LRS_BRIDGE_TEST_ENGINE=postgresql $(BIN)/pytest -q $(PYTEST_ARGS) $(COV) $(if $(COV),--cov-append)

coverage: $(STAMP)
	@if [ -n "$(COV)" ]; then echo "coverage (lines, both passes, pytest process only):" \
	  "$$($(BIN)/coverage report --format=total)%"; fi

## Benchmarks (never part of `make test`): ingest, queries and memory against ceilings;
## at most 12 minutes (--budget 720). BENCH_ARGS="--quick" for a short run, or
## BENCH_ARGS="--endpoint URL --user KEY --password SECRET" for another LRS, or
## BENCH_ARGS="--database-url postgresql://…" for lrs-bridge on an empty PostgreSQL database.
bench: $(STAMP)
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; \
	  else echo "wrk is missing and we are not root: the Python generator will be used"; fi; }
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

## The README's screenshot of the county overview, from the demo, in headless Chromium.
screenshot: $(STAMP)
	$(BIN)/python docs/screenshot.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .coverage
