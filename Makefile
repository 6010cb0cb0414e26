# The commands the README names. `make demo` and `make test` work on a fresh machine:
# they create .venv, install Pantau and what it needs, then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_ARGS ?=

.PHONY: install system-deps demo test screenshots benchmark lint clean

install: $(STAMP)

# Reinstall only when the dependency list changes, so a second `make test` starts at once.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: install
	$(BIN)/pantau demo $(DEMO_ARGS)

# The browser tests drive Debian's chromium through chromium-driver (no browser download at
# run time); the frontier tests start Debian's redis-server. Installed only when missing;
# needs root, as on CI.
system-deps:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || \
		(apt-get update && apt-get install -y chromium chromium-driver)
	@test -x /usr/bin/redis-server || (apt-get update && apt-get install -y redis-server)
	@test -x /usr/sbin/nginx || (apt-get update && apt-get install -y nginx)

test: install system-deps
	$(BIN)/python -m pytest

# Refresh docs/screenshots/*.png from the browser tests.
screenshots: install system-deps
	PANTAU_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/test_browser.py tests/test_coverage_map.py

# Publishing latency on 100,000 generated articles; writes benchmarks/README.md.
benchmark: install
	$(BIN)/python benchmarks/publish_latency.py

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) data/pantau.db data/pantau.db-wal data/pantau.db-shm
