"""The curated links table: real files, coverage of the source articles, honesty, paths, errors."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest

from riskgraph.errors import IngestError
from riskgraph.graph import curated_format, schema
from riskgraph.graph.model import GraphData
from riskgraph.ingest import curated
from riskgraph.ingest.base import DATA_DIR
from riskgraph.ingest.build import build
from riskgraph.ingest.resolve import Resolver

CURATED = DATA_DIR / "curated"
MENTIONS = Path(__file__).resolve().parent / "data" / "article_mentions.tsv"

# Every company (or brand of one) the five source articles name as part of the AI value chain.
ARTICLE_COMPANIES = [
    "Nvidia", "Microsoft", "Alphabet", "Google", "Amazon", "AWS", "Meta", "Facebook", "Apple",
    "Tesla", "OpenAI", "Anthropic", "DeepSeek", "Hugging Face", "Broadcom", "Marvell", "Micron",
    "TSMC", "Oracle", "CoreWeave", "Vertiv", "Constellation", "NuScale", "OneChronos",
    "Auctionomics",
]
# The articles also name publishers, banks, analysts and index providers (Invesco, Tencent,
# Barclays, Goldman Sachs, Morningstar, Truist, Saxo, BCA Research, Bloomberg, MSCI, ...): they
# are not part of the supply chain and are deliberately not nodes.
LEFT_OUT = ["SK hynix", "Samsung", "ASML", "Intel", "AMD", "xAI", "Google DeepMind", "Mistral"]

ACCELERATORS = sorted(curated.ACCELERATOR_FAMILIES)
MINERALS = ["gallium", "germanium", "indium", "silicon", "tantalum", "rare-earths"]
LABS = ["openai", "anthropic", "google-deepmind", "xai", "meta", "deepseek", "mistral",
        "hugging-face", "apple"]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver()


@pytest.fixture(scope="module")
def result(resolver: Resolver) -> curated.LoadResult:
    return curated.load(DATA_DIR, resolver)


@pytest.fixture(scope="module")
def graph() -> GraphData:
    return build().graph


def _raw_links() -> list[dict[str, str]]:
    with (CURATED / "links.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _supply_digraph(g: GraphData) -> nx.DiGraph:
    """Edges oriented supplier -> customer (schema FLOW), weight > 0 only."""
    G = nx.DiGraph()
    for e in g.edges.values():
        flow = schema.flow_of(e.type)
        if flow == "none" or (e.weight is not None and e.weight <= 0):
            continue
        s, d = (e.src, e.dst) if flow == "forward" else (e.dst, e.src)
        G.add_edge(s, d)
    return G


# -- the real files ---------------------------------------------------------------------------
def test_real_files_load(result: curated.LoadResult) -> None:
    raw = _raw_links()
    assert result.source.key == "curated"
    assert result.files == ["curated/nodes.csv", "curated/links.csv"]
    assert result.graph.number_of_edges() == len(raw) >= 120
    assert len(result.graph) >= 15
    links = result.tables["links"]
    assert list(links.columns[:3]) == ["from", "to", "type"]
    assert str(links["weight"].dtype) == "float64"
    for e in result.graph.edges.values():
        assert re.search(r"\(riskgraph curated, curated/links\.csv line \d+\)$", e.source), e.key
        assert e.key.endswith("|curated")
    for n in result.graph.nodes.values():
        assert n.layer in schema.LAYERS, n.id


def test_wafer_reuses_the_cset_input(result: curated.LoadResult) -> None:
    assert "input:wafer" in curated.cset_input_ids(DATA_DIR)
    assert "input:wafer" not in result.graph.nodes  # CSET defines it; curated only links it
    assert any(e.src == "mineral:silicon" and e.dst == "input:wafer"
               for e in result.graph.edges.values())


def test_merged_graph_is_valid_and_has_curated_source(graph: GraphData) -> None:
    assert graph.problems() == []
    assert any(e.key.endswith("|curated") for e in graph.edges.values())


# -- coverage ---------------------------------------------------------------------------------
def test_every_article_company_is_named_in_the_articles() -> None:
    """Each name has a verbatim excerpt of a source article that contains it
    (tests/ingest/data/article_mentions.tsv, made from ../shared/seeds/*.txt: the first
    occurrence of the name, case-insensitive, with 60 characters either side)."""
    rows = [line.split("\t") for line in MENTIONS.read_text(encoding="utf-8").splitlines()[1:]]
    excerpts = {name: (seed, text) for name, seed, text in rows}
    assert set(excerpts) == set(ARTICLE_COMPANIES)
    for name, (seed, text) in excerpts.items():
        assert re.fullmatch(r"00[0-4]_[0-9a-f]{16}\.txt", seed), seed
        assert name.casefold() in text.casefold(), name


@pytest.mark.parametrize("name", ARTICLE_COMPANIES + LEFT_OUT)
def test_every_company_resolves_to_one_node(name: str, resolver: Resolver,
                                            graph: GraphData) -> None:
    node_id = resolver.lookup(name, "company")
    assert node_id is not None, name
    assert node_id in graph.nodes
    if name not in ("OneChronos", "Auctionomics"):  # named for a planned market only
        assert graph.in_edges(node_id) or graph.out_edges(node_id), name


def test_epoch_and_cset_spellings_resolve(resolver: Resolver) -> None:
    for spelling, node_id in [("Google", "company:alphabet"), ("Amazon", "company:amazon"),
                              ("Microsoft", "company:microsoft"), ("Meta", "company:meta"),
                              ("Oracle", "company:oracle"), ("CoreWeave", "company:coreweave"),
                              ("xAI", "company:xai"), ("SK Hynix", "company:sk-hynix"),
                              ("Samsung", "company:samsung"), ("Shin-Etsu", "company:shin-etsu"),
                              ("SUMCO", "company:sumco"), ("Tokyo Electron",
                                                           "company:tokyo-electron")]:
        assert resolver.lookup(spelling, "company") == node_id, spelling


# -- honesty ----------------------------------------------------------------------------------
def test_every_estimated_row_has_rationale_and_range() -> None:
    rows = _raw_links()
    estimated = [r for r in rows if r["confidence"] == "estimated"]
    assert len(estimated) > 100
    for r in estimated:
        assert r["rationale"].strip(), r
        if r["weight"]:
            lo, w, hi = float(r["weight_low"]), float(r["weight"]), float(r["weight_high"])
            assert 0.0 <= lo <= w <= hi <= 1.0, r


def test_reported_rows_cite_a_document() -> None:
    for r in _raw_links():
        if r["confidence"] == "reported":
            assert "estimate" not in r["source"].casefold(), r
            assert re.search(r"10-K|annual report|seeds/\d{3}|press release|announcement|S-1",
                             r["source"], re.I), r


def test_supply_weights_of_one_customer_do_not_exceed_one(result: curated.LoadResult) -> None:
    # HBM makers per accelerator family and clouds per lab are shares of one whole.
    for rtype in ("SUPPLIES", "RUNS_ON"):
        totals: dict[str, float] = {}
        for e in result.graph.iter_edges([rtype]):
            customer = e.dst if schema.flow_of(rtype) == "forward" else e.src
            if customer.startswith(("accelerator:", "company:")) and e.src.startswith("company:"):
                totals[customer] = totals.get(customer, 0.0) + (e.weight or 0.0)
        for customer, total in totals.items():
            if rtype == "RUNS_ON" or customer.startswith("accelerator:"):
                assert total <= 1.0 + 1e-9, (rtype, customer, total)


def test_key_figures(result: curated.LoadResult) -> None:
    inv = result.graph.edges["company:microsoft|INVESTS_IN|company:openai|curated"]
    assert inv.confidence == "reported" and inv.props["amount"] == 13e9
    assert "seeds/001" in inv.source
    cw = result.graph.edges["company:microsoft|RUNS_ON|company:coreweave|curated"]
    assert cw.props["sales_share"] == 0.62
    oa = result.graph.edges["company:openai|RUNS_ON|company:microsoft|curated"]
    assert oa.props["weight_low"] <= oa.weight <= oa.props["weight_high"]


# -- paths ------------------------------------------------------------------------------------
@pytest.mark.parametrize("mineral", MINERALS)
def test_paths_from_minerals_to_every_owners_deployed_compute(mineral: str,
                                                             graph: GraphData) -> None:
    # product/deployment split (docs/model.md): minerals reach the deployed compute of each
    # owner through servers, networking and power/cooling, not the chip product itself
    G = _supply_digraph(graph)
    for owner in ("company:microsoft", "company:alphabet", "company:amazon", "company:meta",
                  "company:oracle", "company:coreweave", "company:xai"):
        assert nx.has_path(G, f"mineral:{mineral}", owner), (mineral, owner)


def test_deployment_inputs_do_not_go_into_the_chips(graph: GraphData) -> None:
    for e in graph.edges.values():
        if e.dst in ACCELERATORS and e.type == "INPUT_TO":
            assert e.src not in ("input:ai-servers", "input:ai-networking",
                                 "input:dc-power-cooling"), e.key


def test_paths_from_accelerators_to_clouds_to_labs(graph: GraphData) -> None:
    G = _supply_digraph(graph)
    for acc, cloud in [("accelerator:nvidia-gpu", "company:microsoft"),
                       ("accelerator:google-tpu", "company:alphabet"),
                       ("accelerator:aws-trainium", "company:amazon")]:
        assert G.has_edge(acc, cloud), (acc, cloud)  # Epoch OWNS, reversed
    for lab in LABS:
        assert any(nx.has_path(G, acc, f"company:{lab}") for acc in ACCELERATORS), lab
    assert G.has_edge("company:microsoft", "company:openai")
    assert G.has_edge("company:amazon", "company:anthropic")
    assert nx.has_path(G, "mineral:gallium", "company:openai")


# -- broken copies ----------------------------------------------------------------------------
def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    (d / "curated").mkdir(parents=True)
    shutil.copy(CURATED / "nodes.csv", d / "curated" / "nodes.csv")
    shutil.copy(CURATED / "links.csv", d / "curated" / "links.csv")
    return d


def _edit(path: Path, line: int, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _load_error(d: Path, resolver: Resolver) -> IngestError:
    with pytest.raises(IngestError) as ei:
        curated.load(d, resolver, known_ids=curated.cset_input_ids(DATA_DIR))
    return ei.value


def _line_of(frm: str, to: str, rtype: str) -> int:
    for i, r in enumerate(_raw_links(), start=2):
        if (r["from"], r["to"], r["type"]) == (frm, to, rtype):
            return i
    raise AssertionError((frm, to, rtype))


OPENAI_AZURE = ("company:openai", "company:microsoft", "RUNS_ON")


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("from", "company:opneai",
         "unknown node 'company:opneai'; did you mean 'company:openai'? "
         "(define it in a nodes file or the entity registry)"),
        ("to", "Microsfot",
         "unknown node 'Microsfot'; did you mean 'company:microsoft' or 'company:micron'? "
         "(define it in a nodes file or the entity registry)"),
        ("from", "Ga", "ambiguous name 'Ga': it names country:GA and mineral:gallium; "
                       "write the id instead"),
        ("type", "RUN_ON", "unknown type 'RUN_ON'; did you mean 'RUNS_ON'?"),
        ("weight", "1.5", "weight 1.5 is outside [0, 1] (a fraction: 0.4 or 40%)"),
        ("weight", "0.3", "weight_low 0.4 > weight 0.3"),
        ("weight", "0.9", "weight 0.9 > weight_high 0.8"),
        ("weight", "abc", "not a number: 'abc'"),
        ("rationale", "", "estimated without rationale: say in one line why this figure"),
        ("weight_high", "", "estimated weight without a range: give weight_low and weight_high"),
        ("confidence", "guess", "confidence 'guess' is not one of 'reported' or 'estimated'"),
        ("as_of", "last year", "as_of 'last year' is not a year or date (YYYY, YYYY-MM or "
                               "YYYY-MM-DD)"),
        ("to", "company:openai", "self-loop: from and to are both 'company:openai'"),
        ("sales_share", "140%", "sales_share 140% is outside [0, 1] (a fraction: 0.4 or 40%)"),
    ],
)
def test_broken_link_row(tmp_path: Path, resolver: Resolver, column: str, value: str,
                         reason: str) -> None:
    d = _copy(tmp_path)
    line = _line_of(*OPENAI_AZURE)
    _edit(d / "curated" / "links.csv", line, column, value)
    err = _load_error(d, resolver)
    assert err.reason == reason
    assert err.row == line
    assert err.path == str(d / "curated" / "links.csv")
    assert str(err).startswith(f"{d / 'curated' / 'links.csv'}, line {line}")


def test_percent_weight_is_a_fraction(tmp_path: Path, resolver: Resolver) -> None:
    d = _copy(tmp_path)
    line = _line_of(*OPENAI_AZURE)
    _edit(d / "curated" / "links.csv", line, "weight", "55%")
    r = curated.load(d, resolver, known_ids=curated.cset_input_ids(DATA_DIR))
    assert r.graph.edges["company:openai|RUNS_ON|company:microsoft|curated"].weight == 0.55


def test_duplicate_row(tmp_path: Path, resolver: Resolver) -> None:
    d = _copy(tmp_path)
    path = d / "curated" / "links.csv"
    first = _line_of(*OPENAI_AZURE)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # The same edge written with a registry alias instead of the id is still a duplicate.
    lines.append(lines[first - 1].replace("company:microsoft", "Azure", 1))
    path.write_text("".join(lines), encoding="utf-8")
    err = _load_error(d, resolver)
    assert err.row == len(lines)
    assert err.reason == ("duplicate link company:openai -[RUNS_ON]-> company:microsoft "
                          f"(first in {path} line {first})")


def test_empty_file_and_missing_column(tmp_path: Path, resolver: Resolver) -> None:
    d = _copy(tmp_path)
    path = d / "curated" / "links.csv"
    path.write_text("", encoding="utf-8")
    err = _load_error(d, resolver)
    assert (err.reason, err.row) == ("empty file", None)
    path.write_text("from,to,type,weight\n", encoding="utf-8")
    err = _load_error(d, resolver)
    assert err.reason == "missing column 'weight_low'; did you mean 'weight'?"
    assert (err.row, err.column) == (1, "weight_low")
    header = ",".join(curated_format.LINK_COLUMNS)
    path.write_text(header + "\n", encoding="utf-8")
    assert _load_error(d, resolver).reason == "no data rows (only a header)"


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("kind", "inptu", "unknown kind 'inptu'; did you mean 'input'?"),
        ("id", "input:GaN power", "id 'input:GaN power' must be 'input:<slug>' (letters, digits, "
                                  "'-', '.', '_')"),
        ("layer", "chip", "unknown layer 'chip'; did you mean 'chips'?"),
        ("confidence", "", "confidence '' is not one of 'reported' or 'estimated'"),
        ("rationale", "", "estimated without rationale: say in one line why this figure"),
    ],
)
def test_broken_node_row(tmp_path: Path, resolver: Resolver, column: str, value: str,
                         reason: str) -> None:
    d = _copy(tmp_path)
    path = d / "curated" / "nodes.csv"
    with path.open(encoding="utf-8") as fh:
        line = next(i for i, r in enumerate(csv.DictReader(fh), start=2)
                    if r["id"] == "input:gan-power-devices")
    _edit(path, line, column, value)
    err = _load_error(d, resolver)
    assert (err.reason, err.row, err.column) == (reason, line, column)


def test_unknown_wafer_without_cset(tmp_path: Path, resolver: Resolver) -> None:
    d = _copy(tmp_path)  # no cset/inputs.csv under d and no known_ids
    with pytest.raises(IngestError, match=r"unknown node 'input:wafer'"):
        curated.load(d, resolver)


# -- user data --------------------------------------------------------------------------------
USER_NODES = """id,kind,name,layer,roles,aliases,source,as_of,confidence,rationale
company:acme-optics,company,Acme Optics,,network,Acme,Acme purchasing system export 2025-06,\
2025,reported,
"""
USER_LINKS = """from,to,type,weight,weight_low,weight_high,sales_share,substitutability,\
source,as_of,confidence,rationale,amount,unit
Acme Optics,input:optical-transceivers,PROVIDES,0.02,0.01,0.04,,0.5,our supplier list,2025,\
estimated,Small niche supplier,,
mineral:indium,Acme,INPUT_TO,0.9,0.8,1,,,our bill of materials,2025,estimated,InP lasers,,
Acme,TSMC,SUPPLIES,10%,5%,20%,,,our sales ledger,2025-06,estimated,Test optics,1.5,MUSD
Acme,Optical transceivers (datacom),INPUT_TO,0.05,0.01,0.1,,,our bill of materials,2025,\
estimated,Named by the shipped node's name,,
"""


def _user_dir(tmp_path: Path) -> Path:
    d = tmp_path / "mine"
    d.mkdir()
    (d / "my_nodes.csv").write_text(USER_NODES, encoding="utf-8")
    (d / "my_links.csv").write_text(USER_LINKS, encoding="utf-8")
    return d


def test_user_dir_loads_with_names_and_percentages(tmp_path: Path, resolver: Resolver) -> None:
    r = curated.load_user_dir(_user_dir(tmp_path), resolver)
    assert r.source.key == "user:mine"
    keys = set(r.graph.edges)
    assert keys == {
        "company:acme-optics|PROVIDES|input:optical-transceivers|user:mine",
        "mineral:indium|INPUT_TO|company:acme-optics|user:mine",
        "company:acme-optics|SUPPLIES|company:tsmc|user:mine",
        "company:acme-optics|INPUT_TO|input:optical-transceivers|user:mine",
    }
    e = r.graph.edges["company:acme-optics|SUPPLIES|company:tsmc|user:mine"]
    assert (e.weight, e.props["weight_low"], e.props["unit"]) == (0.1, 0.05, "MUSD")
    assert r.graph.nodes["company:acme-optics"].layer == "inputs"


def test_user_dir_merges_into_the_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = _user_dir(tmp_path)
    monkeypatch.setenv("RISKGRAPH_DATA", str(d))
    b = build()
    assert "company:acme-optics" in b.graph.nodes
    assert "company:acme-optics|SUPPLIES|company:tsmc|user:mine" in b.graph.edges
    assert b.sources[-1].key == "user:mine" and b.sources[-1].edges == 4
    assert b.graph.problems() == []


def test_user_dir_errors(tmp_path: Path, resolver: Resolver) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(IngestError) as ei:
        curated.load_user_dir(empty, resolver)
    assert ei.value.reason == "no *nodes*.csv or *links*.csv file in the user data directory"
    d = _user_dir(tmp_path)
    with (d / "my_links.csv").open("a", encoding="utf-8") as fh:
        fh.write("company:openai,company:microsoft,RUNS_ON,0.5,0.4,0.6,,,mine,2025,estimated,x,,\n")
    with pytest.raises(IngestError) as ei:
        curated.load_user_dir(d, resolver)
    assert ei.value.row == 6
    assert ei.value.reason.startswith(
        "link company:openai -[RUNS_ON]-> company:microsoft is already in the shipped table "
        "(curated/links.csv line ")


def test_the_documented_example_loads(tmp_path: Path, resolver: Resolver) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "curated-format.md").read_text(
        encoding="utf-8")
    blocks = re.findall(r"`my-supply-chain/(\w+\.csv)`:\n\n```csv\n(.*?)```", doc, re.S)
    assert [name for name, _ in blocks] == ["acme_nodes.csv", "acme_links.csv"]
    d = tmp_path / "my-supply-chain"
    d.mkdir()
    for name, text in blocks:
        (d / name).write_text(text, encoding="utf-8")
    r = curated.load_user_dir(d, resolver)
    assert len(r.graph.edges) == 3
    assert "company:acme-optics|SUPPLIES|company:tsmc|user:my-supply-chain" in r.graph.edges
