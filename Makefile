# The two commands that matter on a fresh machine (see README):
#   make run    set up and start the app on the embedded SQLite database with the shipped catalog
#   make test   set up and run the checks and the tests (what CI runs)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test test-postgres setup setup-test browser madr-readers lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet -e .

setup-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

run: setup
	$(BIN)/workbench run --port $(PORT)

# Debian's Chromium drives the real-browser test (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser test"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# ruff; mypy over the package and the pages (strict for domain and services); the layer contract (pyproject).
lint: setup-test
	$(BIN)/ruff check workbench pages tests data/tools setup.py
	$(BIN)/mypy workbench pages
	$(BIN)/lint-imports

# Real MADR readers the MDR Markdown is tested against (npm; pinned in tests/madr/package-lock.json).
madr-readers:
	npm ci --prefix tests/madr --ignore-scripts --no-audit --no-fund --silent

test: setup-test browser madr-readers lint
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

# The store and CLI suites against a throwaway local PostgreSQL server (Debian `postgresql`, installed if
# missing); .ci/run runs this after `make test`. Against your own server instead:
#   WORKBENCH_TEST_DATABASE_URL=postgresql+psycopg://USER@HOST:PORT/postgres .venv/bin/pytest tests/store tests/cli
test-postgres: setup-test
	.ci/run --postgres

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
