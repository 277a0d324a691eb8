"""Helpers shared by the provider-response readers (OpenAI, Anthropic, Gemini).

**Accepted line shapes.** Each line of a provider log is one JSON object, either

* the provider's response object as the API returned it (``chat.completion``,
  ``response``, ``message``, ``GenerateContentResponse``), or
* a *logged pair* ``{"request": {...}, "response": {...}}`` with the request
  body the app sent next to the response body, optionally with the time of the
  call under one of :data:`TIME_KEYS` (ISO 8601, or Unix seconds), or
* a recorded *HTTP exchange*, the same pair where each side carries the body
  under ``body``: ``{"request": {"method", "url", "headers", "body"},
  "response": {"status_code", "headers", "body"}}`` -- the shape the official
  SDKs record their test traffic in (e.g. anthropic-sdk-python's
  ``tests/lib/tools/__inline_snapshot__``). Its response ``headers.date``
  (RFC 7231) counts as the time of the call.

An envelope holds only these keys, which keeps each reader's sniff from
claiming gateway logs (LiteLLM, Langfuse, ...) that also nest responses.

Gateway exports (Langfuse, Helicone) share two readers' helpers at the end:
:func:`read_export`, the records of a JSON or JSONL export whichever way it
was written, and :func:`json_cells`, the typed cells of its CSV form.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable, Collection, Iterator
from functools import partial
from typing import Any

import orjson

from tokencensus import schema
from tokencensus.ingest.base import Chunk, RecordError, TextFilter
from tokencensus.ingest.sources import HEAD_BYTES, SourceFile
from tokencensus.ingest.tabular import (
    BadRecord,
    Mapper,
    chunks,
    csv_header,
    json_array_records,
    one_chunk,
    one_value_per_line,
)
from tokencensus.ingest.validate import INT64_LIMIT, get_int, get_obj, get_str, get_ts, loads

#: Envelope keys holding the time of the call, in order of preference.
TIME_KEYS = ("timestamp", "ts", "created_at")
ENVELOPE_KEYS = frozenset({"request", "response", *TIME_KEYS})


class Call:
    """One logged call: the response body, the request body (``{}`` if not logged), the envelope.

    ``path`` is the prefix of response fields in quarantine reasons (``response.`` in a pair).
    """

    __slots__ = ("envelope", "path", "request", "response", "status_code")

    def __init__(self, obj: Any) -> None:
        if not isinstance(obj, dict):
            raise RecordError("expected a JSON object per line")
        self.envelope: dict[str, Any] = obj
        self.status_code: int | None = None
        if "response" in obj and obj.keys() <= ENVELOPE_KEYS:
            response = get_obj(obj, "response", "response")
            if response is None:
                raise RecordError("response: missing; log the response body next to the request")
            request = get_obj(obj, "request", "request") or {}
            self.path = "response."
            if isinstance(response.get("body"), dict):  # a recorded HTTP exchange
                self.status_code = get_int(response, "status_code", "response.status_code")
                response = response["body"]
                self.path = "response.body."
            if isinstance(request.get("body"), dict):
                request = request["body"]
            self.response: dict[str, Any] = response
            self.request: dict[str, Any] = request
        else:
            self.response, self.request, self.path = obj, {}, ""
        body = self.response
        if (self.status_code or 200) >= 400 or body.keys() == {"error"} or body.get(
                "type") == "error":
            raise RecordError(f"{self.path or 'line: '}the call failed (HTTP "
                              f"{self.status_code or 'error'}); an error body has no usage")

    @classmethod
    def bare(cls, response: dict[str, Any], path: str) -> Call:
        """A response found inside another envelope (e.g. a Batch API output line)."""
        call = cls.__new__(cls)
        call.envelope, call.response, call.request = response, response, {}
        call.path, call.status_code = path, None
        return call

    def prompt(self, request_id: str, want_text: TextFilter | None,
               extract: Callable[[dict[str, Any]], str | None]) -> str | None:
        """The logged request's prompt (``extract`` of it) when ``want_text`` samples this id."""
        if want_text is None or not self.logged_request or not want_text(request_id):
            return None
        return extract(self.request)

    @property
    def logged_request(self) -> bool:
        return bool(self.request)

    def envelope_time(self) -> dt.datetime | None:
        """The time the log recorded for the call, if any (see :data:`TIME_KEYS`)."""
        if self.envelope is self.response:
            return None
        for key in TIME_KEYS:
            if self.envelope.get(key) is not None:
                return get_ts(self.envelope, key, key)
        headers = self.envelope["response"].get("headers")
        date = headers.get("date") if isinstance(headers, dict) else None
        if isinstance(date, str):
            try:
                return email.utils.parsedate_to_datetime(date)
            except (TypeError, ValueError):
                raise RecordError(f"response.headers.date: not an HTTP date: {date!r}") from None
        return None

    def require_time(self, own: dt.datetime | None, what: str) -> dt.datetime:
        """The response's own time, else the envelope's; quarantine says which field to add."""
        ts = own or self.envelope_time()
        if ts is None:
            raise RecordError(
                f"no time: {what} carries none; log the call as "
                '{"timestamp": "<ISO 8601>", "request": {...}, "response": {...}}')
        return ts


