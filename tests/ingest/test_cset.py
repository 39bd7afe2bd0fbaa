"""CSET ETO supply-chain loader: the real files and broken copies of them."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.ingest import cset
from riskgraph.ingest.base import DATA_DIR, LoadResult
from riskgraph.ingest.resolve import ENTITIES_DIR, Resolver

# ISO alpha-3 codes CSET uses (providers.csv), as a small registry fixture.
COUNTRIES = """iso2,name,name_de,iso3,aliases,source
US,United States,Vereinigte Staaten,USA,United States of America,ISO 3166-1
CN,China,China,CHN,,ISO 3166-1
KR,South Korea,Südkorea,KOR,"Korea, Republic of",ISO 3166-1
JP,Japan,Japan,JPN,,ISO 3166-1
TW,Taiwan,Taiwan,TWN,,ISO 3166-1
DE,Germany,Deutschland,DEU,,ISO 3166-1
IT,Italy,Italien,ITA,,ISO 3166-1
NL,Netherlands,Niederlande,NLD,,ISO 3166-1
MY,Malaysia,Malaysia,MYS,,ISO 3166-1
SG,Singapore,Singapur,SGP,,ISO 3166-1
CH,Switzerland,Schweiz,CHE,,ISO 3166-1
AT,Austria,Österreich,AUT,,ISO 3166-1
SE,Sweden,Schweden,SWE,,ISO 3166-1
GB,United Kingdom,Vereinigtes Königreich,GBR,,ISO 3166-1
FR,France,Frankreich,FRA,,ISO 3166-1
IL,Israel,Israel,ISR,,ISO 3166-1
BY,Belarus,Belarus,BLR,,ISO 3166-1
CZ,Czechia,Tschechien,CZE,Czech Republic,ISO 3166-1
CA,Canada,Kanada,CAN,,ISO 3166-1
LU,Luxembourg,Luxemburg,LUX,,ISO 3166-1
HU,Hungary,Ungarn,HUN,,ISO 3166-1
"""


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Resolver:
    ent = tmp_path_factory.mktemp("reg") / "entities"
    ent.mkdir()
    (ent / "countries.csv").write_text(COUNTRIES, encoding="utf-8")
    shutil.copy(ENTITIES_DIR / "companies.csv", ent / "companies.csv")
    return Resolver(entities_dir=ent)


@pytest.fixture(scope="module")
def result(resolver: Resolver) -> LoadResult:
    return cset.load(DATA_DIR, resolver)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A writable copy of ingest/data/cset under tmp_path/data; returns tmp_path/data."""
    shutil.copytree(DATA_DIR / "cset", tmp_path / "data" / "cset")
    return tmp_path / "data"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- real files ---------------------------------------------------------------------------------


def test_counts(result: LoadResult) -> None:
    g = result.graph
    kinds = Counter(n.kind for n in g.nodes.values())
    rels = Counter(e.type for e in g.edges.values())
    assert kinds["stage"] == 3
    assert kinds["input"] == 126
    assert kinds["country"] == 21
    assert len(result.tables["providers"]) == 396  # 403 rows, firms listed once per alias
    assert int(result.tables["providers"]["aggregate"].sum()) == 3
    assert len(result.tables["provision"]) == 1300
    assert rels["PROVIDES"] == 1161  # 1300 minus 139 rows of aggregate providers
    assert rels["GOES_INTO"] == 53 and "INPUT_TO" not in rels  # the sequence: non-propagating
    assert rels["IS_TYPE_OF"] == 86
    firms = result.tables["providers"]
    firms = firms[(firms["provider_type"] == "organization") & ~firms["aggregate"]]
    assert len(firms) == 372
    assert kinds["company"] == 372  # one node per CSET firm, registry or new
    # the company registry grows; at least the 18 firms it knew at the start resolve to it
    assert int(firms["registry"].sum()) >= 18
    assert rels["HEADQUARTERED_IN"] == int((~firms["registry"]).sum())  # one per new firm
    assert result.rows == 3 + 126 + 139 + 403 + 1300
    assert g.problems() == []


