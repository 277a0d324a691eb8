"""OpenAI Chat Completions and Batch output readers: golden mapping, rules, quarantine, fuzz."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

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

from tokencensus.ingest.openai_chat import OpenAIBatchReader, OpenAIChatReader

CHAT = golden_lines("openai_chat")
BATCH = golden_lines("openai_batch")
UTC = dt.UTC


def test_chat_golden_records_map_exactly() -> None:
    rows, rejects, texts = read_rows(
        OpenAIChatReader(), DATA / "openai_chat" / "chat_completions.jsonl", want_all_text=True)
    assert rejects == []
    bare, pair = rows
    assert bare["request_id"] == "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT"
    assert bare["ts"] == dt.datetime(2025, 3, 10, 1, 25, 52, tzinfo=UTC)  # created 1741569952
    assert (bare["model_raw"], bare["model"]) == ("gpt-5.4", "openai/gpt-5.4")
    assert (bare["input_tokens"], bare["cached_tokens"]) == (19, 0)
    assert (bare["output_tokens"], bare["reasoning_tokens"]) == (10, 0)
    assert bare["finish_reason"] == "stop" and bare["status"] == "ok"
    # No request logged: tools and streaming are unknown, not False.
    assert bare["tools_declared"] is None and bare["streamed"] is None
    assert bare["tool_calls"] == 0 and bare["source"] == "openai_chat"
    assert pair["request_id"] == "chatcmpl-abc123"
    assert (pair["input_tokens"], pair["output_tokens"]) == (82, 17)
    assert pair["cached_tokens"] is None  # the example reports no prompt_tokens_details
    assert pair["tools_declared"] is True and pair["tool_calls"] == 1
    assert pair["finish_reason"] == "tool_calls" and pair["streamed"] is False
    assert texts == {"chatcmpl-abc123": "What is the weather like in Boston today?"}


def test_batch_golden_lines_map_exactly() -> None:
    rows, rejects, _ = read_rows(OpenAIBatchReader(), DATA / "openai_batch" / "batch_output.jsonl")
    assert rejects == []
    assert [r["request_id"] for r in rows] == ["chatcmpl-123", "chatcmpl-abc"]
    assert rows[0]["ts"] == dt.datetime.fromtimestamp(1711652795, UTC)
    assert [(r["input_tokens"], r["output_tokens"]) for r in rows] == [(22, 2), (20, 9)]
    assert {r["source"] for r in rows} == {"openai_batch"}
    assert all(r["model_raw"] == "gpt-3.5-turbo-0125" for r in rows)


@pytest.mark.parametrize(("raw", "canonical"), [
    ("stop", "stop"), ("length", "length"), ("tool_calls", "tool_calls"),
    ("function_call", "tool_calls"), ("content_filter", "content_filter"), ("weird", "other"),
])
def test_finish_reasons_map_to_the_canonical_vocabulary(
    tmp_path: Path, raw: str, canonical: str
) -> None:
    row, reason = map_one(OpenAIChatReader(), tmp_path,
                          mutate(CHAT[0], ("choices", 0, "finish_reason"), raw))
    assert reason is None and row is not None and row["finish_reason"] == canonical


def test_cached_and_reasoning_details_are_subsets(tmp_path: Path) -> None:
    response = mutate(CHAT[0], ("usage",), {
        "prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 2306,
        "prompt_tokens_details": {"cached_tokens": 1920, "cache_write_tokens": 64},
        "completion_tokens_details": {"reasoning_tokens": 128}})
    row, _ = map_one(OpenAIChatReader(), tmp_path, response)
    assert row is not None
    assert (row["input_tokens"], row["cached_tokens"], row["cache_write_tokens"]) == (2006, 1920,
                                                                                      64)
    assert (row["output_tokens"], row["reasoning_tokens"]) == (300, 128)


def test_request_fields_user_stream_and_legacy_functions(tmp_path: Path) -> None:
    request = {"model": "gpt-4o", "user": "user-42", "stream": True,
               "functions": [{"name": "f", "parameters": {}}],
               "messages": [{"role": "system", "content": "Be brief."},
                            {"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}
    row, _ = map_one(OpenAIChatReader(), tmp_path, {"request": request, "response": CHAT[0]})
    assert row is not None
    assert row["user_id"] == "user-42" and row["streamed"] is True
    assert row["tools_declared"] is True


def test_envelope_time_is_used_only_when_the_response_has_none(tmp_path: Path) -> None:
    no_created = {k: v for k, v in CHAT[0].items() if k != "created"}
    row, _ = map_one(OpenAIChatReader(), tmp_path,
                     {"timestamp": "2025-05-01T12:00:00Z", "response": no_created})
    assert row is not None and row["ts"] == dt.datetime(2025, 5, 1, 12, tzinfo=UTC)
    _, reason = map_one(OpenAIChatReader(), tmp_path, no_created)
    assert reason is not None and "no time" in reason and '"timestamp"' in reason


def _line(obj: Any) -> bytes:
    return orjson.dumps(obj)


def test_bad_chat_lines_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    bad = [
        (b"{not json", "invalid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (_line(mutate(CHAT[0], ("usage", "prompt_tokens"), "19")),
         "usage.prompt_tokens: expected a non-negative integer"),
        (_line(mutate(CHAT[0], ("created",), "yesterday")), "created: expected an ISO 8601"),
        (_line(mutate(CHAT[0], ("model",), None)), "model: missing"),
        (_line(mutate(CHAT[0], ("choices",), None)), "choices: expected a list"),
        (_line({"response": {"error": {"message": "Rate limit", "type": "requests"}}}),
         "the call failed"),
        (_line({"request": {}, "response": None}), "response: missing"),
        (_line(mutate(CHAT[0], ("usage", "prompt_tokens_details", "cached_tokens"), 99)),
         "cached tokens (99) exceed input tokens (19)"),
    ]
    check_quarantine(tmp_path, "openai_chat", CHAT, bad)


def test_failed_batch_lines_are_quarantined_with_the_error(tmp_path: Path) -> None:
    expired = {"id": "batch_req_x", "custom_id": "request-3", "response": None,
               "error": {"code": "batch_expired", "message": "This request could not be "
                         "executed before the completion window expired."}}
    failed = mutate(BATCH[0], ("response", "status_code"), 500)
    no_body = mutate(BATCH[0], ("response", "body"), None)
    check_quarantine(tmp_path, "openai_batch", BATCH, [
        (_line(expired), "batch request failed (batch_expired)"),
        (_line(failed), "HTTP 500"),
        (_line(no_body), "response.body: missing"),
        (_line(mutate(BATCH[0], ("response", "body", "object"), "list")),
         "response.body.object: expected 'chat.completion'"),
    ])


@pytest.mark.parametrize("folder", ["openai_chat", "openai_batch"])
def test_duplicates_and_reingest_change_nothing(tmp_path: Path, folder: str) -> None:
    check_duplicates_and_reingest(tmp_path, folder)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), garbage=st.binary(max_size=40))
def test_mutated_chat_and_batch_records_never_crash(
    tmp_path: Path, data: st.DataObject, garbage: bytes
) -> None:
    for reader, base in ((OpenAIChatReader(), CHAT), (OpenAIBatchReader(), BATCH)):
        check_fuzzed_lines(reader, tmp_path, [draw_mutated(data, base), garbage])
