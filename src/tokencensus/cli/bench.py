"""`tokencensus bench`: the speed and memory benchmarks (what `make bench` runs).

The options are the benchmark's own (``tokencensus bench --help-bench`` lists them).
Run through the CLI rather than ``python -m tokencensus.bench``: ingest workers start
from a fork server and re-import the main module, and the CLI's is light while the
benchmark module imports the whole analysis stack (about 0.7 s per worker per file,
which the per-format figures would otherwise include).
"""

from __future__ import annotations

import typer

from tokencensus.cli import app


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True,
                               "help_option_names": []})
def bench(ctx: typer.Context,
          help_bench: bool = typer.Option(False, "--help-bench",
                                          help="List the benchmark's options.")) -> None:
    """Benchmarks: ingest, per-format readers, classifier, analyses, report, peak memory."""
    from tokencensus.bench import main as run_bench

    run_bench(["--help"] if help_bench else list(ctx.args))
