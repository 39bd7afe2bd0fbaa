"""A user's node name shadowed by a registry spelling ("BB" is also Barbados' ISO code) is an
ambiguity error naming both ids, never a silent link to the country."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.ingest import curated
from riskgraph.ingest.resolve import Resolver

from .conftest import LINK_HEADER, NODE_HEADER, write_dir


def test_a_user_node_name_is_not_silently_taken_for_a_country_code(tmp_path: Path) -> None:
    nodes = NODE_HEADER + "".join(
        f"company:{s},company,{s.upper()},,network,,ledger,2025,reported,\n" for s in ("aa", "bb"))
    links = LINK_HEADER + "AA,BB,SUPPLIES,0.5,,,,,ledger,2025,reported,\n"
    folder = write_dir(tmp_path, nodes, links)
    with pytest.raises(IngestError) as ei:
        curated.load_user_dir(folder, Resolver())
    assert ei.value.reason == ("ambiguous name 'BB': it names company:bb and country:BB; "
                               "write the id instead")
    assert (ei.value.row, ei.value.column) == (2, "to")


def test_the_id_resolves_the_ambiguity(tmp_path: Path) -> None:
    nodes = NODE_HEADER + "".join(
        f"company:{s},company,{s.upper()},,network,,ledger,2025,reported,\n" for s in ("aa", "bb"))
    links = LINK_HEADER + "AA,company:bb,SUPPLIES,0.5,,,,,ledger,2025,reported,\n"
    r = curated.load_user_dir(write_dir(tmp_path, nodes, links), Resolver())
    (e,) = r.graph.edges.values()
    assert (e.src, e.dst) == ("company:aa", "company:bb")
