"""Price history (prices.csv), price_on, and compute_costs on canonical request tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from tokencensus import catalog, schema
from tokencensus.catalog import Price, PriceBook
from tokencensus.catalog.costs import compute_costs

UTC = dt.UTC


def test_price_history_segments_are_ordered_and_cover_their_model() -> None:
    segments = catalog.bundled_prices()
    assert len(segments) >= 300
    models = set(catalog.models_table()["model"].to_pylist())
    by_model: dict[str, list[dict[str, Any]]] = {}
    for s in segments:
        assert s["model"] in models
        assert s["source"].startswith("litellm:")
        assert s["valid_to"] is None or s["valid_to"] > s["valid_from"]
        by_model.setdefault(s["model"], []).append(s)
    for rows in by_model.values():
        for a, b in zip(rows, rows[1:], strict=False):
            assert a["valid_to"] is not None and a["valid_to"] <= b["valid_from"]


def test_price_on_follows_the_change_log() -> None:
    # LiteLLM's gemini/gemini-2.5-flash gained a cache price on 2025-07-15 and cut it 2025-11-08.
    model = "google/gemini-2.5-flash"
    assert catalog.price_on(model, dt.date(2025, 7, 1)).cache_read is None
    assert catalog.price_on(model, dt.date(2025, 8, 1)).cache_read == pytest.approx(7.5e-08)
    assert catalog.price_on(model, dt.date(2026, 1, 1)).cache_read == pytest.approx(3e-08)
    # Before the first event the first known price holds.
    assert catalog.price_on(model, dt.date(2025, 1, 1)).input == pytest.approx(3e-07)
    # A model without history falls back to the catalog's list price.
    assert catalog.price_on("no-such/model", dt.date(2025, 1, 1)) is None


def _requests(rows: list[dict[str, Any]]) -> pa.Table:
    base = {schema.REQUEST_ID: "r", schema.SOURCE: "test", schema.BATCH: "b",
            schema.REQUESTS_COUNT: 1, schema.TOKENS_ESTIMATED: False,
            schema.TS: dt.datetime(2025, 8, 1, 12, tzinfo=UTC)}
    return pa.Table.from_pylist([{**base, **r} for r in rows], schema=schema.REQUESTS)


def test_compute_costs_fills_only_missing_costs() -> None:
    book = PriceBook([], {"acme/m": Price(1e-6, 4e-6, 1e-7, "test")})
    tok = {schema.INPUT_TOKENS: 1000, schema.CACHED_TOKENS: 400, schema.OUTPUT_TOKENS: 100}
    table = _requests([
        {schema.MODEL: "acme/m", schema.MODEL_RAW: "acme/m", **tok},
        {schema.MODEL: "acme/m", schema.MODEL_RAW: "acme/m", **tok,
         schema.COST_USD: 0.5, schema.COST_SOURCE: "reported"},
        {schema.MODEL: "acme/m", schema.MODEL_RAW: "acme/m:free", **tok},
        {schema.MODEL: "acme/m", schema.MODEL_RAW: "acme/m", **tok, schema.IS_BYOK: True},
        {schema.MODEL: None, schema.MODEL_RAW: "mystery", **tok},
        {schema.MODEL: "acme/m", schema.MODEL_RAW: "acme/m", schema.INPUT_TOKENS: 10},
        {schema.MODEL: "acme/m", schema.MODEL_RAW: "acme/m", schema.INPUT_TOKENS: 10,
         schema.OUTPUT_TOKENS: 5},
    ])
    out = compute_costs(table, book)
    assert out.schema.equals(schema.REQUESTS)
    costs = out[schema.COST_USD].to_pylist()
    sources = out[schema.COST_SOURCE].to_pylist()
    # 600 uncached at 1e-6 + 400 cached at 1e-7 + 100 output at 4e-6
    assert costs[0] == pytest.approx(600e-6 + 400e-7 + 400e-6)
    assert (costs[1], sources[1]) == (0.5, "reported")
    assert (costs[2], sources[2]) == (0.0, "computed")  # :free is billed at zero
    assert (costs[3], sources[3]) == (None, None)  # BYOK: billed on the user's own key
    assert (costs[4], sources[4]) == (None, None)  # unresolved model
    assert (costs[5], sources[5]) == (None, None)  # output tokens unknown: never 0
    assert costs[6] == pytest.approx(10e-6 + 5 * 4e-6)  # no cached count: all uncached
    assert sources[0] == sources[6] == "computed"


def test_compute_costs_uses_the_price_of_the_request_day() -> None:
    table = _requests([
        {schema.MODEL: "google/gemini-2.5-flash", schema.MODEL_RAW: "gemini-2.5-flash",
         schema.INPUT_TOKENS: 1000, schema.CACHED_TOKENS: 1000, schema.OUTPUT_TOKENS: 0,
         schema.TS: ts}
        for ts in (dt.datetime(2025, 8, 1, tzinfo=UTC), dt.datetime(2026, 1, 1, tzinfo=UTC))
    ])
    costs = catalog.compute_costs(table)[schema.COST_USD].to_pylist()
    assert costs == pytest.approx([1000 * 7.5e-08, 1000 * 3e-08])


def test_compute_costs_on_an_empty_table() -> None:
    empty = schema.REQUESTS.empty_table()
    assert catalog.compute_costs(empty) is empty
