"""`tokencensus analyze`: list analyses or print one's rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import typer
from rich.console import Console
from rich.table import Table

from tokencensus.analyses.base import MEASURES, Params, all_analyses, get_analysis
from tokencensus.cli import app
from tokencensus.engine import connect
from tokencensus.errors import InputError


def params_from_options(measure: str, exclude_user: list[str] | None, top_n: int,
                        start: str | None, end: str | None) -> Params:
    if measure not in MEASURES:
        raise InputError(f"--measure must be one of {', '.join(MEASURES)}, not {measure!r}.")

    def day(value: str | None, flag: str) -> dt.date | None:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(f"{flag} expects a date like 2025-01-31, not {value!r}.") from None

    return Params(measure=measure, exclude_users=tuple(exclude_user or ()), top_n=top_n,  # type: ignore[arg-type]
                  start=day(start, "--start"), end=day(end, "--end"))


def _json_default(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError


@app.command()
def analyze(
    name: str | None = typer.Argument(None, help="Analysis name; see --list."),
    store: Path | None = typer.Option(None, "--store", help="Census store directory."),
    list_: bool = typer.Option(False, "--list", help="List the registered analyses."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    measure: str = typer.Option("tokens", help="Share of tokens, requests or spend."),
    exclude_user: list[str] | None = typer.Option(None, help="Pseudonymized user id to drop."),
    top_n: int = typer.Option(10, help="How many models/countries to keep where ranked."),
    start: str | None = typer.Option(None, help="First day (UTC), YYYY-MM-DD."),
    end: str | None = typer.Option(None, help="Last day (UTC), YYYY-MM-DD."),
) -> None:
    """Run one analysis over a store and print its rows."""
    if list_:
        described = [a.describe() for a in all_analyses()]
        if json_out:
            typer.echo(orjson.dumps(described, option=orjson.OPT_INDENT_2).decode())
        else:
            table = Table(title="Analyses")
            for col in ("name", "title", "study_figures", "requires"):
                table.add_column(col)
            for d in described:
                table.add_row(str(d["name"]), str(d["title"]),
                              ", ".join(map(str, d["study_figures"])),  # type: ignore[call-overload]
                              ", ".join(d["requires"]))  # type: ignore[arg-type]
            Console().print(table)
        return
    if name is None or store is None:
        raise InputError("Give an analysis name and --store DIR, or --list.")
    analysis = get_analysis(name)
    params = params_from_options(measure, exclude_user, top_n, start, end)
    result = analysis.compute(connect(store), params).to_pyarrow()
    if json_out:
        typer.echo(orjson.dumps(result.to_pylist(), default=_json_default,
                                option=orjson.OPT_INDENT_2).decode())
        return
    df = result.to_pandas()
    table = Table(title=analysis.title)
    for col in df.columns:
        table.add_column(str(col))
    for row in df.head(200).itertuples(index=False):
        table.add_row(*(f"{v:,.4g}" if isinstance(v, float) else str(v) for v in row))
    Console().print(table)
    for sentence in analysis.findings(df):
        Console().print(f"• {sentence}")
