"""Hypothesis fuzzing of the loaders: any input ends in a value or an IngestError, nothing else.

Example counts are modest so the suite stays fast (``RISKGRAPH_FUZZ_EXAMPLES=2000`` for a long
run); the seed is derandomized so CI is reproducible.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskgraph.engine.columnar import load_dir
from riskgraph.engine.compile import compile_graph
from riskgraph.engine.defaults import load_defaults
from riskgraph.engine.iim import inoperability
from riskgraph.engine.shock import _with_exogenous
from riskgraph.errors import IngestError
from riskgraph.ingest import curated
from riskgraph.ingest.base import parse_number, read_csv_rows
from riskgraph.ingest.resolve import Resolver

from .conftest import LINK_HEADER, NODE_HEADER

N = int(os.environ.get("RISKGRAPH_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=N, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
RESOLVER = Resolver()


# -- parse_number ------------------------------------------------------------------------------
NUMBERISH = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A[ +-]?[0-9,. ]{0,12}(e[+-]?[0-9]{1,4})?%?\Z"),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["W", "NA", "n.a.", "--", "—", "nan", "inf", "1e400", "-0", "1,234.5",
                     "\u00a012", "١٢", "½", "0x10", "1_000"]),
)


@FUZZ
@given(raw=NUMBERISH, minimum=st.sampled_from([None, 0.0]),
       maximum=st.sampled_from([None, 1.0, 100.0]))
def test_parse_number_returns_a_finite_number_none_or_ingest_error(
        raw: str, minimum: float | None, maximum: float | None) -> None:
    try:
        v = parse_number(raw, path="f.csv", row=2, column="x", minimum=minimum, maximum=maximum)
    except IngestError as e:
        assert str(e).startswith("f.csv, line 2, column 'x': ")
        return
    if v is not None:
        assert math.isfinite(v)
        assert minimum is None or v >= minimum
        assert maximum is None or v <= maximum


# -- read_csv_rows -------------------------------------------------------------------------------
CSV_CHARS = st.sampled_from(list('ab,"\n\r \t;x1é\ufeff\x0c\u2028\x00'))


@FUZZ
@given(text=st.text(CSV_CHARS, max_size=80) | st.binary(max_size=80))
def test_read_csv_rows_never_raises_anything_else(text: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.csv"
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text("a,b\n" + text, encoding="utf-8")
        try:
            header, rows = read_csv_rows(p, ["a"])
        except IngestError as e:
            assert e.path == str(p)
            return
        lines = [n for n, _ in rows]
        assert lines == sorted(lines) and len(set(lines)) == len(lines)
        for _, r in rows:
            assert set(r) == set(header)


# -- the curated loader and the columnar loader on generated CSV text --------------------------
IDS = ["company:f-a", "company:f-b", "company:f-c", "input:part-x", "country:XQ"]
ENDS = st.sampled_from(IDS + ["company:nobody", "", " company:f-a ", "F A", "f-b"])
TYPES = st.sampled_from(["SUPPLIES", "INPUT_TO", "PROVIDES", "RUNS_ON", "OWNS", "DESIGNS",
                         "INVESTS_IN", "supplies", "SUPPLY", ""])
FRACS = st.one_of(
    st.sampled_from(["", "0", "1", "0.5", "0.25", "40%", "100%", "120%", "-0.1", "nan", "W",
                     "1e999", "abc", " 0.3 ", "1,5"]),
    st.floats(min_value=0, max_value=1).map(lambda x: f"{x:.3g}"),
)
TEXT = st.sampled_from(["ledger", "", "'}) DETACH DELETE n //", "<script>x</script>",
                        '"quoted, with comma"', '"two\nlines"'])
WILD = [ENDS, ENDS, TYPES, FRACS, FRACS, FRACS, FRACS, FRACS, TEXT,
        st.sampled_from(["2025", "2025-06", "someday", ""]),
        st.sampled_from(["reported", "estimated", "rumour"]), TEXT]


@st.composite
def _row(draw: st.DrawFn) -> tuple[str, ...]:
    """A valid link row, or (half the time) one with a single field replaced by a wild value."""
    a, b = draw(st.permutations(IDS))[:2]
    typ = draw(st.sampled_from(["SUPPLIES", "INPUT_TO", "PROVIDES", "RUNS_ON", "OWNS",
                                "DESIGNS", "INVESTS_IN"]))
    w = "" if typ == "INVESTS_IN" else draw(st.sampled_from(["0.5", "1", "0", "40%", "0.125"]))
    row = [a, b, typ, w, "", "", draw(st.sampled_from(["", "0.3", "1"])),
           draw(st.sampled_from(["", "0.2", "0"])), draw(TEXT.filter(bool)), "2025",
           "reported", draw(TEXT)]
    if draw(st.booleans()):
        i = draw(st.integers(0, len(row) - 1))
        row[i] = draw(WILD[i])
    return tuple(row)


ROW = _row()

NODES = NODE_HEADER + "".join(
    f"{i},{i.partition(':')[0]},{i.partition(':')[2].upper().replace('-', ' ')},,"
    f"{'network' if i.startswith('company') else ''},,fuzz,2025,reported,\n" for i in IDS)


def _links_text(rows: list[tuple[str, ...]]) -> str:
    return LINK_HEADER + "".join(",".join(r) + "\n" for r in rows)


def _curated_q(folder: Path, target: str) -> dict[str, float] | None:
    try:
        g = curated.load_user_dir(folder, RESOLVER).graph
    except IngestError:
        return None
    cg = compile_graph(g)
    p = load_defaults()
    vals = cg.arc_astar(cg.arc_weights(p), cg.arc_subst(p), cg.buffers(p))
    c = np.zeros(cg.n)
    c[cg.index[target]] = 0.5
    c = _with_exogenous(cg, vals, c, False)
    M = cg.matrix(np.where(cg.exogenous, np.nan, vals))
    q = inoperability(M, c)
    return {cg.ids[i]: float(q[i]) for i in range(cg.n)}


@settings(FUZZ, max_examples=N + N // 3)
@given(rows=st.lists(ROW, min_size=0, max_size=6))
def test_curated_and_columnar_loaders_fail_cleanly_or_agree(rows: list[tuple[str, ...]]) -> None:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "f_nodes.csv").write_text(NODES, encoding="utf-8")
        (folder / "f_links.csv").write_text(_links_text(rows), encoding="utf-8")
        want = _curated_q(folder, "company:f-a")  # None: IngestError
        try:
            g = load_dir(folder)
        except IngestError as e:
            assert e.path.startswith(d)
            # the columnar loader only refuses what the curated one refuses, or names
            if want is not None:
                assert "unknown node" in e.reason
            return
        assert want is not None, "the columnar loader accepted a file the curated one refused"
        q = g.shock("company:f-a", 50)
        got = {str(i): float(x) for i, x in zip(g.ids, q, strict=True)}
        for k, v in want.items():
            assert abs(got.get(k, 0.0) - v) < 1e-12
