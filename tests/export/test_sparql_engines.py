"""Every SPARQL file of the library gives the same rows in a second engine (pyoxigraph, Oxigraph's
SPARQL 1.1 evaluator) as in rdflib, which riskgraph's runner uses.

riskgraph binds parameters through rdflib's ``initBindings``, which also reach into sub-selects;
a standard engine (Apache Jena ARQ, Oxigraph) binds them at the outer level only: an initial
binding, or a ``VALUES`` block in the outermost group, is joined with what the sub-selects
project.  The second engine here gets exactly that (a ``VALUES`` block written into the
outermost ``WHERE``), so a query whose parameters only work inside sub-selects gives different
rows.  The files must also say how many rows they return in the query itself (``LIMIT``), not
only in a header comment.
"""

from __future__ import annotations

import math
import re

import pyoxigraph as ox  # a dev dependency (PyPI), the second engine
import pytest
import rdflib

from riskgraph.cypher import sparql
from riskgraph.export import rdf

QUERIES = sorted(sparql.library())
# parameter sets per query, beside the defaults (required parameters get a node of the graph)
EXTRA: dict[str, list[dict[str, str]]] = {
    "labs-downstream": [{"hops": "1"}, {"hops": "3"}, {"mineral": "mineral:germanium"},
                        {"mineral": "accelerator:nvidia-gpu", "hops": "2"}],
    "labs-exposed-to-mineral": [{"hops": "2"}, {"hops": "3"}, {"mineral": "mineral:germanium"},
                                {"mineral": "mineral:germanium", "hops": "2"}, {"hops": "10"}],
    "minerals-by-hhi": [{"limit": "1"}, {"limit": "50"}],
    "single-points-of-failure": [{"share": "0.5"}],
}
REQUIRED = {"mineral": "mineral:gallium", "node": "accelerator:nvidia-gpu",
            "company": "company:tsmc", "a": "company:tsmc", "b": "accelerator:nvidia-gpu"}


def _comment_blanked(text: str) -> str:
    """The query text with comment lines blanked out (same length, same offsets)."""
    return "".join(re.sub(r"[^\n]", " ", ln) if ln.lstrip().startswith("#") else ln
                   for ln in text.splitlines(keepends=True))


def outer_values(text: str, lits: dict[str, rdflib.term.Node]) -> str:
    """``text`` with ``VALUES (?p ...) { (v ...) }`` as the first element of the outer WHERE."""
    if not lits:
        return text
    m = re.search(r"\bWHERE\s*\{", _comment_blanked(text), re.IGNORECASE)
    assert m, "no WHERE { ... } in the query"
    head = " ".join(f"?{v}" for v in lits)
    vals = " ".join(lit.n3() for lit in lits.values())
    return f"{text[:m.end()]}\n  VALUES ({head}) {{ ({vals}) }}\n{text[m.end():]}"


