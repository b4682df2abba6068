# The two commands of the README. Each creates .venv if needed and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test test-sqlite test-postgresql lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## make demo: the bot, sample data and the LINE simulator on SQLite, no credentials
demo: $(STAMP)
	$(BIN)/flask --app bot demo

## make test: the checks (import contract, ruff, mypy), then every test on SQLite and then on PostgreSQL
## (127.0.0.1:5432, database test)
test: lint
	$(BIN)/python -m pytest --db=sqlite
	$(BIN)/python -m pytest --db=postgresql

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest --db=sqlite

test-postgresql: $(STAMP)
	$(BIN)/python -m pytest --db=postgresql

## make lint: the import contract, ruff, mypy, and pip-audit on the installed dependencies (PyPI's advisory
## data; without it the audit warns, and fails only with AUDIT_STRICT=1: devtools/audit.py)
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m devtools.audit

clean:
	rm -rf $(VENV) instance .pytest_cache *.egg-info
