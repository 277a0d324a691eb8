"""Helicone request export: the export tool's JSONL / JSON / CSV, or request-query API pages.

Accepted shapes (see tests/data/helicone/SOURCES.md):

* rows of ``POST /v1/request/query-clickhouse`` (Helicone's ``HeliconeRequest``:
  ``request_id``, ``request_created_at``, ``model``, ``provider``,
  ``prompt_tokens``, ``prompt_cache_read_tokens``, ``prompt_cache_write_tokens``,
  ``completion_tokens``, ``cost``, ``delay_ms``, ``time_to_first_token``,
  ``response_status``, ``country_code``, ``properties``, …), one per line (the
  export tool's default JSONL), as a JSON array (its ``--format json``), or as
  API pages ``{"data": [...], "error": null}``; the older ``/v1/request/query``
  rows (``response_model``, ``costUSD``) read the same way;
* the export tool's CSV (``--format csv``): ``response_id``, ``response_created_at``,
  ``response_status``, ``request_created_at``, ``request_body``,
  ``request_properties``, ``request_user_id``, ``model``, ``prompt_tokens``,
  ``completion_tokens``, ``latency``, ``cost`` (``cost_usd`` in later versions).
  It carries no ``request_id``, so the request is identified by its
  ``response_id`` there (a request exported both ways is stored twice), and no
  cache or audio counts: its input is ``prompt_tokens`` alone, which undercounts
  requests that read or wrote the cache (cached and cache-write stay null). The
  JSONL export has them all.

Helicone's own events are not LLM calls and are skipped, not counted as read: a
model of ``vector_db``, ``tool:<name>`` (custom tool and vector-DB logs) or
``assistant-polling`` (an Assistants run-status poll).

Token rules. Helicone stores usage in separately priced buckets: its cost
function bills ``prompt_tokens`` as "the fresh, uncached tokens" and adds
``prompt_cache_write_tokens``, ``prompt_cache_read_tokens``, ``prompt_audio_tokens``,
``completion_tokens`` and ``completion_audio_tokens`` at their own prices. Its
OpenAI parser stores ``prompt_tokens`` minus cached and audio tokens, and
``completion_tokens`` minus audio; its Anthropic parser stores ``input_tokens``
(which excludes cache reads and writes) with the cache counts beside it; its
Gemini parser adds thoughts to candidates. So canonical input = prompt + cache
read + cache write + prompt audio, cached = cache read, cache write = cache write,
output = completion + completion audio (reasoning included; Helicone keeps no
reasoning count, so reasoning is null). The rows' ``total_tokens`` is only
prompt + completion and is not read. Rows logged while Helicone's generic OpenAI
parser still stored the inclusive ``prompt_tokens`` overstate input by their cache
reads; a row does not say which parser wrote it.

Other fields: request_id; ts = ``request_created_at`` (UTC); model_raw = ``model``
(the API's pick of override, request and response model; ``unknown`` is null),
else ``model_override`` / ``response_model`` / ``request_model``; provider
(Helicone's name, e.g. ``OPENAI``); user_id = ``request_user_id``; session_id =
the ``Helicone-Session-Id`` property; cost_usd = ``cost`` (USD), else ``costUSD``
/ ``cost_usd`` (Helicone's prices; reported); latency_ms = ``delay_ms`` (else
``latency``); ttft_ms = ``time_to_first_token``; country = ``country_code``.
``response_status`` 2xx/3xx is ok, 4xx/5xx error (finish reason ``error``), -3 a
stream the client cancelled (finish reason ``cancelled``); other values leave
status unknown. When the export includes bodies (``--include-body``), the
response's ``choices[0].finish_reason`` or ``stop_reason`` gives the finish reason
and its tool calls, the request's ``tools`` whether tools were declared,
``stream`` whether it streamed, and its messages the prompt text (in memory only);
the placeholder ``{"helicone_message": ...}`` Helicone returns without bodies
counts as not logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import orjson

from tokencensus import schema
from tokencensus.ingest.base import Chunk, Reader, RecordError, TextFilter
from tokencensus.ingest.common_llm import (
    add,
    content_text,
    export_is_csv,
    json_cells,
    read_export,
)
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.spans import finish_reason, message_text
from tokencensus.ingest.tabular import chunks, csv_header, csv_records
from tokencensus.ingest.validate import get_country, get_float, get_int, get_obj, get_str, get_ts

#: Helicone's status for a stream the client cancelled (``INTERNAL_ERRORS.Cancelled``).
CANCELLED_STATUS = -3
SESSION_PROPERTY = "Helicone-Session-Id"
_EVENT_MODELS = ("vector_db", "assistant-polling")
_MODEL_KEYS = ("model", "model_override", "response_model", "request_model")
#: CSV columns holding numbers or JSON; the others are read as text.
_JSON_COLUMNS = (
    "response_status", "request_body", "response_body", "request_properties", "properties",
    "prompt_tokens", "completion_tokens", "prompt_cache_read_tokens",
    "prompt_cache_write_tokens", "prompt_audio_tokens", "completion_audio_tokens",
    "latency", "delay_ms", "time_to_first_token", "cost", "costUSD", "cost_usd",
)


def _model(row: dict[str, Any]) -> str | None:
    for key in _MODEL_KEYS:
        value = get_str(row, key, key)
        if value and value != "unknown":
            return value
    return None


def _first_float(row: dict[str, Any], *keys: str) -> float | None:
    """The first of ``keys`` the row has a number under (names changed between versions)."""
    for key in keys:
        value = get_float(row, key, key)
        if value is not None:
            return value
    return None


def _body(row: dict[str, Any], key: str) -> dict[str, Any] | None:
    """A logged request/response body; None when absent or Helicone's placeholder."""
    value = row.get(key)
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            return None
    if not isinstance(value, dict) or "helicone_message" in value:
        return None
    return value