def _value(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype is not None else ""
        name = dt.rsplit("#", 1)[-1]
        if name in ("integer", "int", "long", "short", "nonNegativeInteger"):
            return int(term.value)
        if name in ("double", "decimal", "float"):
            return float(term.value)
        if name == "boolean":
            return term.value == "true"
        return term.value
    return term.value  # type: ignore[attr-defined]


def oxigraph_rows(store: object, q: sparql.Query, params: dict) -> tuple[list[str], list[list]]:
    text = q.text
    if q.limit and q.limit in params:  # the runner writes the limit into the final LIMIT
        text = sparql.with_limit(text, int(params[q.limit]))
    res = store.query(outer_values(text, sparql.bindings(q, params)))  # type: ignore[attr-defined]
    cols = [v.value for v in res.variables]
    rows = [[_value(sol[c]) for c in cols] for sol in res]
    if q.limit and q.limit in params:  # the runner's cap, as in sparql.run_query
        rows = rows[: max(0, int(params[q.limit]))]
    return cols, rows


def canonical(rows: list[list]) -> list[tuple]:
    def norm(v: object) -> object:
        if isinstance(v, float):
            return float(f"{v:.10g}") if math.isfinite(v) else v
        return v

    return [tuple(norm(v) for v in r) for r in rows]


def param_sets(q: sparql.Query) -> list[dict[str, str]]:
    base = {p.name: REQUIRED[p.name] for p in q.params if p.required and p.name in REQUIRED}
    return [base] + [{**base, **extra} for extra in EXTRA.get(q.name, [])]


def store_of(g: rdflib.Graph) -> object:
    st = ox.Store()
    st.load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return st


@pytest.fixture(scope="module")
def sample() -> tuple[rdflib.Graph, object]:
    """The export tests' sample graph, plus inputs of two owners' deployed compute, so that
    both minerals reach labs along different chains."""
    from rg_sample_graph import sample_graph

    from riskgraph.graph.model import Edge

    base = sample_graph()
    for src, dst, w in (("input:gaas-wafers", "company:microsoft", 0.3),
                        ("mineral:germanium", "company:amazon", 0.1)):
        base.add_edge(Edge(src, dst, "INPUT_TO", source=f"test row {src}-{dst}", as_of="2024",
                           confidence="estimated", rationale="test", props={"weight": w}))
    g = rdf.to_rdf(base)
    return g, store_of(g)


def same_rows(g: rdflib.Graph, st: object, name: str, raw: dict[str, str]) -> None:
    q = sparql.library()[name]
    params = q.bind(raw)
    a = sparql.run_query(g, q, params)
    cols, rows = oxigraph_rows(st, q, params)
    assert cols == a.columns
    # as multisets: rows whose ORDER BY keys tie may come in either order
    assert sorted(map(repr, canonical(a.rows))) == sorted(map(repr, canonical(rows))), (name, raw)


@pytest.mark.parametrize("name", QUERIES)
def test_same_rows_in_rdflib_and_oxigraph(sample, name: str) -> None:
    g, st = sample
    q = sparql.library()[name]
    for raw in param_sets(q):
        same_rows(g, st, name, raw)


def test_the_sample_tells_the_engines_apart(sample) -> None:
    """A query whose parameter only reaches a sub-select differs between the engines here."""
    g, st = sample
    q = sparql.parse(
        "# Question: labs one link below a node\n# Parameters:\n#   mineral (str) start\n"
        "PREFIX dct: <http://purl.org/dc/terms/>\n"
        "PREFIX rg: <https://w3id.org/riskgraph/ontology#>\n"
        "SELECT ?l WHERE { { SELECT DISTINCT ?l WHERE {\n"
        "  ?m dct:identifier ?mineral . ?r rg:supplier ?m ; rg:customer ?l . } } }",
        "inner-only")
    params = {"mineral": "mineral:gallium"}
    a = sparql.run_query(g, q, params).rows
    _, b = oxigraph_rows(st, q, params)
    assert len(b) > len(a) > 0  # the standard engine ignores the binding inside


def test_the_sample_reaches_labs_from_both_minerals(sample) -> None:
    g, _ = sample
    q = sparql.library()["labs-exposed-to-mineral"]
    ga = sparql.run_query(g, q, q.bind({"mineral": "mineral:gallium"})).records()
    ge = sparql.run_query(g, q, q.bind({"mineral": "mineral:germanium"})).records()
    assert ga and ge and ga != ge  # so a query that ignores the mineral is caught


def _sub_selects(text: str) -> list[tuple[str, str]]:
    """(projection, body) of every sub-select (brace-matched; comments blanked)."""
    t = _comment_blanked(text)
    out = []
    starts = [m.start() for m in re.finditer(r"\bSELECT\b", t, re.IGNORECASE)][1:]
    for s in starts:
        w = re.compile(r"\bWHERE\s*\{", re.IGNORECASE).search(t, s)
        assert w
        depth, i = 1, w.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(t[i], 0)
            i += 1
        out.append((t[s:w.start()], t[w.end():i - 1]))
    return out


@pytest.mark.parametrize("name", QUERIES)
def test_parameters_bind_at_the_outer_level(name: str) -> None:
    """A parameter used inside a sub-select is projected by it (so an outer binding joins)."""
    q = sparql.library()[name]
    for proj, body in _sub_selects(q.text):
        for p in q.params:
            var = f"?{p.variable}"
            if re.search(re.escape(var) + r"\b", body):
                assert re.search(re.escape(var) + r"\b", proj), (name, var, proj.strip())


@pytest.mark.parametrize("name", QUERIES)
def test_a_limit_lives_in_the_query(name: str) -> None:
    q = sparql.library()[name]
    if q.limit:
        assert re.search(r"\bLIMIT\s+\d+\s*$", _comment_blanked(q.text).rstrip(), re.I), name


def test_limit_parameter_is_written_into_the_query() -> None:
    q = sparql.library()["minerals-by-hhi"]
    assert q.limit == "limit"
    default = next(p.default for p in q.params if p.name == "limit")
    assert re.search(rf"\bLIMIT\s+{default}\s*$", q.text.rstrip())  # the file's own LIMIT
    assert sparql.with_limit(q.text, 5).rstrip().endswith("LIMIT 5")
    assert sparql.with_limit(q.text, 5).count("LIMIT") == q.text.count("LIMIT")
    text = "# Limit: limit\n# LIMIT 3 in a comment\nSELECT ?s WHERE { ?s ?p ?o }\n"
    assert sparql.with_limit(text, 5) == text  # no LIMIT clause: unchanged (rows capped after)


# two quick ones on the shipped graph (the sample graph above runs every query; the shipped
# graph's RDF is shared with the other real-graph tests, one worker)
@pytest.mark.slow  # both engines over the whole graph
@pytest.mark.parametrize("name", ["company-suppliers", "minerals-by-hhi"])
def test_same_rows_on_the_shipped_graph(real_rdf, name: str) -> None:
    st = _REAL.setdefault("store", store_of(real_rdf))
    q = sparql.library()[name]
    raw = {p.name: REQUIRED[p.name] for p in q.params if p.required and p.name in REQUIRED}
    same_rows(real_rdf, st, name, raw)


_REAL: dict[str, object] = {}
