"""The Spark engine (riskgraph.engine.spark) in Spark local mode: the columnar engine's numbers to
1e-9 on generated maps (CSV and Parquet, downstream and upstream) and on a hand-made map with
every rule (flows both ways, DESIGNS, an arc into a country, two types on one pair, percents)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from riskgraph.engine import spark as rs
from riskgraph.engine.columnar import ColumnarGraph, load_dir
from riskgraph.errors import IngestError, UsageError
from riskgraph.export.parquet import convert_csv_dir

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

# Spark starts a JVM (about 50 s of the suite): part of `make test`, not of `make unit`.
pytestmark = pytest.mark.slow

NODE_HEADER = "id,kind,name,layer,roles,aliases,source,as_of,confidence,rationale\n"
LINK_HEADER = ("from,to,type,weight,weight_low,weight_high,sales_share,substitutability,"
               "source,as_of,confidence,rationale\n")
NODES = NODE_HEADER + "".join(
    f"{i},{i.partition(':')[0]},{i},,,,test map,2025,reported,\n"
    for i in ["country:XA", "mineral:m1", "input:wafer-x", "company:fab", "company:chipco",
              "company:cloudco", "company:labco", "company:packer", "accelerator:xpu"])


def _l(frm: str, to: str, typ: str, w: str, sales: str = "", subst: str = "") -> str:
    return f"{frm},{to},{typ},{w},,,{sales},{subst},test map,2025,reported,\n"


LINKS = LINK_HEADER + "".join([
    _l("country:XA", "mineral:m1", "PRODUCES", "0.8", "0.5"),
    _l("mineral:m1", "input:wafer-x", "INPUT_TO", "90%", "0.3", "0.1"),
    _l("input:wafer-x", "company:fab", "INPUT_TO", "0.7", "0.9"),
    _l("company:fab", "company:chipco", "SUPPLIES", "0.6", "0.4", "0.2"),
    _l("company:fab", "company:chipco", "MANUFACTURES", "0.9", "0.2"),
    _l("company:chipco", "accelerator:xpu", "DESIGNS", "1", "1"),
    _l("company:packer", "accelerator:xpu", "PACKAGES", "0.5", "0.3"),
    _l("company:cloudco", "accelerator:xpu", "OWNS", "0.8", "0.6"),
    _l("company:labco", "company:cloudco", "RUNS_ON", "0.7", "0.5"),
    _l("company:chipco", "company:fab", "SUPPLIES", "0.1", "0.05"),  # a cycle
    _l("company:chipco", "country:XA", "SUPPLIES", "0.3", "0.1"),  # into a country: left out
    _l("company:cloudco", "company:labco", "INVESTS_IN", "", ""),
])


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    s = rs.session("local[2]", partitions=2)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    csv_dir = tmp_path_factory.mktemp("gen-csv")
    generate.write(csv_dir, 400, 3000, seed=7, cycle_every=50)
    pq_dir = tmp_path_factory.mktemp("gen-parquet")
    convert_csv_dir(csv_dir, pq_dir)
    return csv_dir, pq_dir


def _same(g: ColumnarGraph, targets: str | list[str], direction: str, got: rs.SparkShock
          ) -> None:
    want, iterations = g.shock(targets, 50, direction=direction, return_iterations=True)
    d = got.to_dict()
    q = np.array([d.get(str(i), 0.0) for i in g.ids])
    assert set(d) <= set(g.ids.tolist())
    assert np.abs(q - want).max() <= 1e-9
    assert (q > 0).sum() == (want > 0).sum() > 1
    assert got.iterations == iterations
    assert got.nodes == g.n


def test_generated_map_csv_downstream(spark: object, generated: tuple[Path, Path]) -> None:
    g = load_dir(generated[0])
    target = "mineral:mineral-1"
    got = rs.shock(generated[0], target, 50, spark=spark)
    _same(g, target, "downstream", got)
    assert got.iterations > 5  # a real fixed point, through the tiers and the cycles
    top = got.top(3)
    assert top[0] == (target, 0.5) or top[0][1] >= 0.5


def test_generated_map_parquet_upstream(spark: object, generated: tuple[Path, Path]) -> None:
    g = load_dir(generated[0])
    labs = [str(i) for i in g.ids if str(i).startswith("company:lab-")]
    got = rs.shock(generated[1], labs[0], 50, direction="upstream", spark=spark)
    _same(g, labs[0], "upstream", got)


def test_hand_made_map_every_rule(spark: object, tmp_path: Path) -> None:
    (tmp_path / "m_nodes.csv").write_text(NODES)
    (tmp_path / "m_links.csv").write_text(LINKS)
    g = load_dir(tmp_path)
    targets = ["mineral:m1", "company:chipco"]
    got = rs.shock(tmp_path, targets, 50, spark=spark)
    _same(g, targets, "downstream", got)
    d = got.to_dict()
    assert d["accelerator:xpu"] >= 0.5  # DESIGNS passes the designer's own shock on
    assert "country:XA" not in d  # the arc into the country is left out


def test_errors(spark: object, tmp_path: Path, generated: tuple[Path, Path]) -> None:
    with pytest.raises(UsageError, match="did you mean 'mineral:mineral-1"):
        rs.shock(generated[0], "mineral:mineral-1x", 50, spark=spark)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "m_nodes.csv").write_text(NODES)
    (bad / "m_links.csv").write_text(LINKS.replace("PACKAGES", "PACKAGE"))
    with pytest.raises(IngestError, match="unknown relationship type 'PACKAGE'.*PACKAGES"):
        rs.shock(bad, "mineral:m1", 50, spark=spark)
    with pytest.raises(UsageError, match="pct"):
        rs.shock(generated[0], "mineral:mineral-1", 0, spark=spark)
