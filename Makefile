# Two commands for a fresh Debian machine with Python 3.11 (see README.md):
#   make run    start the app on the embedded default (demo DuckDB file created on first start)
#   make test   run the whole test suite, browser tests included
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= $(or $(CIVIC_PORT),8501)

.PHONY: setup run test chromium bench clean-demo

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

setup: $(BIN)/.installed

run: setup
	$(BIN)/python -m dashboard init
	@echo "The dashboard starts at http://localhost:$(PORT)  (stop with Ctrl+C)"
	$(BIN)/python -m streamlit run dashboard/app.py --server.port $(PORT)

# Debian's chromium for the browser tests; Playwright never downloads a browser here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

test: setup chromium
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench
