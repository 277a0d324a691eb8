"""OpenAI Responses API reader: golden mapping, status rules, batch bodies, quarantine, fuzz."""

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

from tokencensus.ingest.openai_chat import OpenAIBatchReader
from tokencensus.ingest.openai_responses import OpenAIResponsesReader

LINES = golden_lines("openai_responses")
TEXT, FUNCS, REASONING = LINES


def test_golden_records_map_exactly() -> None:
    rows, rejects, texts = read_rows(OpenAIResponsesReader(),
                                     DATA / "openai_responses" / "responses.jsonl", True)
    assert rejects == []
    text, funcs, reasoning = rows
    assert text["request_id"] == "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b"
    assert text["ts"] == dt.datetime.fromtimestamp(1741476542, dt.UTC)
    assert (text["input_tokens"], text["cached_tokens"], text["cache_write_tokens"]) == (36, 0, 0)
    assert text["output_tokens"] == 87 and text["finish_reason"] == "stop"
    assert text["tools_declared"] is False and text["tool_calls"] == 0
    assert (funcs["input_tokens"], funcs["output_tokens"]) == (291, 23)
    assert funcs["tools_declared"] is True and funcs["tool_calls"] == 1
    assert funcs["finish_reason"] == "tool_calls"
    # Reasoning tokens are inside output_tokens, as the canonical schema wants.
    assert (reasoning["output_tokens"], reasoning["reasoning_tokens"]) == (1035, 832)
    assert (reasoning["model_raw"], reasoning["model"]) == ("o1-2024-12-17", "openai/o1")
    assert reasoning["tools_declared"] is None  # bare response: request not logged
    assert texts == {
        text["request_id"]: "Tell me a three sentence bedtime story about a unicorn.",
        funcs["request_id"]: "What is the weather like in Boston today?",
    }


@pytest.mark.parametrize(("status", "details", "canonical"), [
    ("incomplete", {"reason": "max_output_tokens"}, "length"),
    ("incomplete", {"reason": "content_filter"}, "content_filter"),
    ("incomplete", None, "other"),
    ("failed", None, "error"),
    ("cancelled", None, "cancelled"),
])
def test_status_maps_to_finish_reason(
    tmp_path: Path, status: str, details: dict | None, canonical: str
) -> None:
    response = mutate(mutate(REASONING, ("status",), status), ("incomplete_details",), details)
    row, reason = map_one(OpenAIResponsesReader(), tmp_path, response)
    assert reason is None and row is not None and row["finish_reason"] == canonical
    assert row["status"] == ("error" if canonical == "error" else "ok")


def test_hosted_tool_calls_count_but_do_not_end_the_turn(tmp_path: Path) -> None:
    output = [{"type": "web_search_call", "id": "ws_1", "status": "completed"},
              *REASONING["output"]]
    row, _ = map_one(OpenAIResponsesReader(), tmp_path, mutate(REASONING, ("output",), output))
    assert row is not None and row["tool_calls"] == 1 and row["finish_reason"] == "stop"


def test_instructions_and_input_items_make_the_prompt_text(tmp_path: Path) -> None:
    request = {"model": "gpt-5.4", "instructions": "Talk like a pirate.",
               "input": [{"role": "user", "content": [{"type": "input_text", "text": "Hi"}]},
                         {"type": "function_call_output", "call_id": "c", "output": "42"}]}
    path = tmp_path / "pair.jsonl"
    path.write_bytes(orjson.dumps({"request": request, "response": REASONING}) + b"\n")
    _, _, texts = read_rows(OpenAIResponsesReader(), path, want_all_text=True)
    assert list(texts.values()) == ["Talk like a pirate.\n\nHi"]


def test_batch_lines_of_the_responses_endpoint(tmp_path: Path) -> None:
    line = {"id": "batch_req_1", "custom_id": "r-1", "error": None,
            "response": {"status_code": 200, "request_id": "req_1", "body": REASONING}}
    row, reason = map_one(OpenAIBatchReader(), tmp_path, line)
    assert reason is None and row is not None
    assert row["request_id"] == REASONING["id"] and row["reasoning_tokens"] == 832


def test_bad_lines_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    check_quarantine(tmp_path, "openai_responses", LINES, [
        (orjson.dumps(mutate(REASONING, ("status",), "in_progress")), "not finished"),
        (orjson.dumps(mutate(REASONING, ("created_at",), None)), "no time"),
        (orjson.dumps(mutate(REASONING, ("output",), "text")), "output: expected a list"),
        (orjson.dumps(mutate(REASONING, ("usage", "output_tokens_details", "reasoning_tokens"),
                             5000)), "reasoning tokens (5000) exceed output tokens (1035)"),
        (orjson.dumps(mutate(REASONING, ("usage", "input_tokens"), -1)),
         "usage.input_tokens: expected a non-negative integer"),
    ])


def test_duplicates_and_reingest_change_nothing(tmp_path: Path) -> None:
    check_duplicates_and_reingest(tmp_path, "openai_responses")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), garbage=st.binary(max_size=40))
def test_mutated_records_never_crash(tmp_path: Path, data: st.DataObject, garbage: bytes) -> None:
    check_fuzzed_lines(OpenAIResponsesReader(), tmp_path, [draw_mutated(data, LINES), garbage])
