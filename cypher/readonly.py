"""What ``riskgraph query`` refuses before a Cypher text is sent (SECURITY.md).

The session runs in READ access mode, so Neo4j itself refuses writes (CREATE, MERGE, SET,
DELETE ...).  READ mode does not stop everything a shared server should not do for an analyst's
query file, so these are refused here, before the text reaches the server:

* administrative commands: ``SHOW ...`` (transactions, databases, users, settings ...),
  ``TERMINATE TRANSACTIONS`` (which kills other users' queries), ``GRANT``/``DENY``/``REVOKE``,
  ``CREATE``/``DROP``/``ALTER``/``START``/``STOP`` of databases, users, roles, aliases, servers;
* ``LOAD CSV`` (the database host would read its files or fetch a URL);
* ``USE`` (another database, e.g. ``system``);
* ``CALL`` of any procedure outside :data:`ALLOWED_PROCEDURES` (``dbms.killQuery``,
  ``apoc.load.json``, ``db.clearQueryCaches`` ...); ``CALL { ... }`` subqueries are fine.

The check reads the query as Cypher tokens: text in strings, comments and backquoted names never
counts (``MATCH (n {note: 'SHOW'})`` is fine), nor do property keys and labels (``n.show``).
"""

from __future__ import annotations

import re

from riskgraph.errors import QueryError

#: Procedures a read-only analyst query may call (schema introspection, no side effects).
ALLOWED_PROCEDURES: frozenset[str] = frozenset({
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
    "db.schema.nodetypeproperties", "db.schema.reltypeproperties", "dbms.components",
})

# Words that begin an administrative command wherever they stand (not as an alias: AS show).
_ADMIN_FIRST = {
    "SHOW": "SHOW is an administrative command",
    "TERMINATE": "TERMINATE stops other users' transactions",
    "GRANT": "GRANT is an administrative command",
    "DENY": "DENY is an administrative command",
    "REVOKE": "REVOKE is an administrative command",
    "DRYRUN": "DRYRUN is an administrative command",
    "DEALLOCATE": "DEALLOCATE is an administrative command",
    "REALLOCATE": "REALLOCATE is an administrative command",
    "USE": "USE selects another database",
}
# Words that do so before one of _ADMIN_OBJECTS (CREATE DATABASE, START DATABASE, DROP USER ...).
_ADMIN_VERBS = frozenset({"CREATE", "DROP", "ALTER", "START", "STOP", "RENAME", "ENABLE"})
_ADMIN_OBJECTS = frozenset({
    "DATABASE", "DATABASES", "USER", "USERS", "ROLE", "ROLES", "ALIAS", "ALIASES", "SERVER",
    "SERVERS", "PRIVILEGE", "PRIVILEGES", "COMPOSITE", "OR", "CURRENT",
})

_TOKEN = re.compile(
    r"""(?P<skip>//[^\n]*|/\*.*?\*/|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`]|``)*`)"""
    r"""|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<other>\S)""",
    re.DOTALL,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, value) of every token outside comments, strings and backquoted names."""
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        if m.group("skip") is not None:
            out.append(("skip", " "))
        elif m.group("word") is not None:
            out.append(("word", m.group("word")))
        else:
            out.append(("other", m.group("other")))
    return out


def check_read_only(text: str, name: str) -> None:
    """Raise :class:`QueryError` if the Cypher ``text`` holds anything refused (see the module).

    The message names the query and what was refused, e.g. ``query 'x' is refused before it is
    sent: TERMINATE stops other users' transactions (riskgraph query runs read-only analyst
    queries)``.
    """
    toks = [t for t in _tokens(text) if t[0] != "skip"]
    reason = None
    for i, (kind, value) in enumerate(toks):
        if kind != "word":
            continue
        prev = toks[i - 1][1] if i else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else ("", "")
        if prev in (".", ":", "$") or prev.upper() == "AS" or (
                nxt[1] == ":" and prev in ("{", ",")):
            continue  # a property key, label, parameter, alias or map key
        word = value.upper()
        if word in _ADMIN_FIRST:
            reason = _ADMIN_FIRST[word]
        elif word in _ADMIN_VERBS and nxt[0] == "word" and nxt[1].upper() in _ADMIN_OBJECTS:
            reason = f"{word} {nxt[1].upper()} is an administrative command"
        elif word == "LOAD" and nxt[1].upper() == "CSV":
            reason = "LOAD CSV makes the database server read files or fetch URLs"
        elif word == "CALL" and nxt[0] == "word":
            proc = [nxt[1]]
            j = i + 2
            while j + 1 < len(toks) and toks[j][1] == "." and toks[j + 1][0] == "word":
                proc.append(toks[j + 1][1])
                j += 2
            full = ".".join(proc)
            if full.lower() not in ALLOWED_PROCEDURES:
                allowed = ", ".join(sorted(ALLOWED_PROCEDURES))
                reason = f"procedure {full!r} is not in the allow-list ({allowed})"
        if reason:
            raise QueryError(f"query {name!r} is refused before it is sent: {reason} "
                             "(riskgraph query runs read-only analyst queries)")
