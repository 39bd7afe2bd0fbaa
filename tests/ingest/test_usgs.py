"""USGS MCS world production: every real file of both releases, and broken copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from riskgraph.errors import IngestError
from riskgraph.graph.model import GraphData
from riskgraph.ingest import article, usgs
from riskgraph.ingest.base import DATA_DIR, LoadResult
from riskgraph.ingest.resolve import Resolver

GALLIUM_2024 = "usgs/mcs2024_world/mcs2024-galli_world.csv"


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver()


@pytest.fixture(scope="module")
def result(resolver: Resolver) -> LoadResult:
    return usgs.load(DATA_DIR, resolver)


@pytest.fixture(scope="module")
def prod(result: LoadResult) -> pd.DataFrame:
    return result.tables["production"]


@pytest.fixture(scope="module")
def hhi(result: LoadResult) -> pd.DataFrame:
    return result.tables["hhi"]


# -- the real files ------------------------------------------------------------------------------
def test_every_file_of_both_releases_loads(result: LoadResult, prod: pd.DataFrame) -> None:
    on_disk = sorted(p.relative_to(DATA_DIR).as_posix()
                     for p in (DATA_DIR / "usgs").glob("mcs*_world/*.csv"))
    assert len(on_disk) == 154
    assert sorted(f for f in result.files if "_world/" in f) == on_disk
    assert "usgs/mcs2025_tables/MCS2025_T5_Critical_Minerals_Salient.csv" in result.files
    assert set(prod["file"]) == set(on_disk)
    assert set(prod["release"]) == {2023, 2024}
    assert prod["commodity"].nunique() == 77
    assert list(prod.columns) == usgs.TABLE_COLUMNS
    assert not result.graph.problems()


def test_mcs2025_gallium_2024_is_the_newest_figure(result: LoadResult) -> None:
    g = result.graph
    e = g.edges["country:CN|PRODUCES|mineral:gallium|usgs2025:table5:2024"]
    assert e.weight == pytest.approx(750 / 760) and e.as_of == "2024"
    assert e.props["quantity"] == 750 and e.props["world_total"] == 760
    assert "Mineral Commodity Summaries 2025, Table 5" in e.source and "line 11" in e.source
    ga = g.nodes["mineral:gallium"].props
    assert ga["us_net_import_reliance_pct_2024"] == 100
    assert ga["salient_year"] == 2023 and ga["salient_Price_High-puritydkg"] == 450
    assert "mcs2024-galli_salient.csv line 6" in str(ga["salient_source"])


def test_table_types(prod: pd.DataFrame) -> None:
    assert prod["quantity"].dtype == "float64"
    assert prod["share"].dtype == "float64"
    assert prod["estimated"].dtype == bool
    assert set(prod["row_kind"]) == {"country", "other", "aggregate", "world_total"}
    assert prod.loc[prod["row_kind"] == "country", "country_id"].str.match(
        r"^country:[A-Z]{2}$").all()
    assert prod.loc[prod["row_kind"] != "country", "country_id"].isna().all()
    assert (prod["share"].dropna() <= 1.0).all() and (prod["share"].dropna() >= 0).all()


def _row(prod: pd.DataFrame, file: str, line: int, year: int) -> pd.Series:
    sub = prod[(prod["file"] == file) & (prod["line"] == line) & (prod["year"] == year)]
    assert len(sub) == 1
    return sub.iloc[0]


def test_china_gallium_2023e_is_about_98_percent(result: LoadResult, prod: pd.DataFrame) -> None:
    r = _row(prod, GALLIUM_2024, 3, 2023)
    assert r["country_id"] == "country:CN" and r["unit"] == "kg"
    assert r["quantity"] == 600000 and r["world_total"] == 610000
    assert r["estimated"] and r["world_total_basis"] == "reported"
    assert r["share"] == pytest.approx(600000 / 610000)
    e = result.graph.edges["country:CN|PRODUCES|mineral:gallium|usgs2024:Primary production:2023"]
    assert e.weight == pytest.approx(0.98, abs=0.005)
    assert e.props["estimated"] is True and e.props["default"] is True
    assert e.props["quantity"] == 600000 and e.props["world_total"] == 610000
    assert e.as_of == "2023" and e.confidence == "reported"
    assert e.source == ("U.S. Geological Survey, Mineral Commodity Summaries 2024 data release "
                        f"(doi:10.5066/P144BA54), {GALLIUM_2024} line 3")
    old = result.graph.edges["country:CN|PRODUCES|mineral:gallium|usgs2023:Primary production:2021"]
    assert old.weight == pytest.approx(423000 / 434000) and old.props["default"] is False


def test_footnote_letters_and_digits(prod: pd.DataFrame) -> None:
    jp = _row(prod, GALLIUM_2024, 4, 2022)  # "Japane"
    assert jp["country_id"] == "country:JP" and jp["estimated"]
    kr = _row(prod, GALLIUM_2024, 5, 2022)  # "Korea, Republic ofe"
    assert kr["country_id"] == "country:KR" and kr["estimated"]
    other = _row(prod, GALLIUM_2024, 7, 2022)  # "Other countries4"
    assert other["row_kind"] == "other" and other["country"] == "Other countries4"
    de = prod[(prod["file"] == "usgs/mcs2024_world/mcs2024-fepig_world.csv")
              & (prod["country"] == "Germany6")]
    assert set(de["country_id"]) == {"country:DE"}
    india = prod[(prod["file"] == "usgs/mcs2024_world/mcs2024-fepig_world.csv")
                 & (prod["country_id"] == "country:IN")]
    assert set(india["qualifier"]) == {"ocher"}


def test_number_quirks(prod: pd.DataFrame) -> None:
    ky = prod[(prod["file"] == "usgs/mcs2023_world/mcs2023-kyani_world.csv")
              & (prod["country"] == "France (andalusite)") & (prod["year"] == 2021)]
    assert ky["quantity"].tolist() == [65000.0]  # "65,000"
    ge = prod[(prod["file"] == "usgs/mcs2024_world/mcs2024-germa_world.csv")]
    assert ge["quantity"].isna().all()
    assert set(ge["value_flag"]) == {"W", "NA"}
    sand = prod[(prod["file"] == "usgs/mcs2024_world/mcs2024-sandi_world.csv")
                & (prod["value_flag"] == "") & prod["estimated"] & (prod["year"] == 2022)]
    assert len(sand) >= 10  # "e3,900": estimated figures with an "e" prefix
    flags = set(prod["value_flag"])
    assert {"W", "NA", "XX", "<100", "Less than ½ unit."} <= flags


def _sets(df: pd.DataFrame, by: str, col: str) -> dict[object, set[object]]:
    return {k: set(v) for k, v in df.groupby(by)[col]}


def test_per_file_columns_and_units(prod: pd.DataFrame) -> None:
    units = _sets(prod, "commodity", "unit")
    assert units["galli"] == {"kg"}
    assert units["bismu"] == {"t"}
    assert units["alumi"] == {"kt"}
    assert units["feste"] == {"Mt"}
    assert units["heliu"] == {"million m3"}
    assert units["titan"] == {"t"}
    measures = _sets(prod, "commodity", "measure")
    assert measures["abras"] == {"capacity"}
    assert measures["titan"] == {"production"}
    assert measures["cemen"] == {"production", "capacity"}
    years = _sets(prod, "release", "year")
    assert years[2024] == {2022, 2023} and years[2023] == {2021, 2022}


def test_several_types_per_file(hhi: pd.DataFrame) -> None:
    si = hhi[(hhi["release"] == 2024) & (hhi["commodity"] == "simet") & (hhi["year"] == 2023)]
    assert set(si["type"]) == {"Plant production, silicon content of ferrosilicon",
                               "Plant production, silicon metal"}
    assert si["hhi"].notna().all()
    pgm = hhi[(hhi["release"] == 2024) & (hhi["commodity"] == "plati")]
    assert set(pgm["mineral_id"]) == {"mineral:palladium", "mineral:platinum"}
    ti = hhi[(hhi["release"] == 2024) & (hhi["commodity"] == "timin") & (hhi["year"] == 2023)]
    assert len(ti) == 3  # ilmenite, rutile, and the combined world total (no countries)


def test_hhi_exists_for_every_commodity_with_country_data(
    prod: pd.DataFrame, hhi: pd.DataFrame
) -> None:
    has_data = prod[(prod["row_kind"] == "country") & (prod["quantity"] > 0)
                    & prod["world_total"].notna()]
    wanted = set(zip(has_data["release"], has_data["commodity"], strict=True))
    assert len(wanted) == 2 * 76  # every commodity but germanium, in both releases
    # ... but a share of an unknown total is unknown: no world total and a row without a
    # figure (boron: U.S. "W"; dimension stone: "Other countries" NA) gives no HHI
    unknown = {(y, c) for y in (2023, 2024) for c in ("boron", "fepig", "stond")}
    got = hhi[hhi["hhi"].notna()]
    assert wanted - unknown == set(zip(got["release"], got["commodity"], strict=True))
    assert ((got["hhi"] > 0) & (got["hhi"] <= 10000)).all()


def test_unknown_production_is_unknown_not_covered(result: LoadResult, hhi: pd.DataFrame) -> None:
    # dimension stone 2024: United States 2,300 kt, "Other countries" NA, world total NA.  It
    # used to rank first with HHI 10,000 and coverage 1.0.
    st = hhi[(hhi["release"] == 2024) & (hhi["commodity"] == "stond") & (hhi["year"] == 2023)]
    assert len(st) == 1
    assert pd.isna(st["hhi"].iloc[0]) and pd.isna(st["coverage"].iloc[0])
    assert st["unreported_rows"].iloc[0] == 1
    node = result.graph.nodes["mineral:dimension-stone"].props
    assert "hhi" not in node and "hhi_coverage" not in node and "usgs_top_share" not in node
    assert node["usgs_concentration"].startswith("unknown (no world total")
    # no world total but every listed row has a figure: an HHI of the listed producers, with
    # an unknown coverage (the world may hold producers the file does not list)
    ky = result.graph.nodes["mineral:kyanite"].props
    assert ky["hhi_basis"] == usgs.SUM_BASIS and 0 < ky["hhi"] < 10000
    assert "hhi_coverage" not in ky
    # a reported world total: the coverage is what the countries with figures hold
    assert result.graph.nodes["mineral:gallium"].props["hhi_coverage"] == pytest.approx(1.0)
    rep = hhi[(hhi["world_total_basis"] == "reported") & hhi["hhi"].notna()]
    # (a rounded world total can be a little below the sum of its rows: up to 5.2%, zeolites)
    assert ((rep["coverage"] > 0) & (rep["coverage"] <= 1.06)).all()
    assert (rep["coverage"] < 0.9).any()  # W rows and "Other countries" are not covered
    assert hhi.loc[hhi["world_total_basis"] != "reported", "coverage"].isna().all()


def test_hhi_is_doj_convention_and_excludes_other_countries(
    prod: pd.DataFrame, hhi: pd.DataFrame
) -> None:
    sel = (prod["release"] == 2024) & (prod["commodity"] == "cobal") & (prod["year"] == 2023)
    rows = prod[sel]
    countries = rows[rows["row_kind"] == "country"].groupby("country_id")["quantity"].sum()
    wt = rows["world_total"].iloc[0]
    expected = float(((countries / wt * 100) ** 2).sum())
    h = hhi[(hhi["release"] == 2024) & (hhi["commodity"] == "cobal") & (hhi["year"] == 2023)]
    assert len(h) == 1
    assert h["hhi"].iloc[0] == pytest.approx(expected)
    assert h["other_share"].iloc[0] > 0  # "Other countries" exists and is left out
    other_q = rows.loc[rows["row_kind"] == "other", "quantity"].sum()
    with_other = expected + (other_q / wt * 100) ** 2
    assert h["hhi"].iloc[0] != pytest.approx(with_other)
    ga = hhi[(hhi["release"] == 2024) & (hhi["commodity"] == "galli") & (hhi["year"] == 2023)]
    shares = [600000, 3000, 2000, 5000]
    assert ga["hhi"].iloc[0] == pytest.approx(sum((100 * q / 610000) ** 2 for q in shares))


def test_germanium_has_no_country_figures(result: LoadResult, hhi: pd.DataFrame) -> None:
    ge = hhi[hhi["commodity"] == "germa"]
    assert len(ge) == 4 and ge["hhi"].isna().all()
    assert set(ge["world_total_basis"]) == {"none"}
    node = result.graph.nodes["mineral:germanium"]
    assert "hhi" not in node.props
    assert node.props["usgs_concentration"].startswith("unknown")
    assert not result.graph.in_edges("mineral:germanium")


def test_mineral_nodes_carry_headline_hhi(result: LoadResult) -> None:
    ga = result.graph.nodes["mineral:gallium"].props
    assert ga["hhi_year"] == 2023 and ga["hhi_release"] == "usgs2024"
    assert ga["hhi_type"] == "Primary production"
    assert ga["hhi"] == pytest.approx(9675.8, abs=0.1)
    assert ga["usgs_top_producer"] == "country:CN"
    si = result.graph.nodes["mineral:silicon"].props
    assert si["hhi_type"] == "Plant production, silicon metal"


def test_world_total_withheld_uses_sum_and_says_so(result: LoadResult, hhi: pd.DataFrame) -> None:
    b = hhi[(hhi["release"] == 2024) & (hhi["commodity"] == "boron")]
    assert set(b["world_total_basis"]) == {usgs.SUM_BASIS}
    e = result.graph.edges["country:TR|PRODUCES|mineral:boron|usgs2024:Boron total all types:2023"]
    assert e.confidence == "estimated" and "sum of the rows with figures" in e.rationale
    assert e.props["world_total_basis"] == usgs.SUM_BASIS


def test_two_rows_of_one_country_are_summed(result: LoadResult) -> None:
    key = "country:US|PRODUCES|mineral:helium|usgs2024:Mine production, helium:2023"
    e = result.graph.edges[key]
    assert e.props["quantity"] == 60 + 19
    assert e.source.endswith("mcs2024-heliu_world.csv lines 2, 3")


def test_article_and_usgs_silicon_edges_both_stay(
    result: LoadResult, resolver: Resolver
) -> None:
    g = GraphData().merge(result.graph).merge(article.load(DATA_DIR, resolver).graph)
    cn_si = [e for e in g.in_edges("mineral:silicon") if e.src == "country:CN"]
    datasets = {e.props["dataset"] for e in cn_si}
    assert {"article", "usgs2024", "usgs2023"} <= datasets
    art = [e for e in cn_si if e.props["dataset"] == "article"]
    assert len(art) == 1 and art[0].weight == pytest.approx(0.70) and art[0].as_of == "2022"
    assert not g.problems()


# -- broken copies -------------------------------------------------------------------------------
@pytest.fixture
def broken(tmp_path: Path) -> tuple[Path, Path]:
    """tmp_path/data/usgs/mcs2024_world/ holding a copy of the gallium file: (data, file)."""
    d = tmp_path / "data" / "usgs" / "mcs2024_world"
    d.mkdir(parents=True)
    f = d / "mcs2024-galli_world.csv"
    shutil.copy(DATA_DIR / GALLIUM_2024, f)
    return tmp_path / "data", f


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_bytes().decode("utf-8")
    assert old in text
    path.write_bytes(text.replace(old, new, 1).encode("utf-8"))


def _error(data: Path, resolver: Resolver) -> str:
    with pytest.raises(IngestError) as ei:
        usgs.load(data, resolver)
    return str(ei.value)


def test_broken_copy_loads_unchanged(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, _ = broken
    r = usgs.load(data, resolver)
    assert r.files == ["usgs/mcs2024_world/mcs2024-galli_world.csv"]
    assert r.graph.nodes["mineral:gallium"].props["hhi"] == pytest.approx(9675.8, abs=0.1)


def test_broken_missing_column(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "Source,Country,Type", "Source,Nation,Type")
    assert _error(data, resolver) == f"{f}, line 1, column 'Country': missing column 'Country'"


def test_broken_no_value_column(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "Prod_kg_2022,Prod_kg_est_2023,Prod_notes,Cap_kg_2023",
          "Output_2022,Output_2023,Prod_notes,Capacity")
    assert _error(data, resolver) == (
        f"{f}, line 1: no production column (expected Prod_<unit>_<year> or Cap_<unit>_<year>)"
    )


def test_broken_bad_number(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "China,Primary production,600000,600000", "China,Primary production,600000,60x000")
    assert _error(data, resolver) == (
        f"{f}, line 3, column 'Prod_kg_est_2023': not a number: '60x000'"
    )


def test_broken_negative_number(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "China,Primary production,600000,600000", "China,Primary production,-5,600000")
    assert _error(data, resolver) == f"{f}, line 3, column 'Prod_kg_2022': '-5' is below 0"


def test_broken_unknown_country(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "MCS2024,Russiae,", "MCS2024,Rusia,")
    assert _error(data, resolver) == (
        f"{f}, line 6, column 'Country': unknown country 'Rusia'; did you mean 'russia' or "
        "'usa' or 'rus'? (add it to entities/ if it is real)"
    )


def test_broken_duplicate_row(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    line = "MCS2024,China,Primary production,600000,600000,estimated in 2022 also,1000000,\r\n"
    _edit(f, line, line + line)
    assert _error(data, resolver) == (
        f"{f}, line 4, column 'Country': duplicate row: 'China' is already on line 3 in the "
        "same production type"
    )


def test_broken_duplicate_country_spelling(
    broken: tuple[Path, Path], resolver: Resolver
) -> None:
    data, f = broken
    _edit(f, "MCS2024,Russiae,", "MCS2024,Chinae,")
    assert _error(data, resolver) == (
        f"{f}, line 6, column 'Country': duplicate row: 'Chinae' is the same country "
        "(country:CN) as line 3 in the same production type"
    )


def test_broken_empty_file(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    f.write_bytes(b"")
    assert _error(data, resolver) == f"{f}: empty file"


def test_broken_unknown_commodity_code(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    g = f.with_name("mcs2024-xxxxx_world.csv")
    f.rename(g)
    assert _error(data, resolver) == (
        f"{g}: unknown USGS commodity code 'xxxxx' (add it to the usgs_code column of "
        "entities/minerals.csv)"
    )


def test_broken_no_release_folder(tmp_path: Path, resolver: Resolver) -> None:
    (tmp_path / "usgs").mkdir()
    assert _error(tmp_path, resolver) == (
        f"{tmp_path / 'usgs'}: no USGS release folder (expected mcs<YYYY>_world/)"
    )