def _outcome(response: dict[str, Any] | None) -> tuple[str | None, int | None]:
    """(finish reason, tool calls) of an OpenAI- or Anthropic-shaped response body."""
    if response is None:
        return None, None
    choices = response.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        message = choices[0].get("message")
        calls = message.get("tool_calls") if isinstance(message, dict) else None
        return finish_reason(choices[0].get("finish_reason")), (
            len(calls) if isinstance(calls, list) else 0)
    if "stop_reason" in response:
        content = response.get("content")
        blocks = content if isinstance(content, list) else []
        return finish_reason(response.get("stop_reason")), sum(
            1 for b in blocks if isinstance(b, dict) and b.get("type") == "tool_use")
    return None, None


def _status_code(row: dict[str, Any]) -> int | None:
    value = row.get("response_status")
    if type(value) is int:
        return value  # Helicone's own codes are negative (-3: cancelled)
    return get_int(row, "response_status", "response_status")


def _status(code: int | None) -> str | None:
    """ok / error by HTTP status; a cancelled stream is ok (and cancelled); others unknown."""
    if code is not None and (code == CANCELLED_STATUS or 200 <= code < 400):
        return "ok"
    return "error" if code is not None and 400 <= code < 600 else None


def _prompt_text(request: dict[str, Any] | None) -> str | None:
    if request is None:
        return None
    system = [t for t in content_text(request.get("system")) if t]
    text = message_text(request.get("messages"))
    return "\n\n".join([*system, *([text] if text else [])]) or None


