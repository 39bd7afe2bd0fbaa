"""The builder: merge, cache (hit, invalidation), user data dirs, atomicity."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.ingest.build import load_build

NODES = ("id,kind,name,layer,roles,aliases,source,as_of,confidence,rationale\n"
         "company:acme-optics,company,Acme Optics,,network,Acme,Acme ledger 2025-06,2025,"
         "reported,\n")
LINKS = ("from,to,type,weight,weight_low,weight_high,sales_share,substitutability,source,as_of,"
         "confidence,rationale\n"
         "mineral:gallium,Acme,INPUT_TO,{w},0.1,1,,0,our bill of materials,2025,estimated,GaAs\n")


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("RISKGRAPH_CACHE", str(cache))
    monkeypatch.delenv("RISKGRAPH_DATA", raising=False)
    return cache


def _user_dir(root: Path, w: str = "0.9") -> Path:
    d = root / "mine"
    d.mkdir(exist_ok=True)
    (d / "acme_nodes.csv").write_text(NODES, encoding="utf-8")
    (d / "acme_links.csv").write_text(LINKS.format(w=w), encoding="utf-8")
    return d


def test_second_load_comes_from_cache_and_is_equal(_cache: Path) -> None:
    a = load_build()
    b = load_build()
    assert not a.from_cache and b.from_cache
    assert a.graph.to_dict() == b.graph.to_dict()
    assert [s.to_dict() for s in a.sources] == [s.to_dict() for s in b.sources]
    assert len(list(_cache.glob("graph-*.json"))) == 1


def test_user_dir_merges_and_a_changed_file_rebuilds(tmp_path: Path) -> None:
    d = _user_dir(tmp_path)
    first = load_build([d])
    e = first.graph.edges["mineral:gallium|INPUT_TO|company:acme-optics|user:mine"]
    assert e.weight == 0.9 and e.source.startswith("our bill of materials")
    assert first.sources[-1].key == "user:mine"
    assert load_build([d]).from_cache
    (d / "acme_links.csv").write_text(LINKS.format(w="0.4"), encoding="utf-8")
    os.utime(d / "acme_links.csv", ns=(1, 1))  # a different mtime even on coarse clocks
    again = load_build([d])
    assert not again.from_cache
    assert again.graph.edges["mineral:gallium|INPUT_TO|company:acme-optics|user:mine"].weight == 0.4


def test_env_var_names_the_user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = _user_dir(tmp_path)
    monkeypatch.setenv("RISKGRAPH_DATA", str(d))
    assert "company:acme-optics" in load_build().graph.nodes


def test_bad_user_file_fails_whole_and_caches_nothing(tmp_path: Path, _cache: Path) -> None:
    load_build()
    before = sorted(p.name for p in _cache.iterdir())
    d = _user_dir(tmp_path, w="1.7")
    with pytest.raises(IngestError) as ei:
        load_build([d])
    assert "acme_links.csv, line 2, column 'weight'" in str(ei.value)
    assert sorted(p.name for p in _cache.iterdir()) == before  # the good cache is untouched


def test_missing_user_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="user data directory does not exist"):
        load_build([tmp_path / "nope"])


def test_corrupt_cache_file_is_rebuilt(_cache: Path) -> None:
    load_build()
    (p,) = _cache.glob("graph-*.json")
    p.write_bytes(b"not json")
    b = load_build()
    assert not b.from_cache and len(b.graph) > 500


def _ids(parts: list) -> list[tuple[str, list[str], list[str]]]:
    return [(name, list(frag.nodes), list(frag.edges)) for name, frag in parts]


def test_the_build_keeps_each_source_fragment_and_the_cache_too(tmp_path: Path) -> None:
    """The Neo4j store writes one transaction per part: the loaders' own fragments, in order."""
    from riskgraph.graph.neo4j.store import units_from_parts
    from riskgraph.ingest import build as build_mod
    from riskgraph.ingest.base import DATA_DIR
    from riskgraph.ingest.curated import load_user_dir
    from riskgraph.ingest.resolve import Resolver

    d = _user_dir(tmp_path)
    fresh, cached = load_build([d]), load_build([d])
    assert not fresh.from_cache and cached.from_cache
    assert [n for n, _ in fresh.parts] == [s.key for s in fresh.sources]
    assert [n for n, _ in fresh.parts][-1] == "user:mine"
    assert len(fresh.parts) == len(build_mod.LOADERS) + 1
    assert _ids(cached.parts) == _ids(fresh.parts)
    # each part is what its loader gives on its own (as the store used to re-run them)
    resolver = Resolver()
    for (name, frag), loader in zip(fresh.parts, build_mod.LOADERS, strict=False):
        mod = __import__(f"riskgraph.ingest.{loader}", fromlist=["load"])
        own = mod.load(DATA_DIR, resolver)
        assert (name, list(frag.nodes), list(frag.edges)) == (
            own.source.key, list(own.graph.nodes), list(own.graph.edges))
    user = load_user_dir(d, resolver, known_ids=set(fresh.graph.nodes)).graph
    assert list(fresh.parts[-1][1].edges) == list(user.edges)
    units = units_from_parts(cached.graph, cached.parts)
    assert [u.name for u in units] == ["entities", *[n for n, _ in fresh.parts]]
    def same(us: list) -> list:
        return [(u.name, sorted(u.node_ids), sorted(u.edge_keys)) for u in us]

    assert same(units) == same(units_from_parts(fresh.graph, fresh.parts))
    assert sum(len(u.edge_keys) for u in units) == fresh.graph.number_of_edges()
