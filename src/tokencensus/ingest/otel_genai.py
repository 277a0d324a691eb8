"""OpenTelemetry GenAI client spans as OTLP/JSON (one document, or JSONL of export requests).

A span is one request when its ``gen_ai.operation.name`` is ``chat``,
``text_completion`` or ``generate_content``, or when it has no operation name
but carries ``gen_ai.usage.*`` counts. ``execute_tool`` spans are not requests:
each is counted as a tool call of the latest request span of the same trace
(in the same export request) that ended before the tool span started. Other
spans (``invoke_agent``, ``embeddings``, HTTP, …) are skipped.

Token rules. Both generations of the conventions are read:

* current: ``gen_ai.usage.input_tokens`` / ``output_tokens``,
  ``gen_ai.provider.name``; the registry says input_tokens "SHOULD include all
  types of input tokens, including cached tokens", with
  ``gen_ai.usage.cache_read.input_tokens`` and
  ``gen_ai.usage.cache_creation.input_tokens`` as subsets, and
  ``gen_ai.usage.reasoning.output_tokens`` included in output_tokens; this is
  the canonical definition, so nothing is added. An instrumentation that
  passes Anthropic's exclusive counts through (cache reads + writes greater
  than input_tokens) is detected and the cache counts are added back.
* older (semconv ≤ 1.26): ``gen_ai.usage.prompt_tokens`` /
  ``completion_tokens`` and ``gen_ai.system``.

Other fields: request_id = ``traceId:spanId`` (unique, and stable across
re-exports); ts = span start; latency = end − start; model_raw =
``gen_ai.response.model`` else ``gen_ai.request.model``; provider =
``gen_ai.provider.name`` else ``gen_ai.system``; session_id =
``gen_ai.conversation.id`` else ``session.id``; user_id = ``user.id`` else
``enduser.id``; app = the resource's ``service.name``; finish_reason = the
first of ``gen_ai.response.finish_reasons`` mapped to the canonical
vocabulary; a span with status ERROR has status ``error``; tools_declared =
``gen_ai.tool.definitions`` present (null when absent: it is opt-in).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    message_text,
    otlp_is_jsonl,
    otlp_requests,
    otlp_spans,
)

_REQUEST_OPS = {"chat", "text_completion", "generate_content"}
_USAGE_KEYS = ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
               "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens")
_OTLP = re.compile(rb'"resource_?[sS]pans"')


def is_request(span: Span) -> bool:
    op = span.attrs.get("gen_ai.operation.name")
    if op is not None:
        return isinstance(op, str) and op in _REQUEST_OPS
    return any(k in span.attrs for k in _USAGE_KEYS)


def tool_counts(spans: list[Span]) -> dict[str, int]:
    """execute_tool spans per request span (keyed by span id), within one export request."""
    if len(spans) < 2 or not any(
            s.attrs.get("gen_ai.operation.name") == "execute_tool" for s in spans):
        return {}  # the usual line: one request span, no tool spans beside it
    requests = sorted((s for s in spans
                       if is_request(s) and s.start is not None and s.end is not None),
                      key=lambda s: s.start)  # type: ignore[arg-type,return-value]
    counts: dict[str, int] = {}
    for tool in spans:
        if tool.attrs.get("gen_ai.operation.name") != "execute_tool" or tool.start is None:
            continue
        owner = None
        for req in requests:
            if req.trace_id == tool.trace_id and req.end <= tool.start:  # type: ignore[operator]
                owner = req
        if owner is not None:
            counts[owner.span_id] = counts.get(owner.span_id, 0) + 1
    return counts


class OtelGenAIReader(StreamReader):
    name: ClassVar[str] = "otel_genai"
    description: ClassVar[str] = "OpenTelemetry GenAI spans, OTLP/JSON (document or JSONL)"
    provides: ClassVar[frozenset[str]] = frozenset({
        schema.REQUEST_ID, schema.TS, schema.USER_ID, schema.SESSION_ID, schema.APP,
        schema.MODEL_RAW, schema.MODEL, schema.PROVIDER, schema.INPUT_TOKENS,
        schema.CACHED_TOKENS, schema.CACHE_WRITE_TOKENS, schema.OUTPUT_TOKENS,
        schema.REASONING_TOKENS, schema.TOOLS_DECLARED, schema.TOOL_CALLS,
        schema.FINISH_REASON, schema.LATENCY_MS, schema.STATUS,
    })

    def sniff(self, head: bytes) -> bool:
        return (_OTLP.search(head) is not None and b'"gen_ai.' in head
                and b"openinference.span.kind" not in head)

    def per_line(self, source: SourceFile) -> bool:
        return otlp_is_jsonl(source)  # tool spans count within their own export request

    def items(self, source: SourceFile, want_text: TextFilter | None) -> Iterator[Item]:
        for line, raw, request in otlp_requests(source):
            yield from self._request_items(line, raw, request, want_text)

    def line_items(self, line: int, raw: bytes, want_text: TextFilter | None) -> Iterator[Item]:
        if not raw.strip():
            return
        spans = request_spans(raw)  # the fast path; None sends the line the reference way
        if spans is None:
            yield from self._request_items(line, raw, decode_line(raw), want_text)
        else:
            yield from self._span_items(line, spans, want_text)

    def _request_items(self, line: int, raw: bytes, request: Any,
                       want_text: TextFilter | None) -> Iterator[Item]:
        """The request spans of one export request, mapped."""
        if isinstance(request, RecordError):
            yield line, raw, request, None
            return
        spans: list[Span] = []
        for span in otlp_spans(request):
            if isinstance(span, RecordError):
                yield line, raw, span, None
            else:
                spans.append(span)
        yield from self._span_items(line, spans, want_text)

    def _span_items(self, line: int, spans: list[Span],
                    want_text: TextFilter | None) -> Iterator[Item]:
        tools = tool_counts(spans)
        for span in spans:
            if is_request(span):
                try:
                    record, text = self.map_span(span, tools.get(span.span_id), want_text)
                except RecordError as e:
                    yield line, span.raw, RecordError(f"{span.path}: {e}"), None
                    continue
                yield line, span.raw, record, text

    def map_span(self, span: Span, tools: int | None,
                 want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
        a = span.attrs
        if span.start is None:
            raise RecordError("startTimeUnixNano: missing; every span has one")
        inp = attr_int(a, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
        out = attr_int(a, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
        cached = attr_int(a, "gen_ai.usage.cache_read.input_tokens")
        written = attr_int(a, "gen_ai.usage.cache_creation.input_tokens")
        if inp is not None and (cached or 0) + (written or 0) > inp:
            inp += (cached or 0) + (written or 0)  # exclusive (Anthropic-style) counts
        reasons = a.get("gen_ai.response.finish_reasons")
        if isinstance(reasons, list):
            reasons = reasons[0] if reasons else None
        finish = finish_reason(reasons)
        if finish is None and span.error:
            finish = "error"
        if tools is None:
            tools = 1 if finish == "tool_calls" else (0 if finish is not None else None)
        model_raw = attr_str(a, "gen_ai.response.model", "gen_ai.request.model")
        request_id = f"{span.trace_id}:{span.span_id}"
        text = None
        if want_text is not None and want_text(request_id):
            text = message_text(a.get("gen_ai.input.messages"))
        latency = ((span.end - span.start) / 1000  # microseconds
                   if span.end is not None and span.end >= span.start else None)
        defs = a.get("gen_ai.tool.definitions")
        record = {
            schema.REQUEST_ID: request_id,
            schema.TS: span.start,
            schema.USER_ID: attr_str(a, "user.id", "enduser.id"),
            schema.SESSION_ID: attr_str(a, "gen_ai.conversation.id", "session.id"),
            schema.APP: attr_str(span.resource, "service.name"),
            schema.MODEL_RAW: model_raw,
            schema.PROVIDER: attr_str(a, "gen_ai.provider.name", "gen_ai.system"),
            schema.INPUT_TOKENS: inp,
            schema.CACHED_TOKENS: cached,
            schema.CACHE_WRITE_TOKENS: written,
            schema.OUTPUT_TOKENS: out,
            schema.REASONING_TOKENS: attr_int(a, "gen_ai.usage.reasoning.output_tokens"),
            schema.TOOLS_DECLARED: (bool(defs) and defs != "[]") if defs is not None else None,
            schema.TOOL_CALLS: tools,
            schema.FINISH_REASON: finish,
            schema.LATENCY_MS: latency,
            schema.STATUS: "error" if span.error or finish == "error" else "ok",
        }
        return record, text
