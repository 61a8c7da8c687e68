# Keeper: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is a development server: debug on, eager tasks, and the embedded PostgreSQL
# (keeper/devdb.py) unless DATABASE_URL names another one.
RUN_ENV := DEBUG=true CELERY_BROKER_URL=
# Runs a command with the embedded PostgreSQL up (started if needed, stopped after if this
# started it); with DATABASE_URL set, just the command.
WITH_DB := $(BIN)/python -m keeper.devdb run

.PHONY: help venv run demo load-demo serve test lint format check stop clean bench fuzz

help:
	@echo "make run    - install, migrate, load the rubric and demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - the whole test suite (embedded PostgreSQL, or the one DATABASE_URL names)"
	@echo "make stop   - stop the embedded PostgreSQL if something left it running"
	@echo "make lint   - ruff check and format check"
	@echo "make format - ruff format and fix imports"
	@echo "make fuzz   - the API schema fuzzer at length"

venv: $(STAMP)

$(STAMP): requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Keeper needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# One database session for the whole sequence; a second `make run` in this checkout is refused.
run: $(STAMP)
	$(RUN_ENV) $(WITH_DB) --alone serve -- $(MAKE) --no-print-directory serve

demo: $(STAMP)
	$(RUN_ENV) $(WITH_DB) -- $(MAKE) --no-print-directory load-demo

load-demo:
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_rubric rubric/data/netflix-swe.yaml --publish
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py calibrate

serve: load-demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs on one pytest-xdist worker per CPU, each with its own test database.
PYTEST_WORKERS ?= auto
test: $(STAMP)
	$(WITH_DB) -- $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

stop: $(STAMP)
	$(BIN)/python -m keeper.devdb stop

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint test

clean:
	-test -x $(BIN)/python && $(BIN)/python -m keeper.devdb stop
	rm -rf $(VENV) .pgdata .pgdata.* staticfiles .pytest_cache .ruff_cache

# The benchmark (bench/run.py): needs PostgreSQL (DATABASE_URL), Redis (CELERY_BROKER_URL) and wrk.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(if $(QUICK),--quick,)

# The schema fuzzer at length (tests/test_api_fuzz.py): every phase, EXAMPLES cases per operation
# and identity, a fresh seed. CI runs it short. Needs PostgreSQL (DATABASE_URL).
EXAMPLES ?= 300
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(EXAMPLES) FUZZ_PHASES=examples,coverage,fuzzing,stateful FUZZ_SEED=random FUZZ_TIMEOUT=3600 \
		$(BIN)/python -m pytest tests/test_api_fuzz.py -s $(PYTEST_ARGS)