def test_provides_weight_and_provenance(result: LoadResult) -> None:
    e = result.graph.edges["company:asml|PROVIDES|input:euv-lithography-tools|2025"]
    assert e.weight == 1.0
    assert e.props["share_pct"] == 100.0
    assert e.props["newest"] is True
    assert e.as_of == "2025"
    assert e.confidence == "reported"
    assert e.source.startswith("CSET analysis of TechInsights data (2025).")
    assert e.source.endswith("cset/provision.csv line 45")
    usa = result.graph.edges["country:US|PROVIDES|stage:design|2022"]
    assert usa.weight == pytest.approx(0.51)
    assert "the row cites no source" in usa.source


def test_provider_without_share_has_no_weight(result: LoadResult) -> None:
    e = result.graph.edges["company:tsmc|PROVIDES|input:photomasks|2019"]
    assert e.weight is None
    assert e.props["share_basis"] == "provider named, no share in source"
    unweighted = [x for x in result.graph.iter_edges(["PROVIDES"]) if x.weight is None]
    assert len(unweighted) == 246


def test_registry_and_new_firms(result: LoadResult) -> None:
    g = result.graph
    assert "company:asml" in g and "registry" in g.nodes["company:asml"].source
    canon = g.nodes["company:canon"]
    assert set(canon.aliases) == {"Canon ANELVA", "Canon Machinery"}
    assert canon.source == "CSET ETO Supply Chain Explorer, cset/providers.csv line 153"
    assert canon.props["country"] == "JP"
    assert "equipment" in canon.roles
    hq = g.edges["company:canon|HEADQUARTERED_IN|country:JP|cset"]
    assert hq.dst == "country:JP"
    assert "company:various-companies" not in g


def test_inputs_layers_and_edges(result: LoadResult) -> None:
    g = result.graph
    wafer = g.nodes["input:wafer"]
    assert wafer.layer == "inputs" and wafer.props["cset_id"] == "N26"
    assert wafer.props["market_size"] == "$10.9 billion"
    assert g.nodes["input:ai-asics"].layer == "chips"
    assert g.nodes["input:chip-design"].layer == "chips"
    seq = g.edges["input:crystal-growing-furnaces|GOES_INTO|input:wafer|cset"]
    assert seq.weight is None and seq.props["weight_basis"] == "none in source"
    isa = g.edges["input:euv-lithography-tools|IS_TYPE_OF|input:lithography-tools|cset"]
    assert isa.source.endswith("cset/sequence.csv line 4")
    own = g.edges["input:chip-design|PART_OF|stage:design|cset"]
    assert own.props["basis"] == "inputs.csv stage_id"
    derived = g.edges["input:euv-lithography-tools|PART_OF|stage:fabrication|cset"]
    assert derived.props["basis"].startswith("derived: cset/sequence.csv lines 4, ")


def test_aggregates_recorded_on_target(result: LoadResult) -> None:
    props = result.graph.nodes["input:deposition-tools"].props
    assert "Various companies: 5.1% (2025)" in props["aggregate_providers"]
    assert "EUR: 10% (2022)" in result.graph.nodes["stage:design"].props["aggregate_providers"]


def test_share_overshoot_warnings(result: LoadResult) -> None:
    assert result.warnings == [
        "cset/provision.csv: shares of countries for N6 'Logic chip design' in 2022 add up "
        "to 101% (kept; rounding in the source)",
        "cset/provision.csv: shares of countries for N84 'Electronic design automation "
        "software' in 2019 add up to 102% (kept; rounding in the source)",
        "cset/provision.csv: shares of countries for S1 'Design' in 2022 add up to 101% "
        "(kept; rounding in the source)",
        "cset/provision.csv: shares of countries for S2 'Fabrication' in 2022 add up to 101% "
        "(kept; rounding in the source)",
    ]
    checks = result.tables["share_checks"]
    assert (checks["status"] == "warning").sum() == 4
    assert checks["share_sum_pct"].max() == pytest.approx(102.0)


