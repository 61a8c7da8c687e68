# Keeper: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is a development server: debug on, SQLite unless DATABASE_URL says otherwise, eager tasks.
RUN_ENV := DEBUG=true DATABASE_URL= CELERY_BROKER_URL=

.PHONY: help venv run demo test lint format check clean bench fuzz

help:
	@echo "make run    - install, migrate, load the rubric and demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)"
	@echo "make lint   - ruff check and format check"
	@echo "make format - ruff format and fix imports"
	@echo "make fuzz   - the API schema fuzzer at length (needs DATABASE_URL: PostgreSQL)"

venv: $(STAMP)

$(STAMP): requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Keeper needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

demo: $(STAMP)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_rubric rubric/data/netflix-swe.yaml --publish
	$(RUN_ENV) $(BIN)/python manage.py seed_demo

run: demo
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint test

clean:
	rm -rf $(VENV) keeper.sqlite3 staticfiles .pytest_cache .ruff_cache

# The benchmark (bench/run.py): needs PostgreSQL (DATABASE_URL), Redis (CELERY_BROKER_URL) and wrk.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(if $(QUICK),--quick,)

# The schema fuzzer at length (tests/test_api_fuzz.py): every phase, EXAMPLES cases per operation
# and identity, a fresh seed. CI runs it short. Needs PostgreSQL (DATABASE_URL).
EXAMPLES ?= 300
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(EXAMPLES) FUZZ_PHASES=examples,coverage,fuzzing,stateful FUZZ_SEED=random FUZZ_TIMEOUT=3600 \
		$(BIN)/python -m pytest tests/test_api_fuzz.py -s $(PYTEST_ARGS)
