"""Helpers shared by the span, transcript and generic reader tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tokencensus import schema
from tokencensus.ingest import ingest
from tokencensus.ingest.base import Reader, Reject
from tokencensus.ingest.sources import SourceFile
from tokencensus.store import Store

DATA = Path(__file__).parents[1] / "data"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=6),
    max_leaves=20,
)


#: Extra fields that make orjson reject a line (the fast-path tests put them first).
FLAWED_BUT_UNREAD = {  # orjson rejects these lines; loads and msgspec read them alike
    "invalid UTF-8": b'"note": "caf\xc3", ',
    "UTF-8-encoded surrogate": b'"note": "\xed\xa0\x80", ',
    "number beyond a double": b'"note": 1e400, ',
    "310-digit number": b'"note": 1' + b"0" * 309 + b", ",
}
#: ... and that no JSON reading of tokencensus reads.
NOT_JSON_ANYWHERE = {
    "nesting beyond orjson's limit": b'"note": ' + b"[" * 1100 + b"]" * 1100 + b", ",
    "lone surrogate": b'"note": "\\ud800", ',
    "NaN": b'"note": NaN, ',
}

def read_all(reader: Reader, path: Path, want_text: Any = None
             ) -> tuple[list[dict[str, Any]], list[Reject], int, list[tuple[str, str]]]:
    """Rows, rejects, records read and prompt texts of one file."""
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    texts: list[tuple[str, str]] = []
    read = 0
    for chunk in reader.read(SourceFile(path), want_text):
        if chunk.rows is not None:
            rows.extend(chunk.rows.to_pylist())
        rejects.extend(chunk.rejects)
        texts.extend(chunk.texts)
        read += chunk.lines_read
    return rows, rejects, read, texts


def check_never_crashes(reader: Reader, path: Path, lines: int) -> None:
    """Whatever the file says: every record read is a row or a reject with a reason."""
    rows, rejects, read, _ = read_all(reader, path)
    assert len(rows) + len(rejects) == read
    for r in rejects:
        assert r.reason and 1 <= r.line <= lines and len(r.record_sha256) == 64
    for row in rows:
        assert row["request_id"] and row["ts"] is not None and row["source"] == reader.name
        assert row["finish_reason"] in (*schema.FINISH_REASONS, None)


def ingest_counts(paths: list[Path], store_dir: Path, **kwargs: Any) -> dict[str, int]:
    store = Store.open(store_dir, create=True)
    report = ingest([str(p) for p in paths], store, classifier=None, **kwargs)
    total = report.total
    assert total["read"] == total["stored"] + total["duplicate"] + total["quarantined"]
    return total


def assert_idempotent(paths: list[Path], store_dir: Path, **kwargs: Any) -> dict[str, int]:
    """Ingesting the same files twice stores nothing the second time."""
    first = ingest_counts(paths, store_dir, **kwargs)
    again = ingest_counts(paths, store_dir, **kwargs)
    assert again["stored"] == 0 and again["quarantined"] == 0
    return first
