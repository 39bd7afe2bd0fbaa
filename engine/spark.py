"""The shock on Apache Spark: the columnar engine's model as DataFrame joins, beyond one machine.

:mod:`riskgraph.engine.columnar` runs the capped fixed point on one machine (10M links: 33 s to
load, 0.3 s a shock, 2.5 GB).  A map that outgrows one machine, or that already lives in a data
lake, runs here instead: the SAME model on Spark DataFrames, so it runs wherever Spark runs (local
mode on a laptop, YARN, Kubernetes, a managed Spark service) and reads what Spark reads (CSV or
Parquet, local paths or ``hdfs://`` / ``s3a://`` URIs).

The model is the columnar engine's, step for step (``engine/aggregate.py`` is the reference):

* every link flows as its type says (``graph/schema.py``): forward ``from -> to``, reverse
  ``to -> from``, ``none`` types dropped; arcs INTO a country (id prefix ``country:``) dropped;
* each arc is a **share** or a **requirement** (the ``dependency`` column, else the type's
  default: ``INPUT_TO`` and ``DESIGNS`` are requirements); shares of one input of one customer
  (the ``input`` column, else the type's default input) form a group, each requirement is its
  own group; share weights of a group summing above 1 are scaled to 1;
* downstream, per arc ``a*_ij = (1 - b) * w_ij * (1 - s_ij)`` (``w`` the weight or the
  model-wide ``default_weight``, ``s`` the link's substitutability or the default,
  ``engine/defaults.toml``); a sender's several arcs into one group combine by their maximum;
  upstream, one share group per supplier over its customers' sales shares;
* ``DESIGNS`` arcs (``engine/compile.py`` ``EXOGENOUS_TYPES``), downstream only, pass on only
  their sender's own cut, as a constant ``k`` of their group;
* the fixed point ``q_i = max(c_i, max_g min(1, (G q + k)_g))`` from ``q = max(c, min(1, k))``
  until the largest change is ``<= tol`` (``max_iter`` bounds it, :class:`ModelError` beyond),
  as :func:`riskgraph.engine.aggregate.solve`.  One iteration is one join of the group entries
  with the current ``q`` (only nodes with ``q > 0``: the shock front, broadcast while small),
  one ``groupBy`` per group and one per node (old and new ``q`` side by side, no outer join).

``tests/engine/test_spark.py`` runs it in Spark local mode on generated maps, CSV and Parquet,
downstream and upstream, and requires the columnar engine's numbers to 1e-9.

Input checks are those a distributed reader can afford before the first iteration: the columns
are there, every type is a known relationship type, every fraction is a number in [0, 1] (``%``
allowed), ``from``/``to`` are not empty, the target is a node.  A row-level check of the whole
curated format (duplicates, provenance, ranges) is the columnar loader's job
(:func:`riskgraph.engine.columnar.load_dir`); run it once on a sample or a partition.
``pyspark`` is an optional dependency (``pip install 'riskgraph[spark]'``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskgraph.errors import IngestError, UsageError, suggest
from riskgraph.graph import schema

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from riskgraph.engine.defaults import Params

FRACTIONS: tuple[str, ...] = ("weight", "sales_share", "substitutability")
LINK_REQUIRED: tuple[str, ...] = ("from", "to", "type", "weight")
FORMATS: tuple[str, ...] = ("csv", "parquet")
# Up to this many nodes, q is broadcast to every executor in the join with the arcs.
BROADCAST_NODES = 2_000_000


@dataclass
class SparkShock:
    """The result of :func:`shock`: ``q`` as a DataFrame ``(id, q)`` of the nodes with ``q > 0``.

    ``nodes`` counts the nodes of the map (nodes files, else the ends of the links), ``arcs``
    the supply arcs after flows and combination, ``iterations`` those of the fixed point.
    """

    q: DataFrame
    iterations: int
    nodes: int
    arcs: int
    load_seconds: float = 0.0  # reading, checks, group entries counted
    shock_seconds: float = 0.0  # the fixed point

    def to_dict(self) -> dict[str, float]:
        """Every node with ``q > 0`` and its shortfall, collected to the driver."""
        return {str(r["id"]): float(r["q"]) for r in self.q.collect()}

    def top(self, n: int, min_shortfall: float = 1e-6) -> list[tuple[str, float]]:
        """The ``n`` largest shortfalls above ``min_shortfall`` (ties by id)."""
        from pyspark.sql import functions as F

        rows = (self.q.where(F.col("q") > min_shortfall)
                .orderBy(F.col("q").desc(), F.col("id")).limit(n).collect())
        return [(str(r["id"]), float(r["q"])) for r in rows]

    def affected(self, min_shortfall: float = 1e-6) -> int:
        from pyspark.sql import functions as F

        return int(self.q.where(F.col("q") > min_shortfall).count())


def session(master: str | None = None, *, partitions: int | None = None) -> SparkSession:
    """The active Spark session, or a new one.

    ``master`` (default ``$RISKGRAPH_SPARK_MASTER``; else what ``spark-submit`` set; else
    ``local[*]``).  In local mode the driver binds to 127.0.0.1, the UI is off and shuffles use
    ``partitions`` (default 2 x cores) partitions instead of Spark's 200.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - depends on the install
        raise UsageError("--engine spark needs pyspark: pip install 'riskgraph[spark]' "
                         "(and Java 17+)") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    master = master or os.environ.get("RISKGRAPH_SPARK_MASTER")
    submitted = "SPARK_SUBMIT_OPTS" in os.environ or os.environ.get("SPARK_ENV_LOADED")
    b = SparkSession.builder.appName("riskgraph bulk-shock")
    if master:
        b = b.master(master)
    elif not submitted:
        master = "local[*]"
        b = b.master(master)
    if master and master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        b = (b.config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions",
                     str(partitions or 2 * (os.cpu_count() or 1))))
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _files(folder: str | Path, fmt: str | None) -> tuple[list[str], list[str], str]:
    """(links files, nodes files, format) of a local folder, as ``load_dir`` picks them."""
    p = Path(folder)
    if not p.is_dir():
        raise IngestError(p, "map folder does not exist")
    found: dict[str, tuple[list[str], list[str]]] = {}
    for ext in FORMATS:
        files = sorted(p.glob(f"*.{ext}"))
        nodes = [str(f) for f in files if "nodes" in f.name.casefold()]
        links = [str(f) for f in files if "links" in f.name.casefold() and str(f) not in nodes]
        if links:
            found[ext] = (links, nodes)
    if fmt is None:
        if not found:
            raise IngestError(p, "no *links*.csv or *links*.parquet file in the folder")
        if len(found) > 1:
            raise IngestError(p, "both *links*.csv and *links*.parquet files: choose one "
                              "format (--input-format)")
        fmt = next(iter(found))
    if fmt not in found:
        raise IngestError(p, f"no *links*.{fmt} file in the folder")
    return found[fmt][0], found[fmt][1], fmt


