"""Gemini generateContent reader: thoughts outside candidates, tool-use prompts, time, fuzz."""

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

from tokencensus.ingest.gemini import GeminiGenerateContentReader

LINES = golden_lines("gemini")
(LOGGED,) = LINES
RESPONSE = LOGGED["response"]


def test_golden_record_maps_exactly() -> None:
    (row,), rejects, _ = read_rows(GeminiGenerateContentReader(),
                                   DATA / "gemini" / "generate_content.jsonl")
    assert rejects == []
    assert row["request_id"] == "3w4Vad6yF-y1vdIP_q_zgAw"
    assert row["ts"] == dt.datetime(2026, 1, 15, 10, 10, tzinfo=dt.UTC)
    assert (row["model_raw"], row["model"]) == ("gemini-3-flash-preview",
                                                "google/gemini-3-flash-preview")
    # Thoughts are outside candidatesTokenCount: output = 418 + 438, which matches the total.
    assert (row["input_tokens"], row["output_tokens"], row["reasoning_tokens"]) == (34, 856, 438)
    assert row["input_tokens"] + row["output_tokens"] == RESPONSE["usageMetadata"][
        "totalTokenCount"]
    assert row["cached_tokens"] == 0  # proto3 JSON omits zero counts
    assert row["finish_reason"] == "stop" and row["tool_calls"] == 0


def test_tool_use_prompt_and_cached_counts(tmp_path: Path) -> None:
    usage = {"promptTokenCount": 120, "candidatesTokenCount": 14, "cachedContentTokenCount": 90,
             "thoughtsTokenCount": 7, "toolUsePromptTokenCount": 3, "totalTokenCount": 144}
    row, _ = map_one(GeminiGenerateContentReader(), tmp_path,
                     mutate(LOGGED, ("response", "usageMetadata"), usage))
    assert row is not None
    assert (row["input_tokens"], row["cached_tokens"]) == (123, 90)
    assert (row["output_tokens"], row["reasoning_tokens"]) == (21, 7)


def test_function_calls_end_the_turn_as_tool_calls(tmp_path: Path) -> None:
    parts = [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}},
             {"functionCall": {"name": "get_time", "args": {}}}]
    request = {"contents": [{"role": "user", "parts": [{"text": "Weather and time in Paris?"}]}],
               "tools": [{"functionDeclarations": [{"name": "get_weather"}, {"name": "get_time"}]}]}
    line = mutate({**LOGGED, "request": request},
                  ("response", "candidates", 0, "content", "parts"), parts)
    path = tmp_path / "call.jsonl"
    path.write_bytes(orjson.dumps(line) + b"\n")
    (row,), _, texts = read_rows(GeminiGenerateContentReader(), path, want_all_text=True)
    assert row["tool_calls"] == 2 and row["finish_reason"] == "tool_calls"
    assert row["tools_declared"] is True
    assert list(texts.values()) == ["Weather and time in Paris?"]


@pytest.mark.parametrize(("raw", "canonical"), [
    ("MAX_TOKENS", "length"), ("SAFETY", "content_filter"), ("RECITATION", "content_filter"),
    ("PROHIBITED_CONTENT", "content_filter"), ("MALFORMED_FUNCTION_CALL", "other"),
    ("OTHER", "other"),
])
def test_finish_reasons_map_to_the_canonical_vocabulary(
    tmp_path: Path, raw: str, canonical: str
) -> None:
    row, reason = map_one(GeminiGenerateContentReader(), tmp_path,
                          mutate(LOGGED, ("response", "candidates", 0, "finishReason"), raw))
    assert reason is None and row is not None and row["finish_reason"] == canonical


def test_vertex_create_time_and_blocked_prompts(tmp_path: Path) -> None:
    blocked = {"promptFeedback": {"blockReason": "SAFETY"}, "responseId": "r-blocked",
               "usageMetadata": {"promptTokenCount": 8, "totalTokenCount": 8},
               "modelVersion": "gemini-2.0-flash-001", "createTime": "2025-04-29T14:32:55.843480Z"}
    row, reason = map_one(GeminiGenerateContentReader(), tmp_path, blocked)
    assert reason is None and row is not None
    assert row["ts"] == dt.datetime(2025, 4, 29, 14, 32, 55, 843480, tzinfo=dt.UTC)
    assert row["finish_reason"] == "content_filter"
    assert (row["input_tokens"], row["output_tokens"]) == (8, 0)


def test_bad_lines_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    check_quarantine(tmp_path, "gemini", LINES, [
        (orjson.dumps(RESPONSE), "no time: a Gemini API response"),
        (orjson.dumps(mutate(LOGGED, ("response", "usageMetadata", "thoughtsTokenCount"), "x")),
         "response.usageMetadata.thoughtsTokenCount: expected a non-negative integer"),
        (orjson.dumps(mutate(LOGGED, ("response", "modelVersion"), None)), "model: missing"),
        (orjson.dumps(mutate(LOGGED, ("response", "candidates"), {"a": 1})),
         "candidates: expected a list"),
    ])


def test_duplicates_and_reingest_change_nothing(tmp_path: Path) -> None:
    check_duplicates_and_reingest(tmp_path, "gemini")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), garbage=st.binary(max_size=40))
def test_mutated_records_never_crash(tmp_path: Path, data: st.DataObject, garbage: bytes) -> None:
    check_fuzzed_lines(GeminiGenerateContentReader(), tmp_path,
                       [draw_mutated(data, [LOGGED]), garbage])
