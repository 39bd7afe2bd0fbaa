"""``riskgraph bulk-shock DIR TARGET --pct N``: the columnar path for large supplier maps.

For a user's own map of up to millions of firms (curated CSV format, node ids in from/to), this
loads the folder straight into arrays (``riskgraph.engine.columnar``) and runs the same capped
IIM as ``riskgraph shock``, without building per-edge Python objects.  It reports shortfalls, not
paths or Monte Carlo (use ``riskgraph shock --data-dir`` on maps small enough for those).  The
result (``riskgraph.bulkshock/1``) is built by :mod:`riskgraph.engine.bulk_result`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from riskgraph.cli.common import (
    Direction,
    FormatOpt,
    OutputFormat,
    console,
    handle_errors,
    print_csv,
    print_json,
)


class Engine(StrEnum):
    columnar = "columnar"
    spark = "spark"


def register(app: typer.Typer) -> None:
    app.command("bulk-shock")(bulk_shock)


def bulk_shock(
    folder: Annotated[Path, typer.Argument(
        help="Folder with *nodes* and *links* files in the curated format (ids in from/to): "
        ".csv, or .parquet (riskgraph export parquet).",
        exists=True, file_okay=False)],
    target: Annotated[str, typer.Argument(help="Node id that fails, e.g. company:acme.")],
    pct: Annotated[float, typer.Option("--pct", help="Size of the cut in percent, in (0, 100].")],
    direction: Annotated[Direction, typer.Option(
        "--direction", help="downstream: supply shock; upstream: demand cut by sales shares.")
    ] = Direction.downstream,
    top: Annotated[int, typer.Option("--top", min=1, help="How many nodes to list.")] = 20,
    fmt: FormatOpt = OutputFormat.table,
    engine: Annotated[Engine, typer.Option(
        "--engine", help="columnar: arrays on this machine; spark: the same model on Apache "
        "Spark (pip install 'riskgraph[spark]'; docs/spark.md).")] = Engine.columnar,
) -> None:
    """Shock a large supplier map through the columnar path (arrays, no per-edge objects)."""
    with handle_errors():
        if engine is Engine.spark:
            from riskgraph.engine.spark import bulk_shock as spark_bulk_shock

            result = spark_bulk_shock(folder, target, pct, direction=direction.value, top=top)
        else:
            from riskgraph.engine.bulk_result import bulk_shock as run_bulk_shock

            result = run_bulk_shock(folder, target, pct, direction=direction.value, top=top)
        if fmt is OutputFormat.json:
            print_json(result)
            return
        rows: list[dict[str, Any]] = result["top"]
        if fmt is OutputFormat.csv:
            print_csv(["rank", "id", "shortfall"],
                      [{**r, "shortfall": f"{r['shortfall']:.6f}"} for r in rows])
            return
        from rich.table import Table

        t = Table(title=f"{target} -{pct:g}% ({result['direction']}); {result['affected']} of "
                  f"{result['nodes']} nodes affected", title_justify="left")
        for col in ("#", "node", "shortfall"):
            t.add_column(col, justify="right" if col != "node" else "left")
        for r in rows:
            t.add_row(str(r["rank"]), r["id"], f"{100 * r['shortfall']:.1f}%")
        c = console()
        c.print(t)
        if result.get("bound"):
            c.print("Shortfall: " + result["bound"] + ".")
        c.print(f"{result['arcs']} supply arcs; load {result['load_seconds']:.2f} s, shock "
                f"{result['shock_seconds']:.3f} s ({result['iterations']} iterations)")
