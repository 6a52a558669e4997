# Veeduría: the two commands of the quickstart are `make serve` and `make test`.
SHELL := /bin/bash
#: the interpreter: PYTHON=/path/to/python overrides; else the first of python3.11, python3.12, python3.13 that runs
SUPPORTED_PYTHONS := python3.11 python3.12 python3.13
ifndef PYTHON
PYTHON := $(firstword $(foreach p,$(SUPPORTED_PYTHONS),$(shell $(p) -c 'import sys' >/dev/null 2>&1 && command -v $(p))))
endif
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export VEEDURIA_DATA_DIR ?= $(CURDIR)/var

.PHONY: serve test install install-test system-deps lint typecheck pytest messages bench clean lock audit

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Veeduría needs Python 3.11, 3.12 or 3.13 and found none of $(SUPPORTED_PYTHONS)."; \
	  echo "Install one (Debian/Ubuntu: sudo apt-get install python3 python3-venv; Ubuntu 24.04 ships 3.12)"; \
	  echo "or name it: make serve PYTHON=/path/to/python3.12"; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null || { \
	  echo "$(PYTHON) is not Python 3.11, 3.12 or 3.13: install one of them or set PYTHON=/path/to/python3.12"; exit 1; }
	@echo "creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version 2>&1))"
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  echo "installing Debian's python3-venv (needed to create $(VENV))"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-venv >/dev/null; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python  ## install the package and its runtime dependencies
	$(BIN)/pip install -q -e . -c requirements.lock

install-test: $(BIN)/python system-deps  ## install the package with what the tests need
	$(BIN)/pip install -q -e '.[test]' -c requirements.lock

system-deps:  ## Debian packages: gettext (translations), chromium (browser tests), poppler-utils and tesseract (document text), wrk (bench/load.py)
	@missing=""; for p in gettext chromium poppler-utils tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng wrk; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

messages: ## compile the translation catalogues
	cd src/veeduria && ../../$(BIN)/django-admin compilemessages --ignore=.venv >/dev/null

serve: install  ## migrate, load the bundled dataset into an empty database, serve on http://$(HOST):$(PORT)
	$(BIN)/veeduria init
	$(BIN)/veeduria serve --host $(HOST) --port $(PORT)

lint:
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools

typecheck:
	$(BIN)/mypy

#: PYTEST_ARGS: extra pytest arguments (CI's PostgreSQL leg: -m 'not browser')
PYTEST_ARGS ?=
pytest:
	$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests were collected: failing"; exit 1; fi; exit $$rc

lock:  ## write requirements.lock: the exact installed versions of veeduria[test]'s dependencies
	$(BIN)/python tools/lock.py requirements.lock

#: AUDIT=strict fails when some package's vulnerability data cannot be had (offline); AUDIT=skip leaves the look-up
#: out, saying so; AUDIT_IGNORE="--ignore-vuln ID ..." with the reason for each written here
AUDIT ?=
AUDIT_IGNORE ?=
audit:  ## known vulnerabilities of the locked versions (pip-audit); says how many packages could not be checked
	@$(BIN)/python tools/lock.py --check requirements.lock
	@if [ "$(AUDIT)" = skip ]; then echo "make audit: SKIPPED (AUDIT=skip): the locked versions were not checked"; exit 0; fi; \
	$(BIN)/python tools/audit.py requirements.lock $(if $(filter strict,$(AUDIT)),--require-data) $(AUDIT_IGNORE)

test: install-test lint typecheck audit pytest  ## install, lint, type-check, audit the dependencies and run the whole test suite

bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
