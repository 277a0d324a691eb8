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

Two paths build the same record with one builder (``_record``): ``map_fast``
decodes the documented envelope with msgspec straight into the fields used (about
a third of the time per record), and ``map_record`` (orjson, then checked getters)
reads every other shape and gives every quarantine reason; see
``tests/ingest/test_openrouter_fast.py`` for the proof that they agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

import msgspec
from msgspec import UNSET, Struct, UnsetType

from tokencensus import schema
from tokencensus.ingest.base import (
    JsonLinesReader,
    RecordError,
    TextFilter,
    record_id,
)
from tokencensus.ingest.validate import (
    TypedCount,
    TypedInt,
    country_code,
    get_bool,
    get_country,
    get_float,
    get_int,
    get_obj,
    get_str,
    get_ts,
    loads,
    timestamp,
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
        return _record(
            request_id=get_str(data, "id", p + "id") or record_id(obj),
            created=get_ts(data, "created_at", p + "created_at"),
            model_raw=get_str(data, "model", p + "model"),
            native_in=get_int(data, "native_tokens_prompt", p + "native_tokens_prompt"),
            native_out=get_int(data, "native_tokens_completion", p + "native_tokens_completion"),
            norm_in=get_int(data, "tokens_prompt", p + "tokens_prompt"),
            norm_out=get_int(data, "tokens_completion", p + "tokens_completion"),
            cached=get_int(data, "native_tokens_cached", p + "native_tokens_cached"),
            reasoning=get_int(data, "native_tokens_reasoning", p + "native_tokens_reasoning"),
            cancelled=get_bool(data, "cancelled", p + "cancelled"),
            raw_finish=get_str(data, "finish_reason", p + "finish_reason"),
            user=get_str(data, "external_user", p + "external_user") or get_str(
                request, "user", "request.user"),
            app=(get_str(data, "http_referer", p + "http_referer")
                 or get_str(data, "origin", p + "origin")
                 or get_str(data, "app_id", p + "app_id")),
            provider=get_str(data, "provider_name", p + "provider_name"),
            cost=get_float(data, "total_cost", p + "total_cost"),
            byok=get_bool(data, "is_byok", p + "is_byok"),
            latency=get_float(data, "latency", p + "latency"),
            streamed=get_bool(data, "streamed", p + "streamed"),
            country=get_country(obj, "country", "country"),
            request_logged=bool(request), tools=request.get("tools"),
            messages=lambda: request.get("messages"), path=p, want_text=want_text)

    def map_fast(self, raw: bytes,
                 want_text: TextFilter | None) -> tuple[dict[str, Any], str | None] | None:
        """The documented envelope ``{"data": {...}, ...}``, decoded by msgspec straight
        into the fields used; None sends the line to map_record."""
        try:
            line = _LINE.decode(raw)
        except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
            return None  # RecursionError: nesting orjson reads (to depth 1024) and msgspec not
        data, request = line.data, line.request
        if data is UNSET or not data.id or (request is not None and not request.present()):
            return None  # a bare generation, an id to derive, a request body to look into
        try:
            return _record(
                request_id=data.id, created=timestamp(data.created_at, "data.created_at"),
                model_raw=data.model, native_in=data.native_tokens_prompt,
                native_out=data.native_tokens_completion, norm_in=data.tokens_prompt,
                norm_out=data.tokens_completion, cached=data.native_tokens_cached,
                reasoning=data.native_tokens_reasoning, cancelled=data.cancelled,
                raw_finish=data.finish_reason,
                user=data.external_user or (
                    request.user_value() if request is not None else None),
                app=data.http_referer or data.origin or _app_id(data.app_id),
                provider=data.provider_name, cost=_number(data.total_cost),
                byok=data.is_byok, latency=_number(data.latency), streamed=data.streamed,
                country=country_code(line.country, "country"),
                request_logged=request is not None,
                tools=request.tools if request is not None else None,
                messages=lambda: request.messages_value() if request is not None else None,
                path="data.", want_text=want_text)
        except RecordError:
            return None


class _Generation(Struct, gc=False):
    """The fields of a generation record that the mapping reads, typed no looser than the
    reference's get_* checks (a value they accept leniently goes the reference way)."""

    id: str | None = None
    created_at: str | None = None
    model: str | None = None
    native_tokens_prompt: TypedCount | None = None
    native_tokens_completion: TypedCount | None = None
    tokens_prompt: TypedCount | None = None
    tokens_completion: TypedCount | None = None
    native_tokens_cached: TypedCount | None = None
    native_tokens_reasoning: TypedCount | None = None
    cancelled: bool | None = None
    finish_reason: str | None = None
    external_user: str | None = None
    http_referer: str | None = None
    origin: str | None = None
    app_id: str | TypedInt | None = None
    provider_name: str | None = None
    total_cost: TypedInt | float | None = None
    is_byok: bool | None = None
    latency: TypedInt | float | None = None
    streamed: bool | None = None


class _Request(Struct, gc=False):
    """The logged chat request: UNSET tells an absent key from a null one, and the
    messages stay raw JSON unless the prompt is sampled."""

    model: Any = UNSET
    messages: msgspec.Raw | UnsetType = UNSET
    tools: Any = UNSET
    user: str | None | UnsetType = UNSET

    def present(self) -> bool:
        """True when a key the struct knows is present: then the object is not empty,
        as the reference's ``bool(request)`` asks (other objects go the reference way)."""
        return not (self.model is UNSET and self.messages is UNSET and self.tools is UNSET
                    and self.user is UNSET)

    def user_value(self) -> str | None:
        return None if self.user is UNSET else self.user

    def messages_value(self) -> Any:
        return None if self.messages is UNSET else loads(bytes(self.messages))


class _Line(Struct, gc=False):
    data: _Generation | UnsetType = UNSET
    request: _Request | None = None
    country: str | None = None


_LINE = msgspec.json.Decoder(_Line)


def _app_id(value: str | int | None) -> str | None:
    return str(value) if isinstance(value, int) else value


def _number(value: float | None) -> float | None:
    return None if value is None else float(value)


def _record(*, request_id: str, created: dt.datetime | None, model_raw: str | None,
            native_in: int | None, native_out: int | None, norm_in: int | None,
            norm_out: int | None, cached: int | None, reasoning: int | None,
            cancelled: bool | None, raw_finish: str | None, user: str | None,
            app: str | None, provider: str | None, cost: float | None, byok: bool | None,
            latency: float | None, streamed: bool | None, country: str | None,
            request_logged: bool, tools: Any, messages: Callable[[], Any], path: str,
            want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
    """The canonical record from one generation's field values, however they were decoded."""
    if created is None:
        raise RecordError(f"{path}created_at: missing; every generation record has one")
    if not model_raw:
        raise RecordError(f"{path}model: missing; every generation record has one")
    estimated = native_in is None and native_out is None
    finish = _FINISH.get(raw_finish, "other") if raw_finish else (
        "cancelled" if cancelled else None)
    text = None
    if want_text is not None and want_text(request_id):
        text = _message_text(messages())
    record = {
        schema.REQUEST_ID: request_id,
        schema.TS: created,
        schema.USER_ID: user,
        schema.APP: app or None,
        schema.MODEL_RAW: model_raw,
        schema.PROVIDER: provider,
        schema.INPUT_TOKENS: norm_in if estimated else native_in,
        schema.CACHED_TOKENS: None if estimated else cached,
        schema.OUTPUT_TOKENS: norm_out if estimated else native_out,
        schema.REASONING_TOKENS: None if estimated else reasoning,
        schema.TOOLS_DECLARED: (isinstance(tools, list) and len(tools) > 0)
        if request_logged else None,
        schema.TOOL_CALLS: (1 if finish == "tool_calls" else 0) if request_logged else None,
        schema.FINISH_REASON: finish,
        schema.COST_USD: cost,
        schema.COST_SOURCE: "reported" if cost is not None else None,
        schema.IS_BYOK: byok,
        schema.LATENCY_MS: latency,
        schema.STREAMED: streamed,
        schema.CANCELLED: cancelled,
        schema.STATUS: "error" if finish == "error" else "ok",
        schema.COUNTRY: country,
        schema.TOKENS_ESTIMATED: estimated,
    }
    return record, text
