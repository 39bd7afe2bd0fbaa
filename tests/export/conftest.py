"""Fixtures for export tests: a small hand-made graph with hostile text (rg_sample_graph.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rg_sample_graph import sample_graph  # noqa: E402

from riskgraph.graph.model import GraphData  # noqa: E402


@pytest.fixture()
def graph() -> GraphData:
    return sample_graph()
