#!/usr/bin/env bash
# The system tools the test suite needs beside Python, installed when missing (Debian/Ubuntu apt):
#   Java 17+ and Maven  -> the real Neo4j server (`riskgraph neo4j start`, Maven Central jars)
#                          and the Spark engine tests (pyspark runs on the JVM)
#   Chromium            -> the HTML views rendered in a real headless browser (tests/e2e)
#   docker compose      -> `docker compose config` validates docker/docker-compose.yml (no engine)
#   python3-venv        -> only for Debian's own python3 without ensurepip (`make setup` needs venv)
# Installs with apt-get when run as root, through sudo when that works without a password;
# otherwise prints the one command to run and fails.  `make test` calls it; so does `.ci/run`.
#   bash scripts/ensure-tools.sh          install what is missing
#   bash scripts/ensure-tools.sh --check  only say what is missing (exit 1 if anything is)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

java_major() {  # major version of `java` on PATH, 0 when there is none
  command -v java >/dev/null 2>&1 || { echo 0; return; }
  java -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}

need=()
[ "$(java_major)" -ge 17 ] 2>/dev/null || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
  || need+=(chromium)
{ docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; } \
  || need+=(docker-compose)
py="${PYTHON:-python3}"
if [ "$(command -v "$py" || true)" = /usr/bin/python3 ] && ! "$py" -c "import ensurepip" 2>/dev/null
then
  need+=(python3-venv)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "missing for the tests: ${need[*]} (install: apt-get install ${need[*]})" >&2
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "The tests need: ${need[*]}. Install them with:" >&2
  echo "  sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need ${need[*]} (Java 17+, Maven, Chromium, docker compose); this system has" \
       "no apt-get: install them with its package manager." >&2
  exit 1
fi

echo "Installing ${need[*]} (apt-get) ..." >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
