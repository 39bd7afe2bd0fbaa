"""The Cypher library without a server: header parsing, parameter binding, loading by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from riskgraph.cypher import library
from riskgraph.errors import QueryError
from riskgraph.graph import schema

HEADER = """\
// Question: Which labs depend on a mineral,
//   and how?
// Parameters:
//   mineral (str) node id of the mineral [default: mineral:gallium]
//   hops (int) longest path [default: 8]
//   share (float) a share
//   strict (bool) only exact [default: false]
//   ids (list) some ids [default: a,b]
// Example: riskgraph query demo --param share=0.5
// Returns: lab, hops

MATCH (m:Mineral {id: $mineral}) RETURN $hops, $share, $strict, $ids
"""


def test_header_is_parsed() -> None:
    q = library.parse(HEADER, "demo")
    assert q.question == "Which labs depend on a mineral, and how?"
    assert [p.name for p in q.params] == ["mineral", "hops", "share", "strict", "ids"]
    assert q.param("hops") == library.Param("hops", "int", "longest path", "8")
    assert q.param("share") is not None and q.param("share").required  # type: ignore[union-attr]
    assert q.example == "riskgraph query demo --param share=0.5"
    assert q.returns == "lab, hops"
    assert q.header_problems == ()
    assert q.used_params() == {"mineral", "hops", "share", "strict", "ids"}


def test_bind_types_defaults_and_errors() -> None:
    q = library.parse(HEADER, "demo")
    got = q.bind({"share": "0.25", "hops": "3", "strict": "yes"})
    assert got == {
        "share": 0.25,
        "hops": 3,
        "strict": True,
        "mineral": "mineral:gallium",
        "ids": ["a", "b"],
    }
    with pytest.raises(QueryError, match=r"needs --param share=\.\.\. \(a share\)"):
        q.bind({})
    with pytest.raises(QueryError, match="parameter 'hops' must be int, got 'many'"):
        q.bind({"share": "1", "hops": "many"})
    with pytest.raises(QueryError, match="parameter 'strict' must be bool"):
        q.bind({"share": "1", "strict": "perhaps"})
    with pytest.raises(QueryError, match=r"has no parameter 'nope' \(it takes: mineral, hops"):
        q.bind({"share": "1", "nope": "x"})


def test_values_with_quotes_stay_values() -> None:
    q = library.parse(HEADER, "demo")
    evil = "x'}) DETACH DELETE m //"
    assert q.bind({"share": "1", "mineral": evil})["mineral"] == evil
    assert evil not in q.text


def test_file_without_header_guesses_types() -> None:
    q = library.parse("MATCH (n) WHERE n.x = $x RETURN n LIMIT $k", "mine")
    assert q.params == () and q.question == ""
    assert q.bind({"x": "abc", "k": "5", "f": "0.5"}) == {"x": "abc", "k": 5, "f": 0.5}


def test_malformed_header_lines_are_reported() -> None:
    q = library.parse(
        "// Parameters:\n//   x (decimal) a thing\n//   what is this\nRETURN 1", "bad"
    )
    assert any("unknown type 'decimal'" in p for p in q.header_problems)
    assert any("malformed parameter line" in p for p in q.header_problems)


def test_load_by_name_by_file_and_unknown(tmp_path: Path) -> None:
    assert library.load("minerals-by-hhi").name == "minerals-by-hhi"
    f = tmp_path / "mine.cypher"
    f.write_text("RETURN 1 AS one\n")
    assert library.load(str(f)).text == "RETURN 1 AS one\n"
    with pytest.raises(
        QueryError, match="no query named 'minerals-by-hh'; did you mean 'minerals-by-hhi'"
    ):
        library.load("minerals-by-hh")
    with pytest.raises(QueryError, match="cannot read"):
        library.load(str(tmp_path / "missing.cypher"))


QUERIES = library.list_queries()


def test_the_library_has_at_least_twelve_queries() -> None:
    assert len(QUERIES) >= 12


@pytest.mark.parametrize("q", QUERIES, ids=[q.name for q in QUERIES])
def test_every_query_has_a_complete_header(q: library.Query) -> None:
    assert q.header_problems == ()
    assert q.question.endswith("?") or "?" in q.question, q.question
    assert q.example.startswith(f"riskgraph query {q.name}")
    assert q.returns
    declared = {p.name for p in q.params}
    assert q.used_params() == declared, "declared parameters must be exactly the used ones"
    for p in q.params:
        assert p.description
        if p.default is not None:
            p.coerce(p.default)  # defaults have the declared type
    # Every example's --param values bind.
    raw = dict(re.findall(r"--param (\w+)=(\S+)", q.example))
    q.bind(raw)


@pytest.mark.parametrize("q", QUERIES, ids=[q.name for q in QUERIES])
def test_queries_use_only_schema_labels_and_types(q: library.Query) -> None:
    body = "\n".join(x for x in q.text.splitlines() if not x.lstrip().startswith("//"))
    labels = set(schema.NODE_KINDS.values()) | set(schema.COMPANY_ROLES.values()) | {"Entity"}
    labels |= {"Source", "Rationale"}  # the store's provenance records (slim provenance)
    for name in re.findall(r"\(\s*\w*\s*:\s*(\w+)", body):
        assert name in labels, f"unknown label {name}"
    for group in re.findall(r"\[\s*\w*\s*:\s*([A-Z_|]+)", body):
        for t in group.split("|"):
            assert t in schema.REL_TYPES, f"unknown relationship type {t}"
    assert not re.search(r"\b(CREATE|MERGE|DELETE|SET|REMOVE)\b", body), "library queries only read"
