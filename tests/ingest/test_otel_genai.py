"""OpenTelemetry GenAI reader: golden spans from the semconv examples, OTLP shapes, bad input."""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import zstandard
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

from tokencensus.ingest import plan, spans
from tokencensus.ingest.otel_genai import OtelGenAIReader
from tokencensus.store import Store

DIR = DATA / "otel_genai"
DOC = DIR / "semconv_examples.json"
JSONL = DIR / "file_exporter.jsonl"
READER = OtelGenAIReader()


def _simple_span() -> dict:
    return copy.deepcopy(json.loads(DOC.read_text())["resourceSpans"][0]["scopeSpans"][0]
                         ["spans"][0])


def _request(*span_list: dict) -> dict:
    return {"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "svc"}}]},
        "scopeSpans": [{"scope": {"name": "test"}, "spans": list(span_list)}]}]}


def _set(span: dict, key: str, value: dict) -> dict:
    span["attributes"] = [a for a in span["attributes"] if a["key"] != key]
    span["attributes"].append({"key": key, "value": value})
    return span


def test_semconv_examples_map_exactly() -> None:
    rows, rejects, read, _ = read_all(READER, DOC)
    assert rejects == [] and read == 3  # the execute_tool span is not a request
    simple, first, second = rows
    assert simple["request_id"] == "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7"
    assert simple["ts"] == dt.datetime(2018, 12, 13, 14, 51, tzinfo=dt.UTC)
    assert (simple["input_tokens"], simple["output_tokens"]) == (52, 47)
    assert simple["cached_tokens"] is None and simple["reasoning_tokens"] is None
    assert simple["model_raw"] == "gpt-4-0613" and simple["provider"] == "openai"
    assert simple["app"] == "my.service" and simple["latency_ms"] == 1000.0
    assert simple["finish_reason"] == "stop" and simple["status"] == "ok"
    assert simple["tools_declared"] is None  # gen_ai.tool.definitions is opt-in: unknown
    # The tool-calling span owns the execute_tool span that followed it in its trace.
    assert (first["input_tokens"], first["output_tokens"]) == (47, 17)
    assert first["finish_reason"] == "tool_calls" and first["tool_calls"] == 1
    assert first["tools_declared"] is True
    # Span 2 has no gen_ai.operation.name in the example, but its usage makes it a request.
    assert (second["input_tokens"], second["output_tokens"], second["tool_calls"]) == (97, 52, 0)


def test_older_convention_names_and_jsonl_export_requests() -> None:
    rows, rejects, _, _ = read_all(READER, JSONL)
    assert rejects == []
    legacy, simple = rows
    assert (legacy["input_tokens"], legacy["output_tokens"]) == (100, 180)
    assert legacy["provider"] == "openai" and legacy["latency_ms"] == 2000.0
    assert simple["request_id"] == "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7"


def test_reexported_span_is_a_duplicate_and_reingest_changes_nothing(tmp_path: Path) -> None:
    counts = assert_idempotent([DOC, JSONL], tmp_path / "store")
    assert counts == {"read": 5, "stored": 4, "duplicate": 1, "quarantined": 0}


def test_exclusive_cache_counts_are_added_back(tmp_path: Path) -> None:
    span = _simple_span()
    _set(span, "gen_ai.usage.input_tokens", {"intValue": "10"})
    _set(span, "gen_ai.usage.cache_read.input_tokens", {"intValue": "50"})
    _set(span, "gen_ai.usage.cache_creation.input_tokens", {"intValue": 5})
    _set(span, "gen_ai.usage.reasoning.output_tokens", {"intValue": "7"})
    path = tmp_path / "cache.jsonl"
    path.write_text(json.dumps(_request(span)) + "\n")
    (row,), _, _, _ = read_all(READER, path)
    assert (row["input_tokens"], row["cached_tokens"], row["cache_write_tokens"]) == (65, 50, 5)
    assert row["reasoning_tokens"] == 7


def test_error_status_and_prompt_text(tmp_path: Path) -> None:
    span = _simple_span()
    span["attributes"] = [a for a in span["attributes"]
                          if a["key"] != "gen_ai.response.finish_reasons"]
    span["status"] = {"code": 2, "message": "boom"}
    messages = [{"role": "system", "parts": [{"type": "text", "content": "You are a helpful bot"}]},
                {"role": "user", "parts": [{"type": "text", "content": "Tell me a joke"}]}]
    _set(span, "gen_ai.input.messages", {"stringValue": json.dumps(messages)})
    path = tmp_path / "err.jsonl"
    path.write_text(json.dumps(_request(span)) + "\n")
    (row,), _, _, texts = read_all(READER, path, want_text=lambda rid: True)
    assert row["status"] == "error" and row["finish_reason"] == "error"
    assert texts == [(row["request_id"], "You are a helpful bot\n\nTell me a joke")]


