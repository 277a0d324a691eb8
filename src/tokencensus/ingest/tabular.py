"""Shared machinery for readers whose records are not one JSON object per line.

Three record streams feed one loop, :func:`chunks`:

* :func:`csv_records` -- a CSV export with a header row; each record is a
  ``{column: text}`` dict, numbered by the physical line it *starts* on (quoted
  fields may span lines), and empty cells are ``None`` (PostgreSQL's
  ``COPY ... CSV`` writes NULL as an empty cell).
* :func:`json_array_records` -- the objects of one JSON array, either the
  document itself (``[{...}, ...]``) or the array under a top-level key
  (``{"data": [{...}, ...]}``, the shape of most public APIs), split out of the
  byte stream without loading the document, so memory is bounded by the largest
  record, not the file.
* anything else that yields ``(line, raw bytes, object)``, e.g. database rows.
  The raw bytes may be a function that makes them (:data:`RawRecord`): only a
  rejected record needs them, for its digest.

:func:`chunks` maps each record with the reader's mapper, validates it,
collects rejects with their line, reason and sha256, and yields
:class:`~tokencensus.ingest.base.Chunk` objects of at most ``CHUNK_ROWS`` rows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import orjson

from tokencensus import schema
from tokencensus.ingest.base import Chunk, RecordError, Reject, RowBuilder, TextFilter
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.validate import loads, validate

#: Rows per yielded chunk: large enough to amortize the store's per-batch cost, small
#: enough that memory stays bounded.
CHUNK_ROWS = 65_536
#: A source record's bytes, or a function making them when a reject's digest needs them.
RawRecord = bytes | Callable[[], bytes]
#: (record, prompt text or None) from one source record.
Mapper = Callable[[Any, TextFilter | None], tuple[dict[str, Any], str | None]]


class BadRecord:
    """Stands in for a record that could not even be parsed; carries the reason."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def chunks(
    fmt: str, records: Iterable[tuple[int, RawRecord, Any]], mapper: Mapper,
    want_text: TextFilter | None, chunk_rows: int | None = CHUNK_ROWS,
) -> Iterator[Chunk]:
    """Map ``(line, raw, obj)`` records into chunks of canonical rows and rejects.

    ``chunk_rows=None`` puts everything in one chunk (see :func:`one_chunk`).
    """
    builder = RowBuilder()
    chunk = Chunk(rows=None)
    for line, raw, obj in records:
        chunk.lines_read += 1
        try:
            if isinstance(obj, BadRecord):
                raise RecordError(obj.reason)
            record, text = mapper(obj, want_text)
            record[schema.SOURCE] = fmt
            validate(record)
        except RecordError as e:
            data = raw if isinstance(raw, bytes) else raw()
            chunk.rejects.append(Reject(line, str(e), hashlib.sha256(data).hexdigest()))
            continue
        builder.add(record)
        if text is not None:
            chunk.texts.append((record[schema.REQUEST_ID], text))
        if chunk_rows is not None and builder.size >= chunk_rows:
            chunk.rows = builder.flush()
            yield chunk
            chunk = Chunk(rows=None)
    chunk.rows = builder.flush()
    yield chunk


def one_chunk(fmt: str, records: Iterable[tuple[int, RawRecord, Any]], mapper: Mapper,
              want_text: TextFilter | None) -> Chunk:
    """:func:`chunks` of one block of a file as a single chunk (what a worker returns)."""
    (chunk,) = chunks(fmt, records, mapper, want_text, chunk_rows=None)
    return chunk


