"""Prices with validity dates, and the effective cost of requests whose log has none.

``prices.csv`` (built by ``scripts/build_catalog.py`` from LiteLLM's price
change log) holds, per model, segments ``[valid_from, valid_to)`` of USD per
token for input, output and cache reads. :meth:`PriceBook.price_on` returns the
segment valid on a day; before a model's first segment the first one is used
(the log starts 2025-02-06 and a price rarely changes without an event), and a
model without history falls back to the catalog's current list price.

:func:`compute_costs` fills ``cost_usd`` only where the log has none:

* ``input_tokens`` includes cache reads, so a request costs
  ``(input - cached) * input + cached * cache_read + output * output``; cache
  reads fall back to the input price when no cache price is known and cache
  writes are charged at the input price (LiteLLM's history has no write price);
* OpenRouter ``:free`` variants cost 0 (they are billed at zero);
* BYOK requests are left null: the provider billed the user's own key and the
  log cannot say at what price;
* rows whose model is unresolved, whose model has no price, or whose token
  counts are unknown stay null (never 0).

``cost_source`` is ``computed`` on every row filled here.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from tokencensus import schema
from tokencensus.catalog.resolve import is_free_variant


@dataclass(frozen=True)
class Price:
    """USD per token; ``cache_read`` is None when no cache price is known."""

    input: float
    output: float
    cache_read: float | None
    source: str


class PriceBook:
    """Price segments per model plus current list prices as the fallback."""

    def __init__(self, segments: Iterable[Mapping[str, object]], current: Mapping[str, Price]):
        by_model: dict[str, list[tuple[dt.date, Price]]] = {}
        for s in segments:
            if s["price_input"] is None or s["price_output"] is None:
                continue
            price = Price(float(s["price_input"]), float(s["price_output"]),  # type: ignore[arg-type]
                          None if s["price_cache_read"] is None
                          else float(s["price_cache_read"]), str(s["source"]))  # type: ignore[arg-type]
            by_model.setdefault(str(s["model"]), []).append((s["valid_from"], price))  # type: ignore[arg-type]
        ordered = {m: sorted(v, key=lambda x: x[0]) for m, v in by_model.items()}
        self._starts = {m: [d for d, _ in v] for m, v in ordered.items()}
        self._prices = {m: [p for _, p in v] for m, v in ordered.items()}
        self._current = dict(current)

    def price_on(self, model: str, day: dt.date) -> Price | None:
        """The price of ``model`` valid on ``day`` (UTC), or None when none is known."""
        starts = self._starts.get(model)
        if starts:
            i = max(bisect.bisect_right(starts, day) - 1, 0)
            return self._prices[model][i]
        return self._current.get(model)


def current_prices(models: pa.Table) -> dict[str, Price]:
    """Current list prices from a models table (rows with input and output prices)."""
    out: dict[str, Price] = {}
    for r in models.select(["model", schema.PRICE_INPUT, schema.PRICE_OUTPUT,
                            schema.PRICE_CACHE_READ]).to_pylist():
        if r[schema.PRICE_INPUT] is not None and r[schema.PRICE_OUTPUT] is not None:
            out[r["model"]] = Price(r[schema.PRICE_INPUT], r[schema.PRICE_OUTPUT],
                                    r[schema.PRICE_CACHE_READ], "catalog")
    return out


def compute_costs(table: pa.Table, book: PriceBook) -> pa.Table:
    """``table`` (schema.REQUESTS columns) with missing costs computed; see the module doc."""
    n = table.num_rows
    if n == 0:
        return table
    cost = table[schema.COST_USD]
    missing = pc.is_null(cost)
    if not pc.any(missing).as_py():
        return table
    day = pc.cast(table[schema.TS], pa.date32())
    model = table[schema.MODEL]
    # One price lookup per distinct (model, day), not per row.
    keys = pc.binary_join_element_wise(
        pc.fill_null(model, ""), pc.cast(day, pa.string()), "|"
    )
    uniq = pc.unique(keys)
    prices = []
    for key in uniq.to_pylist():
        slug, _, d = key.partition("|")
        prices.append(book.price_on(slug, dt.date.fromisoformat(d)) if slug else None)
    idx = pc.index_in(keys, value_set=uniq)

    def column(attr: str) -> pa.ChunkedArray:
        vals = pa.array([getattr(p, attr) if p else None for p in prices], pa.float64())
        return pc.take(vals, idx)

    p_in, p_out, p_cache = column("input"), column("output"), column("cache_read")
    p_cache = pc.coalesce(p_cache, p_in)
    inp = pc.cast(table[schema.INPUT_TOKENS], pa.float64())
    out = pc.cast(table[schema.OUTPUT_TOKENS], pa.float64())
    cached = pc.cast(pc.fill_null(table[schema.CACHED_TOKENS], 0), pa.float64())
    computed = pc.add(
        pc.add(pc.multiply(pc.subtract(inp, cached), p_in), pc.multiply(cached, p_cache)),
        pc.multiply(out, p_out),
    )
    raw = table[schema.MODEL_RAW]
    names = pc.unique(raw).drop_null()
    free_names = pa.array([r for r in names.to_pylist() if is_free_variant(r)], pa.string())
    free = pc.fill_null(pc.is_in(raw, value_set=free_names), False)
    computed = pc.if_else(free, pa.scalar(0.0), computed)
    byok = pc.fill_null(table[schema.IS_BYOK], False)
    computed = pc.if_else(byok, pa.scalar(None, pa.float64()), computed)
    fill = pc.and_(missing, pc.is_valid(computed))
    new_cost = pc.if_else(fill, computed, cost)
    new_source = pc.if_else(fill, pa.scalar("computed"), table[schema.COST_SOURCE])
    table = table.set_column(table.schema.get_field_index(schema.COST_USD),
                             table.schema.field(schema.COST_USD), new_cost)
    return table.set_column(table.schema.get_field_index(schema.COST_SOURCE),
                            table.schema.field(schema.COST_SOURCE), new_source)
