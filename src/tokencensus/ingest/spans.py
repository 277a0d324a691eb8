"""Shared machinery for the span, transcript and generic readers.

* :class:`StreamReader`: a reader whose subclass yields mapped items
  ``(line, raw bytes, record or RecordError, prompt text)``; the base hands
  them to :func:`tokencensus.ingest.tabular.chunks`, which validates,
  quarantines (line, reason, sha256 of the raw record) and chunks, so every
  reader accounts the same way: each item is one record read, and it becomes
  either a row (stored or duplicate in the store) or a reject.
* OTLP/JSON decoding (``resourceSpans → scopeSpans → spans``, attributes as
  ``{"key", "value": AnyValue}`` lists) for a file that is either one JSON
  document or JSONL of ``ExportTraceServiceRequest`` objects (what the
  OpenTelemetry Collector's file exporter writes: one request per line).
  A whole-file document is read into memory, so it is bounded by
  :data:`MAX_DOCUMENT_BYTES`; larger exports must be JSONL.
* :func:`finish_reason`: every provider's stop reasons mapped onto the
  canonical vocabulary.
"""

from __future__ import annotations

import datetime as dt
import json
from abc import abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson

from tokencensus.ingest.base import Chunk, Reader, RecordError
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.tabular import BadRecord, RawRecord, chunks, one_chunk, one_value_per_line
from tokencensus.ingest.validate import INT64_LIMIT, epoch_micros, get_int, get_str, loads

#: A whole-file OTLP/JSON document larger than this is rejected (use JSONL export).
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024

#: (line, raw record for the quarantine digest, record or the reason it failed, prompt text)
Item = tuple[int, RawRecord, dict[str, Any] | RecordError, str | None]

_FINISH = {
    # OpenAI / OpenRouter / OTel gen_ai.response.finish_reasons
    "stop": "stop", "length": "length", "tool_calls": "tool_calls", "tool_call": "tool_calls",
    "function_call": "tool_calls", "content_filter": "content_filter", "error": "error",
    # Anthropic stop_reason
    "end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "tool_use": "tool_calls",
    "refusal": "content_filter",
    # Gemini finishReason (compared lower-cased)
    "safety": "content_filter", "recitation": "content_filter", "blocklist": "content_filter",
    "prohibited_content": "content_filter", "spii": "content_filter",
    "cancelled": "cancelled", "canceled": "cancelled",
}


