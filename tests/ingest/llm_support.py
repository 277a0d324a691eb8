"""Shared checks for the provider-response and gateway-export readers' tests (JSONL samples)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq
from hypothesis import strategies as st

from tokencensus import schema
from tokencensus.ingest import ingest
from tokencensus.ingest.base import JsonLinesReader, Reject
from tokencensus.ingest.sources import SourceFile
from tokencensus.store import Store

DATA = Path(__file__).parents[1] / "data"


def read_rows(
    reader: JsonLinesReader, path: Path, want_all_text: bool = False
) -> tuple[list[dict[str, Any]], list[Reject], dict[str, str]]:
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    texts: dict[str, str] = {}
    for chunk in reader.read(SourceFile(path), (lambda _: True) if want_all_text else None):
        if chunk.rows is not None:
            rows.extend(chunk.rows.to_pylist())
        rejects.extend(chunk.rejects)
        texts.update(chunk.texts)
    return rows, rejects, texts


def golden_lines(folder: str) -> list[dict[str, Any]]:
    (path,) = (DATA / folder).glob("*.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def map_one(reader: JsonLinesReader, tmp_path: Path, obj: Any) -> tuple[dict | None, str | None]:
    """The row one line maps to, or the quarantine reason."""
    path = tmp_path / "one.jsonl"
    path.write_bytes(orjson.dumps(obj) + b"\n")
    rows, rejects, _ = read_rows(reader, path)
    return (rows[0] if rows else None), (rejects[0].reason if rejects else None)


def check_quarantine(
    tmp_path: Path, fmt: str, good: list[Any], bad: list[tuple[bytes, str]]
) -> None:
    """Bad lines between good ones land in quarantine with file, line and reason; counts add up."""
    lines = [orjson.dumps(good[0]), *(b for b, _ in bad), *(orjson.dumps(g) for g in good[1:])]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    store = Store.open(tmp_path / "store", create=True)
    report = ingest([str(path)], store, fmt=fmt, classifier=None)
    assert report.total == {"read": len(lines), "stored": len(good), "duplicate": 0,
                            "quarantined": len(bad)}
    q = pq.read_table(store.data_files("quarantine")[0]).to_pylist()
    assert [r["line"] for r in q] == list(range(2, 2 + len(bad)))
    for row, (_, expected) in zip(q, bad, strict=True):
        assert expected in row["reason"], row["reason"]
        assert row["file"] == str(path) and len(row["record_sha256"]) == 64


def check_duplicates_and_reingest(tmp_path: Path, folder: str, records: int | None = None) -> None:
    """Duplicated lines count as duplicates; ingesting the same file again changes nothing.

    ``records``: requests in the golden file, when some of its lines are not requests
    (skipped, so not read); by default every line is one.
    """
    (golden,) = (DATA / folder).glob("*.jsonl")
    n = records if records is not None else len(
        [line for line in golden.read_bytes().splitlines() if line.strip()])
    doubled = tmp_path / "doubled.jsonl"
    doubled.write_bytes(golden.read_bytes() * 2)
    store = Store.open(tmp_path / "store", create=True)
    first = ingest([str(doubled)], store, classifier=None)
    assert first.files[0].format == folder
    assert first.total == {"read": 2 * n, "stored": n, "duplicate": n, "quarantined": 0}
    files = sorted(store.data_files("requests"))
    again = ingest([str(doubled)], store, classifier=None)
    assert again.files[0].skipped_as == first.files[0].batch
    assert again.total["stored"] == 0 and sorted(store.data_files("requests")) == files


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=6),
    max_leaves=20,
)


def mutate(obj: Any, path: tuple[str | int, ...], value: Any) -> Any:
    """A deep copy of ``obj`` with the value at ``path`` replaced (when the path exists)."""
    out = copy.deepcopy(obj)
    node = out
    for key in path[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return out
    if isinstance(node, dict) or (isinstance(node, list) and isinstance(path[-1], int)
                                  and path[-1] < len(node)):
        node[path[-1]] = value  # type: ignore[index]
    return out


def paths_of(obj: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every key path of a JSON value (to pick mutation targets from a real record)."""
    found: list[tuple[str | int, ...]] = []
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(
        obj, list) else ()
    for k, v in items:
        found.append((*prefix, k))
        found.extend(paths_of(v, (*prefix, k)))
    return found


def draw_mutated(data: st.DataObject, records: list[Any]) -> bytes:
    """One of ``records`` with up to three of its values replaced by arbitrary JSON, as a line."""
    record = data.draw(st.sampled_from(records))
    for path in data.draw(st.lists(st.sampled_from(paths_of(record)), max_size=3)):
        record = mutate(record, path, data.draw(json_values))
    return json.dumps(record).encode()


def check_fuzzed_lines(reader: JsonLinesReader, tmp_path: Path, lines: list[bytes]) -> None:
    """Arbitrary lines never crash the reader; every non-blank line is a row or a reject."""
    path = tmp_path / "fuzz.jsonl"
    lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    path.write_bytes(b"\n".join(lines) + b"\n")
    rows, rejects, _ = read_rows(reader, path, want_all_text=True)
    nonblank = sum(1 for line in lines if line.strip())
    assert len(rows) + len(rejects) == nonblank
    for r in rejects:
        assert r.reason and 1 <= r.line <= len(lines)
    for row in rows:
        assert row["request_id"] and row["ts"] is not None and row["model_raw"]
        assert row["finish_reason"] in (*schema.FINISH_REASONS, None)
        for col in (schema.INPUT_TOKENS, schema.OUTPUT_TOKENS, schema.CACHED_TOKENS):
            assert row[col] is None or row[col] >= 0
