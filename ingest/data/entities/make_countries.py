"""Generate ``countries.csv`` (ISO 3166-1) once; the CSV is the committed artefact.

Dev-time only: needs ``pycountry`` (``pip install pycountry``), which is NOT a runtime
dependency.  Run from the repository root::

    .venv/bin/python ingest/data/entities/make_countries.py

Columns: ``iso2,name,name_de,iso3,aliases,source``.  ``name`` is a short English name (the
ISO common name where ISO has one, else the ISO name, with a few short forms below);
``name_de`` the German ISO name from pycountry's translations; ``aliases`` the spellings the
project's sources use (USGS MCS 2023/2024 world files, the article's German table, CSET
providers.csv), ``|``-separated.  The script refuses to write a file in which one spelling
names two countries.
"""

from __future__ import annotations

import csv
import gettext
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).with_name("countries.csv")
SOURCE = "ISO 3166-1"

# Short English names where the ISO name is long or formal.
SHORT_NAME = {
    "BO": "Bolivia",
    "CD": "DR Congo",
    "CG": "Republic of the Congo",
    "IR": "Iran",
    "KP": "North Korea",
    "KR": "South Korea",
    "LA": "Laos",
    "MD": "Moldova",
    "RU": "Russia",
    "SY": "Syria",
    "TW": "Taiwan",
    "TZ": "Tanzania",
    "VE": "Venezuela",
    "VN": "Vietnam",
    "US": "United States",
    "GB": "United Kingdom",
    "TR": "Turkey",
    "CZ": "Czechia",
    "FM": "Micronesia",
    "PS": "Palestine",
    "VA": "Holy See",
    "BN": "Brunei",
    "CV": "Cabo Verde",
    "MK": "North Macedonia",
    "SZ": "Eswatini",
}

# German names the article uses, where they differ from the ISO German name.
GERMAN_OVERRIDE = {
    "CG": "Republik Kongo",  # so that the article's bare "Kongo" can only mean CD
    "TW": "Taiwan",
}

# Spellings found in the sources (one alias list per ISO code).
ALIASES = {
    "US": ["USA", "U.S.", "United States of America", "Vereinigte Staaten"],
    "CD": ["Kongo", "Congo (Kinshasa)", "Democratic Republic of the Congo",
           "Congo, Democratic Republic of the", "DRC", "Kongo (Kinshasa)"],
    "CG": ["Congo (Brazzaville)", "Republic of Congo", "Congo-Brazzaville"],
    "KR": ["Korea, Republic of", "Republic of Korea", "Korea", "Südkorea"],
    "KP": ["Korea, North", "Korea, Democratic People's Republic of", "Nordkorea"],
    "MM": ["Burma"],
    "RU": ["Russian Federation", "Russland"],
    "LA": ["Lao People's Democratic Republic", "Lao PDR"],
    "IR": ["Iran, Islamic Republic of"],
    "SY": ["Syrian Arab Republic"],
    "TW": ["Taiwan, Province of China", "Chinese Taipei"],
    "VN": ["Viet Nam"],
    "TR": ["Türkiye", "Turkiye", "Türkei"],
    "CZ": ["Czech Republic", "Tschechien"],
    "CI": ["Côte d’Ivoire", "Cote d'Ivoire", "Ivory Coast"],
    "TZ": ["Tanzania, United Republic of"],
    "BO": ["Bolivia, Plurinational State of"],
    "VE": ["Venezuela, Bolivarian Republic of"],
    "GB": ["UK", "Great Britain", "Britain"],
    "CN": ["People's Republic of China", "PRC", "VR China"],
    "NL": ["Holland", "The Netherlands"],
    "AU": ["Australien"],
    "ZA": ["Südafrika"],
    "ID": ["Indonesien"],
    "MK": ["Macedonia"],
}


def _norm(name: str) -> str:
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.casefold().split())


def main() -> int:
    import pycountry  # dev-time only

    de = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    rows = []
    seen: dict[str, str] = {}
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        iso2 = c.alpha_2
        iso_name = c.name
        common = getattr(c, "common_name", None)
        name = SHORT_NAME.get(iso2) or common or iso_name
        name_de = GERMAN_OVERRIDE.get(iso2) or de.gettext(iso_name)
        aliases: list[str] = []
        for a in [iso_name, common or "", getattr(c, "official_name", "") or "",
                  *ALIASES.get(iso2, [])]:
            if a and a != name and a not in aliases:
                aliases.append(a)
        for spelled in [iso2, c.alpha_3, name, name_de, *aliases]:
            k = _norm(spelled)
            if k in seen and seen[k] != iso2:
                print(f"alias {spelled!r} names both {seen[k]} and {iso2}", file=sys.stderr)
                return 1
            seen[k] = iso2
        rows.append({"iso2": iso2, "name": name, "name_de": name_de, "iso3": c.alpha_3,
                     "aliases": "|".join(aliases), "source": SOURCE})
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["iso2", "name", "name_de", "iso3", "aliases", "source"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} countries to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
