"""Parquet (issue 15 item 6): `riskgraph export parquet`, and the columnar path reading the files
into exactly the arrays it reads from the CSVs, with the same errors (named by record)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from riskgraph.engine.columnar import load_dir
from riskgraph.errors import IngestError
from riskgraph.export.parquet import convert_csv_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import generate  # noqa: E402

HEADER = ("from,to,type,weight,weight_low,weight_high,sales_share,substitutability,source,"
          "as_of,confidence,rationale\n")
NODES = ("id,kind,name,layer,roles,aliases,source,as_of,confidence,rationale\n"
         "mineral:m1,mineral,M1,,,,t,2025,reported,\n"
         "company:a,company,A,,foundry,,t,2025,reported,\n"
         "company:b,company,B,,,,t,2025,reported,\n")


def _same(a: object, b: object) -> None:
    for f in ("ids", "kind", "sup", "cus", "arc_type"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f
    for f in ("weight", "subst", "sales_share"):
        assert np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True), f


def test_generated_map_same_arrays_and_numbers(tmp_path: Path) -> None:
    src, dst = tmp_path / "csv", tmp_path / "pq"
    g = generate.write(src, 500, 4000, seed=11, cycle_every=100)
    rep = convert_csv_dir(src, dst)
    assert rep.rows == {"nodes.parquet": g.nodes, "links.parquet": g.links}
    t = pq.read_table(dst / "links.parquet")
    assert t.schema.field("weight").type == pa.float64()
    a, b = load_dir(src), load_dir(dst)
    _same(a, b)
    target = str(a.ids[a.kind == 1][0])
    assert np.array_equal(a.shock(target, 40), b.shock(target, 40))


def test_percent_weights_stay_text_and_parse_the_same(tmp_path: Path) -> None:
    src, dst = tmp_path / "csv", tmp_path / "pq"
    src.mkdir()
    (src / "m_nodes.csv").write_text(NODES)
    (src / "m_links.csv").write_text(HEADER + "mineral:m1,company:a,INPUT_TO,40%,,,,,t,2025,"
                                     "reported,\ncompany:a,company:b,MANUFACTURES,0.5,,,,0.1,t,"
                                     "2025,reported,\n")
    convert_csv_dir(src, dst)
    assert pq.read_table(dst / "m_links.parquet").schema.field("weight").type == pa.string()
    a, b = load_dir(src), load_dir(dst)
    _same(a, b)
    assert b.weight.tolist() == [0.4, 0.5]


def test_bad_row_named_by_record(tmp_path: Path) -> None:
    src, dst = tmp_path / "csv", tmp_path / "pq"
    src.mkdir()
    (src / "m_nodes.csv").write_text(NODES)
    (src / "m_links.csv").write_text(HEADER + "mineral:m1,company:a,INPUT_TO,0.4,,,,,t,2025,"
                                     "reported,\ncompany:a,company:x,SUPPLIES,0.5,,,,,t,2025,"
                                     "reported,\n")
    convert_csv_dir(src, dst)
    with pytest.raises(IngestError) as csv_err:
        load_dir(src)
    with pytest.raises(IngestError) as pq_err:
        load_dir(dst)
    assert csv_err.value.row == 3 and pq_err.value.row == 2  # line 3 = record 2
    assert csv_err.value.reason == pq_err.value.reason
    assert "company:x" in pq_err.value.reason and pq_err.value.column == "to"


def test_cli_export_parquet_of_the_shipped_graph(tmp_path: Path) -> None:
    out = tmp_path / "pq"
    r = subprocess.run([sys.executable, "-m", "riskgraph", "export", "parquet", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    nodes = pq.read_table(out / "nodes.parquet")
    links = pq.read_table(out / "links.parquet")
    assert nodes.num_rows > 500 and links.num_rows > 3000
    assert set(links.column("type").to_pylist()) >= {"PRODUCES", "SUPPLIES"}
    assert all(links.column("source").to_pylist())  # every link cites its source
    r = subprocess.run([sys.executable, "-m", "riskgraph", "export", "parquet", str(out / "x"),
                        "--map", str(tmp_path / "missing")], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    json.dumps(r.stderr)
