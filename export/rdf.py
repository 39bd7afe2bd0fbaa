"""RDF export (rdflib) following the ontology in ``graph/ontology.ttl``.

Every graph node becomes one resource ``<base><kind>/<slug>`` typed with its kind's class (and,
for companies, one class per role, plus schema:Organization / schema:Country); every edge
becomes one qualified relation ``<base>rel/<key>`` (an ``rg:Dependency`` for supply relations,
an ``rg:Association`` otherwise) carrying its ends, type, weight, unit, source, date and
confidence.  Sources are slim (:mod:`riskgraph.graph.provenance`): one ``rg:Source`` (a
``prov:Entity``) per document / data set / file, ``<base>source/<record id>``, labelled with the
citation without its line (``rg:citationHead``/``rg:citationTail`` around the cut, ``rg:file``,
``dct:license``, ``rg:firstLine``/``rg:lastLine``), and each node or relation says
``prov:wasDerivedFrom <source>`` plus ``rg:sourceLine`` (or ``rg:sourceLines``) instead of
repeating the citation.  A node's further sources are ``rg:otherSource <source>`` and, with
their lines, ``rg:otherSourceRef [ rg:source <source> ; rg:sourceLine n ]``.  IRIs are
stable: they depend only on ids, keys, citations and the base.

``from_rdf`` reads such a graph back into a :class:`GraphData` (used by the round-trip tests and
by ``riskgraph sparql --rdf``).  rdflib is imported inside functions.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from riskgraph.errors import ExportError, UsageError
from riskgraph.export.atomic import check_folder, write_with
from riskgraph.graph import provenance, schema
from riskgraph.graph.model import Edge, GraphData, Node

if TYPE_CHECKING:
    import rdflib

ONTOLOGY_NS = "https://w3id.org/riskgraph/ontology#"
DEFAULT_BASE = "https://w3id.org/riskgraph/id/"

# CLI name -> rdflib serializer name, and the usual file suffix.
FORMATS: dict[str, str] = {"turtle": "turtle", "json-ld": "json-ld", "nt": "nt", "xml": "xml"}
SUFFIXES: dict[str, str] = {"turtle": ".ttl", "json-ld": ".jsonld", "nt": ".nt", "xml": ".rdf"}

PREFIXES = {
    "rg": ONTOLOGY_NS,
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}

# Edge props with a property of their own (rg:<name>); values typed by Python type.
EDGE_PROPS: dict[str, str] = {
    "weight": "weight",
    "weight_low": "weightLow",
    "weight_high": "weightHigh",
    "sales_share": "salesShare",
    "unit": "unit",
    "year": "year",
    "release": "release",
    "dataset": "dataset",
    "production_type": "productionType",
    "newest": "newest",
    "world_total_basis": "worldTotalBasis",
    "unreported_rows": "unreportedRows",
}
# Node props with a property of their own.  name_de becomes skos:altLabel with language "de".
NODE_PROPS: dict[str, str] = {
    "symbol": "elementSymbol",
    "iso3": "iso3166Alpha3",
    "country": "headquartersCountry",
    "hhi": "hhi",
    "hhi_year": "hhiYear",
    "hhi_coverage": "hhiCoverage",
    "usgs_top_producer": "topProducer",
    "usgs_top_share": "topProducerShare",
    "ticker": "ticker",  # identifiers (issue 12): ingest/data/financials/identifiers.csv
    "exchange": "exchange",
    "sec_cik": "secCik",
    "lei": "lei",
    "wikidata": "wikidataId",  # also an owl:sameAs link to the Wikidata entity
}
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

_EXTRA_TYPES = {"company": "https://schema.org/Organization", "country": "https://schema.org/Country"}


def ontology_path() -> Path:
    """Path of the shipped ontology file (``riskgraph/graph/ontology.ttl``)."""
    return Path(str(resources.files("riskgraph.graph").joinpath("ontology.ttl")))


def load_ontology() -> rdflib.Graph:
    """The ontology as an rdflib graph."""
    import rdflib

    g = rdflib.Graph()
    g.parse(ontology_path(), format="turtle")
    return g


def check_base(base: str) -> str:
    """Validate a base namespace: an absolute http(s) or urn IRI ending in ``/`` or ``#``.

    Raises
    ------
    UsageError
        The base is not usable.
    """
    if not re.match(r"^(https?://[^\s<>\"{}|\\^`]+|urn:[^\s<>\"{}|\\^`]+)[/#]$", base):
        raise UsageError(
            f"--base {base!r} is not an absolute http(s) or urn IRI ending in '/' or '#'"
        )
    return base


def _seg(s: str) -> str:
    return quote(s, safe="-._~")


def node_iri(node_id: str, base: str = DEFAULT_BASE) -> str:
    """IRI of a node: ``<base><kind>/<slug>`` with the slug percent-encoded."""
    kind, _, slug = node_id.partition(":")
    return f"{base}{_seg(kind)}/{_seg(slug)}"


def relation_iri(key: str, base: str = DEFAULT_BASE) -> str:
    """IRI of the qualified relation of the edge with ``key`` (percent-encoded key)."""
    return f"{base}rel/{_seg(key)}"


def source_iri(citation: str, base: str = DEFAULT_BASE) -> str:
    """IRI of the source record a citation refers to: ``<base>source/`` + the record id
    (:func:`riskgraph.graph.provenance.split`: 16 hex digits of a SHA-256)."""
    return f"{base}source/{provenance.split(citation)[0].id}"


def _literal(v: Any) -> rdflib.Literal:
    from rdflib import RDF, XSD, Literal

    if isinstance(v, bool):
        return Literal(v, datatype=XSD.boolean)
    if isinstance(v, int):
        return Literal(v, datatype=XSD.integer)
    if isinstance(v, float):
        return Literal(v, datatype=XSD.double)
    if isinstance(v, list | dict | tuple):
        return Literal(json.dumps(v, ensure_ascii=False), datatype=RDF.JSON)
    return Literal(str(v))


def _date(as_of: str) -> rdflib.Literal:
    from rdflib import XSD, Literal

    if re.fullmatch(r"\d{4}", as_of):
        return Literal(as_of, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}", as_of):
        return Literal(as_of, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of):
        return Literal(as_of, datatype=XSD.date)
    return Literal(as_of)


def to_rdf(graph: GraphData, base: str = DEFAULT_BASE) -> rdflib.Graph:
    """Convert ``graph`` to an rdflib graph (see the module docstring for the mapping).

    Parameters
    ----------
    graph : GraphData
        The graph.
    base : str
        Namespace of node, relation and source IRIs; see :func:`check_base`.

    Returns
    -------
    rdflib.Graph
        With prefixes ``rg``, ``schema``, ``prov``, ``dct``, ``skos`` and ``id`` (the base) bound.
    """
    import rdflib
    from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef

    check_base(base)
    RG = rdflib.Namespace(ONTOLOGY_NS)
    DCT = rdflib.Namespace(PREFIXES["dct"])
    PROV = rdflib.Namespace(PREFIXES["prov"])
    SKOS = rdflib.Namespace(PREFIXES["skos"])

    g = rdflib.Graph()
    for p, ns in PREFIXES.items():
        g.bind(p, ns)
    g.bind("id", base)

    table = provenance.SourceTable()
    sources: dict[str, URIRef] = {}

    def src(citation: str) -> tuple[URIRef, provenance.Ref]:
        rec, ref = provenance.split(citation)
        table.add_ref(rec, ref)
        s = sources.get(rec.id)
        if s is None:
            s = sources[rec.id] = URIRef(f"{base}source/{rec.id}")
            g.add((s, RDF.type, RG.Source))
            g.add((s, RDF.type, PROV.Entity))
            g.add((s, RDFS.label, Literal(rec.citation)))
            if rec.cut is not None:
                g.add((s, RG.citationHead, Literal(rec.citation[: rec.cut])))
                g.add((s, RG.citationTail, Literal(rec.citation[rec.cut :])))
            if rec.file:
                g.add((s, RG.file, Literal(rec.file)))
            if rec.licence:
                g.add((s, DCT.license, Literal(rec.licence)))
        return s, ref

    def located(s: Any, ref: provenance.Ref) -> None:
        if ref.line is not None:
            g.add((s, RG.sourceLine, Literal(ref.line)))
        elif ref.lines is not None:
            g.add((s, RG.sourceLines, Literal(ref.lines)))

    def provenance_of(s: URIRef, source: str, as_of: str, confidence: str,
                      rationale: str) -> None:
        if source:
            res, ref = src(source)
            g.add((s, PROV.wasDerivedFrom, res))
            located(s, ref)
        if as_of:
            g.add((s, DCT.date, _date(as_of)))
        g.add((s, RG.confidence, Literal(confidence)))
        if rationale:
            g.add((s, RG.rationale, Literal(rationale)))

    def attribute(s: URIRef, key: str, value: Any) -> None:
        b = BNode()
        g.add((s, RG.attribute, b))
        g.add((b, RDF.type, RG.Attribute))
        g.add((b, RG.key, Literal(key)))
        g.add((b, RG.value, _literal(value)))

    for n in graph.nodes.values():
        s = URIRef(node_iri(n.id, base))
        g.add((s, RDF.type, RG[schema.label_for(n.kind)]))
        if n.kind in _EXTRA_TYPES:
            g.add((s, RDF.type, URIRef(_EXTRA_TYPES[n.kind])))
        for r in n.roles:
            if r in schema.COMPANY_ROLES:
                g.add((s, RDF.type, RG[schema.COMPANY_ROLES[r]]))
            else:
                attribute(s, "role", r)
        g.add((s, DCT.identifier, Literal(n.id)))
        g.add((s, RDFS.label, Literal(n.name)))
        if n.layer:
            g.add((s, RG.layer, Literal(n.layer)))
        if n.kind == "country":
            g.add((s, RG.iso3166Alpha2, Literal(n.id.partition(":")[2])))
        for a in n.aliases:
            g.add((s, SKOS.altLabel, Literal(a)))
        provenance_of(s, n.source, n.as_of, n.confidence, n.rationale)
        for o in n.other_sources:
            res, ref = src(o)
            g.add((s, RG.otherSource, res))
            blank = BNode()
            g.add((s, RG.otherSourceRef, blank))
            g.add((blank, RG.source, res))
            located(blank, ref)
        for k, v in n.props.items():
            if v is None:
                continue
            if k == "name_de" and isinstance(v, str):
                g.add((s, SKOS.altLabel, Literal(v, lang="de")))
            elif k in NODE_PROPS and not isinstance(v, list | dict):
                g.add((s, RG[NODE_PROPS[k]], _literal(v)))
                if k == "wikidata":
                    g.add((s, OWL.sameAs, URIRef(WIKIDATA_ENTITY + str(v))))
            else:
                attribute(s, k, v)

    for e in graph.edges.values():
        r = URIRef(relation_iri(e.key, base))
        flow = schema.flow_of(e.type)
        a, b = URIRef(node_iri(e.src, base)), URIRef(node_iri(e.dst, base))
        g.add((r, RDF.type, RG.Association if flow == "none" else RG.Dependency))
        g.add((r, DCT.identifier, Literal(e.key)))
        g.add((r, RG.relType, Literal(e.type)))
        g.add((r, RG["from"], a))
        g.add((r, RG.to, b))
        if flow != "none":
            sup, cus = (a, b) if flow == "forward" else (b, a)
            g.add((r, RG.supplier, sup))
            g.add((r, RG.customer, cus))
        provenance_of(r, e.source, e.as_of, e.confidence, e.rationale)
        for k, v in e.props.items():
            if v is None:
                continue
            if k in EDGE_PROPS and not isinstance(v, list | dict):
                g.add((r, RG[EDGE_PROPS[k]], _literal(v)))
            else:
                attribute(r, k, v)
    for sid, res in sources.items():  # the line range each source's references cover
        if sid in table.first:
            g.add((res, RG.firstLine, Literal(table.first[sid])))
            g.add((res, RG.lastLine, Literal(table.last[sid])))
    return g


def write_rdf(
    graph: GraphData, path: str | Path, fmt: str = "turtle", base: str = DEFAULT_BASE
) -> int:
    """Write ``graph`` as RDF to ``path`` atomically; return the number of triples.

    Parameters
    ----------
    fmt : {"turtle", "json-ld", "nt", "xml"}
        Serialisation.

    Raises
    ------
    UsageError
        Unknown format or bad base.
    ExportError
        The file cannot be written.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown RDF format {fmt!r}; choose one of {', '.join(FORMATS)}")
    check_folder(path)
    if fmt == "xml":
        from riskgraph.export.graphml import check_xml_text

        check_xml_text(graph, "RDF/XML")
    g = to_rdf(graph, base)

    def writer(tmp: Path) -> None:
        g.serialize(destination=str(tmp), format=FORMATS[fmt], encoding="utf-8")

    write_with(path, writer)
    return len(g)