def test_bad_records_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    bad_count = _set(_simple_span(), "gen_ai.usage.input_tokens", {"intValue": "lots"})
    no_id = _simple_span()
    del no_id["spanId"]
    bad_time = _simple_span()
    bad_time["startTimeUnixNano"] = "yesterday"
    lines = [json.dumps(_request(_simple_span())), "{not json", "[1, 2]",
             json.dumps(_request(bad_count, no_id)), json.dumps(_request(bad_time))]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    counts = ingest_counts([path], tmp_path / "store", fmt="otel_genai")
    assert counts == {"read": 6, "stored": 1, "duplicate": 0, "quarantined": 5}
    store = Store.open(tmp_path / "store")
    q = pq.read_table(store.data_files("quarantine")[0]).to_pylist()
    reasons = {(r["line"], r["reason"].split(":")[0]) for r in q}
    assert (2, "invalid JSON") in reasons and (3, "expected an ExportTraceServiceRequest object")\
        in reasons
    assert any(r["line"] == 4 and "intValue: expected an integer" in r["reason"] for r in q)
    assert any(r["line"] == 4 and "traceId/spanId: missing" in r["reason"] for r in q)
    assert any(r["line"] == 5 and "startTimeUnixNano: expected Unix nanoseconds" in r["reason"]
               for r in q)
    assert all(r["file"] == str(path) for r in q)


def test_span_times_keep_microseconds_and_are_checked_at_both_ends(tmp_path: Path) -> None:
    """Times stay integers from the export to the ts column (no datetime per span): the
    microsecond survives, nanoseconds are cut as a datetime would cut them, and a time a
    datetime cannot hold or outside 2015-2100 is a reject saying which."""
    precise = _simple_span()
    precise["startTimeUnixNano"] = "1700000000123456789"
    precise["endTimeUnixNano"] = 1700000001623457789
    too_early = _simple_span()
    too_early["startTimeUnixNano"] = 999  # under a microsecond after the epoch
    beyond_datetime = _simple_span()
    beyond_datetime["startTimeUnixNano"] = str(10**30)
    path = tmp_path / "times.jsonl"
    path.write_text("\n".join(json.dumps(_request(s))
                              for s in (precise, too_early, beyond_datetime)) + "\n")
    (row,), rejects, read, _ = read_all(READER, path)
    assert read == 3
    assert row["ts"] == dt.datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=dt.UTC)
    assert row["latency_ms"] == 1500.001
    assert [r.line for r in rejects] == [2, 3]
    assert "timestamp 1970-01-01T00:00:00+00:00 is outside 2015-2100" in rejects[0].reason
    assert "startTimeUnixNano: expected Unix nanoseconds" in rejects[1].reason


def test_whole_document_over_the_limit_is_refused(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spans, "MAX_DOCUMENT_BYTES", 1000)
    rows, rejects, read, _ = read_all(READER, DOC)
    assert rows == [] and read == 1
    assert "export OTLP as JSONL" in rejects[0].reason


@pytest.mark.parametrize("compress", ["gz", "zst"])
def test_compressed_and_directories_read_transparently(tmp_path: Path, compress: str) -> None:
    raw = DOC.read_bytes()
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    data = gzip.compress(raw) if compress == "gz" else zstandard.ZstdCompressor().compress(raw)
    (nested / f"traces.json.{compress}").write_bytes(data)
    [(source, reader)], unrecognized = plan([str(tmp_path)])
    assert unrecognized == [] and reader.name == "otel_genai"
    assert len(read_all(READER, source.path)[0]) == 3


ATTRS = ["gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.response.model",
         "gen_ai.response.finish_reasons", "gen_ai.usage.cache_read.input_tokens",
         "gen_ai.operation.name", "gen_ai.conversation.id"]
any_values = st.one_of(
    *(st.fixed_dictionaries({kind: json_values})
      for kind in ("intValue", "stringValue", "arrayValue", "doubleValue")), json_values)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(mutations=st.dictionaries(st.sampled_from(ATTRS), any_values, max_size=3),
       fields=st.dictionaries(st.sampled_from(["traceId", "spanId", "startTimeUnixNano",
                                               "endTimeUnixNano", "status", "attributes"]),
                              json_values, max_size=2),
       garbage=st.binary(max_size=40))
def test_mutated_spans_never_crash(tmp_path: Path, mutations: dict, fields: dict,
                                   garbage: bytes) -> None:
    span = _simple_span()
    for key, value in mutations.items():
        _set(span, key, value)
    span.update(fields)
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(json.dumps(_request(span)).encode() + b"\n"
                     + garbage.replace(b"\n", b" ") + b"\n")
    check_never_crashes(READER, path, lines=2)
