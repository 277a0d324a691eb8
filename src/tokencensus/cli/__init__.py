"""The ``tokencensus`` command line: one Typer app, one module per command group.

Every domain error reaches :func:`main`, the single error boundary, which
prints it on one line and exits with its code (2 bad input, 3 store, 1 other);
``--debug`` re-raises for a traceback.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from tokencensus.errors import TokencensusError

app = typer.Typer(
    name="tokencensus",
    help="Run the OpenRouter/a16z 'State of AI' token study on your own LLM logs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err = Console(stderr=True)
_debug = {"on": False}


@app.callback()
def _options(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks, not one-line errors."),
) -> None:
    _debug["on"] = debug


def _register_commands() -> None:
    # Imported for their @app.command side effect; one module per command group.
    from tokencensus.cli import (  # noqa: F401
        analyze,
        bench,
        classify,
        demo,
        ingest,
        models,
        report,
        simulate,
    )


def main() -> None:
    _register_commands()
    try:
        app()
    except TokencensusError as e:
        if _debug["on"]:
            raise
        err.print(f"[bold red]error:[/] {e}", highlight=False, soft_wrap=True)
        sys.exit(e.exit_code)
