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

.PHONY: serve test install install-test system-deps lint typecheck pytest messages bench clean

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
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python system-deps  ## install the package with what the tests need
	$(BIN)/pip install -q -e '.[test]'

system-deps:  ## Debian packages: gettext (translations), chromium (browser tests), poppler-utils and tesseract (document text)
	@missing=""; for p in gettext chromium poppler-utils tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
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
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests were collected: failing"; exit 1; fi; exit $$rc

test: install-test lint typecheck pytest  ## install, lint, type-check and run the whole test suite

bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