def map_request(row: Any, want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
    """One Helicone request row (export or API) as a canonical record."""
    if not isinstance(row, dict):
        raise RecordError("expected a request row object")
    request_id = get_str(row, "request_id", "request_id") or get_str(
        row, "response_id", "response_id")
    if not request_id:
        raise RecordError("request_id: missing; every Helicone request has one")
    ts = get_ts(row, "request_created_at", "request_created_at")
    if ts is None:
        raise RecordError("request_created_at: missing; every Helicone request has one")
    prompt = get_int(row, "prompt_tokens", "prompt_tokens")
    read = get_int(row, "prompt_cache_read_tokens", "prompt_cache_read_tokens")
    write = get_int(row, "prompt_cache_write_tokens", "prompt_cache_write_tokens")
    audio_in = get_int(row, "prompt_audio_tokens", "prompt_audio_tokens")
    completion = get_int(row, "completion_tokens", "completion_tokens")
    audio_out = get_int(row, "completion_audio_tokens", "completion_audio_tokens")
    code = _status_code(row)
    request, response = _body(row, "request_body"), _body(row, "response_body")
    finish, tool_calls = _outcome(response)
    status = _status(code)
    if finish is None and code == CANCELLED_STATUS:
        finish = "cancelled"
    elif finish is None and status == "error":
        finish = "error"
    if finish == "tool_calls":
        tool_calls = max(tool_calls or 0, 1)
    tools = request.get("tools") if request is not None else None
    properties = (get_obj(row, "properties", "properties")
                  or get_obj(row, "request_properties", "request_properties") or {})
    cost = _first_float(row, "cost", "costUSD", "cost_usd")
    model_raw = _model(row)
    text = None
    if want_text is not None and want_text(request_id):
        text = _prompt_text(request)
    record = {
        schema.REQUEST_ID: request_id,
        schema.TS: ts,
        schema.USER_ID: get_str(row, "request_user_id", "request_user_id") or None,
        schema.SESSION_ID: get_str(properties, SESSION_PROPERTY,
                                   f"properties.{SESSION_PROPERTY}") or None,
        schema.MODEL_RAW: model_raw,
        schema.PROVIDER: get_str(row, "provider", "provider") or None,
        schema.INPUT_TOKENS: None if prompt is None else add(prompt, read, write, audio_in),
        schema.CACHED_TOKENS: read,
        schema.CACHE_WRITE_TOKENS: write,
        schema.OUTPUT_TOKENS: None if completion is None else add(completion, audio_out),
        schema.TOOLS_DECLARED: None if request is None else (
            isinstance(tools, list) and bool(tools)),
        schema.TOOL_CALLS: tool_calls,
        schema.FINISH_REASON: finish,
        schema.COST_USD: cost,
        schema.COST_SOURCE: None if cost is None else "reported",
        schema.LATENCY_MS: _first_float(row, "delay_ms", "latency"),
        schema.TTFT_MS: get_float(row, "time_to_first_token", "time_to_first_token"),
        schema.STREAMED: None if request is None else request.get("stream") is True,
        schema.CANCELLED: None if code is None else code == CANCELLED_STATUS,
        schema.STATUS: status,
        schema.COUNTRY: get_country(row, "country_code", "country_code"),
    }
    return record, text


def map_csv_row(row: Any, want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
    """One row of the export tool's CSV: number and JSON cells decoded, then mapped."""
    return map_request(json_cells(row, _JSON_COLUMNS), want_text)


def _is_event(row: Any) -> bool:
    """Helicone's own tool, vector-DB and run-polling logs: not LLM calls."""
    try:
        model = _model(row) if isinstance(row, dict) else None
    except RecordError:
        return False  # a malformed model is the mapper's to report
    return model is not None and (model in _EVENT_MODELS or model.startswith("tool:"))


def _requests(records: Iterator[tuple[int, bytes, Any]]) -> Iterator[tuple[int, bytes, Any]]:
    """Drop Helicone's events: they are not requests, so not records read."""
    return (item for item in records if not _is_event(item[2]))

#: The header columns that make a Helicone export CSV.
_CSV_COLUMNS = frozenset({"response_id", "request_created_at", "prompt_tokens",
                          "completion_tokens"})


class HeliconeReader(Reader):
    name: ClassVar[str] = "helicone"
    description: ClassVar[str] = (
        "Helicone request export (export tool JSONL/JSON/CSV, request-query API pages)")
    provides: ClassVar[frozenset[str]] = frozenset({
        schema.REQUEST_ID, schema.TS, schema.USER_ID, schema.SESSION_ID, schema.MODEL_RAW,
        schema.MODEL, schema.PROVIDER, schema.INPUT_TOKENS, schema.CACHED_TOKENS,
        schema.CACHE_WRITE_TOKENS, schema.OUTPUT_TOKENS, schema.TOOLS_DECLARED,
        schema.TOOL_CALLS, schema.FINISH_REASON, schema.COST_USD, schema.LATENCY_MS,
        schema.TTFT_MS, schema.STREAMED, schema.CANCELLED, schema.STATUS, schema.COUNTRY,
    })

    def sniff(self, head: bytes) -> bool:
        if head.lstrip().startswith((b"{", b"[")):
            # Bodies (--include-body) may push every other key past the head.
            return b'"response_id"' in head and (
                b'"request_created_at"' in head or b'"response_body"' in head)
        return set(csv_header(head)) >= _CSV_COLUMNS

    def read(self, source: SourceFile, want_text: TextFilter | None = None) -> Iterator[Chunk]:
        if not export_is_csv(source, _CSV_COLUMNS):
            yield from read_export(self.name, source, "data", _requests, map_request, want_text)
            return
        with source.stream() as stream:
            yield from chunks(self.name, _requests(csv_records(stream)), map_csv_row,
                              want_text)
