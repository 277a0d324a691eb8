"""OpenRouter generation records (``GET /api/v1/generation``), one per JSONL line.

Accepted line shapes:

* the API response as returned, ``{"data": {<generation>}}``;
* a bare generation object ``{<generation>}``;
* the logging envelope tokencensus recommends (and ``simulate`` writes):
  ``{"data": {<generation>}, "request": {<chat request body>}, "country": "US"}``,
  i.e. the generation record next to the OpenAI-compatible request body the
  app sent (``model``, ``user``, ``tools``, ``messages``) and the account's
  billing country, which OpenRouter's record does not carry.

Token rules. OpenRouter reports two sets of counts: ``tokens_prompt`` /
``tokens_completion`` are *normalized* (one tokenizer for all models), and
``native_tokens_*`` are the model's own tokenizer, which is what the provider
bills. Canonical counts use the native ones; when a record has only the
normalized counts they are used and ``tokens_estimated`` is set.
``native_tokens_prompt`` already includes ``native_tokens_cached``, and
``native_tokens_completion`` already includes ``native_tokens_reasoning``, as
the canonical schema wants, so nothing is added back.

Other fields: ``id`` → request_id; ``created_at`` → ts; ``external_user``
(else ``request.user``) → user_id; ``http_referer`` / ``origin`` / ``app_id``
→ app; ``provider_name`` → provider; ``total_cost`` → cost_usd (reported);
``latency`` (ms) → latency_ms; ``finish_reason`` is already normalized by
OpenRouter to stop / length / tool_calls / content_filter / error; anything
else maps to ``other``, and a cancelled generation without a reason to
``cancelled``. ``tools_declared`` and ``tool_calls`` are only known when the
request body is logged. A tool-call finish counts as at least one tool call.
"""

from __future__ import annotations

from typing import Any, ClassVar

from tokencensus import schema
from tokencensus.ingest.base import (
    JsonLinesReader,
    RecordError,
    TextFilter,
    record_id,
)
from tokencensus.ingest.validate import (
    get_bool,
    get_country,
    get_float,
    get_int,
    get_obj,
    get_str,
    get_ts,
)

_FINISH = {
    "stop": "stop", "length": "length", "tool_calls": "tool_calls",
    "content_filter": "content_filter", "error": "error",
}


def _message_text(messages: Any) -> str | None:
    """User and system text of a chat request, joined; in memory only."""
    if not isinstance(messages, list):
        return None
    parts: list[str] = []
    for m in messages:
        if not isinstance(m, dict) or m.get("role") not in ("system", "user"):
            continue
        content = m.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):  # multimodal content parts
            parts.extend(p["text"] for p in content
                         if isinstance(p, dict) and isinstance(p.get("text"), str))
    return "\n\n".join(parts) if parts else None


class OpenRouterGenerationReader(JsonLinesReader):
    name: ClassVar[str] = "openrouter"
    description: ClassVar[str] = "OpenRouter generation records (GET /api/v1/generation), JSONL"
    provides: ClassVar[frozenset[str]] = frozenset({
        schema.REQUEST_ID, schema.TS, schema.USER_ID, schema.APP, schema.MODEL_RAW,
        schema.MODEL, schema.PROVIDER, schema.INPUT_TOKENS, schema.CACHED_TOKENS,
        schema.OUTPUT_TOKENS, schema.REASONING_TOKENS, schema.TOOLS_DECLARED,
        schema.TOOL_CALLS, schema.FINISH_REASON, schema.COST_USD, schema.IS_BYOK,
        schema.LATENCY_MS, schema.STREAMED, schema.CANCELLED, schema.STATUS, schema.COUNTRY,
    })

    def sniff(self, head: bytes) -> bool:
        first = head.lstrip()[:4096]
        return first.startswith(b"{") and (
            b'"tokens_prompt"' in first or b'"native_tokens_prompt"' in first
        ) and b'"gen-' in first

    def map_record(
        self, obj: Any, want_text: TextFilter | None
    ) -> tuple[dict[str, Any], str | None]:
        if not isinstance(obj, dict):
            raise RecordError("expected a JSON object per line")
        data = get_obj(obj, "data", "data") if "data" in obj else obj
        if data is None:
            raise RecordError("data: missing generation object")
        p = "data." if "data" in obj else ""
        request = get_obj(obj, "request", "request") or {}

        created = get_ts(data, "created_at", p + "created_at")
        if created is None:
            raise RecordError(f"{p}created_at: missing; every generation record has one")
        model_raw = get_str(data, "model", p + "model")
        if not model_raw:
            raise RecordError(f"{p}model: missing; every generation record has one")

        native_in = get_int(data, "native_tokens_prompt", p + "native_tokens_prompt")
        native_out = get_int(data, "native_tokens_completion", p + "native_tokens_completion")
        norm_in = get_int(data, "tokens_prompt", p + "tokens_prompt")
        norm_out = get_int(data, "tokens_completion", p + "tokens_completion")
        estimated = native_in is None and native_out is None
        input_tokens = norm_in if estimated else native_in
        output_tokens = norm_out if estimated else native_out

        cancelled = get_bool(data, "cancelled", p + "cancelled")
        raw_finish = get_str(data, "finish_reason", p + "finish_reason")
        finish = _FINISH.get(raw_finish, "other") if raw_finish else (
            "cancelled" if cancelled else None)

        tools = request.get("tools")
        tools_declared = (isinstance(tools, list) and len(tools) > 0) if request else None
        tool_calls = (1 if finish == "tool_calls" else 0) if request else None

        request_id = get_str(data, "id", p + "id") or record_id(obj)
        text = None
        if want_text is not None and want_text(request_id):
            text = _message_text(request.get("messages"))
        user = get_str(data, "external_user", p + "external_user") or get_str(
            request, "user", "request.user")
        app = (get_str(data, "http_referer", p + "http_referer")
               or get_str(data, "origin", p + "origin")
               or get_str(data, "app_id", p + "app_id"))
        record = {
            schema.REQUEST_ID: request_id,
            schema.TS: created,
            schema.USER_ID: user,
            schema.APP: app or None,
            schema.MODEL_RAW: model_raw,
            schema.PROVIDER: get_str(data, "provider_name", p + "provider_name"),
            schema.INPUT_TOKENS: input_tokens,
            schema.CACHED_TOKENS: None if estimated else get_int(
                data, "native_tokens_cached", p + "native_tokens_cached"),
            schema.OUTPUT_TOKENS: output_tokens,
            schema.REASONING_TOKENS: None if estimated else get_int(
                data, "native_tokens_reasoning", p + "native_tokens_reasoning"),
            schema.TOOLS_DECLARED: tools_declared,
            schema.TOOL_CALLS: tool_calls,
            schema.FINISH_REASON: finish,
            schema.COST_USD: get_float(data, "total_cost", p + "total_cost"),
            schema.COST_SOURCE: "reported" if data.get("total_cost") is not None else None,
            schema.IS_BYOK: get_bool(data, "is_byok", p + "is_byok"),
            schema.LATENCY_MS: get_float(data, "latency", p + "latency"),
            schema.STREAMED: get_bool(data, "streamed", p + "streamed"),
            schema.CANCELLED: cancelled,
            schema.STATUS: "error" if finish == "error" else "ok",
            schema.COUNTRY: get_country(obj, "country", "country"),
            schema.TOKENS_ESTIMATED: estimated,
        }
        return record, text

