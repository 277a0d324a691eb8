"""Claude Code transcript reader: one request on several lines, Anthropic token rules."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from span_support import DATA, assert_idempotent, check_never_crashes, json_values, read_all

from tokencensus.ingest import plan
from tokencensus.ingest.claude_code import ClaudeCodeReader
from tokencensus.store import Store

DIR = DATA / "claude_code"
MAIN = DIR / "abc123.jsonl"
SUBAGENT = DIR / "agent-a1b2c3d.jsonl"
READER = ClaudeCodeReader()


def _assistant_lines() -> list[dict]:
    return [o for o in map(json.loads, MAIN.read_text().splitlines())
            if o["type"] == "assistant" and o["message"]["model"] != "<synthetic>"]


def test_streamed_lines_of_one_request_merge_to_the_final_counts() -> None:
    rows, rejects, read, _ = read_all(READER, MAIN)
    # 8 assistant lines; the <synthetic> usage-limit notice is not an API call.
    assert rejects == [] and read == 7
    assert [r["request_id"] for r in rows] == ["req_main_001"] * 3 + [
        "req_main_002", "req_main_003", "req_main_003", "req_main_004"]
    first = rows[0]
    # Anthropic's input_tokens excludes the cache: 15000 + 50000 read + 11000 written.
    assert (first["input_tokens"], first["cached_tokens"], first["cache_write_tokens"]) == (
        76000, 50000, 11000)
    # Output grows 200 → 800 → 2500 over the streamed lines; every line carries the final.
    assert {r["output_tokens"] for r in rows[:3]} == {2500}
    assert first["finish_reason"] == "tool_calls" and first["tool_calls"] == 1
    assert first["ts"] == dt.datetime(2026, 2, 18, 9, 0, 5, tzinfo=dt.UTC)
    assert first["model"] == "anthropic/claude-opus-4.6" and first["model_raw"] == "claude-opus-4-6"
    assert first["session_id"] == "abc123" and first["app"] == "claude-code"
    assert first["reasoning_tokens"] is None  # Anthropic does not report it


def test_counts_reconcile_duplicates_across_lines_and_reingest(tmp_path: Path) -> None:
    counts = assert_idempotent([DIR], tmp_path / "store")
    # main: 7 lines → 4 requests; subagent: 4 lines → 3 requests.
    assert counts == {"read": 11, "stored": 7, "duplicate": 4, "quarantined": 0}
    store = Store.open(tmp_path / "store")
    table = pq.read_table([str(p) for p in store.data_files("requests")])
    assert sum(table["output_tokens"].to_pylist()) == 2500 + 4800 + 6200 + 3500 + 1200 + 2800 + 900


def test_prompt_text_is_the_latest_user_text() -> None:
    _, _, _, texts = read_all(READER, MAIN, want_text=lambda rid: True)
    assert dict(texts)["req_main_003"] == "Looks good, go ahead and implement the JWT refactor"
    assert len(texts) == 4  # once per request, not per line


def test_bad_lines_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    good = _assistant_lines()[3]
    bad_count = json.loads(json.dumps(good))
    bad_count["requestId"] = "req_bad"
    bad_count["message"]["usage"]["cache_read_input_tokens"] = "many"
    no_ts = json.loads(json.dumps(good))
    no_ts["requestId"] = "req_no_ts"
    del no_ts["timestamp"]
    lines = [json.dumps(good), "not json", "42", json.dumps(bad_count), json.dumps(no_ts)]
    path = tmp_path / "session.jsonl"
    path.write_text("\n".join(lines) + "\n")
    rows, rejects, read, _ = read_all(READER, path)
    assert len(rows) == 1 and read == 5
    assert [(r.line, r.reason.split(":")[0]) for r in rejects] == [
        (2, "invalid JSON"), (3, "expected a JSON object per line"),
        (4, "message.usage.cache_read_input_tokens"), (5, "timestamp")]


def test_directory_of_projects_is_walked_recursively(tmp_path: Path) -> None:
    project = tmp_path / "projects" / "-Users-alice-webapp" / "abc123" / "subagents"
    project.mkdir(parents=True)
    (project / SUBAGENT.name).write_bytes(SUBAGENT.read_bytes())
    (project.parents[1] / MAIN.name).write_bytes(MAIN.read_bytes())
    work, unrecognized = plan([str(tmp_path / "projects")])
    assert unrecognized == [] and {r.name for _, r in work} == {"claude_code"}
    assert len(work) == 2


USAGE = ["input_tokens", "output_tokens", "cache_read_input_tokens",
         "cache_creation_input_tokens"]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(base=st.sampled_from(_assistant_lines()),
       usage=st.dictionaries(st.sampled_from(USAGE), json_values, max_size=3),
       fields=st.dictionaries(st.sampled_from(["timestamp", "requestId", "sessionId", "message",
                                               "isApiErrorMessage", "type"]),
                              json_values, max_size=2),
       garbage=st.binary(max_size=40))
def test_mutated_lines_never_crash(tmp_path: Path, base: dict, usage: dict, fields: dict,
                                   garbage: bytes) -> None:
    line = json.loads(json.dumps(base))
    line["message"]["usage"].update(usage)
    line.update(fields)
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(json.dumps(line).encode() + b"\n" + json.dumps(base).encode() + b"\n"
                     + garbage.replace(b"\n", b" ") + b"\n")
    check_never_crashes(READER, path, lines=3)
