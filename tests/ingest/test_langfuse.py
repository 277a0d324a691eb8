"""Langfuse observations: v1/v2 API pages, the UI export (JSONL, JSON, CSV), golden and fuzzed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from llm_support import (
    DATA,
    check_duplicates_and_reingest,
    check_quarantine,
    draw_mutated,
    golden_lines,
    mutate,
)
from span_support import assert_idempotent, check_never_crashes, ingest_counts, read_all

from tokencensus.ingest.langfuse import LangfuseReader
from tokencensus.store import Store

DIR = DATA / "langfuse"
READER = LangfuseReader()
EXPORT = golden_lines("langfuse")  # export.jsonl: 2 spans, 2 generations
GENERATIONS = [r for r in EXPORT if r["type"] == "GENERATION"]
V2_PAGE = json.loads((DIR / "observations_v2.json").read_text())
V2_GENERATION = V2_PAGE["data"][1]


def _jsonl(path: Path, *objs: object) -> Path:
    path.write_bytes(b"".join(orjson.dumps(o) + b"\n" for o in objs))
    return path


def _one(tmp_path: Path, obs: dict) -> dict:
    (row,), rejects, _, _ = read_all(READER, _jsonl(tmp_path / "one.jsonl", obs))
    assert rejects == []
    return row


def test_v1_api_page_maps_exactly() -> None:
    rows, rejects, read, texts = read_all(READER, DIR / "observations_v1.json",
                                          want_text=lambda _: True)
    assert rejects == [] and read == 2  # 2 AGENT and 1 TOOL observation are not LLM calls
    by_id = {r["request_id"]: r for r in rows}
    gen = by_id["fee618f96dc31e0ca38b2f7b26eb8b29:90d94774e8e3724d"]
    assert gen["ts"] == dt.datetime(2025, 9, 30, 9, 4, 1, 1000, tzinfo=dt.UTC)
    assert gen["model_raw"] == "gpt-4.1-2025-04-14" and gen["model"] == "openai/gpt-4.1"
    # Older OTel ingestion: inclusive input/output with OpenInference subsets beside them.
    assert (gen["input_tokens"], gen["cached_tokens"], gen["cache_write_tokens"]) == (85, 0, None)
    assert (gen["output_tokens"], gen["reasoning_tokens"]) == (29, 0)
    assert gen["cost_usd"] == pytest.approx(0.000402) and gen["cost_source"] == "reported"
    assert gen["latency_ms"] == pytest.approx(1150.0) and gen["ttft_ms"] is None
    assert gen["status"] == "ok" and gen["finish_reason"] is None
    # The v1 API leaves out user and session; the export records no tools on this path.
    assert gen["user_id"] is None and gen["session_id"] is None
    assert gen["tools_declared"] is None and gen["tool_calls"] is None
    assert gen["provider"] is None and gen["source"] == "langfuse"
    other = by_id["fee618f96dc31e0ca38b2f7b26eb8b29:98870087af69bf06"]
    assert (other["input_tokens"], other["output_tokens"]) == (55, 15)
    assert dict(texts)[gen["request_id"]] == "What's the weather in Tokyo?"


def test_v2_page_carries_user_session_and_exclusive_cache_buckets() -> None:
    (row,), rejects, read, _ = read_all(READER, DIR / "observations_v2.json")
    assert rejects == [] and read == 1  # the SPAN is skipped
    assert row["request_id"] == "4bf92f3577b34da6a3ce929d0e0e4736:b7c1e3a0f2d94c11"
    # Langfuse docs: input 86 excludes the 17,817 cached tokens; canonical input adds them.
    assert (row["input_tokens"], row["cached_tokens"], row["output_tokens"]) == (17903, 17817, 188)
    assert row["reasoning_tokens"] is None and row["cache_write_tokens"] is None
    assert (row["user_id"], row["session_id"]) == ("user-42", "support-chat-0193")
    assert row["model_raw"] == "gpt-4o" and row["model"] == "openai/gpt-4o"
    assert row["latency_ms"] == pytest.approx(2714.0) and row["ttft_ms"] == pytest.approx(451.0)
    assert row["cost_usd"] is None and row["cost_source"] is None  # empty costDetails: unknown


def test_export_jsonl_sums_the_langchain_buckets() -> None:
    rows, rejects, read, texts = read_all(READER, DIR / "export.jsonl", want_text=lambda _: True)
    assert rejects == [] and read == 2
    first, second = rows
    assert first["request_id"] == "e1fde3efec57ce8a69bafd3fb928a7eb:4f6535aaebcda355"
    assert first["ts"] == dt.datetime(2025, 8, 22, 9, 38, 56, 232000, tzinfo=dt.UTC)
    assert (first["input_tokens"], first["cached_tokens"], first["output_tokens"]) == (60, 0, 15)
    assert first["reasoning_tokens"] == 0 and first["model"] == "openai/gpt-4o-2024-08-06"
    assert first["cost_usd"] == pytest.approx(0.000075) and first["latency_ms"] == 848.0
    assert (second["input_tokens"], second["output_tokens"]) == (108, 51)
    assert second["cost_usd"] == pytest.approx(0.000159)
    assert dict(texts)[first["request_id"]] == (
        "Be helpful!\n\nSearch the web for 'example' and summarize.")


def test_export_csv_decodes_json_cells() -> None:
    (row,), rejects, read, _ = read_all(READER, DIR / "export.csv")
    assert rejects == [] and read == 1
    assert row["request_id"] == "9f2f0fe0228fd81a9fe75882934b384a:b7a63ca7e1d083bc"
    assert row["ts"] == dt.datetime(2025, 8, 1, 13, 22, 0, 147000, tzinfo=dt.UTC)
    assert row["model"] == "google/gemini-2.5-flash"
    # completion_details.reasoning names neither input nor output: a subset of output.
    assert (row["input_tokens"], row["output_tokens"], row["reasoning_tokens"]) == (6, 2055, 1104)
    assert row["cached_tokens"] is None
    assert row["cost_usd"] == pytest.approx(0.005139299999) and row["latency_ms"] == 12032.0


def test_exclusive_buckets_add_up_to_canonical_counts(tmp_path: Path) -> None:
    row = _one(tmp_path, {**V2_GENERATION, "usageDetails": {
        "input": 100, "input_cached_tokens": 40, "input_cache_creation": 10,
        "input_cache_creation_5m": 5, "output": 20, "output_reasoning_tokens": 30, "total": 205}})
    assert (row["input_tokens"], row["cached_tokens"], row["cache_write_tokens"]) == (155, 40, 15)
    assert (row["output_tokens"], row["reasoning_tokens"]) == (50, 30)
    flat = _one(tmp_path, {**V2_GENERATION, "usageDetails": {  # the docs' flat Anthropic example
        "input": 10, "output": 5, "cache_read_input_tokens": 2}})
    assert (flat["input_tokens"], flat["cached_tokens"], flat["output_tokens"]) == (12, 2, 5)


def test_error_level_empty_usage_and_deprecated_usage(tmp_path: Path) -> None:
    failed = _one(tmp_path, {**V2_GENERATION, "level": "ERROR", "statusMessage": "rate limited",
                             "usageDetails": {}})
    assert failed["status"] == "error" and failed["finish_reason"] == "error"
    assert failed["input_tokens"] is None and failed["output_tokens"] is None  # not 0
    v1 = json.loads((DIR / "observations_v1.json").read_text())["data"][3]
    legacy = {k: v for k, v in v1.items() if k != "usageDetails"}
    assert legacy["usage"]["input"] == 55
    row = _one(tmp_path, legacy)
    assert (row["input_tokens"], row["output_tokens"]) == (55, 15)
    # An empty costDetails means no cost, whatever the defaulted calculatedTotalCost says.
    row = _one(tmp_path, {**v1, "costDetails": {}, "calculatedTotalCost": 0})
    assert row["cost_usd"] is None
    row = _one(tmp_path, {k: v for k, v in v1.items() if k != "costDetails"})
    assert row["cost_usd"] == pytest.approx(0.00023)  # calculatedTotalCost


def test_export_tool_counts_and_ttft_guard(tmp_path: Path) -> None:
    row = _one(tmp_path, {**GENERATIONS[0], "toolDefinitionsCount": 1, "toolCallsCount": 2})
    assert row["tools_declared"] is True and row["tool_calls"] == 2
    late = _one(tmp_path, {**GENERATIONS[0], "completionStartTime": "2025-08-22T09:39:00.000Z"})
    assert late["ttft_ms"] is None  # after the end: not a first-token time


def test_other_shapes_read_the_same(tmp_path: Path) -> None:
    array = tmp_path / "export.json"  # the batch export's JSON format: one array
    array.write_bytes(orjson.dumps(EXPORT, option=orjson.OPT_INDENT_2))
    pages = _jsonl(tmp_path / "pages.jsonl", V2_PAGE, {"data": GENERATIONS, "meta": {}})
    assert len(read_all(READER, array)[0]) == 2
    rows, rejects, read, _ = read_all(READER, pages)
    assert rejects == [] and read == 3 and len(rows) == 3
    # The UI's trace download: the trace with its observations, pretty-printed.
    trace = tmp_path / "trace.json"
    trace.write_bytes(orjson.dumps({"trace": {"id": EXPORT[0]["traceId"]}, "observations": EXPORT},
                                   option=orjson.OPT_INDENT_2))
    rows, rejects, read, _ = read_all(READER, trace)
    assert rejects == [] and read == 2 and len(rows) == 2


BAD = [
    (b"{oops", "invalid JSON"),
    (orjson.dumps({k: v for k, v in GENERATIONS[0].items() if k != "startTime"}),
     "startTime: missing"),
    (orjson.dumps(mutate(GENERATIONS[0], ("usageDetails", "input"), "60")),
     "usageDetails.input: expected a non-negative integer"),
    (orjson.dumps(mutate(GENERATIONS[0], ("level",), "FATAL")), "level: expected one of"),
    (orjson.dumps(mutate(GENERATIONS[0], ("costDetails",), [1])),
     "costDetails: expected an object"),
    (orjson.dumps(mutate(GENERATIONS[0], ("usageDetails",), {"input": 1, "input_cache_read": 5,
                                                              "prompt_details.cache_read": 9})),
     "cached tokens (14) exceed input tokens (6)"),
    (orjson.dumps({**GENERATIONS[0], "type": None}), "type: missing"),
]


def test_bad_observations_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    check_quarantine(tmp_path, "langfuse", GENERATIONS, BAD)


def test_bad_csv_rows_are_quarantined(tmp_path: Path) -> None:
    with (DIR / "export.csv").open(newline="") as f:
        header, good = list(csv.reader(f))
    bad = dict(zip(header, good, strict=True))
    bad.update(id="bad", usageDetails="{not json", startTime="soon")
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows([header, good, list(bad.values()), ["too", "short"]])
    path = tmp_path / "mixed.csv"
    path.write_text(buf.getvalue())
    counts = ingest_counts([path], tmp_path / "store")
    assert counts == {"read": 3, "stored": 1, "duplicate": 0, "quarantined": 2}
    q = pq.read_table(Store.open(tmp_path / "store").data_files("quarantine")[0]).to_pylist()
    assert [r["line"] for r in q] == [3, 4]
    assert "startTime: expected an ISO 8601" in q[0]["reason"]
    assert f"expected {len(header)} columns, got 2" in q[1]["reason"]


def test_duplicates_and_reingest_change_nothing(tmp_path: Path) -> None:
    check_duplicates_and_reingest(tmp_path, "langfuse", records=len(GENERATIONS))


def test_every_sample_in_one_store_is_idempotent(tmp_path: Path) -> None:
    counts = assert_idempotent([DIR], tmp_path / "store")
    assert counts == {"read": 6, "stored": 6, "duplicate": 0, "quarantined": 0}


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), garbage=st.binary(max_size=40))
def test_mutated_observations_never_crash(tmp_path: Path, data: st.DataObject,
                                          garbage: bytes) -> None:
    path = tmp_path / "fuzz.jsonl"
    line = draw_mutated(data, [*GENERATIONS, V2_GENERATION])
    path.write_bytes(line + b"\n" + garbage.replace(b"\n", b" ") + b"\n")
    check_never_crashes(READER, path, lines=2)


with (DIR / "export.csv").open(newline="") as _f:
    CSV_HEADER, CSV_ROW = list(csv.reader(_f))
cell = st.none() | st.text(max_size=30) | st.integers(-5, 10**12).map(str) | st.sampled_from(
    ["{}", "[]", "null", '"2025-08-01T13:22:00Z"', '{"input": -1}', '{"input": "x"}',
     '{"output_reasoning_tokens": 9999}', "GENERATION", "SPAN", "ERROR", "1e400", "NaN"])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=st.dictionaries(st.sampled_from(CSV_HEADER), cell, max_size=5))
# Found by CI: a count valid as int64 overflowed the int32 tool_calls column in Arrow.
@example(mutations={"toolCallsCount": "2147483648"})
def test_mutated_csv_rows_never_crash(tmp_path: Path, mutations: dict) -> None:
    row = dict(zip(CSV_HEADER, CSV_ROW, strict=True))
    row.update({k: "" if v is None else v for k, v in mutations.items()})
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows([CSV_HEADER, list(row.values())])
    path = tmp_path / "fuzz.csv"
    path.write_text(buf.getvalue())
    check_never_crashes(READER, path, lines=2)
