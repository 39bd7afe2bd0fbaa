"""The article's critical-minerals table (Tabelle 1): the real file and broken copies of it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.ingest import article
from riskgraph.ingest.base import DATA_DIR, LoadResult
from riskgraph.ingest.resolve import Resolver

# SHA-256 of the shipped table, checked on 2026-12-02 to be a verbatim part of the source
# article (../shared/seeds/000_4dbe07e024087b13.txt, Appendix A): an edit of the file fails here.
SHIPPED_SHA256 = "fa183028a48d24b74de163aaa8fb5fb4937674efecb75d0569db9713f5143190"


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver()


@pytest.fixture(scope="module")
def result(resolver: Resolver) -> LoadResult:
    return article.load(DATA_DIR, resolver)


def test_shipped_file_is_the_article_verbatim() -> None:
    shipped = (DATA_DIR / article.FILE).read_text(encoding="utf-8")
    assert shipped.startswith("## Appendix A\n")
    assert "Kadmium\tHalbleiter\tChina**\t40%" in shipped
    assert "Platingruppenmetalle*\t" in shipped and "\tn.a.\tn.a." in shipped
    assert "World Mining Data 2021" in shipped
    assert hashlib.sha256(shipped.encode("utf-8")).hexdigest() == SHIPPED_SHA256


def test_all_26_rows_load(result: LoadResult) -> None:
    df = result.tables["minerals"]
    assert result.rows == 26 and len(df) == 26
    assert list(df.columns) == article.TABLE_COLUMNS
    assert df["mineral_id"].is_unique
    assert df["line"].tolist() == list(range(6, 32))
    assert not result.graph.problems()


def test_german_names_map_to_canonical_ids(result: LoadResult) -> None:
    df = result.tables["minerals"].set_index("mineral_de")
    assert df.loc["Silizium", "mineral_id"] == "mineral:silicon"
    assert df.loc["Silizium", "symbol"] == "Si"
    assert df.loc["Kadmium", "mineral_id"] == "mineral:cadmium"
    assert df.loc["Platingruppenmetalle*", "mineral_id"] == "mineral:platinum-group-metals"
    assert df.loc["Kobalt", "country_id"] == "country:CD"  # "Kongo"
    assert df.loc["Tantal", "country_id"] == "country:CD"
    assert df.loc["Mangan", "country_id"] == "country:ZA"  # "Südafrika"
    assert df.loc["Beryllium", "country_id"] == "country:US"  # "USA"


def test_sources_per_footnote(result: LoadResult) -> None:
    df = result.tables["minerals"].set_index("mineral_de")
    wmd = sorted(df[df["data_source"] == article.WMD_2021].index)
    assert wmd == ["Germanium", "Kadmium", "Rhenium", "Rhodium"]
    assert df.loc["Gallium", "data_source"] == article.USGS_MCS_2023
    assert df.loc["Gallium", "year"] == 2022 and df.loc["Germanium", "year"] == 2019


def test_gallium_edge(result: LoadResult) -> None:
    e = result.graph.edges["country:CN|PRODUCES|mineral:gallium|article:line14"]
    assert e.weight == pytest.approx(0.98)
    assert e.props["share_pct"] == 98.0
    assert e.as_of == "2022" and e.confidence == "reported"
    assert "Tabelle 1" in e.source and "line 14" in e.source
    assert "USGS Mineral Commodity Summaries 2023" in e.source


def test_rows_without_producer_are_unknown_not_zero(result: LoadResult) -> None:
    g = result.graph
    for slug in ("dysprosium", "erbium", "lanthanum", "terbium", "platinum-group-metals"):
        node = g.nodes[f"mineral:{slug}"]
        assert node.props["article_concentration"] == "unknown"
        assert "article_top_share" not in node.props
        assert not [e for e in g.in_edges(node.id) if e.type == "PRODUCES"]
    assert g.nodes["mineral:gallium"].props["article_top_share"] == pytest.approx(0.98)
    assert len(list(g.iter_edges(["PRODUCES"]))) == 21


def test_platinum_group_sub_rows(result: LoadResult) -> None:
    g = result.graph
    df = result.tables["minerals"].set_index("mineral_de")
    for de, slug, cc in (("Palladium", "palladium", "RU"), ("Platin", "platinum", "ZA"),
                         ("Rhodium", "rhodium", "ZA")):
        assert df.loc[de, "parent_id"] == "mineral:platinum-group-metals"
        e = g.edges[f"mineral:{slug}|PART_OF|mineral:platinum-group-metals"]
        assert "footnote '*'" in e.source
        assert any(x.src == f"country:{cc}" for x in g.in_edges(f"mineral:{slug}"))
    assert "mineral:dysprosium|PART_OF|mineral:rare-earths" in g.edges
    assert df["parent_id"].notna().sum() == 3


def test_node_provenance(result: LoadResult) -> None:
    n = result.graph.nodes["mineral:silicon"]
    assert n.props["name_de"] == "Silizium"
    assert n.props["applications_de"] == "Halbleiter."
    assert "entities/minerals.csv line" in n.source
    assert result.graph.nodes["country:CD"].name == "DR Congo"


# -- broken copies -------------------------------------------------------------------------------
@pytest.fixture
def broken(tmp_path: Path) -> tuple[Path, Path]:
    """A writable copy of ingest/data/article; returns (data dir, table file)."""
    shutil.copytree(DATA_DIR / "article", tmp_path / "data" / "article")
    return tmp_path / "data", tmp_path / "data" / article.FILE


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _error(data: Path, resolver: Resolver) -> str:
    with pytest.raises(IngestError) as ei:
        article.load(data, resolver)
    return str(ei.value)


def test_broken_missing_column(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "\tHauptproduzent\t", "\tProduzent\t")
    assert _error(data, resolver) == (
        f"{f}, line 5, column 'Hauptproduzent': missing column 'Hauptproduzent'"
    )


def test_broken_bad_number(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "China\t98%", "China\t98x%")
    assert _error(data, resolver) == (
        f"{f}, line 14, column 'Weltmarktanteil in %': not a number: '98x%'"
    )


def test_broken_share_above_100(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "China\t98%", "China\t980%")
    assert _error(data, resolver) == (
        f"{f}, line 14, column 'Weltmarktanteil in %': '980%' is above 100"
    )


def test_broken_unknown_country(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "China\t98%", "Chnia\t98%")
    assert _error(data, resolver) == (
        f"{f}, line 14, column 'Hauptproduzent': unknown country 'Chnia'; did you mean "
        "'china' or 'chn' or 'czechia'? (add it to entities/ if it is real)"
    )


def test_broken_unknown_mineral(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "Gallium\t", "Galium\t")
    assert _error(data, resolver) == (
        f"{f}, line 14, column 'Kritische Mineralien': unknown mineral 'Galium'; did you mean "
        "'gallium' or 'palladium' or 'helium'? (add it to entities/ if it is real)"
    )


def test_broken_duplicate_row(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    row = "Gallium\tIntegrierte Schaltkreise (ICs) und optische Geräte\tChina\t98%\n"
    _edit(f, row, row + row)
    assert _error(data, resolver) == (
        f"{f}, line 15, column 'Kritische Mineralien': duplicate row: 'Gallium' "
        "(mineral:gallium) is already on line 14"
    )


def test_broken_empty_file(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    f.write_text("", encoding="utf-8")
    assert _error(data, resolver) == f"{f}: empty file"


def test_broken_footnote_mark(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "China\t98%", "China*\t98%")
    assert _error(data, resolver) == (
        f"{f}, line 14, column 'Hauptproduzent': unknown footnote mark '*' in 'China*' "
        "(the table defines '**' only)"
    )


def test_broken_producer_without_share(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    _edit(f, "China\t98%", "China\tn.a.")
    assert _error(data, resolver) == (
        f"{f}, line 14, column 'Weltmarktanteil in %': producer 'China' without a share"
    )


def test_broken_no_table(broken: tuple[Path, Path], resolver: Resolver) -> None:
    data, f = broken
    f.write_text("## Appendix A\n\nkein Inhalt\n", encoding="utf-8")
    assert _error(data, resolver) == (
        f"{f}: no table: no line starts with the column 'Kritische Mineralien'"
    )
