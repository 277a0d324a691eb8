"""`tokencensus report`: render the HTML report of a store."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tokencensus.cli import app
from tokencensus.cli.analyze import params_from_options
from tokencensus.engine import connect
from tokencensus.errors import TokencensusError

console = Console(stderr=True)


def run_report(store: Path, out: Path, *, measure: str = "tokens",
               exclude_user: list[str] | None = None, top_n: int = 10,
               images: bool = False) -> Path:
    """Render with a progress bar; shared by `report` and `demo`. Returns the HTML path."""
    from tokencensus.report import render_report

    params = params_from_options(measure, exclude_user, top_n, None, None)
    with Progress(TextColumn("report {task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        result = render_report(connect(store), out, params=params, images=images,
                               progress=progress)
    if result.errors:
        names = ", ".join(sorted(result.errors))
        raise TokencensusError(f"The report was written to {result.path}, but these analyses "
                               f"failed: {names}. Rerun with --debug and report the error.")
    for name, reason in sorted(result.skipped.items()):
        console.print(f"skipped {name}: {reason}")
    return Path(result.path)


@app.command()
def report(
    store: Path = typer.Option(..., "--store", help="Census store directory."),
    out: Path = typer.Option(Path("report"), "--out", help="Output directory."),
    measure: str = typer.Option("tokens", help="Share of tokens, requests or spend."),
    exclude_user: list[str] | None = typer.Option(None, help="Pseudonymized user id to drop."),
    top_n: int = typer.Option(10, help="How many models/countries to keep where ranked."),
    images: bool = typer.Option(False, help="Also write SVG and PNG of every chart."),
) -> None:
    """Render the self-contained HTML report (and CSV per analysis) of a store."""
    path = run_report(store, out, measure=measure, exclude_user=exclude_user, top_n=top_n,
                      images=images)
    typer.echo(str(path))
