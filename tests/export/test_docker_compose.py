"""docker/docker-compose.yml is valid (``docker compose config``; no Docker engine needed)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

COMPOSE_FILE = "docker/docker-compose.yml"


def compose_cmd() -> list[str]:
    if shutil.which("docker"):
        p = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
        if p.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.fail("neither 'docker compose' (Compose v2 plugin) nor 'docker-compose' is installed "
                "(Debian: apt-get install docker-compose)")


def config(repo, *extra: str, env: dict | None = None) -> str:
    p = subprocess.run([*compose_cmd(), "-f", COMPOSE_FILE, "config", *extra], cwd=repo,
                       capture_output=True, text=True, timeout=60,
                       env={**os.environ, **(env or {})})
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_compose_config_is_valid_and_names_both_services(repo):
    out = config(repo)
    import yaml  # the config output is YAML

    doc = yaml.safe_load(out)
    assert set(doc["services"]) == {"neo4j", "riskgraph"}
    neo, rg = doc["services"]["neo4j"], doc["services"]["riskgraph"]
    assert neo["image"] == "neo4j:5"
    assert "healthcheck" in neo
    ports = [str(p) if not isinstance(p, dict) else f"{p.get('host_ip')}:{p['published']}"
             for p in neo["ports"]]
    assert ports and all(p.startswith("127.0.0.1:") for p in ports), ports
    assert rg["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert rg["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert rg["build"]["dockerfile"].endswith("Dockerfile")


def test_password_comes_from_the_environment(repo):
    import yaml

    doc = yaml.safe_load(config(repo, env={"NEO4J_PASSWORD": "s3cret-pass"}))
    assert doc["services"]["neo4j"]["environment"]["NEO4J_AUTH"] == "neo4j/s3cret-pass"
    assert doc["services"]["riskgraph"]["environment"]["NEO4J_PASSWORD"] == "s3cret-pass"


def test_dockerfile_runs_the_cli_as_non_root(repo):
    text = (repo / "docker" / "Dockerfile").read_text()
    assert text.startswith("#") and "\nFROM python:3.12-slim\n" in text
    assert "\nUSER riskgraph\n" in text
    assert 'ENTRYPOINT ["riskgraph"]' in text
    # every folder the package maps is copied into the image
    import tomllib

    pyproject = tomllib.loads((repo / "pyproject.toml").read_text())
    folders = set(pyproject["tool"]["setuptools"]["package-dir"].values())
    for folder in folders:
        if any(folder.startswith(f + "/") for f in folders):
            continue  # copied with its parent folder
        assert f"COPY {folder} ./{folder}" in text, folder
