"""``riskgraph example [DIR]``: copy the shipped example supplier map into DIR to try commands on.

The map (``ingest/data/examples/supplier-map``, in the wheel too) is eleven fictional firms from a
gallium refinery to an AI lab, in the curated format with node ids in ``from``/``to``: it runs
under ``riskgraph bulk-shock`` and merges into the real graph with ``--data-dir``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from riskgraph.cli.common import handle_errors

EXAMPLE = "supplier-map"
TARGET_ID = "company:example-gallium-refinery"
TARGET_NAME = "Example Gallium Refinery"


def register(app: typer.Typer) -> None:
    app.command("example")(example)


def example(
    folder: Annotated[Path, typer.Argument(
        help="Folder to write the example map into (created; must be empty or new).")
    ] = Path("riskgraph-example"),
) -> None:
    """Copy an example supplier map (eleven fictional firms) into FOLDER, to try bulk-shock on."""
    with handle_errors():
        import shutil

        from riskgraph.errors import UsageError
        from riskgraph.ingest.base import DATA_DIR

        src = DATA_DIR / "examples" / EXAMPLE
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise UsageError(f"{folder} exists and is not an empty folder; name a new one")
        folder.mkdir(parents=True, exist_ok=True)
        files = sorted(p for p in src.iterdir() if p.is_file())
        for p in files:
            shutil.copyfile(p, folder / p.name)
        typer.echo(f"Wrote {len(files)} files to {folder}/ (a fictional supplier map, "
                   "docs/curated-format.md). Try:")
        typer.echo(f"  riskgraph bulk-shock {folder} {TARGET_ID} --pct 50")
        typer.echo(f'  riskgraph shock "{TARGET_NAME}" --pct 50 --data-dir {folder}')
