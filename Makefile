# Ruche: `make run` to try it, `make test` to check it. Nothing else is needed but Python 3.12+.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The first interpreter that is Python 3.12 or newer (pyenv installs are looked at too).
PYTHON ?= $(shell for c in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$c; break; fi; done)

.PHONY: run test lint format install demo bench clean messages

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Ruche needs Python 3.12 or newer: none found." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) manage.py demo_company --if-empty
	$(PY) manage.py serve

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	./scripts/test-all

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: $(STAMP)
	$(PY) manage.py makemessages -l fr --ignore '.venv/*' --ignore 'tests/*' --ignore 'benchmarks/*'
	$(PY) manage.py makemessages -d djangojs -l fr --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'ruche/web/static/ruche/vendor/*'

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) var staticfiles
