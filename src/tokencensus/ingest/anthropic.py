"""Anthropic Messages API responses (``"type": "message"``), one per JSONL line.

A line is the Message object as returned by ``POST /v1/messages``, bare or as a
logged pair / HTTP exchange (see :mod:`tokencensus.ingest.common_llm`).
Message Batches result files are not read: their lines carry no time.

Time. A Message carries no time, so it comes from the log: the envelope's
``timestamp`` / ``ts`` / ``created_at`` key, else a recorded response's
``headers.date``. A record with neither is quarantined, and the reason names
the field to add.

Token rules. ``usage.input_tokens`` *excludes* prompt-cache reads and writes
("total input tokens in a request is the summation of input_tokens,
cache_creation_input_tokens, and cache_read_input_tokens", API reference), so
canonical input = input_tokens + cache_read_input_tokens +
cache_creation_input_tokens, cached = cache_read_input_tokens and cache_write =
cache_creation_input_tokens. ``output_tokens`` includes extended thinking;
``output_tokens_details.thinking_tokens``, where reported, → reasoning.

Finish reason (``stop_reason``): end_turn and stop_sequence → stop, max_tokens
and model_context_window_exceeded → length, tool_use → tool_calls, refusal →
content_filter, pause_turn (a long server-tool turn paused) and anything else →
other. tool_calls counts ``tool_use``, ``server_tool_use`` and ``mcp_tool_use``
content blocks.

Other fields: ``id`` (``msg_…``) → request_id; ``model`` → model_raw; from a
logged request: ``tools`` → tools_declared, ``metadata.user_id`` → user_id,
``stream`` → streamed, ``system`` and the user messages → the classification
text (in memory only).
"""

from __future__ import annotations

from typing import Any, ClassVar

from tokencensus import schema
from tokencensus.ingest.base import JsonLinesReader, RecordError, TextFilter, record_id
from tokencensus.ingest.common_llm import (
    Call,
    add,
    chat_messages_text,
    content_text,
    count,
    join,
    obj_at,
    record,
    sniff_response,
    str_at,
)

_FINISH = {
    "end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length",
    "model_context_window_exceeded": "length", "tool_use": "tool_calls",
    "refusal": "content_filter",
}
_TOOL_BLOCKS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})


def map_message(call: Call, want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
    """Canonical record of one Message (and its logged request)."""
    resp, p = call.response, call.path
    if resp.get("type") != "message":
        raise RecordError(f"{p}type: expected 'message', got {resp.get('type')!r}")
    request_id = str_at(resp, "id", p) or record_id(call.envelope)
    ts = call.require_time(None, "an Anthropic Message")

    usage = obj_at(resp, "usage", p) or {}
    up = p + "usage."
    uncached = count(usage, "input_tokens", up)
    cache_read = count(usage, "cache_read_input_tokens", up)
    cache_write = count(usage, "cache_creation_input_tokens", up)
    details = obj_at(usage, "output_tokens_details", up) or {}

    content = resp.get("content")
    if not isinstance(content, list):
        raise RecordError(f"{p}content: expected a list of blocks, got {type(content).__name__}")
    tool_calls = sum(1 for b in content if isinstance(b, dict) and isinstance(
        b.get("type"), str) and b["type"] in _TOOL_BLOCKS)
    raw_finish = str_at(resp, "stop_reason", p)
    metadata = obj_at(call.request, "metadata", "request.") or {}

    rec = record(
        call, request_id=request_id, ts=ts, model_raw=str_at(resp, "model", p),
        input_tokens=None if uncached is None else add(uncached, cache_read, cache_write),
        cached=cache_read, cache_write=cache_write,
        output_tokens=count(usage, "output_tokens", up),
        reasoning=count(details, "thinking_tokens", up + "output_tokens_details."),
        tool_calls=tool_calls, finish=_FINISH.get(raw_finish, "other") if raw_finish else None,
        user=str_at(metadata, "user_id", "request.metadata."),
    )
    return rec, call.prompt(request_id, want_text, _prompt_text)


def _prompt_text(request: dict[str, Any]) -> str | None:
    return join([*content_text(request.get("system")),
                 *chat_messages_text(request.get("messages"), ("user",))])


class AnthropicMessagesReader(JsonLinesReader):
    name: ClassVar[str] = "anthropic"
    description: ClassVar[str] = (
        "Anthropic Messages responses, logged with their time (and request), JSONL")
    provides: ClassVar[frozenset[str]] = frozenset({
        schema.REQUEST_ID, schema.TS, schema.USER_ID, schema.MODEL_RAW, schema.MODEL,
        schema.INPUT_TOKENS, schema.CACHED_TOKENS, schema.CACHE_WRITE_TOKENS,
        schema.OUTPUT_TOKENS, schema.REASONING_TOKENS, schema.TOOLS_DECLARED,
        schema.TOOL_CALLS, schema.FINISH_REASON, schema.STREAMED, schema.STATUS,
    })

    def sniff(self, head: bytes) -> bool:
        resp = sniff_response(head)
        return (resp is not None and resp.get("type") == "message"
                and resp.get("role") == "assistant" and "usage" in resp)

    def map_record(
        self, obj: Any, want_text: TextFilter | None
    ) -> tuple[dict[str, Any], str | None]:
        return map_message(Call(obj), want_text)
