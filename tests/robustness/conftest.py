"""Helpers of the robustness suite: user data folders written from text, an isolated cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

NODE_HEADER = "id,kind,name,layer,roles,aliases,source,as_of,confidence,rationale\n"
LINK_HEADER = ("from,to,type,weight,weight_low,weight_high,sales_share,substitutability,"
               "source,as_of,confidence,rationale\n")

ACME = "company:acme-optics,company,Acme Optics,,network,Acme,Acme ledger 2025-06,2025,reported,\n"
GOOD_LINK = "mineral:gallium,Acme,INPUT_TO,0.9,0.8,1,,0,our bill of materials,2025,estimated,GaAs\n"


def write_dir(folder: Path, nodes: str | bytes | None = NODE_HEADER + ACME,
              links: str | bytes | None = LINK_HEADER + GOOD_LINK, *,
              encoding: str = "utf-8") -> Path:
    """A user data folder with ``acme_nodes.csv`` and ``acme_links.csv`` of the given text."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("acme_nodes.csv", nodes), ("acme_links.csv", links)):
        if text is None:
            continue
        data = text if isinstance(text, bytes) else text.encode(encoding)
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("riskgraph-cache")


@pytest.fixture(autouse=True)
def _isolated_cache(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Never touch the user's graph cache or pick up their RISKGRAPH_DATA."""
    monkeypatch.setenv("RISKGRAPH_CACHE", str(cache_root))
    monkeypatch.delenv("RISKGRAPH_DATA", raising=False)
    yield
