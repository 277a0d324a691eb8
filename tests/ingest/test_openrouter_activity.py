"""OpenRouter activity export: aggregate rows, streaming JSON split, bad items, idempotence."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokencensus.ingest import ingest, plan
from tokencensus.ingest.openrouter_activity import OpenRouterActivityReader
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.tabular import BadRecord, json_array_records
from tokencensus.store import Store

GOLDEN = Path(__file__).parents[1] / "data" / "openrouter_activity" / "activity.json"
ITEM = json.loads(GOLDEN.read_text())["data"][0]


def read(path: Path) -> tuple[list[dict], list, int]:
    rows, rejects, seen = [], [], 0
    for chunk in OpenRouterActivityReader().read(SourceFile(path)):
        if chunk.rows is not None:
            rows.extend(chunk.rows.to_pylist())
        rejects.extend(chunk.rejects)
        seen += chunk.lines_read
    return rows, rejects, seen


def write(path: Path, items: list) -> Path:
    path.write_bytes(orjson.dumps({"data": items}, option=orjson.OPT_INDENT_2))
    return path


def test_golden_item_is_one_aggregate_row() -> None:
    (row,), rejects, seen = read(GOLDEN)
    assert rejects == [] and seen == 1
    assert row["requests"] == 5
    assert row["ts"] == dt.datetime(2025, 8, 24, tzinfo=dt.UTC)
    assert (row["input_tokens"], row["output_tokens"], row["reasoning_tokens"]) == (50, 125, 25)
    assert row["cached_tokens"] is None  # the export has no cache counts: unknown, not 0
    assert row["model_raw"] == "openai/gpt-4.1" and row["model"] == "openai/gpt-4.1"
    assert row["provider"] == "OpenAI"
    assert row["cost_usd"] == pytest.approx(0.027) and row["cost_source"] == "reported"
    assert row["user_id"] is None and row["finish_reason"] is None
    assert row["request_id"].startswith("activity:")


def test_request_id_is_stable_and_keyed_on_day_and_endpoint(tmp_path: Path) -> None:
    other_day = dict(ITEM, date="2025-08-25")
    other_endpoint = dict(ITEM, endpoint_id="another")
    more_requests = dict(ITEM, requests=6)  # same key: the same aggregate, re-exported
    rows, _, _ = read(write(tmp_path / "a.json", [ITEM, other_day, other_endpoint, more_requests]))
    ids = [r["request_id"] for r in rows]
    assert ids[0] == read(GOLDEN)[0][0]["request_id"]
    assert len(set(ids[:3])) == 3 and ids[3] == ids[0]


def test_overlapping_exports_store_each_day_once(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store", create=True)
    first = ingest([str(GOLDEN)], store, classifier=None)
    assert first.files[0].format == "openrouter_activity"
    assert first.total == {"read": 1, "stored": 1, "duplicate": 0, "quarantined": 0}
    assert ingest([str(GOLDEN)], store, classifier=None).total["stored"] == 0  # same file
    later = write(tmp_path / "later.json", [ITEM, dict(ITEM, date="2025-08-25")])
    third = ingest([str(later)], store, classifier=None)
    assert third.total == {"read": 2, "stored": 1, "duplicate": 1, "quarantined": 0}
    users = [u for p in store.data_files("requests")
             for u in pq.read_table(p, columns=["user_id"])["user_id"].to_pylist()]
    assert users == [None, None]


BAD = [
    ({"date": "24/08/2025"}, "date: expected YYYY-MM-DD"),
    ({"date": None}, "date: missing"),
    ({"requests": None}, "requests: missing"),
    ({"requests": -1}, "requests: expected a non-negative integer"),
    ({"prompt_tokens": "50"}, "prompt_tokens: expected a non-negative integer"),
    ({"model": None, "model_permaslug": None}, "model: missing"),
    ({"usage": "free"}, "usage: expected a number"),
    ({"reasoning_tokens": 500}, "reasoning tokens (500) exceed output tokens (125)"),
]


def test_bad_items_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    items = [ITEM, *(dict(ITEM, **change) for change, _ in BAD), 7, dict(ITEM, date="2025-08-02")]
    path = tmp_path / "mixed.json"
    # One item per line, so each item's line is its position (line 1 is the envelope).
    path.write_bytes(b'{"data": [\n' + b",\n".join(orjson.dumps(i) for i in items) + b"\n]}\n")
    store = Store.open(tmp_path / "store", create=True)
    report = ingest([str(path)], store, classifier=None)
    # The number 7 is no record of any format: skipped, not counted.
    assert report.total == {"read": 10, "stored": 2, "duplicate": 0, "quarantined": 8}
    q = pq.read_table(store.data_files("quarantine")[0]).to_pylist()
    assert [r["line"] for r in q] == list(range(3, 11))
    for row, (_, expected) in zip(q, BAD, strict=True):
        assert expected in row["reason"], row["reason"]


def test_splitter_streams_records_across_block_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tokencensus.ingest.tabular._BLOCK", 7)  # split strings and objects
    doc = {"meta": {"note": 'a "quoted" } ] brace\\'}, "data": [
        dict(ITEM, model='odd "name" {with} [brackets]\n'), ITEM], "tail": [{"no": 1}]}
    raw = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
    got = list(json_array_records(io.BytesIO(raw), "data"))
    assert [obj for _, _, obj in got] == doc["data"]
    assert [line for line, _, _ in got] == [6, 19]
    top_level = list(json_array_records(io.BytesIO(orjson.dumps([ITEM, ITEM])), None))
    assert len(top_level) == 2
    # An object document has no top-level array, and this one no "data" key: never an
    # empty read, but one reject saying what was looked for.
    for doc, key, what in ((ITEM, None, "no top-level array"),
                           ({"rows": [ITEM]}, "data", 'no "data" array')):
        ((line, _, bad),) = json_array_records(io.BytesIO(orjson.dumps(doc)), key)
        assert line == 1 and isinstance(bad, BadRecord) and what in bad.reason
    assert list(json_array_records(io.BytesIO(b'{"data": [], "meta": {}}'), "data")) == []


def test_truncated_document_quarantines_the_open_record() -> None:
    raw = orjson.dumps({"data": [ITEM, ITEM]})[:-30]
    got = list(json_array_records(io.BytesIO(raw), "data"))
    assert got[0][2] == ITEM and isinstance(got[1][2], BadRecord)
    assert "truncated" in got[1][2].reason


@pytest.mark.parametrize("compress", ["gz", "zst"])
def test_compressed_exports_are_detected(tmp_path: Path, compress: str) -> None:
    raw = GOLDEN.read_bytes()
    data = gzip.compress(raw) if compress == "gz" else zstandard.ZstdCompressor().compress(raw)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / f"activity.json.{compress}").write_bytes(data)
    [(source, reader)], unrecognized = plan([str(tmp_path / "d")])
    assert reader.name == "openrouter_activity" and unrecognized == []
    assert len(read(source.path)[0]) == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=6),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=st.dictionaries(st.sampled_from(sorted(ITEM)), json_values, max_size=4),
       cut=st.integers(0, 400), garbage=st.binary(max_size=30))
def test_mutated_and_cut_documents_never_crash_and_reconcile(
    tmp_path: Path, mutations: dict, cut: int, garbage: bytes
) -> None:
    raw = json.dumps({"data": [dict(ITEM, **mutations), ITEM]}).encode()
    path = tmp_path / "fuzz.json"
    path.write_bytes(raw[: len(raw) - cut] + garbage)
    rows, rejects, seen = read(path)
    assert len(rows) + len(rejects) == seen
    assert all(r.reason and r.line >= 1 for r in rejects)
    assert all(r["requests"] is not None and r["ts"] is not None for r in rows)