def count(obj: dict[str, Any], key: str, prefix: str) -> int | None:
    """Token count at ``prefix + key``; plain non-negative ints skip the validating getter.

    The path is only built when the value is bad: this runs several times per record.
    """
    value = obj.get(key)
    if type(value) is int and 0 <= value < INT64_LIMIT:  # the int64 column's range
        return value
    return get_int(obj, key, prefix + key)


def obj_at(obj: dict[str, Any], key: str, prefix: str) -> dict[str, Any] | None:
    """Object at ``prefix + key`` (None when absent), with the same fast path."""
    value = obj.get(key)
    if type(value) is dict or value is None:
        return value
    return get_obj(obj, key, prefix + key)


def str_at(obj: dict[str, Any], key: str, prefix: str) -> str | None:
    """String at ``prefix + key`` (None when absent), with the same fast path."""
    value = obj.get(key)
    if type(value) is str or value is None:
        return value
    return get_str(obj, key, prefix + key)


def add(*counts: int | None) -> int | None:
    """Sum of the known counts; null only when none is known."""
    known = [c for c in counts if c is not None]
    return sum(known) if known else None


def content_text(content: Any) -> list[str]:
    """Texts of a message content: a string, or a list of parts/blocks with a ``text`` string."""
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [p["text"] for p in content
                if isinstance(p, dict) and isinstance(p.get("text"), str)]
    return []


def join(parts: list[str]) -> str | None:
    text = "\n\n".join(p for p in parts if p)
    return text or None


def chat_messages_text(messages: Any, roles: tuple[str, ...] = ("system", "developer", "user")
                       ) -> list[str]:
    """Prompt texts of chat-style messages (``role`` + ``content``) with the given roles."""
    if not isinstance(messages, list):
        return []
    parts: list[str] = []
    for m in messages:
        if isinstance(m, dict) and m.get("role") in roles:
            parts.extend(content_text(m.get("content")))
    return parts


def tools_declared(call: Call, key: str = "tools") -> bool | None:
    """Whether the request declared tools; unknown (null) when the request was not logged."""
    if not call.logged_request:
        return None
    tools = call.request.get(key)
    return isinstance(tools, list) and len(tools) > 0


def streamed(call: Call) -> bool | None:
    if not call.logged_request:
        return None
    return call.request.get("stream") is True


def first_record(head: bytes) -> Any:
    """The first JSON line of a file head, parsed; None when it is cut off or not JSON."""
    head = head.lstrip()
    if not head.startswith(b"{"):
        return None
    end = head.find(b"\n")
    if end < 0 and len(head) >= HEAD_BYTES - 1:
        return None
    try:
        return orjson.loads(head if end < 0 else head[:end])
    except orjson.JSONDecodeError:
        return None


def sniff_response(head: bytes) -> dict[str, Any] | None:
    """The response object of the first line (bare, pair or HTTP exchange), for sniffing."""
    obj = first_record(head)
    if not isinstance(obj, dict):
        return None
    try:
        return Call(obj).response
    except RecordError:
        return None


def record(
    call: Call, *, request_id: str, ts: dt.datetime, model_raw: str | None,
    input_tokens: int | None, cached: int | None, cache_write: int | None,
    output_tokens: int | None, reasoning: int | None, tool_calls: int | None,
    finish: str | None, user: str | None = None, session: str | None = None,
) -> dict[str, Any]:
    """The canonical record of one provider call (schema.REQUESTS names)."""
    if not model_raw:
        raise RecordError(f"{call.path}model: missing; every response names its model")
    return {
        schema.REQUEST_ID: request_id,
        schema.TS: ts,
        schema.USER_ID: user,
        schema.SESSION_ID: session,
        schema.MODEL_RAW: model_raw,
        schema.INPUT_TOKENS: input_tokens,
        schema.CACHED_TOKENS: cached,
        schema.CACHE_WRITE_TOKENS: cache_write,
        schema.OUTPUT_TOKENS: output_tokens,
        schema.REASONING_TOKENS: reasoning,
        schema.TOOLS_DECLARED: tools_declared(call),
        schema.TOOL_CALLS: tool_calls,
        schema.FINISH_REASON: finish,
        schema.STREAMED: streamed(call),
        schema.CANCELLED: (finish == "cancelled") if finish else None,
        schema.STATUS: "error" if finish == "error" else "ok",
    }


def user_of(call: Call, *keys: str) -> str | None:
    """The end-user id the request carried under the first of ``keys`` that is set."""
    for key in keys:
        value = str_at(call.request, key, "request.")
        if value:
            return value
    return None


def export_is_csv(source: SourceFile, columns: frozenset[str]) -> bool:
    """True when the export's first line is a CSV header naming ``columns``.

    Not "the first byte is no brace": a JSONL export whose first record is damaged
    must still be read as JSON, costing that one record, and a CSV export's rows may
    hold JSON across several lines (a request body per line), so lines are no guide.
    """
    return columns <= set(csv_header(source.head()))