def read_table(spark: SparkSession, paths: Sequence[str], fmt: str) -> DataFrame:
    """CSV (header row, every column text) or Parquet; column names stripped."""
    r = spark.read
    if fmt == "csv":
        df = (r.option("header", True).option("inferSchema", False).option("multiLine", True)
              .option("escape", '"').option("encoding", "UTF-8").csv(list(paths)))
    elif fmt == "parquet":
        df = r.parquet(*paths)
    else:
        raise UsageError(f"unknown input format {fmt!r}; use csv or parquet")
    return df.toDF(*[c.strip().lstrip("\ufeff") for c in df.columns])


def _fraction(df: DataFrame, col: str, where: str) -> Any:
    """``col`` as a double in [0, 1] (``%`` divides by 100); IngestError on the first bad cell."""
    from pyspark.sql import functions as F

    if col not in df.columns:
        return F.lit(None).cast("double")
    raw = F.trim(F.col(f"`{col}`").cast("string"))
    pct = raw.endswith("%")
    num = F.regexp_replace(raw, "[%,\u00a0 ]", "").try_cast("double") if hasattr(
        raw, "try_cast") else F.regexp_replace(raw, "[%,\u00a0 ]", "").cast("double")
    val = F.when(raw.isNull() | (raw == ""), F.lit(None).cast("double")).otherwise(
        F.when(pct, num / 100.0).otherwise(num))
    bad = df.where((raw.isNotNull() & (raw != "")) & (val.isNull() | (val < 0) | (val > 1)
                                                       | F.isnan(val)))
    first = bad.select("from", "to", "type", F.col(f"`{col}`").alias("v")).limit(1).collect()
    if first:
        r = first[0]
        raise IngestError(where, f"{col} {r['v']!r} is not a fraction in [0, 1] (link "
                          f"{r['from']} -[{r['type']}]-> {r['to']})", column=col)
    return val