def test_typed_tables(result: LoadResult) -> None:
    prov = result.tables["provision"]
    assert str(prov["share_pct"].dtype) == "float64"
    assert str(prov["year"].dtype) == "int64"
    assert sorted(prov["year"].unique().tolist()) == [2019, 2021, 2022, 2025]
    assert int(prov["share_pct"].isna().sum()) == 246


# -- broken copies ------------------------------------------------------------------------------


def test_missing_column(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "provision.csv"
    _edit(p, "share_provided,year", "share,year")
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line 1, column 'share_provided': missing column 'share_provided'; "
        "did you mean 'provider_id'?"
    )


def test_bad_number(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "provision.csv"
    _edit(p, "N55,2.4,2025", "N55,2.4x,2025")
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    assert str(ei.value) == f"{p}, line 2, column 'share_provided': not a number: '2.4x'"


def test_share_above_100(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "provision.csv"
    _edit(p, "N55,2.4,2025", "N55,240,2025")
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    assert str(ei.value) == f"{p}, line 2, column 'share_provided': '240' is above 100"


def test_unknown_country(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "providers.csv"
    _edit(p, "ACM Research,,P313,organization,USA", "ACM Research,,P313,organization,XYZ")
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    line = next(i for i, t in enumerate(p.read_text().splitlines(), 1) if "P313" in t)
    assert str(ei.value) == (
        f"{p}, line {line}, column 'country': unknown country 'XYZ' "
        "(add it to entities/ if it is real)"
    )


def test_unknown_country_provider(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "providers.csv"
    _edit(p, "LUX,Luxembourg,P371,country,", "LUXX,Luxembourg,P371,country,")
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line 360, column 'provider_name': unknown country 'LUXX'; did you mean 'lux' or "
        "'lu'? (add it to entities/ if it is real)"
    )


def test_duplicate_provision_row(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "provision.csv"
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    n = len(lines) + 1
    with p.open("a", encoding="utf-8") as fh:
        fh.write(lines[1])
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line {n}: duplicate row: P313 for N55 in 2025 (same as line 2)"
    )


def test_duplicate_provider_row(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "providers.csv"
    with p.open("a", encoding="utf-8") as fh:
        fh.write("Canon,Canon ANELVA,P159,organization,JPN\n")
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    assert str(ei.value) == f"{p}, line 405: duplicate row for P159 (same as line 153)"


def test_empty_file(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "stages.csv"
    p.write_text("", encoding="utf-8")
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    assert str(ei.value) == f"{p}: empty file"


def test_header_only_file(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "provision.csv"
    p.write_text(p.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    assert str(ei.value) == f"{p}: no data rows"


def test_missing_file(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "sequence.csv"
    p.unlink()
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    assert str(ei.value) == f"{p}: file not found"


def test_unknown_input_id(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "sequence.csv"
    _edit(p, "Crystal growing furnaces,N8,Wafer,N26", "Crystal growing furnaces,N8,Wafer,N999")
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line 2, column 'goes_into_id': unknown input id 'N999' (not in inputs.csv)"
    )


def test_shares_far_above_100_fail(broken: Path, resolver: Resolver) -> None:
    p = broken / "cset" / "provision.csv"
    # ASML 100% of EUV tools; give a second firm 20% of the same input and year.
    with p.open("a", encoding="utf-8") as fh:
        fh.write("Nikon,P89,EUV lithography tools,N20,20.0,2025,test\n")
    n = len(p.read_text(encoding="utf-8").splitlines())
    with pytest.raises(IngestError) as ei:
        cset.load(broken, resolver)
    assert str(ei.value) == (
        f"{p}, line {n}, column 'share_provided': shares of firms for N20 'EUV lithography "
        "tools' in 2025 add up to 120%, more than 105%"
    )


def test_real_registry() -> None:
    """With the shipped registry every CSET country and firm resolves; the fragment is valid."""
    res = cset.load(DATA_DIR, Resolver())
    assert res.graph.problems() == []
    countries = {n.id for n in res.graph.nodes.values() if n.kind == "country"}
    assert {"country:US", "country:CN", "country:TW", "country:NL", "country:JP"} <= countries
    assert len(countries) == 21