def export_is_jsonl(source: SourceFile) -> bool:
    """True when a JSON export has one record (or one API page) per line; otherwise it is
    one document, an array of records or a (pretty-printed) page (see
    :func:`~tokencensus.ingest.tabular.one_value_per_line`)."""
    head = source.head()
    return not head.lstrip().startswith(b"[") and one_value_per_line(source, head)


def document_records(source: SourceFile,
                     key: str | tuple[str, ...]) -> Iterator[tuple[int, bytes, Any]]:
    """``(line, raw, record)`` of a JSON export written as one document: an array of
    records (``[{...}, ...]``), or an API page holding them under ``key``
    (``{"data": [...], "meta": {...}}``), streamed by
    :func:`~tokencensus.ingest.tabular.json_array_records`."""
    array = source.head(4096).lstrip().startswith(b"[")
    with source.stream() as f:
        yield from json_array_records(f, None if array else key)


#: A reader's optional fast path for one JSONL line of its export: exactly what ``keep``
#: and the mapper make of the line, as ``(record, None)``; :data:`SKIP` for a record
#: ``keep`` drops; None for a line the reference path must read (any other shape, a bad
#: value whose reason only the mapper gives, a record whose prompt is sampled).
FastMapper = Callable[[bytes, "TextFilter | None"], "tuple[dict[str, Any], None] | object | None"]
SKIP = object()


class _Mapped:
    """A record the fast path already mapped, passed through ``keep`` to the mapper."""

    __slots__ = ("result",)

    def __init__(self, result: tuple[dict[str, Any], str | None]) -> None:
        self.result = result


def export_line_records(line: int, raw: bytes, keys: tuple[str, ...],
                        fast: FastMapper | None = None,
                        want_text: TextFilter | None = None
                        ) -> Iterator[tuple[int, bytes, Any]]:
    """Records of one JSONL line: the line's object, or the records of the API page it holds
    under the first of ``keys`` it has (they share the page's line number).

    A line that does not parse is a :class:`~tokencensus.ingest.tabular.BadRecord`;
    non-object items of a page are skipped, as ``json_array_records`` skips them.
    """
    if not raw.strip():
        return
    if fast is not None:
        mapped = fast(raw, want_text)
        if mapped is SKIP:
            return
        if mapped is not None:
            yield line, raw, _Mapped(mapped)  # type: ignore[arg-type]
            return
    try:
        obj = loads(raw)
    except orjson.JSONDecodeError as e:
        yield line, raw, BadRecord(f"invalid JSON: {e}")
        return
    page = next((obj[k] for k in keys if isinstance(obj.get(k), list)), None) if isinstance(
        obj, dict) else None
    if isinstance(page, list):
        yield from ((line, orjson.dumps(r), r) for r in page if isinstance(r, dict))
    else:
        yield line, raw, obj


#: Keeps the records a reader counts as read (drops e.g. non-LLM observations).
RecordFilter = Callable[[Iterator[tuple[int, bytes, Any]]], Iterator[tuple[int, bytes, Any]]]


def export_block(fmt: str, keys: tuple[str, ...], keep: RecordFilter, mapper: Mapper,
                 lines: list[tuple[int, bytes]], want_text: TextFilter | None,
                 fast: FastMapper | None = None) -> Chunk:
    """One block of a JSONL export as a chunk: what ``map_blocks`` runs in a worker, with
    the reader's settings bound by ``functools.partial``."""
    records = (r for line, raw in lines
               for r in export_line_records(line, raw, keys, fast, want_text))
    return one_chunk(fmt, keep(records), partial(_premapped, mapper), want_text)


def _premapped(mapper: Mapper, obj: Any,
               want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
    return obj.result if type(obj) is _Mapped else mapper(obj, want_text)


def read_export(fmt: str, source: SourceFile, key: str | tuple[str, ...], keep: RecordFilter,
                mapper: Mapper, want_text: TextFilter | None,
                fast: FastMapper | None = None) -> Iterator[Chunk]:
    """Chunks of a JSON export; a JSONL one is mapped block by block on every core, by
    ``fast`` where it can."""
    from tokencensus.ingest.parallel import map_blocks

    keys = (key,) if isinstance(key, str) else key
    if export_is_jsonl(source):
        yield from map_blocks(partial(export_block, fmt, keys, keep, mapper, fast=fast),
                              source, want_text)
    else:
        yield from chunks(fmt, keep(document_records(source, keys)), mapper, want_text)


def json_cells(row: dict[str, Any], columns: Collection[str]) -> dict[str, Any]:
    """A CSV row with the cells of ``columns`` read as JSON (numbers, objects, quoted strings).

    A cell that is not JSON stays text, so the typed getter reading it names the column
    and the value. Object cells whose quotes were escaped twice (``{""a"": 1}`` once the
    CSV is unquoted, as Helicone's export tool writes them) are read too.
    """
    out = dict(row)
    for col in columns:
        text = out.get(col)
        if isinstance(text, str):
            out[col] = _json_or_text(text)
    return out


def _json_or_text(text: str) -> Any:
    for candidate in (text, text.replace('""', '"')):
        try:
            return orjson.loads(candidate)
        except orjson.JSONDecodeError:
            if '""' not in text:
                break
    return text
