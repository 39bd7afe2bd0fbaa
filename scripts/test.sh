#!/usr/bin/env bash
# The whole test suite: lint, type check, unit tests and end-to-end tests against a real Neo4j
# server (started here from Maven Central jars, stopped on exit) and a real headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"

"$BIN/ruff" check .
"$BIN/python" scripts/lint_imports.py --no-logo
"$BIN/python" scripts/typecheck.py

export NEO4J_URI="${NEO4J_URI:-bolt://127.0.0.1:7687}"
export NEO4J_USERNAME="${NEO4J_USERNAME:-neo4j}"
export NEO4J_PASSWORD="${NEO4J_PASSWORD:-riskgraph-test}"
export NEO4J_DATABASE="${NEO4J_DATABASE:-neo4j}"

started=0
cleanup() { if [ "$started" = 1 ]; then "$BIN/riskgraph" neo4j stop || true; fi; }
trap cleanup EXIT
if ! "$BIN/riskgraph" neo4j status >/dev/null 2>&1; then
  "$BIN/riskgraph" neo4j start   # fails (non-zero) if Bolt is not ready in time
  started=1
fi

"$BIN/pytest" "$@"