# ------------------------------------------------------------------------------ reading back
def _py(lit: Any) -> Any:
    from rdflib import RDF, XSD

    if lit.datatype == RDF.JSON:
        return json.loads(str(lit))
    if lit.datatype in (XSD.integer, XSD.int, XSD.long):
        return int(lit)
    if lit.datatype in (XSD.double, XSD.float, XSD.decimal):
        return float(lit)
    if lit.datatype == XSD.boolean:
        return str(lit) == "true"
    return str(lit)


def from_rdf(g: rdflib.Graph) -> GraphData:
    """Read an RDF graph written by :func:`to_rdf` back into a :class:`GraphData`.

    Node roles come back in alphabetical order (RDF keeps no order); everything else is as
    written.

    Raises
    ------
    ExportError
        A node or relation lacks its identifier, type or ends.
    """
    import rdflib
    from rdflib import RDF, RDFS

    RG = rdflib.Namespace(ONTOLOGY_NS)
    DCT = rdflib.Namespace(PREFIXES["dct"])
    PROV = rdflib.Namespace(PREFIXES["prov"])
    SKOS = rdflib.Namespace(PREFIXES["skos"])
    kind_of = {RG[label]: kind for kind, label in schema.NODE_KINDS.items()}
    role_of: dict[Any, str] = {RG[label]: r for r, label in schema.COMPANY_ROLES.items()}
    node_props = {RG[v]: k for k, v in NODE_PROPS.items()}
    edge_props = {RG[v]: k for k, v in EDGE_PROPS.items()}

    def one(s: Any, p: Any, what: str) -> Any:
        v = g.value(s, p)
        if v is None:
            raise ExportError(f"{s}: no {what}")
        return v

    def cite(src: Any, at: Any) -> str:
        """The full citation of a reference (``at``: the node, relation or blank node that
        carries the line) to the source resource ``src``."""
        label = str(g.value(src, RDFS.label) or "")
        head, tail = g.value(src, RG.citationHead), g.value(src, RG.citationTail)
        line, lines = g.value(at, RG.sourceLine), g.value(at, RG.sourceLines)
        if head is None or tail is None or (line is None and lines is None):
            return label  # no location (or a graph written before slim provenance)
        loc = f"line {int(line)}" if line is not None else f"lines {lines}"
        return f"{head} {loc}{tail}"

    def prov(s: Any) -> dict[str, Any]:
        src = g.value(s, PROV.wasDerivedFrom)
        return {
            "source": cite(src, s) if src is not None else "",
            "as_of": str(g.value(s, DCT.date) or ""),
            "confidence": str(g.value(s, RG.confidence) or ""),
            "rationale": str(g.value(s, RG.rationale) or ""),
        }

    def attrs(s: Any) -> dict[str, Any]:
        out = {}
        for b in g.objects(s, RG.attribute):
            out[str(one(b, RG.key, "rg:key"))] = _py(one(b, RG.value, "rg:value"))
        return out

    gd = GraphData()
    ids: dict[Any, str] = {}
    for kind_cls, kind in kind_of.items():
        for s in g.subjects(RDF.type, kind_cls):
            nid = str(one(s, DCT.identifier, "dct:identifier"))
            ids[s] = nid
            props = attrs(s)
            roles = sorted(role_of[t] for t in g.objects(s, RDF.type) if t in role_of)
            roles += [props.pop("role")] if "role" in props else []
            aliases = []
            for lab in g.objects(s, SKOS.altLabel):
                if getattr(lab, "language", None) == "de":
                    props["name_de"] = str(lab)
                else:
                    aliases.append(str(lab))
            for p, k in node_props.items():
                v = g.value(s, p)
                if v is not None:
                    props[k] = _py(v)
            refs = list(g.objects(s, RG.otherSourceRef))
            if refs:
                others = sorted(cite(g.value(b, RG.source), b) for b in refs)
            else:  # written before slim provenance: the label is the whole citation
                others = sorted(str(g.value(o, RDFS.label)) for o in g.objects(s, RG.otherSource))
            gd.add_node(Node(
                id=nid, kind=kind, name=str(one(s, RDFS.label, "rdfs:label")),
                layer=str(g.value(s, RG.layer) or ""), roles=roles, aliases=sorted(aliases),
                other_sources=others, props=props, **prov(s),
            ))
    for cls in (RG.Dependency, RG.Association):
        for r in g.subjects(RDF.type, cls):
            props = attrs(r)
            for p, k in edge_props.items():
                v = g.value(r, p)
                if v is not None:
                    props[k] = _py(v)
            a, b = one(r, RG["from"], "rg:from"), one(r, RG.to, "rg:to")
            gd.add_edge(Edge(
                key=str(one(r, DCT.identifier, "dct:identifier")),
                src=ids.get(a) or unquote(str(a)), dst=ids.get(b) or unquote(str(b)),
                type=str(one(r, RG.relType, "rg:relType")), props=props, **prov(r),
            ))
    return gd


def read_rdf(path: str | Path, fmt: str | None = None) -> rdflib.Graph:
    """Parse an RDF file (format guessed from the suffix unless given).

    Raises
    ------
    ExportError
        The file cannot be read or parsed.
    """
    import rdflib
    from rdflib.util import guess_format

    p = Path(path)
    form = (FORMATS.get(fmt, fmt) if fmt else None) or guess_format(str(p)) or "turtle"
    try:  # open the file as given: never a URL, never another path rdflib would resolve
        fh = p.open("rb")
    except OSError as e:
        raise ExportError(f"cannot read RDF from {path}: {e.strerror or e}") from None
    g = rdflib.Graph()
    with fh:
        try:
            g.parse(source=fh, format=form, publicID=p.resolve().as_uri())
        except Exception as e:  # rdflib raises many parser-specific exception types
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise ExportError(f"cannot read RDF from {path}: {first}") from None
    return g
