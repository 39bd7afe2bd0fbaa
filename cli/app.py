"""The ``riskgraph`` command.  Heavy libraries are imported inside commands, not here."""

from __future__ import annotations

import importlib

import typer

from riskgraph import __version__

app = typer.Typer(
    name="riskgraph",
    help=(
        "The supply chain of AI as a knowledge graph: what breaks when a supplier fails.\n\n"
        "Main job: riskgraph shock gallium --pct 50"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)

# Each module defines ``register(app)``; one module per command group.
COMMAND_MODULES = (
    "data_cmd",  # riskgraph data, riskgraph show
    "shock_cmd",  # riskgraph shock, riskgraph paths
    "ingest_cmd",  # riskgraph ingest --neo4j
    "neo4j_cmd",  # riskgraph neo4j start|stop|status
    "query_cmd",  # riskgraph query
    "export_cmd",  # riskgraph export rdf|graphml|json|csv|html, riskgraph sparql
    "bulk_cmd",  # riskgraph bulk-shock (columnar path for large maps)
    "example_cmd",  # riskgraph example DIR (a fictional supplier map to try commands on)
    "exposure_cmd",  # riskgraph exposure COMPANY (issue 12)
    "sensitivity_cmd",  # riskgraph sensitivity (which assumptions matter)
    "report_cmd",  # riskgraph report (HTML/PDF client note), riskgraph compare
    "backtest_cmd",  # riskgraph backtest NAME | --list (issue 13)
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"riskgraph {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """The supply chain of AI as a knowledge graph: what breaks when a supplier fails."""


for _m in COMMAND_MODULES:
    importlib.import_module(f"riskgraph.cli.{_m}").register(app)


def run(args: list[str] | None = None) -> int:
    """Run ``riskgraph ARGS`` and return the exit code; every failure is one line on stderr.

    A usage error (unknown option, bad value, missing argument) prints as
    ``Error: <what>  (riskgraph CMD --help)`` instead of click's four-line block.
    """
    try:  # typer vendors click (typer._click) since 0.20; older releases use click itself
        from typer._click import exceptions as cx
    except ImportError:  # pragma: no cover
        from click import exceptions as cx  # type: ignore[no-redef]

    from riskgraph.cli.common import err

    try:
        rv = app(args=args, standalone_mode=False, prog_name="riskgraph")
    except cx.NoArgsIsHelpError as e:  # `riskgraph` or `riskgraph export` alone: the help
        e.show()
        return e.exit_code
    except cx.UsageError as e:
        where = e.ctx.command_path if e.ctx is not None else "riskgraph"
        err(f"Error: {e.format_message()}  ({where} --help)")
        return e.exit_code
    except typer.Abort:  # Ctrl-C at a prompt
        err("Error: aborted")
        return 1
    except cx.ClickException as e:
        err(f"Error: {e.format_message()}")
        return e.exit_code
    except KeyboardInterrupt:
        err("Error: interrupted")
        return 130
    return rv if isinstance(rv, int) else 0


def main() -> None:
    import sys

    sys.exit(run())
