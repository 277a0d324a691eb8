"""Google Gemini ``generateContent`` responses (Gemini API and Vertex AI), one per JSONL line.

A line is the GenerateContentResponse as returned, bare or as a logged pair /
HTTP exchange (see :mod:`tokencensus.ingest.common_llm`); the request body is
the ``generateContent`` body (``contents``, ``systemInstruction``, ``tools``).

Time. Vertex AI responses carry ``createTime`` (RFC 3339); Gemini API
responses carry none, so the time comes from the envelope's ``timestamp`` /
``ts`` / ``created_at`` key (or a recorded response's ``headers.date``). A
record with no time is quarantined, and the reason names the field to add.

Token rules (``usageMetadata``). ``promptTokenCount`` includes
``cachedContentTokenCount`` but not ``toolUsePromptTokenCount`` (tool results
fed back to the model, counted separately in ``totalTokenCount``);
``candidatesTokenCount`` excludes ``thoughtsTokenCount``. So canonical input =
prompt + toolUsePrompt, cached = cachedContent, output = candidates + thoughts,
reasoning = thoughts. The API writes proto3 JSON, which omits zero counts: a
count missing from a present ``usageMetadata`` is 0; without
``usageMetadata`` every count stays null.

Finish reason (first candidate's ``finishReason``): STOP → stop, or tool_calls
when the candidate has ``functionCall`` parts; MAX_TOKENS → length; SAFETY,
RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII, IMAGE_SAFETY and the other
IMAGE_* blocks → content_filter; MALFORMED_FUNCTION_CALL, LANGUAGE, OTHER and
anything else → other. A prompt blocked before generation (no candidates,
``promptFeedback.blockReason``) → content_filter. tool_calls counts the
``functionCall`` parts of all candidates.

Other fields: ``responseId`` → request_id; ``modelVersion`` (else the model in
a recorded request URL, ``…/models/{model}:generateContent``) → model_raw;
from a logged request: ``tools`` → tools_declared, ``systemInstruction`` and
the user ``contents`` → the classification text (in memory only).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from tokencensus import schema
from tokencensus.ingest.base import JsonLinesReader, RecordError, TextFilter, record_id
from tokencensus.ingest.common_llm import (
    Call,
    content_text,
    count,
    join,
    obj_at,
    record,
    sniff_response,
    str_at,
)
from tokencensus.ingest.validate import get_ts

_CONTENT_FILTER = frozenset({
    "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
    "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION",
})
_MODEL_IN_URL = re.compile(r"/models/([^/:?]+):")


def _finish(resp: dict[str, Any], p: str, first: dict[str, Any] | None, calls: int) -> str | None:
    if first is None:
        feedback = obj_at(resp, "promptFeedback", p) or {}
        return "content_filter" if feedback.get("blockReason") else None
    raw = str_at(first, "finishReason", p + "candidates[0].")
    if raw is None:
        return None
    if raw == "STOP":
        return "tool_calls" if calls else "stop"
    if raw == "MAX_TOKENS":
        return "length"
    return "content_filter" if raw in _CONTENT_FILTER else "other"


def _function_calls(candidate: Any) -> int:
    content = candidate.get("content") if isinstance(candidate, dict) else None
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        return 0
    return sum(1 for part in parts if isinstance(part, dict) and "functionCall" in part)


def _model(call: Call) -> str | None:
    model = str_at(call.response, "modelVersion", call.path)
    if model or not call.logged_request:
        return model
    url = call.envelope["request"].get("url")
    found = _MODEL_IN_URL.search(url) if isinstance(url, str) else None
    return found.group(1) if found else None


def _prompt_text(request: dict[str, Any]) -> str | None:
    parts: list[str] = []
    system = request.get("systemInstruction")
    if isinstance(system, dict):
        parts.extend(content_text(system.get("parts")))
    contents = request.get("contents")
    for c in contents if isinstance(contents, list) else ():
        if isinstance(c, dict) and c.get("role", "user") == "user":
            parts.extend(content_text(c.get("parts")))
    return join(parts)


def map_generate_content(
    call: Call, want_text: TextFilter | None
) -> tuple[dict[str, Any], str | None]:
    """Canonical record of one GenerateContentResponse (and its logged request)."""
    resp, p = call.response, call.path
    request_id = str_at(resp, "responseId", p) or record_id(call.envelope)
    ts = call.require_time(get_ts(resp, "createTime", p + "createTime"),
                           f"a Gemini API response ({p}createTime is Vertex AI only)")
    candidates = resp.get("candidates") or []
    if not isinstance(candidates, list):
        raise RecordError(f"{p}candidates: expected a list, got {type(candidates).__name__}")
    calls = sum(_function_calls(c) for c in candidates)
    first = candidates[0] if candidates and isinstance(candidates[0], dict) else None

    usage = obj_at(resp, "usageMetadata", p)
    if usage is None:
        input_tokens = cached = output = thoughts = None
    else:  # proto3 JSON leaves zero counts out
        up = p + "usageMetadata."
        input_tokens = (count(usage, "promptTokenCount", up) or 0) + (
            count(usage, "toolUsePromptTokenCount", up) or 0)
        cached = count(usage, "cachedContentTokenCount", up) or 0
        thoughts = count(usage, "thoughtsTokenCount", up) or 0
        output = (count(usage, "candidatesTokenCount", up) or 0
                  ) + thoughts
    rec = record(
        call, request_id=request_id, ts=ts, model_raw=_model(call), input_tokens=input_tokens,
        cached=cached, cache_write=None, output_tokens=output, reasoning=thoughts,
        tool_calls=calls, finish=_finish(resp, p, first, calls),
    )
    # Streaming is an endpoint (streamGenerateContent), not a request field.
    url = call.envelope["request"].get("url") if call.logged_request else None
    rec[schema.STREAMED] = (":streamGenerateContent" in url) if isinstance(url, str) else None
    return rec, call.prompt(request_id, want_text, _prompt_text)


class GeminiGenerateContentReader(JsonLinesReader):
    name: ClassVar[str] = "gemini"
    description: ClassVar[str] = (
        "Google Gemini / Vertex AI generateContent responses, logged with their time, JSONL")
    provides: ClassVar[frozenset[str]] = frozenset({
        schema.REQUEST_ID, schema.TS, schema.MODEL_RAW, schema.MODEL, schema.INPUT_TOKENS,
        schema.CACHED_TOKENS, schema.OUTPUT_TOKENS, schema.REASONING_TOKENS,
        schema.TOOLS_DECLARED, schema.TOOL_CALLS, schema.FINISH_REASON, schema.STATUS,
    })

    def sniff(self, head: bytes) -> bool:
        resp = sniff_response(head)
        return resp is not None and "usageMetadata" in resp and (
            "candidates" in resp or "promptFeedback" in resp)

    def map_record(
        self, obj: Any, want_text: TextFilter | None
    ) -> tuple[dict[str, Any], str | None]:
        return map_generate_content(Call(obj), want_text)