def finish_reason(raw: Any) -> str | None:
    """Canonical finish reason for a provider's value; unknown values become ``other``."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise RecordError(f"finish reason: expected a string, got {raw!r:.60}")
    return _FINISH.get(raw.lower(), "other")


def load_json(raw: bytes) -> Any:
    try:
        return loads(raw)
    except orjson.JSONDecodeError as e:
        raise RecordError(f"invalid JSON: {e}") from None


class StreamReader(Reader):
    """Base for readers that map a stream of items (see :data:`Item`)."""

    @abstractmethod
    def items(self, source: SourceFile, want_text: Any) -> Iterator[Item]:
        """Mapped records of ``source``, in file order."""

    def per_line(self, source: SourceFile) -> bool:
        """True when the lines of ``source`` map independently (see :meth:`line_items`):
        then big files are mapped block by block on every core."""
        return False

    def line_items(self, line: int, raw: bytes, want_text: Any) -> Iterator[Item]:
        """Mapped records of one line, for files where :meth:`per_line` is true."""
        raise NotImplementedError(f"{self.name} maps whole files, not lines")

    def read(self, source: SourceFile, want_text: Any = None) -> Iterator[Chunk]:
        if self.per_line(source):
            from tokencensus.ingest.parallel import map_blocks

            yield from map_blocks(self.map_block, source, want_text)
            return
        # tabular.chunks validates, quarantines and chunks; items are already mapped.
        yield from chunks(self.name, _records(self.items(source, want_text)), _mapped, want_text)

    def map_block(self, lines: list[tuple[int, bytes]], want_text: Any) -> Chunk:
        """One block of lines as a chunk (run by ``map_blocks``, in a worker for big files)."""
        items = (item for line, raw in lines for item in self.line_items(line, raw, want_text))
        return one_chunk(self.name, _records(items), _mapped, want_text)


def _records(items: Iterator[Item]) -> Iterator[tuple[int, bytes, Any]]:
    """Items as the ``(line, raw, obj)`` records :func:`~.tabular.chunks` takes."""
    for line, raw, record, text in items:
        if isinstance(record, RecordError):
            yield line, raw, BadRecord(str(record))
        else:
            yield line, raw, (record, text)


def _mapped(obj: Any, _want: Any) -> tuple[dict[str, Any], str | None]:
    return obj  # type: ignore[no-any-return]


# --- OTLP/JSON -------------------------------------------------------------------------


@dataclass(slots=True)
class Span:
    """One span, decoded: ids as lower-case hex, times as Unix microseconds (what a
    record's ``ts`` may be, see :func:`~.validate.validate`; OTLP counts time in
    integers, so no datetime is made per span), flat attributes."""

    trace_id: str
    span_id: str
    parent_id: str | None
    name: str
    start: int | None
    end: int | None
    error: bool
    attrs: dict[str, Any]
    resource: dict[str, Any]
    path: str  # where it sits in its request, for quarantine reasons
    raw: RawRecord  # its own JSON, made only if a quarantine digest needs it


def any_value(value: Any) -> Any:
    """Python value of an OTLP/JSON AnyValue (int64 may be a string, per the proto3 JSON rules)."""
    if not isinstance(value, dict):
        raise RecordError(f"attribute value: expected an AnyValue object, got {value!r:.60}")
    for key, v in value.items():
        if key == "stringValue":
            if not isinstance(v, str):
                raise RecordError(f"stringValue: expected a string, got {v!r:.60}")
            return v
        if key == "intValue":
            # proto3 JSON writes int64 as a string or a number; 12.0 is still twelve, but
            # true or 1.5 is no integer (int() would make them 1).
            try:
                if isinstance(v, bool) or (isinstance(v, float) and not v.is_integer()):
                    raise ValueError
                return int(v)
            except (TypeError, ValueError, OverflowError):  # OverflowError: infinity
                raise RecordError(f"intValue: expected an integer, got {v!r:.60}") from None
        if key == "boolValue" and not isinstance(v, bool):
            raise RecordError(f"boolValue: expected true or false, got {v!r:.60}")
        if key in ("doubleValue", "boolValue", "bytesValue"):
            return v
        if key == "arrayValue":
            values = v.get("values", []) if isinstance(v, dict) else None
            if not isinstance(values, list):
                raise RecordError("arrayValue: expected {\"values\": [...]}")
            return [any_value(x) for x in values]
        if key == "kvlistValue":
            return attributes(v.get("values", []) if isinstance(v, dict) else None)
    return None


def attributes(kvs: Any) -> dict[str, Any]:
    """``[{"key", "value"}]`` to a dict."""
    if kvs is None:
        return {}
    if not isinstance(kvs, list):
        raise RecordError(f"attributes: expected a list, got {kvs!r:.60}")
    out: dict[str, Any] = {}
    for kv in kvs:
        key = kv.get("key") if type(kv) is dict else None
        if type(key) is not str:
            raise RecordError(f"attributes: expected {{\"key\", \"value\"}}, got {kv!r:.60}")
        value = kv.get("value", {})
        # Most attributes are one plain string: take it without the general decoder.
        text = value.get("stringValue") if type(value) is dict and len(value) == 1 else None
        out[key] = text if type(text) is str else any_value(value)
    return out


def unix_nanos(value: Any, path: str) -> int | None:
    """OTLP's Unix nanoseconds (a number, or a string per proto3 JSON) as microseconds."""
    if value is None:
        return None
    try:
        nanos = int(value)
        if isinstance(value, bool) or nanos <= 0 or nanos // 1000 > _LAST_MICROS:
            raise ValueError
        return nanos // 1000
    except (TypeError, ValueError, OverflowError):
        raise RecordError(f"{path}: expected Unix nanoseconds, got {value!r:.60}") from None


def _list(obj: Any, key: str, path: str) -> list[Any]:
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{path}: expected a list")
    return value


def otlp_is_jsonl(source: SourceFile) -> bool:
    """True for JSONL of export requests, not one document (see
    :func:`~tokencensus.ingest.tabular.one_value_per_line`)."""
    return one_value_per_line(source, source.head(HEAD_PROBE))


def decode_line(raw: bytes) -> Any:
    """The JSON value of one line, or the RecordError saying why it is not JSON."""
    try:
        return load_json(raw)
    except RecordError as e:
        return e


def otlp_requests(source: SourceFile) -> Iterator[tuple[int, bytes, Any]]:
    """(line, raw, decoded request or RecordError) for JSONL exports or one whole document."""
    if otlp_is_jsonl(source):
        for line, raw in source.lines():
            if raw.strip():
                yield line, raw, decode_line(raw)
        return
    with source.stream() as f:
        data = f.read(MAX_DOCUMENT_BYTES + 1)
    if not data.strip():
        return  # an empty file holds no request
    if len(data) > MAX_DOCUMENT_BYTES:
        yield 1, data[:4096], RecordError(
            f"one JSON document over {MAX_DOCUMENT_BYTES >> 20} MiB; export OTLP as JSONL "
            "(one ExportTraceServiceRequest per line, as the Collector's file exporter does)")
        return
    try:
        yield 1, data, load_json(data)
    except RecordError as e:
        yield 1, data[:4096], e


HEAD_PROBE = 1 << 20
_LAST_MICROS = epoch_micros(dt.datetime.max.replace(tzinfo=dt.UTC))  # what a datetime holds


