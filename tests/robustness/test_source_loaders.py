"""Broken copies of the shipped source files: every loader ends in IngestError, never a crash.

Each case copies ``ingest/data`` to a temporary folder, damages one file and runs that source's
loader.  (The loaders' own test files check real data and many specific messages; this is the
cross-cutting sweep: empty, header only, latin-1, semicolons, truncated.)
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.ingest.base import DATA_DIR
from riskgraph.ingest.resolve import Resolver


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver()


def _header_only(b: bytes) -> bytes:
    return b.split(b"\n", 1)[0] + b"\n"


MUTATIONS: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda b: b"",
    "header_only": _header_only,
    "latin1": lambda b: _header_only(b) + "Société,Ünïon,é\n".encode("latin-1"),
    "semicolons": lambda b: b.replace(b",", b";"),
}

# (loader, file under ingest/data): one representative file per source
USGS = sorted((DATA_DIR / "usgs").rglob("*.csv"))[0].relative_to(DATA_DIR)
FILES = [
    ("cset", "cset/sequence.csv"),
    ("cset", "cset/provision.csv"),
    ("epoch", "epoch/nvidia_owners_cumulative_totals.csv"),
    ("usgs", str(USGS)),
    ("curated", "curated/links.csv"),
]


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize(("loader", "rel"), FILES)
def test_damaged_source_file_gives_ingest_error(tmp_path: Path, resolver: Resolver, loader: str,
                                                rel: str, mutation: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    target = data / rel
    target.write_bytes(MUTATIONS[mutation](target.read_bytes()))
    mod = importlib.import_module(f"riskgraph.ingest.{loader}")
    with pytest.raises(IngestError) as ei:
        mod.load(data, resolver)
    assert ei.value.path.startswith(str(data))


def test_cset_sequence_header_only_is_named(tmp_path: Path, resolver: Resolver) -> None:
    # used to end in a pandas KeyError ('line' not found in columns)
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    seq = data / "cset" / "sequence.csv"
    seq.write_bytes(_header_only(seq.read_bytes()))
    from riskgraph.ingest import cset

    with pytest.raises(IngestError) as ei:
        cset.load(data, resolver)
    assert str(ei.value) == f"{seq}: no data rows"


@pytest.mark.parametrize("fname", ["countries.csv", "minerals.csv", "companies.csv"])
@pytest.mark.parametrize("mutation", ["latin1", "semicolons", "empty"])
def test_damaged_registry_file_gives_ingest_error(tmp_path: Path, fname: str,
                                                  mutation: str) -> None:
    # a latin-1 registry file used to end in a UnicodeDecodeError
    ent = tmp_path / "entities"
    shutil.copytree(DATA_DIR / "entities", ent)
    (ent / fname).write_bytes(MUTATIONS[mutation]((ent / fname).read_bytes()))
    with pytest.raises(IngestError) as ei:
        Resolver(ent)
    assert ei.value.path == str(ent / fname)


def test_registry_file_with_bom_loads(tmp_path: Path) -> None:
    ent = tmp_path / "entities"
    shutil.copytree(DATA_DIR / "entities", ent)
    p = ent / "minerals.csv"
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    assert Resolver(ent).lookup("gallium", "mineral") == "mineral:gallium"
