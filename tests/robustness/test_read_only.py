"""Issue 10, item 6: the "read-only" commands stay read-only and make no requests.

* ``riskgraph query FILE`` refuses administrative commands (TERMINATE/SHOW TRANSACTIONS ...),
  ``LOAD CSV``, ``USE`` and procedures outside an allow-list BEFORE anything is sent.  Shown
  against the real Neo4j server (marker ``neo4j``; it only reads, the data stays as it is): on
  the old main the server ran ``SHOW TRANSACTIONS`` and fetched a ``LOAD CSV`` URL from a local
  web server; now the command fails with one line and the web server sees no request.
* ``riskgraph sparql`` refuses ``SERVICE`` and ``FROM`` (outbound requests) unless
  ``--allow-service``, and ``--rdf FILE`` reads exactly that file.
* A ``--param`` int beyond 64 bits is a one-line error, not an OverflowError from the driver.
"""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskgraph.cli.app import run
from riskgraph.cypher.readonly import check_read_only
from riskgraph.errors import QueryError

TAIL = " (riskgraph query runs read-only analyst queries)"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        _Recorder.hits.append(self.path)
        body = b"a,b\n1,2\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web() -> Iterator[str]:
    """A local web server that records every request it gets; yields its base URL."""
    _Recorder.hits = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.mark.parametrize("text, reason", [
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE stops other users' transactions"),
    ("SHOW TRANSACTIONS YIELD transactionId, currentQuery RETURN *",
     "SHOW is an administrative command"),
    ("show databases", "SHOW is an administrative command"),
    ("LOAD CSV FROM 'http://example.invalid/x.csv' AS row RETURN row",
     "LOAD CSV makes the database server read files or fetch URLs"),
    ("CALL dbms.killQuery('query-1')", "procedure 'dbms.killQuery' is not in the allow-list "
     "(db.labels, db.propertykeys, db.relationshiptypes, db.schema.nodetypeproperties, "
     "db.schema.reltypeproperties, db.schema.visualization, dbms.components)"),
    ("CALL apoc.load.json('http://example.invalid') YIELD value RETURN value",
     "procedure 'apoc.load.json' is not in the allow-list"),
    ("USE system MATCH (n) RETURN n", "USE selects another database"),
    ("STOP DATABASE neo4j", "STOP DATABASE is an administrative command"),
    ("CREATE USER eve SET PASSWORD 'x'", "CREATE USER is an administrative command"),
    ("/* hidden */ Terminate Transaction 'x'", "TERMINATE stops other users' transactions"),
])
def test_refused_before_sending(text: str, reason: str) -> None:
    with pytest.raises(QueryError) as ei:
        check_read_only(text, "q")
    assert str(ei.value).startswith(f"query 'q' is refused before it is sent: {reason}")
    assert str(ei.value).endswith(TAIL)


@pytest.mark.parametrize("text", [
    "MATCH (n {note: 'SHOW TRANSACTIONS'}) WHERE n.show = 1 RETURN n.terminate AS start",
    "MATCH (n) RETURN n {show: 1, `LOAD CSV`: 2} // TERMINATE TRANSACTIONS",
    "MATCH (c) CALL (c) { RETURN c.id AS i } RETURN i",
    "CALL db.labels() YIELD label RETURN label",
])
def test_ordinary_queries_pass(text: str) -> None:
    check_read_only(text, "q")


def test_every_library_query_passes() -> None:
    from riskgraph.cypher import library

    for q in library.list_queries():
        check_read_only(q.text, q.name)


