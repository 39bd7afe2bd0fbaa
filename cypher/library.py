"""The analysts' Cypher library: named ``.cypher`` files with a parsed header, run read-only.

Every file in this folder is one query.  Its name is the file name without ``.cypher``.  It starts
with a header of ``//`` comment lines::

    // Question: Which model labs depend on a mineral within N hops, and along which paths?
    // Parameters:
    //   mineral (str) node id of the mineral [default: mineral:gallium]
    //   hops (int) longest path counted [default: 8]
    // Example: riskgraph query labs-exposed-to-mineral --param mineral=mineral:indium
    // Returns: lab, lab_name, hops, paths, path

Parameter types are ``str``, ``int``, ``float``, ``bool`` and ``list`` (comma-separated strings);
a parameter without ``[default: ...]`` is required.  User values only ever become query
*parameters* (``$name``), never query text.

:func:`run_query` executes in a session opened with ``default_access_mode=READ_ACCESS`` through
``execute_read``, so on a single server a query that writes is refused by Neo4j; the refusal
becomes :class:`QueryError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskgraph.errors import QueryError

if TYPE_CHECKING:
    import neo4j

    from riskgraph.graph.neo4j.store import Neo4jSettings

CYPHER_DIR = Path(str(resources.files("riskgraph.cypher")))
TYPES = ("str", "int", "float", "bool", "list")

_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<type>\w+)\)\s*(?P<desc>.*?)"
    r"(?:\s*\[default:\s*(?P<default>[^\]]*)\])?\s*$"
)
_USED_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Param:
    """One declared parameter."""

    name: str
    type: str
    description: str
    default: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None

    def coerce(self, raw: str) -> Any:
        """Convert a ``--param`` string to this parameter's type (``QueryError`` if it cannot)."""
        try:
            if self.type == "int":
                return int(raw)
            if self.type == "float":
                return float(raw)
            if self.type == "bool":
                low = raw.strip().lower()
                if low in ("true", "yes", "1"):
                    return True
                if low in ("false", "no", "0"):
                    return False
                raise ValueError(raw)
            if self.type == "list":
                return [x.strip() for x in raw.split(",") if x.strip()]
            return raw
        except ValueError:
            raise QueryError(f"parameter {self.name!r} must be {self.type}, got {raw!r}") from None


@dataclass(frozen=True)
class Query:
    """A library query: its name, header and text."""

    name: str
    path: Path | None
    text: str
    question: str = ""
    params: tuple[Param, ...] = ()
    example: str = ""
    returns: str = ""
    header_problems: tuple[str, ...] = field(default=(), compare=False)

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def used_params(self) -> set[str]:
        """``$names`` the query body uses (whole-line ``//`` comments skipped)."""
        body = "\n".join(
            line for line in self.text.splitlines() if not line.lstrip().startswith("//")
        )
        return set(_USED_RE.findall(body))

    def bind(self, raw: dict[str, str]) -> dict[str, Any]:
        """Typed parameters from ``--param`` strings plus defaults.

        Raises :class:`QueryError` for an undeclared name (with the declared ones), a missing
        required parameter, or a value of the wrong type.  A query without declared parameters
        (a user's file) takes every value as given, as int or float when it looks like one.
        """
        if not self.params:
            return {k: _guess(v) for k, v in raw.items()}
        out: dict[str, Any] = {}
        for k, v in raw.items():
            p = self.param(k)
            if p is None:
                names = ", ".join(x.name for x in self.params)
                raise QueryError(f"query {self.name!r} has no parameter {k!r} (it takes: {names})")
            out[k] = p.coerce(v)
        for p in self.params:
            if p.name not in out:
                if p.default is None:
                    raise QueryError(
                        f"query {self.name!r} needs --param {p.name}=... ({p.description})"
                    )
                out[p.name] = p.coerce(p.default)
        return out


def _guess(v: str) -> Any:
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    return v


def parse(text: str, name: str, path: Path | None = None) -> Query:
    """Parse the header of a query; problems (bad type, malformed line) are collected."""
    header: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            if header:
                break
            continue
        if not s.startswith("//"):
            break
        header.append(s[2:].strip())
    fields: dict[str, str] = {}
    params: list[Param] = []
    problems: list[str] = []
    section = None
    for h in header:
        m = re.match(r"^(Question|Parameters|Example|Returns)\s*:\s*(.*)$", h)
        if m:
            section = m.group(1).lower()
            if section != "parameters":
                fields[section] = m.group(2).strip()
            elif m.group(2).strip() and m.group(2).strip().lower() != "none":
                problems.append("parameters go one per line below 'Parameters:'")
            continue
        if section == "parameters" and h:
            pm = _PARAM_RE.match(h)
            if pm is None:
                problems.append(f"malformed parameter line {h!r}")
                continue
            if pm.group("type") not in TYPES:
                problems.append(
                    f"parameter {pm.group('name')!r}: unknown type {pm.group('type')!r}"
                )
            default = pm.group("default")
            params.append(
                Param(
                    pm.group("name"),
                    pm.group("type"),
                    pm.group("desc").strip(),
                    default.strip() if default is not None else None,
                )
            )
        elif section in fields and h:
            fields[section] += " " + h
    return Query(
        name=name,
        path=path,
        text=text,
        question=fields.get("question", ""),
        params=tuple(params),
        example=fields.get("example", ""),
        returns=fields.get("returns", ""),
        header_problems=tuple(problems),
    )


