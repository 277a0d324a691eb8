"""OpenInference reader: Phoenix span JSONL and OTLP/JSON, golden spans from the spec."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from span_support import (
    DATA,
    assert_idempotent,
    check_never_crashes,
    ingest_counts,
    json_values,
    read_all,
)

from tokencensus.ingest.openinference import OpenInferenceReader
from tokencensus.store import Store

DIR = DATA / "openinference"
PHOENIX = DIR / "phoenix_spans.jsonl"
OTLP = DIR / "otlp_spans.json"
READER = OpenInferenceReader()
LLM_ID = "ed7b336d-e71a-46f0-a334-5f2e87cb6cfc:ad67332a-38bd-428e-9f62-538ba2fa90d4"


def _llm_span() -> dict:
    return json.loads(PHOENIX.read_text().splitlines()[1])


def _write(path: Path, *objs: object) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objs))
    return path


def test_phoenix_spans_map_exactly() -> None:
    rows, rejects, read, texts = read_all(READER, PHOENIX, want_text=lambda rid: True)
    assert rejects == [] and read == 1  # the CHAIN span is not a request
    (row,) = rows
    assert row["request_id"] == LLM_ID
    assert row["ts"] == dt.datetime(2023, 9, 7, 18, 54, 47, 597121, tzinfo=dt.UTC)
    assert row["latency_ms"] == 1724.69
    assert (row["input_tokens"], row["cached_tokens"]) == (10, 5)
    assert (row["output_tokens"], row["reasoning_tokens"]) == (15, 10)
    assert row["model_raw"] == "gpt-3.5-turbo" and row["model"] == "openai/gpt-3.5-turbo"
    assert row["provider"] == "openai" and row["finish_reason"] == "stop"
    assert row["cost_usd"] == 0.0066 and row["cost_source"] == "reported"
    assert row["session_id"] == "26bcd3d2-cad2-443d-a23c-625e47f3324a"
    assert row["tool_calls"] is None and row["tools_declared"] is None  # not logged
    assert texts[0][0] == LLM_ID and texts[0][1].endswith("\n\nHello?")


def test_otlp_openinference_spans_count_tool_calls() -> None:
    rows, rejects, read, _ = read_all(READER, OTLP)
    assert rejects == [] and read == 1  # the TOOL span is not a request
    (row,) = rows
    assert row["request_id"] == "5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174"
    assert row["tool_calls"] == 1 and row["tools_declared"] is True
    assert (row["input_tokens"], row["output_tokens"]) == (10, 15)
    assert row["app"] == "my.service" and row["latency_ms"] == 1000.0


def test_nested_attributes_and_rest_pages_read_the_same(tmp_path: Path) -> None:
    span = _llm_span()
    attrs = span["attributes"]
    span["attributes"] = {"llm": {"model_name": attrs["llm.model_name"], "token_count": {
        "prompt": 10, "completion": 15, "prompt_details": {"cache_read": 5}}}}
    rows, rejects, _, _ = read_all(READER, _write(tmp_path / "p.jsonl",
                                                  {"data": [span], "next_cursor": None}))
    assert rejects == []
    assert (rows[0]["input_tokens"], rows[0]["cached_tokens"], rows[0]["output_tokens"]) == (
        10, 5, 15)


def test_exclusive_cache_detail_is_added_back(tmp_path: Path) -> None:
    span = _llm_span()
    span["attributes"]["llm.token_count.prompt_details.cache_write"] = 20
    (row,), _, _, _ = read_all(READER, _write(tmp_path / "c.jsonl", span))
    assert (row["input_tokens"], row["cache_write_tokens"]) == (35, 20)


def test_bad_spans_are_quarantined_and_reingest_is_idempotent(tmp_path: Path) -> None:
    no_context = _llm_span()
    del no_context["context"]
    bad_count = _llm_span()
    bad_count["context"]["span_id"] = "other"
    bad_count["attributes"]["llm.token_count.prompt"] = "ten"
    bad_time = _llm_span()
    bad_time["context"]["span_id"] = "third"
    bad_time["start_time"] = "soon"
    path = tmp_path / "mixed.jsonl"
    path.write_text(PHOENIX.read_text() + "{oops\n" + "".join(
        json.dumps(s) + "\n" for s in (no_context, bad_count, bad_time)))
    counts = assert_idempotent([path], tmp_path / "store")
    assert counts == {"read": 5, "stored": 1, "duplicate": 0, "quarantined": 4}
    q = pq.read_table(Store.open(tmp_path / "store").data_files("quarantine")[0]).to_pylist()
    assert [r["line"] for r in q] == [3, 4, 5, 6]
    for row, expected in zip(q, ["invalid JSON", "context.trace_id/span_id: missing",
                                 "llm.token_count.prompt: expected a non-negative integer",
                                 "start_time: expected an ISO 8601"], strict=True):
        assert expected in row["reason"], row["reason"]


def test_both_shapes_in_one_store(tmp_path: Path) -> None:
    counts = ingest_counts([DIR], tmp_path / "store")
    assert counts == {"read": 2, "stored": 2, "duplicate": 0, "quarantined": 0}


KEYS = ["llm.token_count.prompt", "llm.token_count.completion", "llm.model_name",
        "llm.token_count.prompt_details.cache_read", "llm.finish_reason", "llm.cost.total",
        "session.id", "llm.input_messages", "llm.output_messages"]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(attrs=st.dictionaries(st.sampled_from(KEYS), json_values, max_size=4),
       fields=st.dictionaries(st.sampled_from(["context", "start_time", "end_time", "span_kind",
                                               "status_code", "attributes"]),
                              json_values, max_size=2),
       garbage=st.binary(max_size=40))
def test_mutated_spans_never_crash(tmp_path: Path, attrs: dict, fields: dict,
                                   garbage: bytes) -> None:
    span = _llm_span()
    span["attributes"].update(attrs)
    span.update(fields)
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(json.dumps(span).encode() + b"\n" + garbage.replace(b"\n", b" ") + b"\n")
    check_never_crashes(READER, path, lines=2)
