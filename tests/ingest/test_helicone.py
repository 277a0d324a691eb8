"""Helicone request export: JSONL / JSON / CSV and API pages, golden and fuzzed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_support import (
    DATA,
    check_duplicates_and_reingest,
    check_quarantine,
    draw_mutated,
    golden_lines,
    mutate,
)
from span_support import assert_idempotent, check_never_crashes, read_all

from tokencensus.ingest.helicone import HeliconeReader

DIR = DATA / "helicone"
READER = HeliconeReader()
ROWS = golden_lines("helicone")
OPENAI, ANTHROPIC, CACHED, VECTOR_DB = ROWS
LLM_ROWS = [OPENAI, ANTHROPIC, CACHED]


def _one(tmp_path: Path, row: dict) -> dict:
    path = tmp_path / "one.jsonl"
    path.write_bytes(orjson.dumps(row) + b"\n")
    (out,), rejects, _, _ = read_all(READER, path)
    assert rejects == []
    return out


def test_export_jsonl_maps_exactly() -> None:
    rows, rejects, read, _ = read_all(READER, DIR / "requests.jsonl")
    assert rejects == [] and read == 3  # the vector_db log is Helicone's event, not an LLM call
    gpt, claude, cached = rows
    assert gpt["request_id"] == "5c1a8e02-3f7d-4b9a-a6e4-0d2c7b19e834"
    assert gpt["ts"] == dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC)
    assert gpt["model_raw"] == "gpt-4o-mini" and gpt["model"] == "openai/gpt-4o-mini"
    assert gpt["provider"] == "OPENAI" and gpt["user_id"] == "user_123"
    assert (gpt["input_tokens"], gpt["cached_tokens"], gpt["output_tokens"]) == (82, 0, 17)
    assert gpt["cost_usd"] == pytest.approx(0.0000225) and gpt["cost_source"] == "reported"
    assert gpt["latency_ms"] == 812.0 and gpt["ttft_ms"] is None
    assert gpt["status"] == "ok" and gpt["cancelled"] is False and gpt["country"] == "US"
    # Bodies were not exported (Helicone's placeholder): outcome and tools unknown.
    assert gpt["finish_reason"] is None and gpt["tool_calls"] is None
    assert gpt["tools_declared"] is None and gpt["streamed"] is None
    # Anthropic: prompt_tokens excludes cache reads and writes; canonical input adds them.
    assert claude["input_tokens"] == 2095 + 2051 + 2051
    assert (claude["cached_tokens"], claude["cache_write_tokens"]) == (2051, 2051)
    assert claude["output_tokens"] == 503 and claude["reasoning_tokens"] is None
    assert claude["session_id"] == "550e8400-e29b-41d4-a716-446655440000"
    assert claude["model"] == "anthropic/claude-opus-4.6" and claude["country"] == "DE"
    assert claude["ttft_ms"] == 645.0
    # OpenAI with a cache hit: Helicone stored prompt minus cached.
    assert (cached["input_tokens"], cached["cached_tokens"]) == (17903, 17817)
    assert cached["output_tokens"] == 188


def test_export_csv_maps_what_it_carries() -> None:
    rows, rejects, read, _ = read_all(READER, DIR / "requests.csv")
    assert rejects == [] and read == 3
    gpt, claude, cached = rows
    assert gpt["request_id"] == "9d2f3b64-8a01-4f6e-b7c5-1c0e9a4d2f11"  # the response id
    assert gpt["ts"] == dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC)
    assert (gpt["model_raw"], gpt["input_tokens"], gpt["output_tokens"]) == ("gpt-4o-mini", 82, 17)
    # No cache columns: input is prompt_tokens alone and the cache counts stay unknown.
    assert (claude["input_tokens"], claude["cached_tokens"]) == (2095, None)
    assert claude["session_id"] == "550e8400-e29b-41d4-a716-446655440000"  # doubly escaped
    assert cached["input_tokens"] == 86
    for row in rows:  # the tool's latency and cost_usd cells are empty
        assert row["latency_ms"] is None and row["cost_usd"] is None and row["provider"] is None
        assert row["status"] == "ok"


def test_json_array_and_api_pages_read_the_same(tmp_path: Path) -> None:
    # The export tool's --format json writes ",\n" after every record, the last one too.
    array = tmp_path / "output.json"
    array.write_text("[\n" + "".join(json.dumps(r, indent=2) + ",\n" for r in ROWS) + "]\n")
    page = tmp_path / "page.json"
    page.write_bytes(orjson.dumps({"data": ROWS, "error": None}, option=orjson.OPT_INDENT_2))
    for path in (array, page):
        rows, rejects, read, _ = read_all(READER, path)
        assert rejects == [] and read == 3
        assert [r["input_tokens"] for r in rows] == [82, 6197, 17903]


@pytest.mark.parametrize(("code", "status", "finish", "cancelled"), [
    (-3, "ok", "cancelled", True), (429, "error", "error", False), (500, "error", "error", False),
    (0, None, None, False), (301, "ok", None, False),
])
def test_response_status_maps_to_status_and_finish(
    tmp_path: Path, code: int, status: str | None, finish: str | None, cancelled: bool
) -> None:
    row = _one(tmp_path, {**OPENAI, "response_status": code})
    assert (row["status"], row["finish_reason"], row["cancelled"]) == (status, finish, cancelled)


def test_exported_bodies_give_outcome_tools_stream_and_text(tmp_path: Path) -> None:
    request = {"model": "gpt-4o-mini", "stream": True, "tools": [{"type": "function"}],
               "messages": [{"role": "system", "content": "Be brief."},
                            {"role": "user", "content": "Weather in Boston?"}]}
    response = {"choices": [{"finish_reason": "tool_calls", "message": {
        "role": "assistant", "tool_calls": [{"id": "call_a"}, {"id": "call_b"}]}}]}
    path = tmp_path / "bodies.jsonl"
    path.write_bytes(orjson.dumps({**OPENAI, "request_body": request, "response_body": response})
                     + b"\n")
    (row,), _, _, texts = read_all(READER, path, want_text=lambda _: True)
    assert row["finish_reason"] == "tool_calls" and row["tool_calls"] == 2
    assert row["tools_declared"] is True and row["streamed"] is True
    assert texts == [(row["request_id"], "Be brief.\n\nWeather in Boston?")]
    anthropic = _one(tmp_path, {
        **ANTHROPIC, "request_body": {"system": "Be brief.", "messages": []},
        "response_body": {"stop_reason": "end_turn", "content": []}})
    assert anthropic["finish_reason"] == "stop" and anthropic["tool_calls"] == 0
    assert anthropic["tools_declared"] is False and anthropic["streamed"] is False


def test_audio_tokens_count_and_unknown_model_is_null(tmp_path: Path) -> None:
    row = _one(tmp_path, {**OPENAI, "prompt_audio_tokens": 10, "completion_audio_tokens": 5,
                          "model": "unknown", "request_model": None})
    assert (row["input_tokens"], row["output_tokens"]) == (92, 22)
    assert row["model_raw"] is None and row["model"] is None
    override = _one(tmp_path, {**OPENAI, "model": None, "model_override": "gpt-4o"})
    assert override["model_raw"] == "gpt-4o"


def test_events_are_skipped_not_read(tmp_path: Path) -> None:
    events = [mutate(VECTOR_DB, ("model",), m) for m in ("tool:get_weather", "assistant-polling")]
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in [VECTOR_DB, *events, OPENAI]))
    rows, rejects, read, _ = read_all(READER, path)
    assert (len(rows), rejects, read) == (1, [], 1)


BAD = [
    (b"{oops", "invalid JSON"),
    (orjson.dumps({k: v for k, v in OPENAI.items() if k != "request_created_at"}),
     "request_created_at: missing"),
    (orjson.dumps({**OPENAI, "request_id": None, "response_id": None}), "request_id: missing"),
    (orjson.dumps({**OPENAI, "prompt_tokens": "82"}),
     "prompt_tokens: expected a non-negative integer"),
    (orjson.dumps({**OPENAI, "response_status": "ok"}), "response_status: expected a non-negative"),
    (orjson.dumps({**OPENAI, "country_code": "USA"}), "expected an ISO 3166-1 alpha-2 code"),
    (orjson.dumps({**OPENAI, "cost": "cheap"}), "cost: expected a number"),
    (orjson.dumps({**ANTHROPIC, "properties": ["Helicone-Session-Id"]}),
     "properties: expected an object"),
]


def test_bad_rows_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    check_quarantine(tmp_path, "helicone", LLM_ROWS, BAD)


def test_duplicates_and_reingest_change_nothing(tmp_path: Path) -> None:
    check_duplicates_and_reingest(tmp_path, "helicone", records=len(LLM_ROWS))


def test_both_exports_in_one_store_are_idempotent(tmp_path: Path) -> None:
    counts = assert_idempotent([DIR], tmp_path / "store")
    # The CSV names requests by response id: the same requests are stored again.
    assert counts == {"read": 6, "stored": 6, "duplicate": 0, "quarantined": 0}


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), garbage=st.binary(max_size=40))
def test_mutated_rows_never_crash(tmp_path: Path, data: st.DataObject, garbage: bytes) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(draw_mutated(data, ROWS) + b"\n" + garbage.replace(b"\n", b" ") + b"\n")
    check_never_crashes(READER, path, lines=2)


with (DIR / "requests.csv").open(newline="") as _f:
    CSV_HEADER, *CSV_ROWS = list(csv.reader(_f))
cell = st.none() | st.text(max_size=30) | st.integers(-5, 10**12).map(str) | st.sampled_from(
    ["{}", "[]", "null", "-3", "2026-01-15 10:00:00.000", '{""Helicone-Session-Id"":""s""}',
     '{""Helicone-Session-Id"":5}', "vector_db", "unknown", "1e400", "NaN"])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from(CSV_ROWS),
       mutations=st.dictionaries(st.sampled_from(CSV_HEADER), cell, max_size=5))
def test_mutated_csv_rows_never_crash(tmp_path: Path, base: list, mutations: dict) -> None:
    row = dict(zip(CSV_HEADER, base, strict=True))
    row.update({k: "" if v is None else v for k, v in mutations.items()})
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
        [CSV_HEADER, list(row.values())])
    path = tmp_path / "fuzz.csv"
    path.write_text(buf.getvalue())
    check_never_crashes(READER, path, lines=2)
