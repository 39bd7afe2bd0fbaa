#!/usr/bin/env bash
# mypy over the import package `riskgraph` as it installs: the repository folders graph/, ingest/,
# engine/, cypher/, cli/ are mapped under riskgraph/ (pyproject package-dir), which mypy cannot
# follow through the editable-install import hook; so build that layout as a symlink tree.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
tree=build/typecheck
rm -rf "$tree"
mkdir -p "$tree/riskgraph"
for f in riskgraph/*; do ln -s "$PWD/$f" "$tree/riskgraph/$(basename "$f")"; done
for d in graph ingest engine cypher cli; do ln -s "$PWD/$d" "$tree/riskgraph/$d"; done
root=$PWD
cd "$tree" && "$root/$BIN/mypy" --config-file "$root/pyproject.toml" -p riskgraph "$@"
