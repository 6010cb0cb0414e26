# The commands the README names. `make demo` and `make test` work on a fresh machine:
# they create .venv, install Pantau and what it needs, then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_ARGS ?=

.PHONY: install demo test lint clean

install: $(STAMP)

# Reinstall only when the dependency list changes, so a second `make test` starts at once.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: install
	$(BIN)/pantau demo $(DEMO_ARGS)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) data/pantau.db data/pantau.db-wal data/pantau.db-shm
