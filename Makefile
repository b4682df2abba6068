# The two commands of the README. Each creates .venv if needed and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test test-sqlite test-postgresql lint browser screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## make demo: the bot, sample data and the LINE simulator on SQLite, no credentials; PORT=5050 chooses
## the port (the fake LINE platform takes the next one)
PORT ?= 5000
demo: $(STAMP)
	$(BIN)/flask --app bot demo --port $(PORT)

## make test: the checks (import contract, ruff, mypy), then every test on SQLite and then on PostgreSQL
## (127.0.0.1:5432, database test); the browser tests among them drive Debian's chromium
test: lint browser
	$(BIN)/python -m pytest --db=sqlite
	$(BIN)/python -m pytest --db=postgresql

test-sqlite: $(STAMP) browser
	$(BIN)/python -m pytest --db=sqlite

test-postgresql: $(STAMP) browser
	$(BIN)/python -m pytest --db=postgresql

## make lint: the import contract, ruff, mypy, and pip-audit on the installed dependencies (PyPI's advisory
## data; without it the audit warns, and fails only with AUDIT_STRICT=1: devtools/audit.py)
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m devtools.audit

# The browser tests drive Debian's chromium (never a browser Playwright downloads); the pages are
# Thai, with the odd emoji, so the screenshots need fonts for both. Installed with apt-get when
# chromium or a Thai font is missing, as root (or with sudo in CI, where runners have it);
# otherwise say how, and the tests skip (fail in CI) saying so too.
CHROMIUM_PATH    ?= /usr/bin/chromium
DEBIAN_CHROMIUM  := /usr/bin/chromium
BROWSER_PACKAGES := chromium fonts-thai-tlwg fonts-noto-color-emoji
HAS_THAI_FONT    := { fc-list :lang=th 2>/dev/null | grep -q . || dpkg-query -W -f='$${Status}' fonts-thai-tlwg 2>/dev/null | grep -q 'ok installed'; }
browser:
	@if [ "$(CHROMIUM_PATH)" != "$(DEBIAN_CHROMIUM)" ] || { [ -x "$(DEBIAN_CHROMIUM)" ] && $(HAS_THAI_FONT); }; then \
	  exit 0; \
	elif ! command -v apt-get >/dev/null; then \
	  echo "make: no apt-get to install $(BROWSER_PACKAGES) for the browser tests; set CHROMIUM_PATH to a Chromium"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "make: installing $(BROWSER_PACKAGES) for the browser tests (apt-get)"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; } \
	    || echo "make: apt-get could not install $(BROWSER_PACKAGES): the browser tests will skip (fail in CI)"; \
	elif [ -n "$$CI" ] && sudo -n true 2>/dev/null; then \
	  echo "make: installing $(BROWSER_PACKAGES) for the browser tests (sudo apt-get)"; \
	  { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; } \
	    || echo "make: apt-get could not install $(BROWSER_PACKAGES): the browser tests will fail"; \
	else \
	  echo "make: the browser tests need $(BROWSER_PACKAGES) (sudo apt-get install $(BROWSER_PACKAGES)): they will skip (fail in CI)"; \
	fi

## make screenshots: the browser tests once more, writing docs/screenshots/NAME-phone.png and -desktop.png
screenshots: $(STAMP) browser
	@$(HAS_THAI_FONT) || { echo "make: no Thai font (fonts-thai-tlwg): the screenshots would show boxes"; exit 1; }
	WDF_SCREENSHOTS=1 $(BIN)/python -m pytest --db=sqlite -m browser

clean:
	rm -rf $(VENV) instance .pytest_cache *.egg-info
