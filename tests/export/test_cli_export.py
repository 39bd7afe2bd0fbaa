"""`riskgraph export ...` and `riskgraph sparql ...` on the real graph and the sample graph."""

from __future__ import annotations

import json

import networkx as nx
import pytest
import rdflib
from rg_sample_graph import EVIL, sample_graph
from typer.testing import CliRunner

from riskgraph.cli.app import app
from riskgraph.export import rdf
from riskgraph.export.tabular import read_csv, read_json

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, [str(a) for a in args])
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def real(real_graph):
    return real_graph


def test_export_json_csv_graphml(real, tmp_path):
    code, _, err = run("export", "json", tmp_path / "g.json")
    assert code == 0, err
    assert f"({len(real)} nodes, {real.number_of_edges()} edges)" in err
    assert read_json(tmp_path / "g.json").to_dict() == real.to_dict()
    code, _, err = run("export", "csv", tmp_path / "csv")
    assert code == 0, err
    assert read_csv(tmp_path / "csv").to_dict() == real.to_dict()
    code, _, err = run("export", "graphml", tmp_path / "g.graphml")
    assert code == 0, err
    G = nx.read_graphml(tmp_path / "g.graphml")
    assert (G.number_of_nodes(), G.number_of_edges()) == (len(real), real.number_of_edges())


def test_export_rdf_with_base(tmp_path, monkeypatch):
    """The command passes --format and --base to the exporter.  On the sample graph: the RDF of
    the whole graph is checked in test_sparql.py (session fixture ``real_rdf``)."""
    from riskgraph.cli import export_cmd

    sample = sample_graph()
    monkeypatch.setattr(export_cmd, "_graph", lambda data_dir, no_cache: sample)
    out = tmp_path / "g.nt"
    code, _, err = run("export", "rdf", out, "--format", "nt", "--base", "https://example.org/rg/")
    assert code == 0, err
    g = rdflib.Graph().parse(out, format="nt")
    rg = rdflib.Namespace(rdf.ONTOLOGY_NS)
    assert (rdflib.URIRef("https://example.org/rg/mineral/gallium"), rdflib.RDF.type,
            rg.Mineral) in g
    assert len(set(g.subjects(rdflib.RDF.type, rg.Dependency))) + len(
        set(g.subjects(rdflib.RDF.type, rg.Association))) == sample.number_of_edges()
    assert f"({len(g)} triples, nt)" in err


def test_export_html_layers(real, tmp_path):
    code, _, err = run("export", "html", tmp_path / "v.html", "--layers", "clouds,labs",
                       "--layers", "chips")
    assert code == 0, err
    want = sum(1 for n in real.nodes.values() if n.layer in {"clouds", "labs", "chips"})
    assert f" of {want} nodes shown on opening" in err  # the page opens on the chain to the labs


@pytest.mark.parametrize(("args", "code", "message"), [
    (["export", "rdf", "/nonexistent-dir/x.ttl"], 7,
     "Error: cannot write /nonexistent-dir/x.ttl: folder /nonexistent-dir does not exist"),
    (["export", "rdf", "OUT", "--base", "example"], 2, "Error: --base 'example' is not"),
    (["export", "html", "OUT", "--layers", "gpus"], 2, "Error: unknown layer 'gpus'"),
    (["sparql", "node-supplierz"], 6, "Error: no SPARQL query named 'node-supplierz'; did you"),
    (["sparql", "node-suppliers"], 2, "Error: query 'node-suppliers' needs --param node="),
    (["sparql", "labs-exposed-to-mineral", "-p", "hops=x"], 2,
     "Error: parameter 'hops' must be int, got 'x'"),
    (["sparql"], 2, "Error: name a query or a .rq file"),
])
def test_errors_are_one_line(tmp_path, args, code, message):
    args = [str(tmp_path / "o.html") if a == "OUT" else a for a in args]
    got, out, err = run(*args)
    assert got == code
    assert err.startswith(message), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "o.html").exists()


@pytest.fixture()
def sample_rdf(tmp_path):
    p = tmp_path / "sample.ttl"
    rdf.write_rdf(sample_graph(), p)
    return p


def test_sparql_on_an_rdf_file_json_csv_table(sample_rdf):
    code, out, err = run("sparql", "node-suppliers", "--rdf", sample_rdf, "-p",
                         "node=accelerator:nvidia-gpu", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "riskgraph.sparql/1"
    assert doc["columns"][0] == "supplier"
    assert [r["supplier"] for r in doc["rows"]][:2] == ["company:nvidia", "company:tsmc"]
    assert EVIL in [r["name"] for r in doc["rows"]]
    code, out, _ = run("sparql", "node-suppliers", "--rdf", sample_rdf, "-p",
                       "node=accelerator:nvidia-gpu", "-f", "csv")
    assert code == 0 and out.splitlines()[0].startswith("supplier,name,type,weight")
    code, out, _ = run("sparql", "hhi-by-release", "--rdf", sample_rdf)
    assert code == 0 and "9,608" in out and "3 row(s)" in out
    code, out, _ = run("sparql", "edge-sources", "--rdf", sample_rdf, "-p", "from=company:evil",
                       "-p", "to=accelerator:nvidia-gpu")
    assert code == 0 and "[bol" in out  # rich markup in user text is shown, not applied


def test_sparql_list():
    code, out, _ = run("sparql", "--list", "-f", "json")
    assert code == 0
    names = [r["name"] for r in json.loads(out)["rows"]]
    assert "labs-exposed-to-mineral" in names and "single-points-of-failure" in names


def test_sparql_on_the_current_graph(real_graph, real_rdf, monkeypatch):
    """Without --rdf the command converts the current graph; the conversion is the session's
    (``real_rdf``, built once), the rest of the command runs as a user runs it."""
    converted = []

    def to_rdf(g, base=rdf.DEFAULT_BASE):  # type: ignore[no-untyped-def]
        converted.append((len(g), g.number_of_edges(), base))
        return real_rdf

    monkeypatch.setattr(rdf, "to_rdf", to_rdf)
    code, out, err = run("sparql", "single-points-of-failure", "-p", "share=0.99", "-f", "json")
    assert code == 0, err
    assert converted == [(len(real_graph), real_graph.number_of_edges(), rdf.DEFAULT_BASE)]
    rows = json.loads(out)["rows"]
    assert rows and all(r["share"] >= 0.99 for r in rows)
