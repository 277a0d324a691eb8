"""Codex CLI rollout reader: token_count events, cumulative deltas, repeats and forks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from span_support import DATA, assert_idempotent, check_never_crashes, json_values, read_all

from tokencensus.ingest.codex_cli import CodexCliReader

DIR = DATA / "codex_cli"
ALPHA = DIR / "session-alpha.jsonl"
PARENT = DIR / "branch-parent.jsonl"
CHILD = DIR / "branch-child.jsonl"
READER = CodexCliReader()


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _write(path: Path, lines: list[dict | str]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def test_last_token_usage_and_per_event_model() -> None:
    rows, rejects, read, _ = read_all(READER, ALPHA)
    assert rejects == [] and read == 2
    first, second = rows
    assert first["ts"] == dt.datetime(2026, 5, 13, 9, 1, tzinfo=dt.UTC)
    # OpenAI semantics: input includes cached, output includes reasoning.
    assert (first["input_tokens"], first["cached_tokens"]) == (1000, 250)
    assert (first["output_tokens"], first["reasoning_tokens"]) == (125, 75)
    assert first["model_raw"] == "gpt-5.2-codex" and second["model_raw"] == "gpt-5.3-codex"
    assert (second["input_tokens"], second["output_tokens"]) == (2500, 300)
    assert first["app"] == "codex" and first["finish_reason"] is None
    assert first["tool_calls"] is None  # no response_item lines in this file: unknown


def test_cumulative_totals_become_deltas() -> None:
    rows, _, _, _ = read_all(READER, CHILD)
    assert [(r["input_tokens"], r["cached_tokens"], r["output_tokens"], r["reasoning_tokens"])
            for r in rows] == [(1000, 100, 200, 20), (600, 200, 250, 20)]
    assert {r["model_raw"] for r in rows} == {"gpt-5.2"}


def test_forked_session_replaying_its_parent_counts_once(tmp_path: Path) -> None:
    counts = assert_idempotent([PARENT, CHILD], tmp_path / "store")
    assert counts == {"read": 3, "stored": 2, "duplicate": 1, "quarantined": 0}


def test_repeated_event_is_a_duplicate_and_tool_calls_are_counted(tmp_path: Path) -> None:
    ctx, event, _ = _lines(ALPHA)
    again = dict(event, timestamp="2026-05-13T09:01:00.012Z")
    meta = {"timestamp": "2026-05-13T08:59:59.000Z", "type": "session_meta",
            "payload": {"id": "c1", "cwd": "/repo", "cli_version": "0.142.5",
                        "model_provider": "openai"}}
    call = {"timestamp": "2026-05-13T09:00:30.000Z", "type": "response_item",
            "payload": {"type": "function_call", "name": "exec_command",
                        "arguments": "{\"cmd\":\"ls\"}", "call_id": "call_1"}}
    path = _write(tmp_path / "rollout-x.jsonl", [meta, ctx, call, event, again])
    rows, _, _, _ = read_all(READER, path)
    assert rows[0]["request_id"] == rows[1]["request_id"]
    assert rows[0]["tool_calls"] == 1 and rows[0]["session_id"] == "c1"
    assert rows[0]["provider"] == "openai"
    counts = assert_idempotent([path], tmp_path / "store")
    assert counts == {"read": 2, "stored": 1, "duplicate": 1, "quarantined": 0}


def test_bad_events_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    ctx, first, second = _lines(PARENT) + _lines(CHILD)[2:]
    shrunk = json.loads(json.dumps(second))
    shrunk["payload"]["info"]["total_token_usage"]["input_tokens"] = 10
    bad = json.loads(json.dumps(first))
    bad["payload"]["info"]["total_token_usage"]["output_tokens"] = "x"
    no_ts = json.loads(json.dumps(first))
    del no_ts["timestamp"]
    empty = {"timestamp": "2026-05-12T08:03:00.000Z", "type": "event_msg",
             "payload": {"type": "token_count", "info": {}}}
    rate_limits_only = {"timestamp": "2026-05-12T08:03:00.000Z", "type": "event_msg",
                        "payload": {"type": "token_count", "info": None}}
    path = _write(tmp_path / "r.jsonl", [ctx, first, shrunk, bad, "{", no_ts, empty,
                                         rate_limits_only])
    rows, rejects, read, _ = read_all(READER, path)
    assert len(rows) == 1 and read == 6  # the context and rate-limits-only lines are no request
    assert [r.line for r in rejects] == [3, 4, 5, 6, 7]
    for r, expected in zip(rejects, ["decreased since the previous event",
                                     "total_token_usage.output_tokens: expected",
                                     "invalid JSON", "timestamp: missing",
                                     "neither last_token_usage nor total_token_usage"],
                           strict=True):
        assert expected in r.reason, r.reason


FIELDS = ["input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens",
          "total_tokens"]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(last=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=3),
       info=st.dictionaries(st.sampled_from(["last_token_usage", "total_token_usage", "model"]),
                            json_values, max_size=1),
       fields=st.dictionaries(st.sampled_from(["timestamp", "type", "payload"]), json_values,
                              max_size=1),
       garbage=st.binary(max_size=40))
def test_mutated_events_never_crash(tmp_path: Path, last: dict, info: dict, fields: dict,
                                    garbage: bytes) -> None:
    ctx, event, _ = _lines(ALPHA)
    event["payload"]["info"]["last_token_usage"].update(last)
    event["payload"]["info"].update(info)
    event.update(fields)
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(json.dumps(ctx).encode() + b"\n" + json.dumps(event).encode() + b"\n"
                     + garbage.replace(b"\n", b" ") + b"\n")
    check_never_crashes(READER, path, lines=3)


def test_a_count_beyond_int64_is_quarantined_not_a_crash(tmp_path: Path) -> None:
    text = (DIR / "session-alpha.jsonl").read_text()
    path = tmp_path / "big.jsonl"
    lines = text.splitlines()
    hit = next(i for i, line in enumerate(lines) if '"output_tokens"' in line)
    record = json.loads(lines[hit])
    record["payload"]["info"]["last_token_usage"]["output_tokens"] = 2**63
    lines[hit] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n")
    rows, rejects, read, _ = read_all(CodexCliReader(), path)
    assert len(rows) + len(rejects) == read
    assert any("output_tokens: expected a non-negative integer" in r.reason for r in rejects)