def arcs(spark: SparkSession, links: DataFrame, params: Params, *, where: str,
         upstream: bool = False) -> tuple[DataFrame, DataFrame | None]:
    """The group matrix of ``engine/aggregate.py`` as rows ``(recv, gkey, send, v)``.

    ``gkey`` names the receiver's group: ``s|<input>`` for a share group (the ``input`` column,
    else the type's default input), ``r|<sender>`` for a requirement (the ``dependency``
    column, else the type's default).  Share weights of a group that sum above 1 are scaled to
    1; a sender's several arcs into one group combine by their maximum.  Downstream also
    returns the exogenous ``DESIGNS`` entries (same columns) or ``None``.
    """
    from pyspark.sql import functions as F

    from riskgraph.engine import aggregate
    from riskgraph.engine.compile import EXOGENOUS_TYPES

    missing = [c for c in LINK_REQUIRED if c not in links.columns]
    if missing:
        near = suggest(missing[0], links.columns)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise IngestError(where, f"missing column {missing[0]!r}{hint}")
    opt = [c for c in ("dependency", "input") if c in links.columns]
    df = links.select(
        F.trim(F.col("from").cast("string")).alias("from"),
        F.trim(F.col("to").cast("string")).alias("to"),
        F.trim(F.col("type").cast("string")).alias("type"),
        *[F.col(f"`{c}`") for c in FRACTIONS if c in links.columns],
        *[F.coalesce(F.trim(F.col(f"`{c}`").cast("string")), F.lit("")).alias(c) for c in opt],
    )
    types = list(schema.REL_TYPES)
    bad = df.where(~F.col("type").isin(types) | F.col("type").isNull()).select("type").limit(1)
    for r in bad.collect():
        near = suggest(str(r["type"]), types)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise IngestError(where, f"unknown relationship type {r['type']!r}{hint}",
                          column="type")
    empty = df.where(F.col("from").isNull() | (F.col("from") == "")
                     | F.col("to").isNull() | (F.col("to") == "")).limit(1).collect()
    if empty:
        raise IngestError(where, "empty node id in from/to", column="from")
    if "dependency" in opt:
        odd = df.where(~F.col("dependency").isin("", *aggregate.DEPENDENCIES)).limit(1).collect()
        if odd:
            raise IngestError(where, f"dependency {odd[0]['dependency']!r} is not 'share' or "
                              "'requirement'", column="dependency")
    w = _fraction(df, "weight", where)
    s = _fraction(df, "substitutability", where)
    share = _fraction(df, "sales_share", where)
    fwd = [t for t, f in schema.REL_TYPES.items() if f == "forward"]
    rev = [t for t, f in schema.REL_TYPES.items() if f == "reverse"]
    typ = F.col("type")
    sup = F.when(typ.isin(fwd), F.col("from")).otherwise(F.col("to"))
    cus = F.when(typ.isin(fwd), F.col("to")).otherwise(F.col("from"))
    a = (df.where(typ.isin(fwd + rev))
         .select(sup.alias("sup"), cus.alias("cus"), typ.alias("type"), w.alias("w"),
                 s.alias("s"), share.alias("sales"),
                 *[F.col(c) for c in opt])
         .where(~F.col("cus").startswith("country:")))

    if upstream:
        # one share group per supplier, sales shares scaled to sum at most 1
        g = a.select(F.col("sup").alias("recv"), F.lit("s|").alias("gkey"),
                     F.col("cus").alias("send"), F.lit(True).alias("is_share"),
                     F.col("sales").alias("w"), F.lit(False).alias("exo"))
        return _combine(_normalise(g), "w"), None

    # requirement or share: the dependency column, else the type's default
    req_types = sorted(aggregate.REQUIREMENT_TYPES)
    req = typ.isin(req_types)
    if "dependency" in opt:
        req = F.when(F.col("dependency") == "", req).otherwise(
            F.col("dependency") == aggregate.REQUIREMENT)
    # a share's input: the input column, else the type's default (PROVIDES: by country/firm)
    from_country = F.col("sup").startswith("country:")
    default_label = F.when(from_country, _type_map(typ, {t: aggregate.default_input(t, True)
                                                         for t in types})).otherwise(
        _type_map(typ, {t: aggregate.default_input(t, False) for t in types}))
    if "input" in opt:
        default_label = F.when(F.col("input") != "", F.col("input")).otherwise(default_label)
    gkey = F.when(req, F.concat(F.lit("r|"), F.col("sup"))).otherwise(
        F.concat(F.lit("s|"), default_label))
    g = a.select(F.col("cus").alias("recv"), gkey.alias("gkey"), F.col("sup").alias("send"),
                 (~req).alias("is_share"),
                 F.coalesce(F.col("w"), F.lit(params.default_weight)).alias("w"),
                 F.col("s"), typ.isin(sorted(EXOGENOUS_TYPES)).alias("exo"))
    g = _normalise(g)
    g = g.withColumn("v", (1.0 - params.buffer) * F.col("w")
                     * (1.0 - F.coalesce(F.col("s"), F.lit(params.substitutability))))
    return _combine(g.where(~F.col("exo")), "v"), _combine(g.where(F.col("exo")), "v")


