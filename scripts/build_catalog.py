"""Build the bundled model catalog from real sources, deterministically.

Reads the OpenRouter ``/api/v1/models`` snapshot, the models.dev export and the
LiteLLM price table under ``data/upstream`` (copies of the project's shared data with
their provenance in ``data/upstream/SOURCES.md``),
plus the curated files next to the output (``labs.csv``, ``params.csv``,
``extra_models.csv``, ``overrides.csv``), and writes
``src/tokencensus/catalog/data/models.csv`` (columns of ``schema.MODELS``) and
``aliases.csv``. Running it twice gives byte-identical files.

Usage::

    python scripts/build_catalog.py [--sources data/upstream] [--out DIR]

Rules (each fact has exactly one source, in this order):

* one row per canonical text-output model: the OpenRouter ``id`` without its
  variant suffix (``:free``, ``:batch``, ``:thinking``); routers and
  ``~author/name-latest`` aliases are not models;
* open_weights: models.dev, else ``overrides.csv``, else "has a Hugging Face id"
  means open, else unknown (null) -- never guessed;
* reasoning: models.dev, else OpenRouter ``supported_parameters``;
* release_date: models.dev when it is a full date, else OpenRouter ``created``;
* prices: OpenRouter pricing (null when only a free or batch variant is listed,
  whose price is not the model's list price);
* models.dev rows for OpenRouter models missing from the snapshot are kept,
  priced from models.dev; retired models from ``extra_models.csv`` are priced
  from the LiteLLM key it names (its change log when the key was removed);
* ``overrides.csv`` corrects a source that is wrong, with a citation; an
  override that changes nothing is an error, so stale ones get removed.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import json
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

sys.path.insert(0, str(REPO / "scripts"))

import catalog_litellm as lit  # noqa: E402

from tokencensus import schema  # noqa: E402

rs = importlib.import_module("tokencensus.catalog.resolve")

DATA = REPO / "src" / "tokencensus" / "catalog" / "data"
VARIANT_SEP = ":"
ROUTERS = frozenset({"switchpoint/router"})  # plus every `openrouter/*` id
REASONING_PARAMS = frozenset({"reasoning", "include_reasoning"})
OVERRIDABLE = ("display_name", "open_weights", "license", "reasoning", "release_date")
COLUMNS = [f.name for f in schema.MODELS]
PRICE_COLUMNS = ("price_input", "price_output", "price_cache_read")
MODELSDEV_COSTS = ("cost_input_usd_per_m", "cost_output_usd_per_m", "cost_cache_read_usd_per_m")
LITELLM_COSTS = ("input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost")

Row = dict[str, Any]


def _latest(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        sys.exit(f"No {pattern} in {folder}. Pass --sources: the folder of upstream data.")
    return found[-1]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _bool(text: str) -> bool | None:
    low = text.strip().lower()
    if low in ("true", "1", "yes"):
        return True
    if low in ("false", "0", "no"):
        return False
    if low == "":
        return None
    raise ValueError(f"not a boolean: {text!r}")


def _date(text: str) -> date | None:
    text = text.strip()
    # models.dev sometimes has only "2025-04": a month is not a release date.
    return date.fromisoformat(text) if len(text) == 10 else None


def _price(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    # repr() of a float is its shortest exact spelling, so 3e-06 stays 0.000003.
    return Decimal(repr(value) if isinstance(value, float) else str(value))


def _per_million(text: str) -> Decimal | None:
    return Decimal(text) / 1_000_000 if text else None


def _base(model_id: str) -> str:
    return model_id.split(VARIANT_SEP, 1)[0]


def _is_router(model_id: str) -> bool:
    return model_id.startswith("openrouter/") or model_id in ROUTERS


def _openrouter_rows(entries: list[dict[str, Any]]) -> dict[str, Row]:
    """Group text-output entries by base slug; the plain entry wins over variants."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        mid = e["id"]
        if mid.startswith("~") or _is_router(mid):
            continue
        if e["architecture"]["output_modalities"] != ["text"]:
            continue  # image, audio, embedding, rerank, transcription, speech
        groups.setdefault(_base(mid), []).append(e)
    rows: dict[str, Row] = {}
    for base, group in groups.items():
        plain = next((e for e in group if e["id"] == base), None)
        e = plain or sorted(group, key=lambda x: x["id"])[0]
        pricing = e["pricing"] if plain else {}
        name = e["name"]
        if not plain and name.endswith(")") and " (" in name:
            name = name.rsplit(" (", 1)[0]  # "X (free)" names the variant, not the model
        params = {p for x in group for p in x.get("supported_parameters") or []}
        rows[base] = {
            "model": base,
            "display_name": name,
            "hf": any(x.get("hugging_face_id") for x in group),
            "reasoning": bool(params & REASONING_PARAMS),
            "release_date": datetime.fromtimestamp(e["created"], UTC).date(),
            "context_length": e.get("context_length"),
            "price_input": _price(pricing.get("prompt")),
            "price_output": _price(pricing.get("completion")),
            "price_cache_read": _price(pricing.get("input_cache_read")),
            "canonical_slugs": sorted({x["canonical_slug"] for x in group}),
        }
    return rows


