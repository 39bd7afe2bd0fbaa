"""Epoch AI accelerator-ownership loader: the real files and broken copies of them."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.ingest import epoch
from riskgraph.ingest.base import DATA_DIR, LoadResult
from riskgraph.ingest.resolve import ENTITIES_DIR, Resolver

COUNTRIES = """iso2,name,name_de,iso3,aliases,source
US,United States,Vereinigte Staaten,USA,,ISO 3166-1
CN,China,China,CHN,People's Republic of China,ISO 3166-1
"""

NVIDIA = "nvidia_owners_cumulative_totals.csv"
MS_Q4_2025 = (
    "Microsoft cumulative Nvidia through Q4 2025,Nvidia,Microsoft,1/1/2022,12/31/2025,3151494,"
)


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Resolver:
    ent = tmp_path_factory.mktemp("reg") / "entities"
    ent.mkdir()
    (ent / "countries.csv").write_text(COUNTRIES, encoding="utf-8")
    shutil.copy(ENTITIES_DIR / "companies.csv", ent / "companies.csv")
    return Resolver(entities_dir=ent)


@pytest.fixture(scope="module")
def result(resolver: Resolver) -> LoadResult:
    return epoch.load(DATA_DIR, resolver)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    shutil.copytree(DATA_DIR / "epoch", tmp_path / "data" / "epoch")
    return tmp_path / "data"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text().splitlines(), 1) if needle in t)


# -- real files ---------------------------------------------------------------------------------


def test_counts(result: LoadResult) -> None:
    g = result.graph
    assert Counter(e.type for e in g.edges.values()) == {"OWNS": 15, "DESIGNS": 4,
                                                                "HEADQUARTERED_IN": 1}
    accs = sorted(n.id for n in g.nodes.values() if n.kind == "accelerator")
    assert accs == ["accelerator:amd-instinct", "accelerator:aws-trainium",
                    "accelerator:google-tpu", "accelerator:nvidia-gpu"]
    assert len(result.files) == 10 + 6  # 6 quarterly files (the flows)
    quarterly = sum(len((DATA_DIR / "epoch" / f).read_text(encoding="utf-8-sig")
                        .strip().splitlines()) - 1
                    for names in epoch.QUARTER_FILES.values() for f in names)
    assert result.rows == 102 + 17 + 12 + 33 + 13 + 8 + 78 + 34 + 59 + 16 + quarterly
    assert len(result.tables["owners"]) == 185
    assert len(result.tables["latest"]) == 15
    assert g.problems() == []


def test_microsoft_nvidia_latest_complete(result: LoadResult) -> None:
    e = result.graph.edges["company:microsoft|OWNS|accelerator:nvidia-gpu|epoch"]
    # nvidia_owners_cumulative_totals.csv line 92: the Q1 2026 row after it is incomplete.
    assert e.props["h100e"] == 3151494
    assert e.props["h100e_p5"] == 2424281
    assert e.props["h100e_p95"] == 4075897
    assert e.props["units"] == 2109969
    assert e.props["power_mw"] == 1866.22
    assert e.as_of == "2025-12-31"
    assert e.props["period_start"] == "2022-01-01"
    assert e.source.endswith("epoch/nvidia_owners_cumulative_totals.csv line 92 "
                             "(Microsoft cumulative Nvidia through Q4 2025)")
    assert e.props["basis"] == "reported (Epoch AI model estimate)"
    assert e.confidence == "reported"
    assert e.props["newer_incomplete_as_of"] == "2026-03-31"
    assert e.props["newer_incomplete_h100e"] == 3323440


def test_weights(result: LoadResult) -> None:
    g = result.graph
    ms_nv = g.edges["company:microsoft|OWNS|accelerator:nvidia-gpu|epoch"].props
    ms_amd = g.edges["company:microsoft|OWNS|accelerator:amd-instinct|epoch"].props
    assert ms_nv["weight"] == pytest.approx(3151494 / (3151494 + 264522), abs=1e-6)
    assert ms_nv["weight"] + ms_amd["weight"] == pytest.approx(1.0, abs=1e-5)
    assert ms_nv["weight_low"] == pytest.approx(2424281 / (2424281 + 358133), abs=1e-6)
    assert ms_nv["weight_high"] == pytest.approx(4075897 / (4075897 + 195584), abs=1e-6)
    assert ms_nv["weight_low"] < ms_nv["weight"] < ms_nv["weight_high"]
    cw = g.edges["company:coreweave|OWNS|accelerator:nvidia-gpu|epoch"].props
    assert cw["weight"] == 1.0 and "weight_low" not in cw
    for fam in ("nvidia-gpu", "amd-instinct", "google-tpu", "aws-trainium"):
        shares = [e.props["sales_share"] for e in g.iter_edges(["OWNS"])
                  if e.dst == f"accelerator:{fam}"]
        assert sum(shares) == pytest.approx(1.0, abs=1e-5)
    owners = {e.src for e in g.iter_edges(["OWNS"])}
    for o in owners:
        total = sum(e.props["weight"] for e in g.iter_edges(["OWNS"]) if e.src == o)
        assert total == pytest.approx(1.0, abs=1e-5)


def test_owners_resolved(result: LoadResult) -> None:
    g = result.graph
    owners = {e.src for e in g.iter_edges(["OWNS"])}
    assert owners == {"company:microsoft", "company:meta", "company:amazon", "company:alphabet",
                      "company:oracle", "company:coreweave", "company:owners-in-cn",
                      "company:other-owners-nvidia-gpu", "company:other-owners-amd-instinct"}
    other = g.nodes["company:other-owners-nvidia-gpu"]
    assert other.props["aggregate"] is True
    assert other.props["excludes"] == (
        "Microsoft, Meta, Amazon, Google, Oracle, China, xAI, CoreWeave"
    )
    assert "company:xai" not in owners


def test_designs_and_accelerators(result: LoadResult) -> None:
    g = result.graph
    designs = {(e.src, e.dst) for e in g.iter_edges(["DESIGNS"])}
    assert designs == {("company:nvidia", "accelerator:nvidia-gpu"),
                       ("company:amd", "accelerator:amd-instinct"),
                       ("company:alphabet", "accelerator:google-tpu"),
                       ("company:amazon", "accelerator:aws-trainium")}
    assert all(e.weight == 1.0 for e in g.iter_edges(["DESIGNS"]))
    nv = g.nodes["accelerator:nvidia-gpu"]
    assert nv.layer == "chips" and nv.as_of == "2025-12-31"
    assert nv.props["sales_h100e"] == 13635969
    assert nv.props["owners_h100e"] == 12897454
    assert nv.props["unattributed_share"] == pytest.approx(1 - 12897454 / 13635969, abs=1e-6)
    assert "B300" in nv.props["chip_types"]


def test_typed_tables(result: LoadResult) -> None:
    owners = result.tables["owners"]
    assert str(owners["end"].dtype).startswith("datetime64")
    assert int(owners["incomplete"].sum()) == 8  # Q1 2026 rows: 6 Nvidia, 1 Other, 1 TPU
    assert str(owners["h100e"].dtype) == "float64"


# -- broken copies ------------------------------------------------------------------------------


def test_missing_column(broken: Path, resolver: Resolver) -> None:
    p = broken / "epoch" / NVIDIA
    _edit(p, "H100e (95th percentile),", "H100e 95,")
    with pytest.raises(IngestError) as ei:
        epoch.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line 1, column 'H100e (95th percentile)': missing column "
        "'H100e (95th percentile)'; did you mean 'H100e (5th percentile)'?"
    )


def test_bad_number(broken: Path, resolver: Resolver) -> None:
    p = broken / "epoch" / NVIDIA
    _edit(p, MS_Q4_2025, MS_Q4_2025.replace("3151494", "3.1M"))
    with pytest.raises(IngestError) as ei:
        epoch.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line 92, column 'Compute estimate in H100e (median)': not a number: '3.1M'"
    )


def test_percentiles_out_of_order(broken: Path, resolver: Resolver) -> None:
    p = broken / "epoch" / NVIDIA
    _edit(p, MS_Q4_2025 + "2424281,4075897", MS_Q4_2025 + "3424281,4075897")
    with pytest.raises(IngestError) as ei:
        epoch.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line 92, column 'H100e (5th percentile)': percentiles out of order: "
        "5th 3424281, median 3151494, 95th 4075897"
    )


def test_bad_date(broken: Path, resolver: Resolver) -> None:
    p = broken / "epoch" / NVIDIA
    _edit(p, "Microsoft,1/1/2022,12/31/2025", "Microsoft,1/1/2022,2025-12-31")
    with pytest.raises(IngestError) as ei:
        epoch.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line 92, column 'End date': not a date (M/D/YYYY): '2025-12-31'"
    )


def test_unknown_owner(broken: Path, resolver: Resolver) -> None:
    p = broken / "epoch" / "amd_owners_cumulative_totals.csv"
    _edit(p, "AMD,Oracle,1/1/2024", "AMD,Oracel,1/1/2024")
    line = _line_of(p, "Oracel")
    with pytest.raises(IngestError) as ei:
        epoch.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line {line}, column 'Owner': unknown owner 'Oracel': neither a company nor a "
        "country in the registry; did you mean 'oracle'?"
    )


def test_unknown_country_owner(broken: Path, resolver: Resolver) -> None:
    p = broken / "epoch" / "amd_owners_cumulative_totals.csv"
    _edit(p, "AMD,China,1/1/2024", "AMD,Narnia,1/1/2024")
    line = _line_of(p, "Narnia")
    with pytest.raises(IngestError) as ei:
        epoch.load(broken, resolver)
    assert str(ei.value).startswith(
        f"{p}, line {line}, column 'Owner': unknown owner 'Narnia': neither a company nor a "
        "country in the registry"
    )


def test_wrong_manufacturer(broken: Path, resolver: Resolver) -> None:
    p = broken / "epoch" / NVIDIA
    _edit(p, "Microsoft cumulative Nvidia through Q4 2025,Nvidia,",
          "Microsoft cumulative Nvidia through Q4 2025,AMD,")
    with pytest.raises(IngestError) as ei:
        epoch.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line 92, column 'Chip manufacturer': chip manufacturer 'AMD', expected 'Nvidia' "
        "in this file"
    )


def test_duplicate_row(broken: Path, resolver: Resolver) -> None:
    p = broken / "epoch" / NVIDIA
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    with p.open("a", encoding="utf-8") as fh:
        fh.write(lines[91])
    with pytest.raises(IngestError) as ei:
        epoch.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line {len(lines) + 1}: duplicate row: Microsoft through 2025-12-31 (same as "
        f"{p} line 92)"
    )


def test_empty_file(broken: Path, resolver: Resolver) -> None:
    p = broken / "epoch" / "tpu_owners_cumulative_totals.csv"
    p.write_text("", encoding="utf-8")
    with pytest.raises(IngestError) as ei:
        epoch.load(broken, resolver)
    assert str(ei.value) == f"{p}: empty file"


def test_header_only(broken: Path, resolver: Resolver) -> None:
    p = broken / "epoch" / "sales_amd_cumulative_by_chip.csv"
    p.write_text(p.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as ei:
        epoch.load(broken, resolver)
    assert str(ei.value) == f"{p}: no data rows"


def test_missing_file(broken: Path, resolver: Resolver) -> None:
    p = broken / "epoch" / "coreweave_owners_cumulative_totals.csv"
    p.unlink()
    with pytest.raises(IngestError) as ei:
        epoch.load(broken, resolver)
    assert str(ei.value) == f"{p}: file not found"


def test_real_registry() -> None:
    """With the shipped registry: China -> aggregate owner node in CN; the fragment is valid."""
    res = epoch.load(DATA_DIR, Resolver())
    assert res.graph.problems() == []
    assert "company:owners-in-cn|OWNS|accelerator:nvidia-gpu|epoch" in res.graph.edges
    assert "company:owners-in-cn|HEADQUARTERED_IN|country:CN|epoch" in res.graph.edges
    owns = [e for e in res.graph.edges.values() if e.type == "OWNS"]
    assert not [e for e in owns if e.src.startswith("country:")]
