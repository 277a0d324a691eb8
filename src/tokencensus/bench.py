"""Benchmarks (``make bench`` / ``tokencensus bench``): medians of repeated runs.

Speed targets are checked here, never by timed assertions in tests. Each stage
runs ``--repeat`` times; the table shows the median and the rows per second.
The analysis stage is compared with a naive pandas implementation of the same
figure (load the Parquet, group in memory) and with a raw DuckDB scan of the
same files, so the ratios say what the Ibis layer costs and saves.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
from rich.console import Console
from rich.table import Table

from tokencensus import bench_ingest, catalog
from tokencensus import simulate as sim
from tokencensus.analyses.base import Params, get_analysis
from tokencensus.classify.evaluation import benchmark as classify_benchmark
from tokencensus.engine import connect
from tokencensus.ingest import ingest
from tokencensus.report import render_report
from tokencensus.store import Store


def _median_seconds(run: Callable[[], object], repeat: int,
                    setup: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _pandas_open_share(store: Store) -> pd.DataFrame:
    """The naive way: read everything into pandas and group in memory."""
    df = pd.concat(pd.read_parquet(p, columns=["ts", "model", "input_tokens", "output_tokens"])
                   for p in store.data_files("requests"))
    models = catalog.models_table().to_pandas()[["model", "open_weights", "origin"]]
    df = df.merge(models, on="model", how="left")
    df["tokens"] = df["input_tokens"].fillna(0) + df["output_tokens"].fillna(0)
    df["week"] = df["ts"].dt.tz_convert(None).dt.to_period("W-SUN").dt.start_time
    df["group"] = "Proprietary"
    df.loc[df["open_weights"].isna(), "group"] = "Unknown"
    df.loc[df["open_weights"].eq(True) & df["origin"].eq("CN"), "group"] = "Chinese open"
    df.loc[df["open_weights"].eq(True) & ~df["origin"].eq("CN"), "group"] = "RoW open"
    agg = df.groupby(["week", "group"])["tokens"].sum().reset_index()
    agg["share"] = agg["tokens"] / agg.groupby("week")["tokens"].transform("sum")
    return agg


def _duckdb_scan(store: Store) -> None:
    files = [str(p) for p in store.data_files("requests")]
    duckdb.sql("SELECT sum(input_tokens + output_tokens) FROM read_parquet($f)",
               params={"f": files}).fetchall()


def _pipeline_stages(args: argparse.Namespace, work: Path) -> None:
    """Simulate, ingest, analyse and report ``args.rows`` rows; the big simulate-to-store run."""
    results: list[tuple[str, int, float]] = []
    config = sim.SimConfig(rows=args.rows)

    logs = work / "logs.jsonl"
    results.append(("simulate → JSONL", args.rows, _median_seconds(
        lambda: sim.simulate_jsonl(config, logs), args.repeat)))

    store_dir = work / "store"

    def fresh_store() -> None:
        shutil.rmtree(store_dir, ignore_errors=True)

    results.append(("ingest JSONL (openrouter)", args.rows, _median_seconds(
        lambda: ingest([str(logs)], Store.open(store_dir, create=True)), args.repeat,
        setup=fresh_store)))
    store = Store.open(store_dir)

    analysis = get_analysis("open_closed_share")
    results.append(("analysis open_closed_share (Ibis/DuckDB)", args.rows, _median_seconds(
        lambda: analysis.compute(connect(store_dir), Params()).to_pyarrow(), args.repeat)))
    results.append(("same figure, naive pandas", args.rows, _median_seconds(
        lambda: _pandas_open_share(store), args.repeat)))
    results.append(("raw DuckDB scan of the same Parquet", args.rows, _median_seconds(
        lambda: _duckdb_scan(store), args.repeat)))
    results.append(("report (all analyses)", args.rows, _median_seconds(
        lambda: render_report(connect(store_dir), work / "report"), args.repeat)))

    if args.big_rows:
        big_dir = work / "big-store"
        results.append(("simulate → store (canonical Parquet)", args.big_rows, _median_seconds(
            lambda: sim.simulate_to_store(sim.SimConfig(rows=args.big_rows),
                                          Store.open(big_dir, create=True)),
            1, setup=lambda: shutil.rmtree(big_dir, ignore_errors=True))))

    table = Table(title=f"tokencensus bench (median of {args.repeat}; big run once)")
    for col in ("stage", "rows", "seconds", "rows/s"):
        table.add_column(col, justify="left" if col == "stage" else "right")
    for stage, rows, seconds in results:
        table.add_row(stage, f"{rows:,}", f"{seconds:.2f}", f"{rows / seconds:,.0f}")
    Console().print(table)
    size = logs.stat().st_size
    Console().print(f"JSONL size for {args.rows:,} rows: {size / 1e6:.1f} MB; report: "
                    f"{(work / 'report' / 'report.html').stat().st_size / 1e6:.2f} MB; "
                    f"work dir {work}")
    pandas_s = next(s for n, _, s in results if n.startswith("same figure"))
    ibis_s = next(s for n, _, s in results if n.startswith("analysis"))
    Console().print(f"Ibis/DuckDB vs naive pandas on the same figure: {pandas_s / ibis_s:.1f}x")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tokencensus bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000,
                        help="rows for the simulate, ingest, analysis and report runs (0 to skip)")
    parser.add_argument("--big-rows", type=int, default=10_000_000,
                        help="rows for the simulate-to-store run (0 to skip)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--format-lines", type=int, default=200_000,
                        help="lines per JSONL format for the per-format reader run (0 to skip)")
    parser.add_argument("--samples", type=Path, default=Path("tests/data"),
                        help="folder of per-format sample logs (the repo's tests/data)")
    parser.add_argument("--classifier-prompts", type=int, default=4000,
                        help="prompts for the built-in classifier throughput run (0 to skip)")
    parser.add_argument("--rss-gb", type=float, default=5.0,
                        help="size of the file for the peak-memory ingest run (0 to skip)")
    args = parser.parse_args(argv)
    work = args.out or Path(tempfile.mkdtemp(prefix="tokencensus-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.rows:
        _pipeline_stages(args, work)

    if args.format_lines and args.samples.is_dir():
        formats = Table(title=f"reader throughput per JSONL format (median of {args.repeat})")
        for col in ("format", "lines", "rows", "seconds", "lines/s", "1st run lines/s"):
            formats.add_column(col, justify="left" if col == "format" else "right")
        for name, lines, rows, seconds, first in bench_ingest.format_throughput(
                args.samples, work, args.format_lines, args.repeat):
            formats.add_row(name, f"{lines:,}", f"{rows:,}", f"{seconds:.2f}",
                            f"{lines / seconds:,.0f}", f"{lines / first:,.0f}")
        Console().print(formats)
        sessions = Table(title="agent session directories: files of 500 lines "
                               f"(median of {args.repeat})")
        for col in ("format", "files", "lines", "serial s", "all cores s", "lines/s"):
            sessions.add_column(col, justify="left" if col == "format" else "right")
        for name, files, lines, serial, parallel in bench_ingest.session_directories(
                args.samples, work, args.format_lines, args.repeat):
            sessions.add_row(name, f"{files:,}", f"{lines:,}", f"{serial:.2f}",
                             f"{parallel:.2f}", f"{lines / parallel:,.0f}")
        Console().print(sessions)
    if args.classifier_prompts:
        runs = [classify_benchmark(n=args.classifier_prompts) for _ in range(args.repeat)]
        rate = statistics.median(r["prompts_per_second"] for r in runs)
        model_dir = resources.files("tokencensus.classify") / "model"
        size = sum(f.stat().st_size for f in Path(str(model_dir)).iterdir() if f.is_file())
        Console().print(f"built-in classifier: {rate:,.0f} prompts/s on one core (median of "
                        f"{args.repeat} runs of {args.classifier_prompts:,} prompts, short to "
                        f"agent-sized); shipped model files {size / 1e6:.1f} MB")
    if args.rss_gb:
        r = bench_ingest.peak_rss_ingest(work, args.rss_gb)
        Console().print(f"ingest of one {r['bytes'] / 1e9:.2f} GB JSONL ({r['rows']:,.0f} rows): "
                        f"{r['seconds']:.0f} s, {r['rows'] / r['seconds']:,.0f} rows/s, "
                        f"peak of the process tree: RSS {r['peak_rss'] / 2**20:,.0f} MiB, "
                        f"PSS {r['peak_pss'] / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
