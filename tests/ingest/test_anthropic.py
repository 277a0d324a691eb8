"""Anthropic Messages reader: cache arithmetic, stop reasons, time from the envelope, fuzz."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_support import (
    DATA,
    check_duplicates_and_reingest,
    check_fuzzed_lines,
    check_quarantine,
    draw_mutated,
    golden_lines,
    map_one,
    mutate,
    read_rows,
)

from tokencensus.ingest.anthropic import AnthropicMessagesReader

LINES = golden_lines("anthropic")
EXCHANGE, CACHED = LINES
MESSAGE = CACHED["response"]


def test_golden_records_map_exactly() -> None:
    rows, rejects, texts = read_rows(AnthropicMessagesReader(),
                                     DATA / "anthropic" / "messages.jsonl", True)
    assert rejects == []
    tool, cached = rows
    assert tool["request_id"] == "msg_01RMQBcKf2dxTq6qfi31BBTz"
    assert tool["ts"] == dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC)
    assert tool["model_raw"] == "claude-haiku-4-5-20251001"
    assert (tool["input_tokens"], tool["output_tokens"]) == (656, 74)
    assert tool["tools_declared"] is True and tool["tool_calls"] == 1
    assert tool["finish_reason"] == "tool_calls" and tool["streamed"] is False
    # input_tokens excludes cache reads and writes: canonical input adds them back.
    assert cached["input_tokens"] == 2095 + 2051 + 2051
    assert (cached["cached_tokens"], cached["cache_write_tokens"]) == (2051, 2051)
    assert (cached["output_tokens"], cached["reasoning_tokens"]) == (503, 0)
    assert cached["finish_reason"] == "stop" and cached["tools_declared"] is None
    assert texts == {"msg_01RMQBcKf2dxTq6qfi31BBTz": "What is the weather in SF?"}


@pytest.mark.parametrize(("raw", "canonical"), [
    ("end_turn", "stop"), ("stop_sequence", "stop"), ("max_tokens", "length"),
    ("tool_use", "tool_calls"), ("refusal", "content_filter"), ("pause_turn", "other"),
])
def test_stop_reasons_map_to_the_canonical_vocabulary(
    tmp_path: Path, raw: str, canonical: str
) -> None:
    row, reason = map_one(AnthropicMessagesReader(), tmp_path,
                          mutate(CACHED, ("response", "stop_reason"), raw))
    assert reason is None and row is not None and row["finish_reason"] == canonical


def test_missing_cache_fields_leave_cached_unknown(tmp_path: Path) -> None:
    line = mutate(CACHED, ("response", "usage"), {"input_tokens": 10, "output_tokens": 25})
    row, _ = map_one(AnthropicMessagesReader(), tmp_path, line)
    assert row is not None and row["input_tokens"] == 10
    assert row["cached_tokens"] is None and row["cache_write_tokens"] is None


def test_time_comes_from_the_recorded_date_header(tmp_path: Path) -> None:
    line = {k: v for k, v in EXCHANGE.items() if k != "timestamp"}
    line = mutate(line, ("response", "headers", "date"), "Thu, 15 Jan 2026 09:30:00 GMT")
    row, _ = map_one(AnthropicMessagesReader(), tmp_path, line)
    assert row is not None and row["ts"] == dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)


def test_system_and_user_turns_make_the_text_and_metadata_the_user(tmp_path: Path) -> None:
    request = {"model": "claude-opus-4-6", "max_tokens": 1024, "metadata": {"user_id": "u-7"},
               "system": [{"type": "text", "text": "Today's date is 2024-06-01."}],
               "messages": [{"role": "user", "content": "Hello, world"},
                            {"role": "assistant", "content": "Hi!"}]}
    path = tmp_path / "pair.jsonl"
    path.write_bytes(orjson.dumps({**CACHED, "request": request}) + b"\n")
    rows, _, texts = read_rows(AnthropicMessagesReader(), path, want_all_text=True)
    assert rows[0]["user_id"] == "u-7"
    assert list(texts.values()) == ["Today's date is 2024-06-01.\n\nHello, world"]


def test_bad_lines_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    check_quarantine(tmp_path, "anthropic", LINES, [
        (orjson.dumps(MESSAGE), 'no time: an Anthropic Message carries none; log the call as '
                                '{"timestamp"'),
        (orjson.dumps({**CACHED, "timestamp": "soon"}), "timestamp: expected an ISO 8601"),
        (orjson.dumps(mutate(CACHED, ("response", "usage", "cache_read_input_tokens"), True)),
         "response.usage.cache_read_input_tokens: expected a non-negative integer"),
        (orjson.dumps(mutate(CACHED, ("response", "content"), "Hi")),
         "response.content: expected a list"),
        (orjson.dumps({"timestamp": "2026-01-15T10:00:00Z", "response": {
            "type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}}),
         "the call failed"),
        (orjson.dumps(mutate(EXCHANGE, ("response", "status_code"), 529)), "HTTP 529"),
    ])


def test_duplicates_and_reingest_change_nothing(tmp_path: Path) -> None:
    check_duplicates_and_reingest(tmp_path, "anthropic")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), garbage=st.binary(max_size=40))
def test_mutated_records_never_crash(tmp_path: Path, data: st.DataObject, garbage: bytes) -> None:
    check_fuzzed_lines(AnthropicMessagesReader(), tmp_path, [draw_mutated(data, LINES), garbage])
