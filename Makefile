# Maillage — set-up, demo and tests. Everything is installed in .venv inside the repository.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install demo serve test lint format browser bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

## make demo: install, create var/maillage.sqlite3, load Armentières, serve on 127.0.0.1:$(PORT)
demo: install
	$(BIN)/maillage demo --port $(PORT)

serve: install
	$(BIN)/maillage serve --port $(PORT)

## make test: lint, types, missing-migration check, then the whole test suite (browser tests included)
test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	mkdir -p var
	$(BIN)/python -m maillage.manage makemigrations --check --dry-run
	$(BIN)/pytest -q -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Debian's Chromium for the browser tests (installed once, as root, when missing)
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installation de Chromium (Debian) pour les tests navigateur…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else echo "Chromium absent : les tests navigateur seront ignorés (sudo make browser)."; fi; \
	fi

bench: install
	$(BIN)/python benchmarks/accessibility.py --quick
	$(BIN)/python benchmarks/search_load.py --quick

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