def _scalar(df: DataFrame) -> float:
    row = df.first()
    return float(row[0] or 0.0) if row is not None else 0.0


def _type_map(col: Any, values: dict[str, str]) -> Any:
    from pyspark.sql import functions as F

    out = F.lit(None).cast("string")
    for k, v in values.items():
        out = F.when(col == k, F.lit(v)).otherwise(out)
    return out


def _normalise(g: DataFrame, tol: float = 1e-9) -> DataFrame:
    """Scale the share weights of groups whose total (a sender counted once, its largest arc)
    exceeds 1 down to 1: :func:`riskgraph.engine.aggregate.normalise_shares`."""
    from pyspark.sql import functions as F

    per_sender = (g.where(F.col("is_share"))
                  .groupBy("recv", "gkey", "send")
                  .agg(F.max(F.greatest(F.coalesce(F.col("w"), F.lit(0.0)), F.lit(0.0)))
                       .alias("ws")))
    total = per_sender.groupBy("recv", "gkey").agg(F.sum("ws").alias("total"))
    scale = total.where(F.col("total") > 1.0 + tol).select(
        "recv", "gkey", (1.0 / F.col("total")).alias("scale"))
    return (g.join(scale, ["recv", "gkey"], "left")
            .withColumn("w", F.when(F.col("is_share") & F.col("scale").isNotNull(),
                                    F.col("w") * F.col("scale")).otherwise(F.col("w")))
            .drop("scale"))


def _combine(g: DataFrame, col: str) -> DataFrame:
    """One entry per (group, sender): the largest value (NaN and negatives = 0)."""
    from pyspark.sql import functions as F

    v = F.when(F.isnan(F.col(col)) | F.col(col).isNull(), F.lit(0.0)).otherwise(
        F.greatest(F.col(col), F.lit(0.0)))
    return (g.groupBy("recv", "gkey", "send").agg(F.max(v).alias("v"))
            .where(F.col("v") > 0))