def csv_header(head: bytes) -> list[str]:
    """Column names of the first line of a CSV head (for ``sniff``); [] when not CSV-like."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r")
    try:
        return next(csv.reader([first.decode("utf-8")]))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return []


def csv_records(stream: BinaryIO) -> Iterator[tuple[int, bytes, dict[str, str | None] | BadRecord]]:
    """``(start line, raw, {column: value})`` for each data row of a CSV with a header."""
    # Exports carry whole request bodies in one cell; the default 128 KiB cap is too small.
    csv.field_size_limit(sys.maxsize)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    try:
        yield from _csv_rows(csv.reader(text))
    finally:
        text.detach()  # the caller owns (and closes) the stream


def _csv_rows(rows: Any) -> Iterator[tuple[int, bytes, dict[str, str | None] | BadRecord]]:
    try:
        header = next(rows)
    except (StopIteration, csv.Error):
        return
    width = len(header)
    line = rows.line_num + 1
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except csv.Error as e:
            yield line, str(e).encode(), BadRecord(f"unreadable CSV row: {e}")
            line = rows.line_num + 1
            continue
        raw = "\x1f".join(values).encode("utf-8", "replace")
        start, line = line, rows.line_num + 1
        if not values:
            continue  # a blank line is no record
        if len(values) != width:
            yield start, raw, BadRecord(f"expected {width} columns, got {len(values)}")
            continue
        yield start, raw, {k: (v if v != "" else None) for k, v in zip(header, values, strict=True)}


# A whole string token, a lone quote (string not yet closed in the buffer), or a bracket.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|"|[\[\]{}]', re.DOTALL)
_BLOCK = 1 << 20
_QUOTE, _OPEN_ARRAY, _OPEN_OBJECT, _CLOSE_OBJECT = ord('"'), ord("["), ord("{"), ord("}")


def json_array_records(
    stream: BinaryIO, key: str | tuple[str, ...] | None
) -> Iterator[tuple[int, bytes, Any]]:
    """``(line, raw, object)`` for each object in the array under top-level ``key`` (the
    first of several keys whose array the document holds).

    ``key=None`` reads a document that is itself an array. Objects that do not
    parse come back as :class:`BadRecord`; a document cut off inside an object
    yields that object as a :class:`BadRecord` too. Non-object elements of the
    array (numbers, strings) are not records of any format here and are skipped.
    """
    keys = () if key is None else (key,) if isinstance(key, str) else key
    wanted = {orjson.dumps(k) for k in keys}
    buf = b""
    pos = 0            # next byte of buf to scan
    line = 1           # line number at buf[counted]; newlines are counted lazily, in C
    counted = 0
    depth = 0
    array_depth = -1   # depth at which the wanted array's items open; -1 before it
    last_key = b""     # last string token seen directly inside the top-level object
    item_start = -1
    item_line = 0
    eof = False
    opened = False     # a JSON object or array was seen: this is a document, not blank
    while True:
        if not eof:
            block = stream.read(_BLOCK)
            eof = not block
            buf += block
        stop_at = len(buf)
        for m in _TOKENS.finditer(buf, pos):
            tok = m.group()
            first = tok[0]
            if first == _QUOTE:
                if len(tok) == 1 and not eof:
                    stop_at = m.start()  # the string continues in the next block
                    break
                if depth == 1 and key is not None:
                    last_key = tok
            elif first in (_OPEN_ARRAY, _OPEN_OBJECT):
                opened = True
                if first == _OPEN_ARRAY:
                    if array_depth == -1 and depth == 1 and last_key in wanted:
                        array_depth = 2
                    elif key is None and depth == 0 and array_depth == -1:
                        array_depth = 1
                elif depth == array_depth and item_start < 0:
                    item_start = m.start()
                    line += buf.count(b"\n", counted, item_start)
                    counted, item_line = item_start, line
                depth += 1
            else:
                depth -= 1
                if item_start >= 0 and depth == array_depth and first == _CLOSE_OBJECT:
                    raw = buf[item_start:m.end()]
                    yield item_line, raw, _parse(raw)
                    item_start = -1
                elif depth < array_depth:
                    array_depth = -2  # the wanted array is closed: later arrays are not it
        if eof:
            if item_start >= 0:
                yield item_line, buf[item_start:], BadRecord(
                    "truncated JSON: the document ends inside a record")
            elif array_depth == -1 and opened:  # never silently nothing: say what is missing
                what = (" or ".join(f'"{k}"' for k in keys) + " array" if keys
                        else "top-level array")
                yield 1, buf[-4096:], BadRecord(
                    f"no records: the JSON document holds no {what} of records")
            return
        # Keep only what an open record or an unfinished string still needs.
        keep = item_start if item_start >= 0 else stop_at
        line += buf.count(b"\n", counted, keep)
        buf, counted, pos = buf[keep:], 0, stop_at - keep
        if item_start >= 0:
            item_start = 0


#: The longest line the JSONL check reads: a longer first line is a document's.
LINE_CHECK_BYTES = 64 * 1024 * 1024


def one_value_per_line(source: SourceFile, head: bytes | None = None) -> bool:
    """Whether ``source`` is JSONL rather than one JSON document.

    Its first line parses alone, or ends like a record (a damaged first record), or more
    than half of the next lines are JSON objects of their own, which a pretty-printed
    document's lines are not. A damaged first line or two must cost those lines, not
    have the whole file read as one broken document. Lines are taken from ``head`` (the
    file's, read if not given), or, when it holds few whole ones (records with long
    bodies), read from the file, each up to :data:`LINE_CHECK_BYTES`. The usual file is
    decided by its first line alone.
    """
    head = (source.head() if head is None else head).lstrip()
    if not head.strip():
        return False
    end = head.find(b"\n")
    first = head[:end].strip() if end >= 0 else _first_lines(source, 1)[0]
    if isinstance(_object_or_none(first), dict | list) or first.endswith(b"}"):
        return True
    lines = [line.strip() for line in head.split(b"\n")]
    whole = [line for line in (lines if head.endswith(b"\n") else lines[:-1]) if line]
    if len(whole) < 5:
        whole = _first_lines(source, 5)
    rest = whole[1:]
    objects = sum(isinstance(_object_or_none(line), dict) for line in rest)
    return 2 * objects > len(rest)


def _first_lines(source: SourceFile, count: int) -> list[bytes]:
    """The first ``count`` non-blank lines, stripped; a line cut at LINE_CHECK_BYTES ends
    in an ellipsis, so it neither parses nor ends like a record."""
    lines: list[bytes] = []
    with source.stream() as f:
        while len(lines) < count and (line := f.readline(LINE_CHECK_BYTES)):
            cut = len(line) == LINE_CHECK_BYTES and not line.endswith(b"\n")
            if cut:
                while (more := f.readline(LINE_CHECK_BYTES)) and not more.endswith(b"\n"):
                    pass  # skip the rest of the long line
            if line.strip():
                lines.append(line.strip() + (b"..." if cut else b""))
    return lines or [b""]


def _object_or_none(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def _parse(raw: bytes) -> Any:
    try:
        return loads(raw)
    except orjson.JSONDecodeError as e:
        return BadRecord(f"invalid JSON: {e}")
