"""`tokencensus demo`: simulate, ingest the JSONL logs, render the report."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import typer
from rich.console import Console

from tokencensus.cli import app
from tokencensus.cli.ingest import print_summary, run_ingest
from tokencensus.cli.report import run_report
from tokencensus.cli.simulate import run_simulate

console = Console(stderr=True)


@app.command()
def demo(
    rows: int = typer.Option(1_000_000, help="Simulated requests."),
    out: Path = typer.Option(Path("demo"), "--out", help="Output directory (replaced)."),
    seed: int = typer.Option(0, help="Random seed."),
) -> None:
    """Simulate a year of traffic, ingest it through the OpenRouter reader, render the report."""
    started = time.perf_counter()
    store = out / "store"
    if store.exists():
        # The demo is reproducible from its seed; an old store would dedupe everything away.
        shutil.rmtree(store)
    logs = run_simulate(out, rows=rows, seed=seed)
    print_summary(run_ingest([str(logs)], store))
    path = run_report(store, out)
    console.print(f"demo finished in {time.perf_counter() - started:.1f}s; truth in "
                  f"{out / 'truth.json'}")
    typer.echo(str(path.resolve()))
