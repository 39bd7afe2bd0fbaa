"""Shared fixtures.  End-to-end tests (tests/e2e) need a real Neo4j: `make test` starts one."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