def otlp_spans(request: Any) -> Iterator[Span | RecordError]:
    """Spans of one ExportTraceServiceRequest; a malformed span yields its error instead."""
    if not isinstance(request, dict):
        yield RecordError("expected an ExportTraceServiceRequest object")
        return
    try:
        resource_spans = _list(request, "resourceSpans", "resourceSpans")
    except RecordError as e:
        yield e
        return
    for i, rs in enumerate(resource_spans):
        try:
            resource = attributes((rs.get("resource") or {}).get("attributes")
                                  if isinstance(rs, dict) else None)
            scopes = _list(rs, "scopeSpans", f"resourceSpans[{i}].scopeSpans")
        except (RecordError, AttributeError) as e:
            yield RecordError(f"resourceSpans[{i}]: {e}")
            continue
        for j, ss in enumerate(scopes):
            path = f"resourceSpans[{i}].scopeSpans[{j}]"
            try:
                spans = _list(ss, "spans", path + ".spans")
            except RecordError as e:
                yield e
                continue
            for k, span in enumerate(spans):
                yield _span(span, resource, f"{path}.spans[{k}]")


def _span(span: Any, resource: dict[str, Any], path: str) -> Span | RecordError:
    try:
        if not isinstance(span, dict):
            raise RecordError("expected a span object")
        return make_span(
            span.get("traceId"), span.get("spanId"), span.get("parentSpanId"), span.get("name"),
            span.get("startTimeUnixNano"), span.get("endTimeUnixNano"), span.get("status"),
            span.get("attributes"), attributes, resource, path, partial(span_json, span))
    except RecordError as e:
        return RecordError(f"{path}: {e}")


def span_json(span: Any) -> bytes:
    """A span's own JSON, for the digest of a rejected record. orjson writes at most 255
    levels of nesting (it reads 1024), so a deeper span is written by the json module."""
    try:
        return orjson.dumps(span)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(span).encode()


def make_span(trace_id: Any, span_id: Any, parent: Any, name: Any, start: Any, end: Any,
              status: Any, kvs: Any, decode_kvs: Callable[[Any], dict[str, Any]],
              resource: dict[str, Any], path: str, raw: RawRecord) -> Span:
    """A span from its OTLP/JSON field values, checked in a fixed order (so both decoding
    paths give the same reason); ``decode_kvs`` turns ``kvs`` into flat attributes."""
    if not isinstance(trace_id, str) or not isinstance(span_id, str) or not span_id:
        raise RecordError("traceId/spanId: missing; every OTLP span has both")
    status = status or {}
    code = status.get("code") if isinstance(status, dict) else None
    # Positional: a dataclass __init__ called with keywords costs 0.5 µs more per span.
    return Span(
        trace_id.lower(), span_id.lower(),  # trace_id, span_id
        parent.lower() if isinstance(parent, str) and parent else None,  # parent_id
        str(name or ""),  # name
        unix_nanos(start, "startTimeUnixNano"), unix_nanos(end, "endTimeUnixNano"),
        code in (2, "STATUS_CODE_ERROR"),  # error
        decode_kvs(kvs), resource, path, raw,  # attrs, resource, path, raw
    )


def flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested attributes to OpenInference's flat dotted keys.

    Phoenix stores ``{"llm": {"token_count": …}}``, and the spec's examples write
    lists of objects (``"llm.input_messages": [{"message.role": …}]``), which
    OTLP flattens with indexes (``llm.input_messages.0.message.role``).
    """
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value):
                out.update(flatten(item, f"{name}.{i}."))
        else:
            out[name] = value
    return out


def attr_int(attrs: dict[str, Any], *keys: str) -> int | None:
    """First present attribute among ``keys`` as a token count."""
    for key in keys:
        value = attrs.get(key)
        if value is not None:
            if type(value) is int and 0 <= value < INT64_LIMIT:
                return value
            if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
                value = int(value)  # OTLP/JSON int64 as a string
            return get_int({key: value}, key, key)
    return None


def attr_str(attrs: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = attrs.get(key)
        if value is not None:
            return value if type(value) is str else get_str(attrs, key, key)
    return None


def message_text(messages: Any) -> str | None:
    """System and user text of chat messages in OTel (parts) or OpenAI (content) shape."""
    if isinstance(messages, str):
        try:
            messages = orjson.loads(messages)
        except orjson.JSONDecodeError:
            return None
    if not isinstance(messages, list):
        return None
    parts: list[str] = []
    for m in messages:
        if not isinstance(m, dict) or m.get("role") not in ("system", "user"):
            continue
        content = m.get("content", m.get("parts"))
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            for p in content:
                if isinstance(p, dict):
                    text = p.get("content", p.get("text"))
                    if isinstance(text, str):
                        parts.append(text)
    return "\n\n".join(parts) or None
