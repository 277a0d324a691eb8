"""OpenRouter generation reader: golden mapping, bad input, accounting, compression."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import orjson
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokencensus import schema
from tokencensus.errors import UnknownFormatError, UnreadablePathError
from tokencensus.ingest import ingest, plan
from tokencensus.ingest.openrouter import OpenRouterGenerationReader
from tokencensus.ingest.sources import SourceFile
from tokencensus.store import Store

DATA = Path(__file__).parents[1] / "data" / "openrouter"
GOLDEN = DATA / "generations.jsonl"


def read_rows(path: Path) -> tuple[list[dict], list]:
    rows, rejects = [], []
    for chunk in OpenRouterGenerationReader().read(SourceFile(path)):
        if chunk.rows is not None:
            rows.extend(chunk.rows.to_pylist())
        rejects.extend(chunk.rejects)
    return rows, rejects


def test_golden_records_map_exactly() -> None:
    rows, rejects = read_rows(GOLDEN)
    assert rejects == []
    free, sdk = rows
    assert free["request_id"] == "gen-1737842317-9ifH6Yzo5icEdfD0I8SI"
    assert free["ts"] == dt.datetime(2025, 1, 25, 21, 58, 42, 249238, tzinfo=dt.UTC)
    # Native counts are canonical; the normalized tokens_prompt=10 / tokens_completion=30 are not.
    assert (free["input_tokens"], free["output_tokens"]) == (4, 521)
    assert free["tokens_estimated"] is False
    assert free["reasoning_tokens"] is None and free["cached_tokens"] is None
    assert free["model_raw"] == "google/gemini-2.0-flash-thinking-exp-01-21:free"
    assert free["cost_usd"] == 0.0 and free["cost_source"] == "reported"
    assert free["provider"] == "Google AI Studio" and free["app"] == "https://openrouter.ai/"
    assert free["finish_reason"] == "stop" and free["status"] == "ok"
    assert free["tools_declared"] is None  # no request body logged: unknown, not False
    assert sdk["user_id"] == "user-123"
    assert (sdk["input_tokens"], sdk["cached_tokens"]) == (10, 3)
    assert (sdk["output_tokens"], sdk["reasoning_tokens"]) == (25, 5)
    assert sdk["latency_ms"] == 1250.0 and sdk["streamed"] is True
    assert sdk["model"] is None  # sao10k/l3-stheno-8b is retired, not in the catalog


def test_only_normalized_counts_are_marked_estimated(tmp_path: Path) -> None:
    rec = {"id": "gen-a", "created_at": "2025-03-01T00:00:00Z", "model": "openai/gpt-4o",
           "tokens_prompt": 100, "tokens_completion": 20, "finish_reason": "length"}
    path = tmp_path / "bare.jsonl"
    path.write_bytes(orjson.dumps(rec) + b"\n")
    (row,), _ = read_rows(path)
    assert (row["input_tokens"], row["output_tokens"], row["tokens_estimated"]) == (100, 20, True)
    assert row["model"] == "openai/gpt-4o" and row["finish_reason"] == "length"


def test_envelope_request_body_gives_tools_country_and_user(tmp_path: Path) -> None:
    line = {"data": {"id": "gen-b", "created_at": "2025-06-01T10:00:00+00:00",
                     "model": "anthropic/claude-sonnet-4", "native_tokens_prompt": 900,
                     "native_tokens_completion": 40, "finish_reason": "tool_calls"},
            "request": {"user": "u-9", "tools": [{"type": "function",
                                                  "function": {"name": "get_weather"}}]},
            "country": "sg"}
    path = tmp_path / "env.jsonl"
    path.write_bytes(orjson.dumps(line) + b"\n")
    (row,), _ = read_rows(path)
    assert row["tools_declared"] is True and row["tool_calls"] == 1
    assert row["country"] == "SG" and row["user_id"] == "u-9"


BAD_LINES = [
    (b"not json at all", "invalid JSON"),
    (b'["a", "list"]', "expected a JSON object"),
    (b'{"data": {"id": "gen-c", "model": "openai/gpt-4o"}}', "created_at: missing"),
    (b'{"data": {"id": "gen-d", "created_at": "2025-01-01T00:00:00Z"}}', "model: missing"),
    (b'{"data": {"id": "gen-e", "created_at": "2025-01-01T00:00:00Z", "model": "x/y", '
     b'"native_tokens_prompt": "12x"}}', "data.native_tokens_prompt: expected a non-negative"),
    (b'{"data": {"id": "gen-f", "created_at": "yesterday", "model": "x/y"}}',
     "data.created_at: expected an ISO 8601"),
    (b'{"data": {"id": "gen-g", "created_at": "2025-01-01T00:00:00Z", "model": "x/y", '
     b'"native_tokens_prompt": 5, "native_tokens_cached": 9}}', "cached tokens (9) exceed"),
    (b'{"data": {"id": "gen-h", "created_at": "2025-01-01T00:00:00Z", "model": "x/y", '
     b'"is_byok": "no"}}', "data.is_byok: expected true or false"),
]


def test_bad_lines_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    good = GOLDEN.read_bytes().splitlines()
    lines = [good[0], *(bad for bad, _ in BAD_LINES), good[1]]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    store = Store.open(tmp_path / "store", create=True)
    report = ingest([str(path)], store, fmt="openrouter")
    assert report.total == {"read": 10, "stored": 2, "duplicate": 0, "quarantined": 8}
    q = pq.read_table(store.data_files("quarantine")[0]).to_pylist()
    assert [r["line"] for r in q] == list(range(2, 10))
    for row, (_, expected) in zip(q, BAD_LINES, strict=True):
        assert expected in row["reason"], row["reason"]
        assert row["file"] == str(path)
    assert all(len(r["record_sha256"]) == 64 for r in q)


def test_duplicates_and_reingest_are_counted_and_idempotent(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store", create=True)
    doubled = tmp_path / "doubled.jsonl"
    doubled.write_bytes(GOLDEN.read_bytes() * 2)
    first = ingest([str(doubled)], store)
    assert first.total == {"read": 4, "stored": 2, "duplicate": 2, "quarantined": 0}
    again = ingest([str(doubled)], store)
    assert again.files[0].skipped_as == first.files[0].batch
    assert again.total["stored"] == 0
    overlapping = tmp_path / "overlap.jsonl"
    overlapping.write_bytes(GOLDEN.read_bytes().splitlines()[0] + b"\n")
    third = ingest([str(overlapping)], store)
    assert third.total == {"read": 1, "stored": 0, "duplicate": 1, "quarantined": 0}
    stored = pq.read_table([str(p) for p in store.data_files("requests")][0])
    assert len(store.data_files("requests")) == 2  # two months, one batch
    assert pc.count(stored["request_id"]).as_py() == 1


def test_user_ids_are_pseudonymized_in_the_store(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store", create=True)
    ingest([str(GOLDEN)], store)
    users = {u for p in store.data_files("requests")
             for u in pq.read_table(p, columns=["user_id"])["user_id"].to_pylist() if u}
    assert users and "user-123" not in users
    assert all(len(u) == 32 for u in users)


@pytest.mark.parametrize("compress", ["gz", "zst"])
def test_compressed_files_read_transparently(tmp_path: Path, compress: str) -> None:
    raw = GOLDEN.read_bytes()
    path = tmp_path / f"logs.jsonl.{compress}"
    data = gzip.compress(raw) if compress == "gz" else zstandard.ZstdCompressor().compress(raw)
    path.write_bytes(data)
    [(source, reader)], unrecognized = plan([str(tmp_path)])
    assert unrecognized == []
    assert reader.name == "openrouter"
    rows, _ = read_rows(source.path)
    assert len(rows) == 2


def test_unknown_format_and_missing_path_fail_with_the_fix(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n")
    with pytest.raises(UnknownFormatError, match=r"odd\.csv.*Pass --format NAME"):
        plan([str(odd)])
    # Walking a directory skips what no reader claims, and says so, instead of failing.
    work, unrecognized = plan([str(tmp_path)])
    assert work == [] and unrecognized == [str(odd)]
    with pytest.raises(UnreadablePathError, match="no such file"):
        plan([str(tmp_path / "missing.jsonl")])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=6),
    max_leaves=20,
)
FIELDS = ["id", "created_at", "model", "native_tokens_prompt", "native_tokens_completion",
          "native_tokens_cached", "native_tokens_reasoning", "tokens_prompt", "total_cost",
          "finish_reason", "is_byok", "cancelled", "latency", "external_user", "app_id"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(base=st.sampled_from(GOLDEN.read_text().splitlines()),
       mutations=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
       wrap=st.booleans(), garbage=st.binary(max_size=40))
def test_mutated_records_never_crash_and_always_reconcile(
    tmp_path: Path, base: str, mutations: dict, wrap: bool, garbage: bytes
) -> None:
    data = json.loads(base)["data"]
    data.update(mutations)
    record = {"data": data} if wrap else data
    lines = [json.dumps(record).encode(), garbage.replace(b"\n", b" ")]
    rows, rejects = [], []
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    for chunk in OpenRouterGenerationReader().read(SourceFile(path)):
        rows.extend(chunk.rows.to_pylist() if chunk.rows is not None else [])
        rejects.extend(chunk.rejects)
        nonblank = sum(1 for line in lines if line.strip())
        assert chunk.lines_read == nonblank
    assert len(rows) + len(rejects) == sum(1 for line in lines if line.strip())
    for r in rejects:
        assert r.reason and r.line in (1, 2)
    for row in rows:
        assert row["request_id"] and row["ts"] is not None
        assert row["finish_reason"] in (*schema.FINISH_REASONS, None)