def _modelsdev_only(md: list[dict[str, str]], known: set[str]) -> dict[str, Row]:
    """models.dev rows for OpenRouter models that left the snapshot."""
    rows: dict[str, Row] = {}
    for r in sorted(md, key=lambda r: r["openrouter_id"]):
        mid = r["openrouter_id"]
        base = _base(mid)
        if (
            base in known
            or base.startswith("~")
            or _is_router(base)
            or r["output_modalities"] != "text"
        ):
            continue
        plain = mid == base
        if base in rows and not plain:
            continue
        # A free-only listing's price (zero) is not the model's list price.
        per_m = [_per_million(r[c]) if plain else None for c in MODELSDEV_COSTS]
        rows[base] = {
            "model": base,
            "display_name": r["name"],
            "hf": False,
            "reasoning": False,
            "release_date": None,
            "context_length": int(r["context"]) if r["context"] else None,
            **dict(zip(PRICE_COLUMNS, per_m, strict=True)),
            "canonical_slugs": [],
        }
    return rows


def _modelsdev_index(md: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """models.dev row per base slug: the exact id first, else any of its variants."""
    index: dict[str, dict[str, str]] = {}
    for r in sorted(
        md, key=lambda r: (r["openrouter_id"] != _base(r["openrouter_id"]), r["openrouter_id"])
    ):
        index.setdefault(_base(r["openrouter_id"]), r)
    return index


def _litellm_price(key: str, prices: dict[str, Any], log: list[dict[str, str]]) -> Row:
    """Prices and context of a LiteLLM key; falls back to its last logged values."""
    if key in prices:
        entry: dict[str, Any] = prices[key]
    else:
        events = [e for e in log if e["model_key"] == key and e["input_cost_per_token"]]
        if not events:
            sys.exit(f"LiteLLM key {key!r} is in neither the price table nor its change log.")
        entry = events[-1]  # the log is in commit order
    return {
        **{col: _price(entry.get(k)) for col, k in zip(PRICE_COLUMNS, LITELLM_COSTS, strict=True)},
        "context_length": int(float(entry["max_input_tokens"])),
    }


def _extras(curated: Path, prices: dict[str, Any], log: list[dict[str, str]]) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for r in _read_csv(curated / "extra_models.csv"):
        rows[r["model"]] = {
            "model": r["model"],
            "display_name": r["display_name"],
            "open_weights": _bool(r["open_weights"]),
            "license": r["license"] or None,
            "reasoning": _bool(r["reasoning"]),
            "release_date": date.fromisoformat(r["release_date"]),
            **_litellm_price(r["litellm_key"], prices, log),
        }
    return rows


def _apply_overrides(rows: dict[str, Row], curated: Path) -> None:
    for o in _read_csv(curated / "overrides.csv"):
        model, field, raw = o["model"], o["field"], o["value"]
        if model not in rows or field not in OVERRIDABLE:
            sys.exit(f"overrides.csv: unknown model {model!r} or field {field!r}.")
        value: object = raw or None
        if field in ("open_weights", "reasoning"):
            value = _bool(raw)
        elif field == "release_date":
            value = date.fromisoformat(raw)
        if rows[model].get(field) == value:
            sys.exit(f"overrides.csv: {model} {field} is already {raw!r}; remove the line.")
        rows[model][field] = value


def _latest_aliases(entries: list[dict[str, Any]], models: set[str]) -> dict[str, str]:
    """`~author/family-latest` -> the newest same-priced model of that family.

    OpenRouter does not say where a latest-alias points. The target is taken as
    the newest model (by ``created``) of the same author whose name contains
    every word of the family and whose pricing and context are identical; a
    ``-fast``/``-pro`` style sibling of another candidate is dropped. Aliases
    with no such model are left out rather than guessed.
    """

    def key(e: dict[str, Any]) -> tuple[str, int]:
        return json.dumps(e["pricing"], sort_keys=True), e["context_length"]

    plain = [e for e in entries if e["id"] in models]
    out: dict[str, str] = {}
    for alias in (e for e in entries if e["id"].startswith("~")):
        author, family = alias["id"][1:].split("/", 1)
        words = [w for w in family.split("-") if w != "latest"]
        cands = [
            e
            for e in plain
            if e["id"].startswith(author + "/")
            and key(e) == key(alias)
            and all(w in e["id"].split("/", 1)[1].split("-") for w in words)
        ]
        ids = {e["id"] for e in cands}
        cands = [e for e in cands if not any(e["id"].startswith(i + "-") for i in ids)]
        if cands:
            out[alias["id"]] = max(cands, key=lambda e: (e["created"], e["id"]))["id"]
    return out


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def _write(path: Path, header: list[str], rows: Iterable[list[object]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow([_fmt(v) for v in row])
    path.write_text(buf.getvalue(), encoding="utf-8")


def build(src: Path, out: Path, curated: Path = DATA) -> None:
    """Write models.csv, aliases.csv and prices.csv into ``out`` from the upstream data."""
    entries = json.loads(
        _latest(src / "model_catalog", "openrouter_api_v1_models_*.json").read_text(
            encoding="utf-8"
        )
    )["data"]
    md = _read_csv(src / "model_catalog" / "modelsdev_openrouter_models.csv")
    prices = json.loads(
        _latest(src / "pricing", "litellm_model_prices_*.json").read_text(encoding="utf-8")
    )
    log = _read_csv(_latest(src / "pricing", "litellm_price_changelog_*.csv"))

    rows = _openrouter_rows(entries)
    rows.update(_modelsdev_only(md, set(rows)))
    mdx = _modelsdev_index(md)
    for base, row in rows.items():
        r = mdx.get(base)
        row["open_weights"] = _bool(r["open_weights"]) if r else (True if row["hf"] else None)
        if r:
            row["reasoning"] = _bool(r["reasoning"])
            row["release_date"] = _date(r["release_date"]) or row["release_date"]
            row["license"] = r["license"] or None
    extras = _extras(curated, prices, log)
    if clash := sorted(set(extras) & set(rows)):
        sys.exit(f"extra_models.csv repeats models in the snapshot: {clash}; remove them.")
    rows.update(extras)
    rules = _read_csv(curated / "families.csv")
    for row in rows.values():
        if row.get("open_weights") is None:
            row["open_weights"] = lit.open_weights(*row["model"].split("/", 1), rules)
    _apply_overrides(rows, curated)

    labs = {r["author"]: r["origin"] for r in _read_csv(curated / "labs.csv")}
    aliases = _aliases(rows, entries)
    orgs: dict[str, set[str]] = {}
    for r in _read_csv(curated / "orgs.csv"):
        orgs.setdefault(r["org"], set()).add(r["author"])
    frozen = {k: frozenset(v) for k, v in orgs.items()}
    names = rs.Names(frozenset(rows), {a: t for a, (t, _) in aliases.items()}, frozen)
    chat = lit.chat_entries(prices, log)
    added, problems = lit.new_models(chat, names, rules, set(labs), lit.first_listed(log))
    rows.update(added)
    names = rs.Names(frozenset(rows), names.aliases, frozen)

    params = {r["model"]: Decimal(r["params_b"]) for r in _read_csv(curated / "params.csv")}
    problems += [
        f"params.csv: {m} is not an open model in the catalog"
        for m in params
        if m not in rows or rows[m].get("open_weights") is not True
    ]
    for row in rows.values():
        row["author"] = row["model"].split("/", 1)[0]
        row["origin"] = labs.get(row["author"])
        if row["origin"] not in ("CN", "ROW"):
            problems.append(f"labs.csv: no origin for author {row['author']!r}")
        row["params_b"] = params.get(row["model"], row.get("params_b"))
        pb = row["params_b"]
        row["size_bucket"] = schema.size_bucket(float(pb) if pb is not None else None)
        if row["release_date"] is None and "litellm_key" not in row:
            problems.append(f"{row['model']}: no release date in any source")
    if problems:
        sys.exit("\n".join(sorted(set(problems))))

    out.mkdir(parents=True, exist_ok=True)
    _write(out / "models.csv", COLUMNS, ([rows[m].get(c) for c in COLUMNS] for m in sorted(rows)))
    _write(
        out / "aliases.csv", ["alias", "model", "kind"], ([a, *aliases[a]] for a in sorted(aliases))
    )
    _write(out / "prices.csv", PRICE_HEADER, _price_rows(rows, names, chat, log))


PRICE_HEADER = ["model", "valid_from", "valid_to", *PRICE_COLUMNS, "source"]


def _price_rows(
    rows: dict[str, Row], names: rs.Names, chat: dict[str, Any], log: list[dict[str, str]]
) -> list[list[object]]:
    """LiteLLM price history of every model one of its keys resolves to."""
    keys: dict[str, list[tuple[str, str]]] = {}
    for key in sorted({e["model_key"] for e in log} | set(chat)):
        provider = chat[key]["litellm_provider"] if key in chat else _provider(key, log)
        if (slug := rs.resolve(key, names)) is not None:
            keys.setdefault(slug, []).append((key, provider))
    out: list[list[object]] = []
    for slug in sorted(keys):
        got = lit.history(slug, keys[slug], log, rows[slug]["author"])
        if got is None:
            continue
        key, events = got
        for seg in lit.segments(events):
            prices_ = [_price(seg[k]) for k in lit.PRICE_KEYS]
            out.append([slug, seg["valid_from"], seg["valid_to"], *prices_, f"litellm:{key}"])
    return out


def _provider(key: str, log: list[dict[str, str]]) -> str:
    return next(e["litellm_provider"] for e in log if e["model_key"] == key)


def _aliases(rows: dict[str, Row], entries: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Dated canonical slugs, ~latest aliases and Hugging Face ids of OpenRouter models."""
    aliases: dict[str, tuple[str, str]] = {}
    taken: dict[str, set[str]] = {}
    for m in sorted(rows):
        for slug in rows[m].get("canonical_slugs", []):
            if slug != m:
                taken.setdefault(slug.lower(), set()).add(m)
    for slug, targets in taken.items():
        # A slug that names a model itself, or two models, resolves to nothing.
        if slug not in rows and len(targets) == 1:
            aliases[slug] = (targets.pop(), "canonical_slug")
    for alias, target in _latest_aliases(entries, set(rows)).items():
        aliases[alias] = (target, "latest")
    hf: dict[str, set[str]] = {}
    for e in entries:
        if e.get("hugging_face_id") and _base(e["id"]) in rows:
            hf.setdefault(e["hugging_face_id"].lower(), set()).add(_base(e["id"]))
    for hf_id, targets in sorted(hf.items()):
        # A Hugging Face id two OpenRouter models share (e.g. a -fast sibling) names neither.
        if hf_id not in rows and hf_id not in aliases and len(targets) == 1:
            aliases[hf_id] = (targets.pop(), "hugging_face")
    return aliases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sources",
        type=Path,
        default=REPO / "data" / "upstream",
        help="folder holding model_catalog/ and pricing/",
    )
    parser.add_argument("--out", type=Path, default=DATA, help="where to write the CSVs")
    args = parser.parse_args(argv)
    build(args.sources, args.out)


if __name__ == "__main__":
    main()
