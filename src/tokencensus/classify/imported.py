"""Imported labels: categories someone else assigned, read from a JSONL file.

One object per line::

    {"id": "gen-123", "category": "programming", "subtag": "Development Tools", "language": "en"}

``id`` (or ``request_id``) names a request already in the store, ``category``
is one of the taxonomy's names or ``other``, ``subtag``, ``language`` (ISO
639-1; ``und`` when absent) and ``confidence`` (default 1) are optional. This
is how labels from an earlier study, a human annotation pass, or the
simulator's ``truth.sample_labels`` enter a store. Labels are committed as one
batch whose manifest entry carries the file's sha256, so importing the same
file twice changes nothing; a line that cannot be used is quarantined with its
line number and reason, like a bad log record; an id the store does not hold is
counted as unmatched and skipped (its timestamp, which places a label in its
month, is unknown).

>>> report = import_labels("labels.jsonl", Store.open("census"))   # doctest: +SKIP
>>> report.labels, report.unmatched                               # doctest: +SKIP
(2500, 0)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import duckdb
import orjson
import pyarrow as pa

from tokencensus import schema
from tokencensus.classify.base import UNDETERMINED_LANGUAGE
from tokencensus.classify.pipeline import category_names
from tokencensus.errors import UnreadablePathError
from tokencensus.store import Store

DEFAULT_TAG: Final = "imported@1"


@dataclass
class ImportReport:
    path: str
    read: int = 0
    labels: int = 0
    unmatched: int = 0
    quarantined: int = 0
    already_imported_as: str | None = None

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def _parse(line: bytes, known: frozenset[str]) -> dict[str, Any]:
    obj = orjson.loads(line)
    if not isinstance(obj, dict):
        raise ValueError("a label line must be a JSON object")
    rid = obj.get("id", obj.get("request_id"))
    if not isinstance(rid, str) or not rid:
        raise ValueError("`id` (or `request_id`) must be a non-empty string")
    category = obj.get("category")
    if category not in known:
        raise ValueError(f"`category` {category!r} is not one of: {', '.join(sorted(known))}")
    subtag, language = obj.get("subtag"), obj.get("language") or UNDETERMINED_LANGUAGE
    confidence = obj.get("confidence", 1.0)
    if subtag is not None and not isinstance(subtag, str):
        raise ValueError(f"`subtag` must be a string, got {subtag!r}")
    if not isinstance(language, str):
        raise ValueError(f"`language` must be an ISO 639-1 string, got {language!r}")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) \
            or not 0 <= confidence <= 1:
        raise ValueError(f"`confidence` must be a number in [0, 1], got {confidence!r}")
    return {schema.REQUEST_ID: rid, schema.CATEGORY: category, schema.SUBTAG: subtag,
            schema.LANGUAGE: language, schema.CONFIDENCE: float(confidence)}


def import_labels(path: str | Path, store: Store, *, tag: str = DEFAULT_TAG) -> ImportReport:
    """Add the labels in the JSONL file ``path`` to ``store`` as classifier ``tag``."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as e:
        raise UnreadablePathError(str(source), e.strerror or str(e)) from None
    report = ImportReport(path=str(source))
    known = category_names()
    rows: list[dict[str, Any]] = []
    sha = hashlib.sha256(data).hexdigest()
    with store.batch(source_path=str(source), fmt=f"labels:{tag}", sha256=sha) as batch:
        if batch.summary.skipped_as is not None:
            report.already_imported_as = batch.summary.skipped_as
            return report
        for number, line in enumerate(data.splitlines(), 1):
            if not line.strip():
                continue
            report.read += 1
            try:
                rows.append(_parse(line, known))
            except (ValueError, orjson.JSONDecodeError) as e:
                batch.add_quarantine(str(source), number, f"label: {e}",
                                     hashlib.sha256(line).hexdigest())
                report.quarantined += 1
        table = _with_timestamps(store, rows, tag)
        report.unmatched = len(rows) - table.num_rows
        batch.add_labels(table)
    report.labels = batch.summary.labels
    return report


def _with_timestamps(store: Store, rows: list[dict[str, Any]], tag: str) -> pa.Table:
    """The labels whose request is in the store, with that request's ``ts``."""
    fields = [schema.REQUEST_ID, schema.CATEGORY, schema.SUBTAG, schema.LANGUAGE,
              schema.CONFIDENCE]
    labels = pa.table({f: [r[f] for r in rows] for f in fields},
                      schema=pa.schema([schema.LABELS.field(f) for f in fields]))
    files = [str(p) for p in store.data_files("requests")]
    if not files or not rows:
        return schema.LABELS.empty_table()
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("labels_in", labels)
        joined = con.sql(
            f"""SELECT l.{schema.REQUEST_ID}, r.{schema.TS}, l.{schema.CATEGORY},
                       l.{schema.SUBTAG}, l.{schema.CONFIDENCE}, l.{schema.LANGUAGE},
                       $tag AS {schema.CLASSIFIER}
                FROM labels_in l
                JOIN (SELECT DISTINCT {schema.REQUEST_ID}, {schema.TS}
                      FROM read_parquet($files)) r USING ({schema.REQUEST_ID})""",
            params={"files": files, "tag": tag}).to_arrow_table()
    finally:
        con.close()
    return joined.cast(schema.LABELS)
