"""Entity resolution: one node per real entity across all sources, through explicit alias tables.

The registry lives in ``ingest/data/entities/``:

* ``countries.csv`` – ``iso2,name,name_de,iso3,aliases,source`` (ISO 3166-1; aliases are the
  spellings the sources use, ``|``-separated: "Korea, Republic of", "Burma", "Kongo" ...)
* ``minerals.csv``  – ``slug,name,symbol,name_de,usgs_code,group,aliases,source``
* ``companies.csv`` – ``slug,name,roles,country,aliases,source,as_of,confidence,rationale``

Matching is case-insensitive and accent-insensitive on whole names after whitespace is
collapsed ("Ga", "Gallium", "gallium" and the German "Gallium" are one node).  Nothing is fuzzy:
a close-but-unequal name is an error with suggestions, never a silent guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from riskgraph.errors import IngestError, UnknownNodeError, suggest
from riskgraph.graph.names import norm
from riskgraph.ingest.base import read_csv_rows

ENTITIES_DIR = Path(str(resources.files("riskgraph.ingest") / "data" / "entities"))


@dataclass
class Resolver:
    """Maps source spellings to node ids.  ``kind`` is ``country``, ``mineral`` or ``company``."""

    entities_dir: Path = ENTITIES_DIR
    _index: dict[str, dict[str, str]] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind, fname, key in (
            ("country", "countries.csv", "iso2"),
            ("mineral", "minerals.csv", "slug"),
            ("company", "companies.csv", "slug"),
        ):
            path = self.entities_dir / fname
            self._index[kind] = {}
            self.rows[kind] = []
            if not path.exists():
                continue
            # BOM, encoding, missing columns and line numbers as every loader reports them
            for lineno, row in read_csv_rows(path, [key])[1]:
                ident = (row.get(key) or "").strip()
                if not ident:
                    raise IngestError(path, f"empty {key}", row=lineno, column=key)
                node_id = f"{kind}:{ident}"
                self.rows[kind].append(row)
                names = [ident, row.get("name", ""), row.get("name_de", ""),
                         row.get("symbol", ""), row.get("iso3", "")]
                names += (row.get("aliases") or "").split("|")
                for n in names:
                    k = norm(n)
                    if not k:
                        continue
                    prev = self._index[kind].get(k)
                    if prev is not None and prev != node_id:
                        raise IngestError(
                            path, f"alias {n!r} names both {prev} and {node_id}",
                            row=lineno, column="aliases",
                        )
                    self._index[kind][k] = node_id

    def lookup(self, name: str, kind: str) -> str | None:
        """The node id for ``name``, or ``None`` when the registry does not know it."""
        return self._index.get(kind, {}).get(norm(name))

    def resolve(
        self,
        name: str,
        kind: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> str:
        """Like :meth:`lookup` but raise on an unknown name.

        With ``path`` the error is an :class:`IngestError` naming file, row and column;
        otherwise an :class:`UnknownNodeError`.  Both carry "did you mean" suggestions.
        """
        hit = self.lookup(name, kind)
        if hit is not None:
            return hit
        sugg = self.suggestions(name, kind)
        if path is not None:
            msg = f"unknown {kind} {name!r}"
            if sugg:
                msg += "; did you mean " + " or ".join(repr(s) for s in sugg) + "?"
            msg += f" (add it to {self.entities_dir.name}/ if it is real)"
            raise IngestError(path, msg, row=row, column=column)
        raise UnknownNodeError(name, sugg, what=kind)

    def suggestions(self, name: str, kind: str) -> list[str]:
        return suggest(norm(name), self._index.get(kind, {}).keys())
