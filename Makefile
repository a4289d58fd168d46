# kampungkb: `make demo` to try it, `make test` to check it. Needs only Python 3.11+.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint format hooks bench loadtest messages clean

# Reinstall when the dependency list changes.
$(STAMP): pyproject.toml
	@echo "Memasang dependensi ke $(VENV) / installing dependencies (first run: a few minutes)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --upgrade pip
	@$(BIN)/python -m pip install -qq -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	@# Migrates and seeds quietly, starts the worker and the server (logs in var/), then
	@# prints the demo accounts and the login address last.
	@KAMPUNGKB_DEMO=1 $(BIN)/kampungkb serve_demo --port $(PORT)

# The suite on every core (TEST_WORKERS=1: one process), then the browser tests alone: two
# Chromiums and their live servers beside the rest would only race each other for the cores.
# Tests are handed out in pytest-django's order (a worker's transactional tests, which empty
# the tables, after its others), not a file per worker: a file that empties them would come
# before another whose tests find the reference data the database was set up with.
TEST_WORKERS ?= auto
test: setup
	$(BIN)/pytest -n $(TEST_WORKERS) --dist load --ignore=tests/e2e
	$(BIN)/pytest -p no:xdist tests/e2e

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Run ruff on every commit (.pre-commit-config.yaml).
hooks: setup
	$(BIN)/pre-commit install

# Benchmarks print figures and PASS/FAIL against the targets; PostgreSQL ones use BENCH_PG.
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
# Measurements of the Dask batch benchmark (issue 15: 20 million; `make bench BATCH_ROWS=1000000`
# for a quick run).
BATCH_ROWS ?= 20000000
bench: setup
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/anthro.py
	$(BIN)/python bench/growth.py
	DATABASE_URL=$(BENCH_PG)/kampungkb_bench_growth $(BIN)/python bench/growth.py
	$(BIN)/python bench/import_measurements.py
	$(BIN)/python bench/import_locking.py
	DATABASE_URL=$(BENCH_PG)/kampungkb_bench $(BIN)/python bench/import_measurements.py
	$(BIN)/python bench/import_families.py
	DATABASE_URL=$(BENCH_PG)/kampungkb_bench_families $(BIN)/python bench/import_families.py
	$(BIN)/python bench/import_memory.py
	DATABASE_URL=$(BENCH_PG)/kampungkb_bench_analytics $(BIN)/python bench/analytics.py
	$(BIN)/python bench/export.py
	DATABASE_URL=$(BENCH_PG)/kampungkb_bench_export $(BIN)/python bench/export.py
	$(BIN)/python bench/lists.py
	DATABASE_URL=$(BENCH_PG)/kampungkb_bench_lists $(BIN)/python bench/lists.py
	$(BIN)/python bench/families.py
	DATABASE_URL=$(BENCH_PG)/kampungkb_bench_families $(BIN)/python bench/families.py
	DATABASE_URL=$(BENCH_PG)/kampungkb_bench_krs $(BIN)/python bench/krs.py
	$(BIN)/python bench/batch.py --rows $(BATCH_ROWS)
	DATABASE_URL=$(BENCH_PG)/kampungkb_bench_perf $(BIN)/python bench/requests_cpu.py
	BENCH_PG=$(BENCH_PG) $(BIN)/python bench/loadtest.py --province

# A posyandu day on loopback: gunicorn + the worker + PostgreSQL (kampungkb_loadtest, seeded
# once), locust bounded in users and time (by default the load the targets are stated for);
# LOADTEST_ARGS e.g. "--province --users 40 --run-time 120" for a quicker, lighter run.
LOADTEST_ARGS ?= --province
loadtest: setup
	BENCH_PG=$(BENCH_PG) $(BIN)/python bench/loadtest.py $(LOADTEST_ARGS)

# Refresh the Indonesian/English message catalogues after changing UI text.
messages: setup
	cd src/kampungkb && KAMPUNGKB_DEMO=1 ../../$(BIN)/kampungkb makemessages -l id -l en --no-obsolete --ignore 'anthro/*'
	cd src/kampungkb && KAMPUNGKB_DEMO=1 ../../$(BIN)/kampungkb compilemessages

clean:
	rm -rf $(VENV) var