def shock(
    folder: str | Path,
    targets: str | Sequence[str],
    pct: float,
    *,
    direction: str = "downstream",
    params: Params | None = None,
    spark: SparkSession | None = None,
    input_format: str | None = None,
    links: Sequence[str] = (),
    nodes: Sequence[str] = (),
    frames: tuple[DataFrame, DataFrame | None] | None = None,
) -> SparkShock:
    """Shortfall of every node of the map in ``folder`` when ``targets`` lose ``pct`` percent.

    Parameters
    ----------
    folder : path
        A folder of ``*nodes*`` and ``*links*`` files (``.csv`` or ``.parquet``), as
        ``riskgraph bulk-shock`` reads it.  Ignored when ``links`` is given.
    targets : str or sequence of str
        Node ids.
    pct : float
        Size of the cut in percent, in (0, 100].
    direction : {"downstream", "upstream"}
    params : Params, optional
        Model parameters (``engine/defaults.toml`` when omitted).
    spark : SparkSession, optional
        Default :func:`session`.
    input_format : {"csv", "parquet"}, optional
        Default: the one the folder holds.
    links, nodes : sequence of str
        Explicit files or URIs (``hdfs://``, ``s3a://``...) instead of a local folder.
    frames : (DataFrame, DataFrame or None), optional
        The links (and nodes) as DataFrames with the curated columns, e.g. read from Neo4j
        with the Neo4j Connector for Apache Spark (docs/spark.md); instead of files.

    Raises
    ------
    UsageError
        Bad pct or direction, unknown target (with suggestions).
    IngestError
        A missing column, unknown type, or a fraction that is not in [0, 1].
    ModelError
        No convergence in ``max_iter`` iterations.
    """
    from pyspark.sql import functions as F

    from riskgraph.engine.defaults import load_defaults
    from riskgraph.errors import ModelError

    if direction not in ("downstream", "upstream"):
        raise UsageError(f"direction must be downstream or upstream, not {direction!r}")
    if not 0 < pct <= 100:
        raise UsageError(f"--pct must be in (0, 100], got {pct:g}")
    p = params or load_defaults()
    spark = spark or session()
    t_start = time.perf_counter()
    if frames is not None:
        ldf, ndf = frames
        where = "the links DataFrame"
    else:
        if links:
            fmt = input_format or ("parquet" if str(links[0]).endswith(".parquet") else "csv")
            link_files, node_files = list(links), list(nodes)
            where = str(link_files[0])
        else:
            link_files, node_files, fmt = _files(folder, input_format)
            where = str(folder)
        ldf = read_table(spark, link_files, fmt)
        ndf = read_table(spark, node_files, fmt) if node_files else None
    up = direction == "upstream"
    A, D = arcs(spark, ldf, p, where=where, upstream=up)
    A = A.persist()

    # the nodes: the nodes files, else the ends of the links
    if ndf is not None:
        if "id" not in ndf.columns:
            raise IngestError(where, "the nodes have no column 'id'")
        ids = ndf.select(F.trim(F.col("id").cast("string")).alias("id"))
    else:
        ids = ldf.select(F.trim(F.col("from").cast("string")).alias("id")).union(
            ldf.select(F.trim(F.col("to").cast("string")).alias("id")))
    ids = ids.distinct()
    wanted = [targets] if isinstance(targets, str) else list(targets)
    found = {r["id"] for r in ids.where(F.col("id").isin(wanted)).collect()}
    for t in wanted:
        if t not in found:
            prefix = t.partition(":")[0] + ":"
            pool = [r["id"] for r in ids.where(F.col("id").startswith(prefix)).limit(5000)
                    .collect()]
            near = suggest(t, pool)
            hint = ("; did you mean " + " or ".join(repr(s) for s in near) + "?") if near else ""
            raise UsageError(f"unknown node {t!r}{hint}")
    n_nodes = ids.count()
    n_arcs = A.count()
    t_loaded = time.perf_counter()

    c = spark.createDataFrame([(t, min(1.0, pct / 100.0)) for t in dict.fromkeys(wanted)],
                              "id string, c double").localCheckpoint(eager=True)
    # k: what exogenous (DESIGNS) entries pass on, per group: only their sender's own cut
    if D is not None:
        k = (D.join(c, D["send"] == c["id"]).groupBy("recv", "gkey")
             .agg(F.sum(F.col("v") * F.col("c")).alias("k")).localCheckpoint(eager=True))
    else:
        k = spark.createDataFrame([], "recv string, gkey string, k double")

    c_rows = c.select("id", F.col("c").alias("q"), F.lit(0.0).alias("q0"))

    def step(q: DataFrame | None) -> DataFrame:
        """``(id, q, q0)``: the new ``q = max(c, max over the node's groups of min(1, G q + k))``
        beside the old one; unions and two aggregations, no outer join (cheap shuffles)."""
        parts = [k.select("recv", "gkey", F.col("k").alias("u"))]
        if q is not None:
            parts.append(A.join(F.broadcast(q) if small else q, A["send"] == q["id"])
                         .select("recv", "gkey", (F.col("v") * F.col("q")).alias("u")))
        u = parts[0] if len(parts) == 1 else parts[0].unionByName(parts[1])
        lrows = (u.groupBy("recv", "gkey").agg(F.sum("u").alias("u"))
                 .select(F.col("recv").alias("id"), F.least(F.lit(1.0), F.col("u")).alias("q"),
                         F.lit(0.0).alias("q0")))
        rows = c_rows.unionByName(lrows)
        if q is not None:
            rows = rows.unionByName(q.select("id", F.lit(0.0).alias("q"),
                                             F.col("q").alias("q0")))
        return (rows.groupBy("id").agg(F.max("q").alias("q"), F.max("q0").alias("q0"))
                .localCheckpoint(eager=True))

    # q(1) = max(c, L(k)); then q <- step(q) until the largest change is <= tol
    small = n_nodes <= BROADCAST_NODES
    cur = step(None)
    delta = _scalar(cur.agg(F.max("q")))
    it = 1
    while delta > p.tol:
        if it >= p.max_iter:
            raise ModelError(
                f"the shock did not converge in {p.max_iter} iterations (last change "
                f"{delta:.3g}); raise max_iter (--set max_iter=...)")
        it += 1
        cur = step(cur.select("id", "q").where(F.col("q") > 0))
        delta = _scalar(cur.agg(F.max(F.col("q") - F.col("q0"))))
    q = cur.select("id", "q")
    A.unpersist()
    return SparkShock(q=q.where(F.col("q") > 0), iterations=it, nodes=n_nodes, arcs=n_arcs,
                      load_seconds=t_loaded - t_start,
                      shock_seconds=time.perf_counter() - t_loaded)


