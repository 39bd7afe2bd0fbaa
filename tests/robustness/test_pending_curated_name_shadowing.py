"""PENDING (ingest/curated.py is not the robustness engineer's to edit): a user's node name
shadowed by a registry spelling.

A user folder defines ``company:bb`` named "BB" and writes the link ``AA,BB,SUPPLIES``.  The
curated loader resolves a bare name through the entity registry BEFORE the user's own nodes, and
"BB" is Barbados' ISO code: the link silently becomes ``company:aa -> country:BB`` (then dropped
by the engine as an arc into a country), so a shock on AA never reaches the user's BB.
``riskgraph show BB`` meanwhile finds ``company:bb``.  Expected: the user's own node wins, or the
load fails with "ambiguous name 'BB': it names company:bb and country:BB; write the id".
"""

from __future__ import annotations

from pathlib import Path

from riskgraph.ingest import curated
from riskgraph.ingest.resolve import Resolver

from riskgraph.errors import IngestError

from .conftest import LINK_HEADER, NODE_HEADER, write_dir


def test_a_user_node_name_is_not_silently_taken_for_a_country_code(tmp_path: Path) -> None:
    nodes = NODE_HEADER + "".join(
        f"company:{s},company,{s.upper()},,network,,ledger,2025,reported,\n" for s in ("aa", "bb"))
    links = LINK_HEADER + "AA,BB,SUPPLIES,0.5,,,,,ledger,2025,reported,\n"
    folder = write_dir(tmp_path, nodes, links)
    try:
        r = curated.load_user_dir(folder, Resolver())
    except IngestError as e:
        assert "ambiguous" in e.reason and "company:bb" in e.reason
        return
    (e,) = r.graph.edges.values()
    assert (e.src, e.dst) == ("company:aa", "company:bb")
