"""`tokencensus simulate`: calibrated synthetic traffic with its ground truth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from tokencensus.cli import app
from tokencensus.store import Store

console = Console(stderr=True)


def run_simulate(out: Path, *, rows: int, seed: int, start: dt.date | None = None,
                 end: dt.date | None = None, to_store: Path | None = None) -> Path:
    """Write logs (or store rows) and truth.json with a progress bar. Returns the log path."""
    from tokencensus import simulate as sim

    overrides = {k: v for k, v in {"start": start, "end": end}.items() if v is not None}
    config = sim.SimConfig(rows=rows, seed=seed, **overrides)  # type: ignore[arg-type]
    out.mkdir(parents=True, exist_ok=True)
    with Progress(TextColumn("simulate"), BarColumn(), TextColumn("{task.completed:,} rows"),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("", total=rows)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        if to_store is not None:
            truth = sim.simulate_to_store(config, Store.open(to_store, create=True),
                                          progress=progress)
            target = to_store
        else:
            target = out / "openrouter_generations.jsonl"
            truth = sim.simulate_jsonl(config, target, progress=progress)
    sim.write_truth(truth, out / "truth.json")
    return target


@app.command()
def simulate(
    out: Path = typer.Option(Path("sim"), "--out", help="Directory for logs and truth.json."),
    rows: int = typer.Option(1_000_000, help="Requests to generate."),
    seed: int = typer.Option(0, help="Random seed; same seed, same traffic."),
    start: str | None = typer.Option(None, help="First day, YYYY-MM-DD (default 2024-11-01)."),
    end: str | None = typer.Option(None, help="Last day, YYYY-MM-DD (default 2025-11-30)."),
    to_store: Path | None = typer.Option(None, help="Write canonical rows straight into this "
                                         "store instead of JSONL logs (for large runs)."),
) -> None:
    """Generate synthetic OpenRouter traffic calibrated to the study, with truth.json."""
    target = run_simulate(out, rows=rows, seed=seed,
                          start=dt.date.fromisoformat(start) if start else None,
                          end=dt.date.fromisoformat(end) if end else None, to_store=to_store)
    typer.echo(str(target))
