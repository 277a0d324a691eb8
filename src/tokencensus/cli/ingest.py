"""`tokencensus ingest` and `tokencensus formats`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tokencensus import ingest as ingest_
from tokencensus.classify.pipeline import DEFAULT_CLASSIFIER, ClassifyReport
from tokencensus.classify.sampling import DEFAULT_RATE
from tokencensus.cli import app
from tokencensus.ingest.base import readers
from tokencensus.store import Store

console = Console(stderr=True)


def run_ingest(paths: list[str], store_dir: Path, *, fmt: str | None = None,
               sample_rate: float = DEFAULT_RATE, quiet: bool = False,
               classifier: str | None = DEFAULT_CLASSIFIER,
               reader_options: dict[str, Any] | None = None) -> ingest_.IngestReport:
    """Ingest with a progress bar on stderr; shared by `ingest` and `demo`."""
    store = Store.open(store_dir, create=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.fields[records]:,} records"), TimeElapsedColumn(),
                  console=console, disable=quiet, transient=False) as bar:
        task = bar.add_task("ingest", total=None, records=0)

        def progress(index: int, total: int, path: str, records: int) -> None:
            bar.update(task, description=f"[{index + 1}/{total}] {Path(path).name}",
                       records=records, total=total, completed=index)

        report = ingest_.ingest(paths, store, fmt=fmt, sample_rate=sample_rate,
                                classifier=classifier, progress=progress,
                                reader_options=reader_options)
        bar.update(task, completed=len(report.files), total=max(len(report.files), 1))
    return report


def print_summary(report: ingest_.IngestReport) -> None:
    table = Table(title="Ingest summary")
    table.add_column("file")
    table.add_column("format")
    for k in ingest_.COUNTS:
        table.add_column(k, justify="right")
    for s in report.files:
        name = s.source_path + (f" (already ingested as {s.skipped_as})" if s.skipped_as else "")
        table.add_row(name, s.format, *(f"{getattr(s, k):,}" for k in ingest_.COUNTS))
    total = report.total
    table.add_row("[bold]total", "", *(f"[bold]{total[k]:,}" for k in ingest_.COUNTS))
    Console().print(table)
    for path in report.unrecognized:
        Console().print(f"not ingested (no reader recognised it; pass --format): {path}")
    print_classification(report.classify)
    if total["quarantined"]:
        Console().print(f"{total['quarantined']:,} record(s) quarantined with file, line and "
                        "reason in STORE/quarantine/.")


def print_classification(report: ClassifyReport | None) -> None:
    """One line on the sampled prompts' labels, then one line per failed batch."""
    if report is None:
        return
    line = (f"classified {report.labelled:,} of {report.texts:,} sampled prompt(s) with "
            f"{report.classifier}")
    if report.failed or report.skipped:
        line += f"; {report.failed + report.skipped:,} left unlabelled"
    Console().print(line, highlight=False)
    for message in report.errors:
        Console(stderr=True).print(f"[yellow]classification:[/] {message}", highlight=False)


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files, directories (recursive) or globs."),
    store: Path = typer.Option(..., "--store", help="Census store directory (created if new)."),
    fmt: str | None = typer.Option(None, "--format", help="Skip detection; see `formats`."),
    sample_rate: float = typer.Option(DEFAULT_RATE, help="Share of prompts to classify."),
    classifier: str = typer.Option(DEFAULT_CLASSIFIER, "--classifier",
                                   help="Classifier for the sampled prompts, or `none`."),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    mapping: Path | None = typer.Option(
        None, "--mapping", help="TOML column mapping, for --format generic."),
) -> None:
    """Read log files into a census store; duplicates are dropped, bad records quarantined."""
    report = run_ingest(paths, store, fmt=fmt, sample_rate=sample_rate, quiet=json_out,
                        classifier=classifier,
                        reader_options={"mapping": mapping} if mapping else None)
    if json_out:
        typer.echo(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2).decode())
    else:
        print_summary(report)


@app.command()
def formats(json_out: bool = typer.Option(False, "--json")) -> None:
    """List the log formats tokencensus reads and which canonical fields each provides."""
    found = readers()
    if json_out:
        typer.echo(orjson.dumps([{"name": r.name, "description": r.description,
                                  "provides": sorted(r.provides)} for r in found.values()],
                                option=orjson.OPT_INDENT_2).decode())
        return
    table = Table(title="Formats")
    for col in ("name", "description", "provides"):
        table.add_column(col)
    for r in found.values():
        table.add_row(r.name, r.description, ", ".join(sorted(r.provides)))
    Console().print(table)