def list_queries(directory: Path = CYPHER_DIR) -> list[Query]:
    """Every library query, sorted by name."""
    return [
        parse(p.read_text(encoding="utf-8"), p.stem, p) for p in sorted(directory.glob("*.cypher"))
    ]


def load(name_or_file: str, directory: Path = CYPHER_DIR) -> Query:
    """A library query by name, or a ``.cypher`` file by path.

    Raises :class:`QueryError` naming close library names when neither exists.
    """
    p = directory / f"{name_or_file}.cypher"
    if p.is_file():
        return parse(p.read_text(encoding="utf-8"), p.stem, p)
    f = Path(name_or_file)
    if f.suffix == ".cypher" or f.is_file():
        try:
            text = f.read_text(encoding="utf-8")
        except OSError as e:
            raise QueryError(f"cannot read {f}: {e.strerror}") from None
        return parse(text, f.stem, f)
    from riskgraph.errors import suggest

    names = [q.name for q in list_queries(directory)]
    near = suggest(name_or_file, names)
    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
    raise QueryError(f"no query named {name_or_file!r}{hint} (`riskgraph query --list` lists them)")


# -- running -----------------------------------------------------------------------------------
@dataclass
class QueryResult:
    """Column names and rows of plain values (str, int, float, bool, None, lists, dicts)."""

    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


def to_plain(v: Any) -> Any:
    """Driver values as JSON-friendly data: a node as its properties, a path as node ids."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(v, Node):
        return dict(v.items())
    if isinstance(v, Relationship):
        return {"type": v.type, **dict(v.items())}
    if isinstance(v, Path):
        return [n.get("id", n.element_id) for n in v.nodes]
    if isinstance(v, list | tuple):
        return [to_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: to_plain(x) for k, x in v.items()}
    if v is None or isinstance(v, str | int | float | bool):
        return v
    return str(v)  # temporal and spatial values


def run_query(
    driver: neo4j.Driver,
    query: Query,
    params: dict[str, Any],
    *,
    database: str,
    settings: Neo4jSettings | None = None,
) -> QueryResult:
    """Run ``query`` read-only and return plain rows.

    Raises
    ------
    QueryError
        The query writes (refused in read mode), or has a Cypher error.
    Neo4jUnavailable
        The server went away, refused the login, or lacks the database.
    """
    import neo4j as neo4j_mod
    from neo4j.exceptions import ClientError, Neo4jError

    from riskgraph.errors import Neo4jUnavailable
    from riskgraph.graph.neo4j.store import Neo4jSettings, map_error

    def work(tx: neo4j_mod.ManagedTransaction) -> QueryResult:
        result = tx.run(query.text, params)
        rows = [[to_plain(v) for v in rec.values()] for rec in result]
        return QueryResult(list(result.keys()), rows)

    settings = settings or Neo4jSettings.from_env(database=database)
    try:
        with driver.session(
            database=database, default_access_mode=neo4j_mod.READ_ACCESS
        ) as session:
            return session.execute_read(work)
    except ClientError as e:
        code = e.code or ""
        msg = (e.message or "").strip().splitlines()[0] if e.message else code
        if code.endswith("AccessMode") or "read access mode" in msg.lower():
            raise QueryError(
                f"query {query.name!r} writes to the database; queries run read-only"
            ) from None
        if code.startswith("Neo.ClientError.Statement") or code.startswith(
            "Neo.ClientError.Procedure"
        ):
            raise QueryError(f"query {query.name!r} failed: {msg}") from None
        mapped = map_error(e, settings)
        raise (mapped or QueryError(f"query {query.name!r} failed: {msg}")) from None
    except Neo4jUnavailable:
        raise
    except (Neo4jError, OSError) as e:
        mapped = map_error(e, settings)
        if mapped is None:
            raise
        raise mapped from None
    except Exception as e:
        mapped = map_error(e, settings)
        if mapped is None:
            raise
        raise mapped from None
