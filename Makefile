# Two commands for a fresh Debian machine with Python 3.11 (see README.md):
#   make run    start the app on the embedded default (demo DuckDB file created on first start);
#               installs the runtime lock, requirements.txt
#   make test   run the whole test suite, browser tests included; installs requirements.txt and the
#               dev/test lock, requirements-dev.txt (pytest and its plugins, playwright, ruff, hypothesis…)
# Dependencies are declared in requirements.in (runtime) and requirements-dev.in (tests, tools);
# `make lock` compiles them into the two locks with pip-tools, keeping every version already pinned.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= $(or $(CIVIC_PORT),8501)
# pytest-xdist workers: one per core plus two, because the two workers that run the browser tests
# (two groups, see pytest_xdist_make_scheduler in tests/conftest.py) mostly wait for pages.
WORKERS ?= $(shell echo $$(( $$(nproc) + 2 )))
PIP_COMPILE := $(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: setup setup-dev run test test-dates chromium bench lock clean-demo

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

# The installed packages compiled once, into the cache `make test` reads (PYTHONPYCACHEPREFIX below), when the
# locks are installed: else the first run on a fresh machine had every xdist worker, server and subprocess
# compile the same modules side by side (13 s for all of them here, against some 50 CPU-s when duplicated).
$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install -q -r requirements.txt -r requirements-dev.txt
	PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache $(BIN)/python -m compileall -q -j 0 $(VENV)/lib >/dev/null
	touch $@

setup: $(BIN)/.installed

setup-dev: $(BIN)/.installed-dev

run: setup
	$(BIN)/python -m dashboard init
	@echo "The dashboard starts at http://localhost:$(PORT)  (stop with Ctrl+C)"
	$(BIN)/python -m streamlit run dashboard/app.py --server.port $(PORT)

# Debian's chromium for the browser tests (its headless shell, lighter, drives them when installed);
# Playwright never downloads a browser here.
chromium:
	@{ command -v chromium && command -v chromium-headless-shell; } >/dev/null 2>&1 || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
			chromium-headless-shell fonts-dejavu-core; }

# Compiled modules, pytest's rewritten test modules included, are kept under .venv/pycache even where the
# environment sets PYTHONDONTWRITEBYTECODE: else every xdist worker, browser-test server and CLI subprocess
# compiles every module again (collection alone: 10.8 CPU-s a worker, 4.7 with the cache).
test: export PYTHONDONTWRITEBYTECODE :=
test: export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache
# Temporary files (each test's copy of the database, the browser tests' servers) in memory when the
# machine's /dev/shm has room for them (8 GB free): a 10 MB copy there costs 4.5 ms of CPU, 22 ms on disk.
ifeq ($(shell test "$$(df --output=avail -k /dev/shm 2>/dev/null | tail -n 1)" -gt 8000000 2>/dev/null && echo yes),yes)
test: export TMPDIR := /dev/shm
endif
test: setup-dev chromium
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

# The date-sensitive tests with the clock started on each day of a week, on holiday eves and on DST weekends,
# one start after another (tests/e2e/run_on_dates.py); DATES="mon eve-of-christmas 2027-01-05" picks starts.
test-dates: setup-dev chromium
	$(BIN)/python tests/e2e/run_on_dates.py $(DATES)

bench: setup
	$(BIN)/python -m bench

# Recompile the locks after editing requirements.in or requirements-dev.in. pip-compile keeps the
# versions the locks already pin; to move one, edit its pin in the lock (or delete the line) first.
lock: setup-dev
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_COMPILE) requirements.in
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_COMPILE) requirements-dev.in
