# riskgraph: one command to set up and run the main job, one to run the tests.
#   make demo   -> creates .venv, installs riskgraph, runs `riskgraph shock gallium --pct 50`
#   make test   -> installs the system tools the tests need (apt), then riskgraph; starts a real Neo4j
#                  (Maven jars, no Docker), runs lint + all tests, stops Neo4j
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup tools demo test unit lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -qq -e '.[dev]'   # -qq: no setuptools notes on stderr (the install is quiet)
	touch $@

demo: setup
	$(BIN)/riskgraph shock gallium --pct 50

lint: setup
	$(BIN)/ruff check .
	$(BIN)/python scripts/lint_imports.py --no-logo
	$(BIN)/python scripts/typecheck.py

unit: setup
	$(BIN)/pytest -m "not neo4j and not browser and not notebook and not slow"

# Java 17, Maven, Chromium, docker compose: installed by apt when missing (scripts/ensure-tools.sh)
tools:
	PYTHON=$(PYTHON) bash scripts/ensure-tools.sh

test: tools setup
	VENV=$(VENV) bash scripts/test.sh

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
