"""Entity registry: countries.csv and minerals.csv resolve every spelling the sources use."""

from __future__ import annotations

import csv
import re

import pytest

from riskgraph.errors import IngestError, UnknownNodeError
from riskgraph.ingest.base import DATA_DIR
from riskgraph.ingest.entities import registry_node
from riskgraph.ingest.resolve import ENTITIES_DIR, Resolver

USGS_DIR = DATA_DIR / "usgs"


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver()


def _rows(name: str) -> list[dict[str, str]]:
    with (ENTITIES_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_country_registry_is_iso_3166(resolver: Resolver) -> None:
    rows = _rows("countries.csv")
    assert list(rows[0]) == ["iso2", "name", "name_de", "iso3", "aliases", "source"]
    assert len(rows) == 249
    assert {r["source"] for r in rows} == {"ISO 3166-1"}
    assert all(re.fullmatch(r"[A-Z]{2}", r["iso2"]) for r in rows)
    assert all(re.fullmatch(r"[A-Z]{3}", r["iso3"]) for r in rows)
    assert len({r["iso2"] for r in rows}) == len(rows)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kongo", "country:CD"),
        ("Congo (Kinshasa)", "country:CD"),
        ("Australien", "country:AU"),
        ("Südafrika", "country:ZA"),
        ("Suedafrika".replace("ue", "ü"), "country:ZA"),
        ("Russland", "country:RU"),
        ("Indonesien", "country:ID"),
        ("USA", "country:US"),
        ("United States", "country:US"),
        ("Korea, Republic of", "country:KR"),
        ("KOR", "country:KR"),
        ("Korea, North", "country:KP"),
        ("Burma", "country:MM"),
        ("TWN", "country:TW"),
        ("NLD", "country:NL"),
        ("Côte d’Ivoire", "country:CI"),
        ("Czech Republic", "country:CZ"),
        ("Laos", "country:LA"),
        ("Turkey", "country:TR"),
        ("chile", "country:CL"),
    ],
)
def test_country_spellings(resolver: Resolver, name: str, expected: str) -> None:
    assert resolver.lookup(name, "country") == expected


def test_every_cset_country_provider_resolves(resolver: Resolver) -> None:
    path = DATA_DIR / "cset" / "providers.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["provider_type"] == "country"]
    unknown = [r["provider_name"] for r in rows
               if resolver.lookup(r["provider_name"], "country") is None
               and resolver.lookup(r["alias"], "country") is None]
    # "Various countries" and "Europe" are not countries; everything else must resolve.
    assert set(unknown) <= {"Various countries", "EUR"}
    assert len(rows) - len(unknown) >= 20


@pytest.mark.parametrize("name", ["Ga", "Gallium", "gallium", "GALLIUM", " gallium "])
def test_gallium_spellings_are_one_node(resolver: Resolver, name: str) -> None:
    assert resolver.resolve(name, "mineral") == "mineral:gallium"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Silizium", "mineral:silicon"),
        ("Si", "mineral:silicon"),
        ("silicon", "mineral:silicon"),
        ("Seltene Erden", "mineral:rare-earths"),
        ("rare earths", "mineral:rare-earths"),
        ("Kadmium", "mineral:cadmium"),
        ("Platin", "mineral:platinum"),
        ("Platingruppenmetalle", "mineral:platinum-group-metals"),
        ("Tantal", "mineral:tantalum"),
        ("Graphit", "mineral:graphite"),
        ("Lanthan", "mineral:lanthanum"),
        ("Mangan", "mineral:manganese"),
        ("Tellur", "mineral:tellurium"),
    ],
)
def test_mineral_spellings(resolver: Resolver, name: str, expected: str) -> None:
    assert resolver.resolve(name, "mineral") == expected


def test_typo_suggests(resolver: Resolver) -> None:
    with pytest.raises(UnknownNodeError) as ei:
        resolver.resolve("Galium", "mineral")
    assert str(ei.value) == (
        "unknown mineral 'Galium'; did you mean 'gallium' or 'palladium' or 'helium'?"
    )
    with pytest.raises(IngestError) as ei2:
        resolver.resolve("Kongoo", "country", path="x.csv", row=3, column="Country")
    assert str(ei2.value) == (
        "x.csv, line 3, column 'Country': unknown country 'Kongoo'; "
        "did you mean 'kongo' or 'congo' or 'togo'? (add it to entities/ if it is real)"
    )


def test_every_usgs_commodity_code_has_a_mineral() -> None:
    rows = _rows("minerals.csv")
    assert list(rows[0]) == ["slug", "name", "symbol", "name_de", "usgs_code", "group",
                             "default_type", "aliases", "source"]
    codes = {r["usgs_code"] for r in rows if r["usgs_code"]}
    files = list(USGS_DIR.glob("mcs*_world/*.csv"))
    assert len(files) == 154
    file_codes = {re.match(r"mcs\d{4}-([a-z]+)", f.name, re.I).group(1).lower()  # type: ignore[union-attr]
                  for f in files}
    assert len(file_codes) == 77
    assert file_codes <= codes
    slugs = [r["slug"] for r in rows]
    assert len(slugs) == len(set(slugs))
    groups = {r["group"] for r in rows if r["group"]}
    assert groups <= set(slugs)
    symbols = [r["symbol"] for r in rows if r["symbol"]]
    assert len(symbols) == len(set(symbols))


def test_registry_nodes_cite_their_row(resolver: Resolver) -> None:
    n = registry_node(resolver, "mineral:gallium")
    assert n.kind == "mineral" and n.layer == "minerals"
    assert re.fullmatch(r"USGS MCS 2024 commodity galli via riskgraph entity registry, "
                        r"entities/minerals.csv line \d+", n.source)
    assert n.props["symbol"] == "Ga" and n.props["name_de"] == "Gallium"
    c = registry_node(resolver, "country:CD")
    assert c.name == "DR Congo" and c.props["iso3"] == "COD"
    assert re.fullmatch(r"ISO 3166-1 via riskgraph entity registry, entities/countries.csv "
                        r"line \d+", c.source)
