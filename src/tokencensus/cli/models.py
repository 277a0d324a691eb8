"""`tokencensus models`: resolve raw model names, list the catalog, find unknown names."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from tokencensus import schema
from tokencensus.cli import app

models_app = typer.Typer(help="The model catalog: resolve names, list models, find unknowns.",
                         no_args_is_help=True)
app.add_typer(models_app, name="models")
console = Console(markup=False, highlight=False)  # model names may contain [brackets]

RESOLVE_FIELDS = (schema.AUTHOR, schema.OPEN_WEIGHTS, schema.ORIGIN, schema.SIZE_BUCKET,
                  schema.REASONING, schema.RELEASE_DATE)
OVERRIDES_HELP = "User overrides TOML (aliases and models); also $TOKENCENSUS_CATALOG_OVERRIDES."


def _catalog(overrides: Path | None) -> Any:
    from tokencensus import catalog

    return catalog.use_overrides(overrides) if overrides is not None else catalog.default()


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _print_json(rows: list[dict[str, Any]]) -> None:
    typer.echo(json.dumps([{k: _jsonable(v) for k, v in r.items()} for r in rows], indent=2))


def _table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    table = Table(title=title)
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*("" if r.get(c) is None else str(_jsonable(r[c])) for c in columns))
    console.print(table)


@models_app.command("resolve")
def resolve_cmd(
    names: list[str] = typer.Argument(..., help="Raw model names as logs spell them."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    overrides: Path | None = typer.Option(None, "--catalog-overrides", help=OVERRIDES_HELP),
) -> None:
    """Map raw model names to catalog models (model is null when unknown)."""
    cat = _catalog(overrides)
    rows = []
    for raw in names:
        slug = cat.resolve(raw)
        info = cat.row(slug) if slug else None
        rows.append({"raw": raw, "model": slug,
                     **{f: (info or {}).get(f) for f in RESOLVE_FIELDS}})
    if json_out:
        _print_json(rows)
    else:
        _table("Resolved model names", rows, ["raw", "model", *RESOLVE_FIELDS])


@models_app.command("list")
def list_cmd(
    author: str | None = typer.Option(None, help="Only this author (lab)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    overrides: Path | None = typer.Option(None, "--catalog-overrides", help=OVERRIDES_HELP),
) -> None:
    """List the catalog's models with their attributes."""
    rows = _catalog(overrides).models_table().to_pylist()
    if author is not None:
        rows = [r for r in rows if r[schema.AUTHOR] == author.lower()]
    if json_out:
        _print_json(rows)
    else:
        _table(f"{len(rows)} models", rows, [schema.MODEL, *RESOLVE_FIELDS, schema.PARAMS_B])


@models_app.command("unknown")
def unknown_cmd(
    store: Path = typer.Option(..., "--store", help="Census store directory."),
    limit: int = typer.Option(50, help="How many names to show."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    overrides: Path | None = typer.Option(None, "--catalog-overrides", help=OVERRIDES_HELP),
) -> None:
    """Raw model names the catalog did not resolve, by tokens, with the override to add."""
    from tokencensus.engine import connect

    cat = _catalog(overrides)
    t = connect(store).requests
    t = t.filter(t[schema.MODEL].isnull() & t[schema.MODEL_RAW].notnull())
    tokens = t[schema.INPUT_TOKENS].fill_null(0) + t[schema.OUTPUT_TOKENS].fill_null(0)
    agg = (
        t.group_by(raw=t[schema.MODEL_RAW])
        .aggregate(tokens=tokens.sum(), requests=t[schema.REQUESTS_COUNT].sum())
        .order_by([tokens.sum().desc(), "raw"])
    )
    rows = []
    for r in agg.to_pyarrow().to_pylist()[:limit]:
        now = cat.resolve(r["raw"])
        target = now or "AUTHOR/NAME"
        rows.append({**r, "resolves_now": now,
                     "override": f"{json.dumps(r['raw'])} = {json.dumps(target)}"})
    if json_out:
        _print_json(rows)
        return
    if not rows:
        typer.echo("Every model name in the store resolves to a catalog model.")
        return
    width = max(len(f"{r['tokens']:,}") for r in rows)
    typer.echo("Unresolved model names by tokens. Put the lines below in a TOML file and pass "
               "it with --catalog-overrides (or set TOKENCENSUS_CATALOG_OVERRIDES), replacing "
               "AUTHOR/NAME with the model's catalog slug (tokencensus models list):\n")
    typer.echo("[aliases]")
    for r in rows:
        note = f"now resolves to {r['resolves_now']}; re-ingest" if r["resolves_now"] else ""
        typer.echo(f"{r['override']}  # {r['tokens']:>{width},} tokens, "
                   f"{r['requests']:,} requests {note}".rstrip())