def bulk_shock(folder: str | Path, target: str, pct: float, *, direction: str = "downstream",
               top: int = 20, **kw: Any) -> dict[str, Any]:
    """The ``riskgraph.bulkshock/1`` payload of ``riskgraph bulk-shock --engine spark`` (the
    columnar one's keys, :mod:`riskgraph.engine.bulk_result`, plus ``"engine": "spark"``)."""
    from riskgraph.engine.bulk_result import AFFECTED_TOL, SCHEMA, bound_of

    r = shock(folder, target, pct, direction=direction, **kw)
    rows = [{"rank": k + 1, "id": i, "shortfall": q}
            for k, (i, q) in enumerate(r.top(top, AFFECTED_TOL))]
    return {
        "schema": SCHEMA, "folder": str(folder), "target": target, "pct": pct,
        "direction": direction, "model": "iim", "bound": bound_of(direction), "engine": "spark",
        "nodes": r.nodes,
        "arcs": r.arcs, "iterations": r.iterations, "affected": r.affected(AFFECTED_TOL),
        "load_seconds": round(r.load_seconds, 3), "shock_seconds": round(r.shock_seconds, 3),
        "top": rows,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """``spark-submit .../riskgraph/engine/spark.py MAP TARGET --pct N``: the shock on a cluster.

    ``MAP`` is a local folder, or ``--links URI [--nodes URI]`` name files on HDFS / S3 / GCS.
    Prints the result as JSON (schema ``riskgraph.bulkshock/1``, as ``riskgraph bulk-shock``).
    """
    import argparse
    import json
    import sys

    from riskgraph.errors import RiskgraphError

    ap = argparse.ArgumentParser(prog="riskgraph-spark", description=main.__doc__)
    ap.add_argument("folder", nargs="?", default="", help="local map folder (csv or parquet)")
    ap.add_argument("target", help="node id that fails")
    ap.add_argument("--pct", type=float, required=True)
    ap.add_argument("--direction", choices=("downstream", "upstream"), default="downstream")
    ap.add_argument("--links", action="append", default=[], help="links file or URI")
    ap.add_argument("--nodes", action="append", default=[], help="nodes file or URI")
    ap.add_argument("--input-format", choices=FORMATS, default=None)
    ap.add_argument("--top", type=int, default=20)
    a = ap.parse_args(argv)
    try:
        if a.links:
            out = bulk_shock(a.links[0], a.target, a.pct, direction=a.direction, top=a.top,
                             links=a.links, nodes=a.nodes, input_format=a.input_format)
        else:
            out = bulk_shock(a.folder, a.target, a.pct, direction=a.direction, top=a.top,
                             input_format=a.input_format)
    except RiskgraphError as e:
        print(f"Error: {e}", file=sys.stderr)
        return int(getattr(e, "exit_code", 1))
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["SparkShock", "bulk_shock", "main", "session", "shock", "arcs", "read_table"]
