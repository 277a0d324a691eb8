"""OpenInference spans: Arize Phoenix span JSON (JSONL), or OTLP/JSON carrying OpenInference.

Accepted shapes:

* one Phoenix span per line, as in the OpenInference spec (``spec/traces.md``)
  and Phoenix's REST ``Span``: ``{"name", "context": {"trace_id", "span_id"},
  "span_kind", "parent_id", "start_time", "end_time", "status_code",
  "attributes": {...}, "events"}``; attributes may be flat dotted keys or
  nested objects (Phoenix stores them nested); a line may also be a REST page
  ``{"data": [span, ...], "next_cursor": ...}``;
* OTLP/JSON export requests whose spans carry ``openinference.span.kind``
  (what an OpenInference instrumentation sends to Phoenix or a Collector).

Only ``LLM`` spans are requests; the others (CHAIN, TOOL, RETRIEVER, …) are
skipped.

Token rules (OpenInference semantic conventions): ``llm.token_count.prompt``
is the whole prompt, and ``llm.token_count.prompt_details.cache_read`` /
``cache_write`` are details of it ("maps to cached_tokens in OpenAI
responses"), so prompt is canonical input as is;
``llm.token_count.completion`` includes
``llm.token_count.completion_details.reasoning``. If cache details exceed the
prompt count (an instrumentation passing Anthropic's exclusive input through),
they are added back.

Other fields: request_id = ``trace_id:span_id``; ts = start; latency = end −
start; model_raw = ``llm.response.model_name`` else ``llm.model_name`` else
``llm.request.model_name``; provider = ``llm.provider`` else ``llm.system``;
session_id = ``session.id``; user_id = ``user.id``; cost = ``llm.cost.total``
(reported); finish_reason = ``llm.finish_reason`` mapped to the canonical
vocabulary (status ERROR without one gives ``error``); tool_calls = number of
``llm.output_messages.N.message.tool_calls.M`` entries; tools_declared =
``llm.tools`` present.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import Any, ClassVar

from tokencensus import schema
from tokencensus.ingest.base import RecordError, TextFilter
from tokencensus.ingest.otlp_typed import request_spans
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.spans import (
    Item,
    Span,
    StreamReader,
    attr_int,
    attr_str,
    decode_line,
    finish_reason,
    flatten,
    otlp_is_jsonl,
    otlp_requests,
    otlp_spans,
    span_json,
)
from tokencensus.ingest.tabular import RawRecord
from tokencensus.ingest.validate import epoch_micros, get_float, get_ts

_OTLP = re.compile(rb'"resource_?[sS]pans"')
_TOOL_CALL = re.compile(r"^llm\.output_messages\.(\d+)\.message\.tool_calls\.(\d+)\.")
_INPUT = re.compile(r"^llm\.input_messages\.(\d+)\.message\.(role|content)$")


def _phoenix_span(obj: Any) -> Span | RecordError | None:
    """The span of one Phoenix span object; None for a span that is plainly not an LLM
    call (its kind says so and no attribute could override it), which is not a record
    read, so its times and attributes are not even decoded."""
    try:
        if not isinstance(obj, dict):
            raise RecordError("expected a span object")
        context = obj.get("context") or {}
        if not isinstance(context, dict):
            raise RecordError("context: expected an object")
        trace_id, span_id = context.get("trace_id"), context.get("span_id")
        if not isinstance(trace_id, str) or not isinstance(span_id, str) or not span_id:
            raise RecordError("context.trace_id/span_id: missing; every span has both")
        attrs = obj.get("attributes") or {}
        if not isinstance(attrs, dict):
            raise RecordError("attributes: expected an object")
        kind = obj.get("span_kind")
        if type(kind) is str and kind != "LLM" and not any(
                key.startswith("openinference") for key in attrs):
            return None
        attrs = flatten(attrs)
        kind = obj.get("span_kind")
        if isinstance(kind, str) and "openinference.span.kind" not in attrs:
            attrs["openinference.span.kind"] = kind
        return Span(
            trace_id=trace_id, span_id=span_id, parent_id=obj.get("parent_id"),
            name=str(obj.get("name") or ""), start=_micros(obj, "start_time"),
            end=_micros(obj, "end_time"), error=obj.get("status_code") == "ERROR",
            attrs=attrs, resource={}, path="span", raw=partial(span_json, obj),
        )
    except RecordError as e:
        return e


def _input_text(attrs: dict[str, Any]) -> str | None:
    msgs: dict[int, dict[str, Any]] = {}
    for key, value in attrs.items():
        m = _INPUT.match(key)
        if m:
            msgs.setdefault(int(m.group(1)), {})[m.group(2)] = value
    parts = [m["content"] for _, m in sorted(msgs.items())
             if m.get("role") in ("system", "user") and isinstance(m.get("content"), str)]
    if parts:
        return "\n\n".join(parts)
    value = attrs.get("input.value")
    return value if isinstance(value, str) else None


def _request_spans(line: int, raw: bytes,
                   request: Any) -> Iterator[tuple[int, RawRecord, Span | RecordError]]:
    """Spans of one OTLP export request (or the error that made it unreadable)."""
    if isinstance(request, RecordError):
        yield line, raw, request
        return
    for span in otlp_spans(request):
        yield line, raw if isinstance(span, RecordError) else span.raw, span


def _line_spans(line: int, raw: bytes) -> Iterator[tuple[int, RawRecord, Span | RecordError]]:
    """Spans of one JSONL line: an OTLP export request, a Phoenix span, or a Phoenix page
    of spans under ``data``."""
    if raw.lstrip().startswith(b'{"resourceSpans"'):  # as the Collector writes it
        spans = request_spans(raw)  # the fast path; None sends the line the reference way
        if spans is not None:
            for span in spans:
                yield line, span.raw, span
            return
    obj = decode_line(raw)
    if isinstance(obj, dict) and ("resourceSpans" in obj or "resource_spans" in obj):
        yield from _request_spans(line, raw, obj)
        return
    if isinstance(obj, RecordError):
        yield line, raw, obj
        return
    page = obj.get("data") if isinstance(obj, dict) else None
    for item in page if isinstance(page, list) else [obj]:
        span = _phoenix_span(item)
        if span is not None:
            yield line, raw, span


class OpenInferenceReader(StreamReader):
    name: ClassVar[str] = "openinference"
    description: ClassVar[str] = "OpenInference spans: Phoenix span JSONL or OTLP/JSON"
    provides: ClassVar[frozenset[str]] = frozenset({
        schema.REQUEST_ID, schema.TS, schema.USER_ID, schema.SESSION_ID, schema.MODEL_RAW,
        schema.MODEL, schema.PROVIDER, schema.INPUT_TOKENS, schema.CACHED_TOKENS,
        schema.CACHE_WRITE_TOKENS, schema.OUTPUT_TOKENS, schema.REASONING_TOKENS,
        schema.TOOLS_DECLARED, schema.TOOL_CALLS, schema.FINISH_REASON, schema.COST_USD,
        schema.LATENCY_MS, schema.STATUS, schema.APP,
    })

    def sniff(self, head: bytes) -> bool:
        if b"openinference.span.kind" in head:
            return True
        first = head.lstrip()[:4096]
        return (first.startswith(b"{") and b'"span_kind"' in first and b'"context"' in first
                and b'"trace_id"' in first)

    def per_line(self, source: SourceFile) -> bool:
        return not _OTLP.search(source.head(4096)) or otlp_is_jsonl(source)

    def items(self, source: SourceFile, want_text: TextFilter | None) -> Iterator[Item]:
        if self.per_line(source):
            for line, raw in source.lines():
                yield from self.line_items(line, raw, want_text)
            return
        for line, raw, request in otlp_requests(source):  # one OTLP/JSON document
            yield from self._mapped(_request_spans(line, raw, request), want_text)

    def line_items(self, line: int, raw: bytes, want_text: TextFilter | None) -> Iterator[Item]:
        if raw.strip():
            yield from self._mapped(_line_spans(line, raw), want_text)

    def _mapped(self, spans: Iterator[tuple[int, RawRecord, Span | RecordError]],
                want_text: TextFilter | None) -> Iterator[Item]:
        for line, raw, span in spans:
            if isinstance(span, RecordError):
                yield line, raw, span, None
            elif span.attrs.get("openinference.span.kind") == "LLM":
                try:
                    record, text = self.map_span(span, want_text)
                except RecordError as e:
                    yield line, span.raw, e, None
                    continue
                yield line, span.raw, record, text

    def map_span(self, span: Span,
                 want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
        a = span.attrs
        if span.start is None:
            raise RecordError("start_time: missing; every span has one")
        inp = attr_int(a, "llm.token_count.prompt")
        cached = attr_int(a, "llm.token_count.prompt_details.cache_read")
        written = attr_int(a, "llm.token_count.prompt_details.cache_write")
        if inp is not None and (cached or 0) + (written or 0) > inp:
            inp += (cached or 0) + (written or 0)
        finish = finish_reason(a.get("llm.finish_reason"))
        if finish is None and span.error:
            finish = "error"
        # Spans carry many flattened message attributes: filter them in comprehensions.
        outputs = [key for key in a if key.startswith("llm.output_messages.")]
        calls = {m.groups() for key in outputs if (m := _TOOL_CALL.match(key))}
        tools_declared = any(key.startswith("llm.tools") for key in a)
        has_output = bool(outputs)
        model_raw = attr_str(a, "llm.response.model_name", "llm.model_name",
                             "llm.request.model_name")
        cost = get_float(a, "llm.cost.total", "llm.cost.total")
        request_id = f"{span.trace_id}:{span.span_id}"
        text = _input_text(a) if want_text is not None and want_text(request_id) else None
        latency = ((span.end - span.start) / 1000  # microseconds
                   if span.end is not None and span.end >= span.start else None)
        record = {
            schema.REQUEST_ID: request_id,
            schema.TS: span.start,
            schema.USER_ID: attr_str(a, "user.id"),
            schema.SESSION_ID: attr_str(a, "session.id"),
            schema.APP: attr_str(span.resource, "service.name"),
            schema.MODEL_RAW: model_raw,
            schema.PROVIDER: attr_str(a, "llm.provider", "llm.system"),
            schema.INPUT_TOKENS: inp,
            schema.CACHED_TOKENS: cached,
            schema.CACHE_WRITE_TOKENS: written,
            schema.OUTPUT_TOKENS: attr_int(a, "llm.token_count.completion"),
            schema.REASONING_TOKENS: attr_int(a, "llm.token_count.completion_details.reasoning"),
            schema.TOOLS_DECLARED: True if tools_declared else None,
            schema.TOOL_CALLS: len(calls) if has_output else None,
            schema.FINISH_REASON: finish,
            schema.COST_USD: cost,
            schema.COST_SOURCE: "reported" if cost is not None else None,
            schema.LATENCY_MS: latency,
            schema.STATUS: "error" if span.error or finish == "error" else "ok",
        }
        return record, text


def _micros(obj: dict[str, Any], key: str) -> int | None:
    """A Phoenix ISO 8601 time as the Unix microseconds a :class:`Span` holds."""
    ts = get_ts(obj, key, key)
    return epoch_micros(ts) if ts is not None else None