@pytest.mark.neo4j
def test_real_server_never_sees_admin_commands_or_load_csv(
        tmp_path: Path, web: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from riskgraph.graph.neo4j.connection import Neo4jSettings, connect

    settings = Neo4jSettings.from_env()
    connect(settings).close()  # the real server is up (fails loudly if not)
    for var in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(var, raising=False)
    conn = ["--uri", settings.uri, "--user", settings.user, "--password", settings.password,
            "--database", settings.database]
    show = tmp_path / "show.cypher"
    show.write_text("SHOW TRANSACTIONS YIELD transactionId RETURN transactionId\n",
                    encoding="utf-8")
    code, out, err = _cli("query", str(show), "--format", "json", *conn, capsys=capsys)
    assert code == 6 and out == ""
    assert err == ("Error: query 'show' is refused before it is sent: SHOW is an administrative "
                   f"command{TAIL}\n")
    load = tmp_path / "load.cypher"
    load.write_text(f"LOAD CSV WITH HEADERS FROM '{web}/supplier.csv' AS row RETURN row.a AS a\n",
                    encoding="utf-8")
    code, out, err = _cli("query", str(load), "--format", "json", *conn, capsys=capsys)
    assert code == 6
    assert err == ("Error: query 'load' is refused before it is sent: LOAD CSV makes the "
                   f"database server read files or fetch URLs{TAIL}\n")
    assert _Recorder.hits == []  # the database host made no request
    ok = tmp_path / "ok.cypher"  # and a plain read still runs on the same server
    ok.write_text("RETURN 1 AS one\n", encoding="utf-8")
    code, out, err = _cli("query", str(ok), "--format", "csv", *conn, capsys=capsys)
    assert code == 0, err
    assert out == "one\n1\n"


def test_an_int_beyond_64_bits_is_one_line(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    code, _, err = _cli("query", "labs-exposed-to-mineral", "--param",
                        "hops=99999999999999999999999", capsys=capsys)
    assert code == 6
    assert err == ("Error: parameter 'hops' must be an int between -2^63 and 2^63-1 (a 64-bit "
                   "integer), got '99999999999999999999999'\n")


# -- SPARQL ----------------------------------------------------------------------------------
TINY = "@prefix ex: <http://example.invalid/> .\nex:a ex:b ex:c .\n"


def test_sparql_service_is_refused_without_the_flag(tmp_path: Path, web: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    ttl = tmp_path / "tiny.ttl"
    ttl.write_text(TINY, encoding="utf-8")
    rq = tmp_path / "remote.rq"
    rq.write_text(f"SELECT ?s WHERE {{ SERVICE <{web}/sparql> {{ ?s ?p ?o }} }}\n",
                  encoding="utf-8")
    code, out, err = _cli("sparql", str(rq), "--rdf", str(ttl), capsys=capsys)
    assert code == 6 and out == ""
    assert err == (f"Error: SPARQL query 'remote' uses SERVICE <{web}/sparql>, a request to "
                   "another server; run it with --allow-service if you mean it\n")
    assert _Recorder.hits == []
    code, out, err = _cli("sparql", str(rq), "--rdf", str(ttl), "--allow-service",
                          capsys=capsys)
    assert _Recorder.hits, "with --allow-service the query does go out"
    assert code == 0 or (code == 6 and err.count("\n") == 1), err


def test_sparql_from_is_refused(tmp_path: Path, web: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    ttl = tmp_path / "tiny.ttl"
    ttl.write_text(TINY, encoding="utf-8")
    rq = tmp_path / "from.rq"
    rq.write_text(f"SELECT ?s FROM <{web}/g.ttl> WHERE {{ ?s ?p ?o }}\n", encoding="utf-8")
    code, _, err = _cli("sparql", str(rq), "--rdf", str(ttl), capsys=capsys)
    assert code == 6
    assert err == (f"Error: SPARQL query 'from' uses FROM <{web}/g.ttl>, which rdflib would "
                   "download; run it with --allow-service if you mean it\n")
    assert _Recorder.hits == []


def test_a_malformed_sparql_query_fails_before_the_graph_is_built(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import riskgraph.export.rdf as rdf

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("the graph was converted before the query was parsed")

    monkeypatch.setattr(rdf, "to_rdf", boom)
    rq = tmp_path / "bad.rq"
    rq.write_text("SELECT WHERE {\n", encoding="utf-8")
    code, _, err = _cli("sparql", str(rq), capsys=capsys)
    assert code == 6
    assert err.startswith("Error: SPARQL query 'bad' does not parse: ") and err.count("\n") == 1


def test_rdf_file_is_read_as_given(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "graph.ttl").write_text(TINY, encoding="utf-8")  # in the parent folder only
    sub = tmp_path / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    code, out, err = _cli("sparql", "company-suppliers", "--param", "company=company:x",
                          "--rdf", "graph.ttl", capsys=capsys)
    assert code == 7 and out == ""
    assert err == "Error: cannot read RDF from graph.ttl: No such file or directory\n"
    code, out, err = _cli("sparql", "company-suppliers", "--param", "company=company:x",
                          "--rdf", "http://example.invalid/graph.ttl", capsys=capsys)
    assert code == 7
    assert err == ("Error: cannot read RDF from http:/example.invalid/graph.ttl: No such file or "
                   "directory\n")
    assert os.getcwd() == str(sub)
