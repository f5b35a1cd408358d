# WeGov: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
ASSETS_STAMP := wegov/static/dist/.built
FRONTEND_SOURCES := $(shell find frontend -type f 2>/dev/null)

.PHONY: run install assets migrate demo test test-fast test-browser lint format bench messages clean

run: install assets migrate demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

install: $(PY_STAMP) $(NPM_STAMP)

$(PY_STAMP): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: $(ASSETS_STAMP)

$(ASSETS_STAMP): $(NPM_STAMP) $(FRONTEND_SOURCES) package.json
	npm run --silent build
	touch $@

migrate: $(PY_STAMP)
	$(BIN)/python manage.py migrate --no-input -v 0

# Loads the demo city once; later runs find it there and do nothing.
demo: migrate
	$(BIN)/python manage.py load_demo --if-empty

# The whole suite on both cores, in random order (pytest-randomly prints the seed: rerun one
# order with ARGS=--randomly-seed=N). docs/testing.md has more.
test: install assets
	$(BIN)/python manage.py makemigrations --check --dry-run -v 0
	$(BIN)/pytest -n 2 --dist load $(ARGS)

# The inner loop: everything but the browser tests (ARGS=wegov/reports for one app).
test-fast: install
	$(BIN)/pytest -n 2 --dist load -m "not browser" $(ARGS)

# The browser tests alone (Playwright in Debian chromium, axe-core).
test-browser: install assets
	$(BIN)/pytest -n 2 --dist load -m browser wegov/tests_browser $(ARGS)

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(PY_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(PY_STAMP)
	cd wegov && ../$(BIN)/django-admin makemessages -l nl -l it -l de --no-obsolete --ignore "static/*" --ignore "tests_browser/*"
	cd wegov && ../$(BIN)/django-admin compilemessages

bench: install assets
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) node_modules wegov/static/dist var
