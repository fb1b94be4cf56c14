# flowscope — the two set-up commands (see README):
#   make brief   create .venv, install flowscope, load the bundled data into a fresh store,
#                print the brief and write brief.html
#   make test    create .venv with the dev extra (and what the tests need; the browser test
#                uses the system chromium, apt-get install chromium, and skips without it), check the import
#                contracts (pyproject [tool.importlinter]), run the suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STORE  ?= .flowscope/brief.duckdb
PYTEST_ARGS ?= -n 2

.PHONY: brief test lint bench bundle clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q "torch==2.13.0"  # CPU build, pinned before the nlp extra pulls torch
	$(BIN)/pip install -q -e ".[dev,nlp,scale,stats,serve]"  # dev: playwright (system chromium), schemathesis
	@touch $@ $(VENV)/.installed

brief: $(VENV)/.installed
	@mkdir -p $(dir $(STORE))
	@rm -f $(STORE) $(STORE).wal
	$(BIN)/flowscope --db $(STORE) init
	$(BIN)/flowscope --db $(STORE) brief --html brief.html

test: $(VENV)/.dev-installed
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy src

bench: $(VENV)/.dev-installed
	$(BIN)/python -m pytest benchmarks -q -o python_files='bench_*.py' --benchmark-only

bundle: $(VENV)/.installed
	$(BIN)/python scripts/build_bundle.py --shared ../shared/data

clean:
	rm -rf $(VENV) .flowscope brief.html

.PHONY: pyfedwatch-peer
pyfedwatch-peer:  # regenerate the pyfedwatch golden fixture (pyfedwatch needs pandas < 2.2: own venv)
	test -x .venv-peers/bin/python || $(PYTHON) -m venv .venv-peers
	.venv-peers/bin/pip install -q "pandas<2.2" pyfedwatch
	.venv-peers/bin/python scripts/pyfedwatch_peer.py
