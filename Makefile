# Social media maturity benchmark: run `make help` for the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DATABASE_URL ?= sqlite:///var/smbench.sqlite3

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

.PHONY: install
install: $(STAMP) ## Create .venv and install the locked dependencies (idempotent)

.PHONY: lock
lock: ## Re-resolve requirements.lock from pyproject.toml (needs uv)
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

.PHONY: db
db: install ## Create or upgrade the database named by DATABASE_URL
	@mkdir -p var
	$(BIN)/survey db upgrade

.PHONY: run
run: db pdf-fonts ## Install, create or upgrade the SQLite database and serve the app on HOST:PORT
	$(BIN)/survey serve --host $(HOST) --port $(PORT)

.PHONY: demo
demo: db ## Fill the database with 40 synthetic demo organisations (marked as demo data)
	$(BIN)/survey demo --organisations 40 --seed 1

.PHONY: i18n
i18n: install ## Update every catalogue (survey/locales) from the code and templates of all packages
	$(BIN)/python -m survey.catalogue

.PHONY: pdf-fonts
pdf-fonts: ## Install Debian's HarfBuzz font subsetter for the PDF reports (0.15-0.3 s less each; if missing)
	@ldconfig -p | grep -q 'libharfbuzz-subset\.so\.0 ' || { apt-get update -qq && apt-get install -y -qq libharfbuzz-subset0; } \
		|| echo "note: libharfbuzz-subset0 is not installed: PDF reports subset their fonts with fontTools, about 0.15-0.3 s slower each" >&2

.PHONY: browser
browser: ## Install Debian's chromium for the end-to-end tests (if missing)
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium poppler-utils; }

.PHONY: test
test: install pdf-fonts browser ## Install and run the whole test suite (PostgreSQL tests when TEST_POSTGRES_URL is set)
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

.PHONY: lint
lint: install ## Ruff and mypy
	$(BIN)/ruff check bootstrap cli survey instruments analytics web interop tests bench
	$(BIN)/ruff format --check bootstrap cli survey instruments analytics web interop tests bench
	$(BIN)/mypy

.PHONY: bench
bench: install pdf-fonts ## Run the speed and load benchmarks under bench/ (the load part takes 5-6 minutes)
	BENCH_REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/15} $(BIN)/python -m bench

.PHONY: clean
clean: ## Remove the virtualenv, caches and local database
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
