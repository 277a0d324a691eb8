"""OpenAI Responses API objects (``"object": "response"``), one per JSONL line.

A line is the Response object as returned by ``POST /v1/responses`` or
``GET /v1/responses/{id}``, bare or as a logged pair / HTTP exchange (see
:mod:`tokencensus.ingest.common_llm`). Batch output lines of ``/v1/responses``
batches are read by ``openai_batch``, which calls :func:`map_response`.

Token rules. ``usage.input_tokens`` already includes
``input_tokens_details.cached_tokens`` (and ``cache_write_tokens``), and
``output_tokens`` already includes ``output_tokens_details.reasoning_tokens``:
all map one to one. A response without usage (failed, cancelled) keeps null
counts.

Finish reason, from ``status`` and the output items: ``completed`` → tool_calls
when an output item is a call the client must execute (``function_call``,
``custom_tool_call``, ``computer_call``, ``local_shell_call``, ``shell_call``,
``apply_patch_call``), else stop; ``incomplete`` → length for
``incomplete_details.reason`` ``max_output_tokens``, content_filter for
``content_filter``, else other; ``failed`` → error; ``cancelled`` → cancelled.
``queued`` and ``in_progress`` responses are not finished: they are quarantined
(log the final object instead; the first copy of an id would win the dedupe).
tool_calls counts every output item whose type ends in ``_call``, hosted tools
(``web_search_call``, ``file_search_call``, ``mcp_call``, …) included.

Other fields: ``id`` (``resp_…``) → request_id; ``created_at`` (Unix seconds)
→ ts; ``model`` → model_raw; ``conversation.id`` → session_id; from a logged
request: ``tools`` → tools_declared, ``user`` (else ``safety_identifier``) →
user_id, ``stream`` → streamed, ``instructions`` and the user / system /
developer items of ``input`` → the classification text (in memory only).
"""

from __future__ import annotations

from typing import Any, ClassVar

from tokencensus.ingest.base import JsonLinesReader, RecordError, TextFilter, record_id
from tokencensus.ingest.common_llm import (
    Call,
    chat_messages_text,
    count,
    join,
    obj_at,
    record,
    sniff_response,
    str_at,
    user_of,
)
from tokencensus.ingest.openai_chat import PROVIDES
from tokencensus.ingest.validate import get_ts

_CLIENT_CALLS = frozenset({
    "function_call", "custom_tool_call", "computer_call", "local_shell_call", "shell_call",
    "apply_patch_call",
})
_INCOMPLETE = {"max_output_tokens": "length", "content_filter": "content_filter"}
_UNFINISHED = frozenset({"queued", "in_progress"})


def _finish(resp: dict[str, Any], p: str, output_types: list[str]) -> str | None:
    status = str_at(resp, "status", p)
    if status in _UNFINISHED:
        raise RecordError(f"{p}status: {status!r}, the response is not finished; "
                          "log the final Response object")
    if status == "completed":
        return "tool_calls" if _CLIENT_CALLS.intersection(output_types) else "stop"
    if status == "incomplete":
        details = obj_at(resp, "incomplete_details", p) or {}
        reason = str_at(details, "reason", p + "incomplete_details.")
        return _INCOMPLETE.get(reason or "", "other")
    if status == "failed":
        return "error"
    if status == "cancelled":
        return "cancelled"
    return "other" if status else None


def _input_text(request: dict[str, Any]) -> str | None:
    parts: list[str] = []
    if isinstance(request.get("instructions"), str):
        parts.append(request["instructions"])
    items = request.get("input")
    if isinstance(items, str):
        parts.append(items)
    else:  # input items: messages carry a role; other items (tool outputs) do not
        parts.extend(chat_messages_text(items))
    return join(parts)


def map_response(call: Call, want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
    """Canonical record of one Responses API object (and its logged request)."""
    resp, p = call.response, call.path
    if resp.get("object") != "response":
        raise RecordError(f"{p}object: expected 'response', got {resp.get('object')!r}")
    request_id = str_at(resp, "id", p) or record_id(call.envelope)
    ts = call.require_time(get_ts(resp, "created_at", p + "created_at"), f"{p}created_at")
    output = resp.get("output")
    if output is not None and not isinstance(output, list):
        raise RecordError(f"{p}output: expected a list, got {type(output).__name__}")
    types = [item["type"] for item in output or ()
             if isinstance(item, dict) and isinstance(item.get("type"), str)]
    finish = _finish(resp, p, types)

    usage = obj_at(resp, "usage", p) or {}
    up = p + "usage."
    in_details = obj_at(usage, "input_tokens_details", up) or {}
    out_details = obj_at(usage, "output_tokens_details", up) or {}
    conversation = obj_at(resp, "conversation", p) or {}
    rec = record(
        call, request_id=request_id, ts=ts, model_raw=str_at(resp, "model", p),
        input_tokens=count(usage, "input_tokens", up),
        cached=count(in_details, "cached_tokens", up + "input_tokens_details."),
        cache_write=count(in_details, "cache_write_tokens", up + "input_tokens_details."),
        output_tokens=count(usage, "output_tokens", up),
        reasoning=count(out_details, "reasoning_tokens", up + "output_tokens_details."),
        tool_calls=sum(1 for t in types if t.endswith("_call")), finish=finish,
        user=user_of(call, "user", "safety_identifier"),
        session=str_at(conversation, "id", p + "conversation."),
    )
    return rec, call.prompt(request_id, want_text, _input_text)


class OpenAIResponsesReader(JsonLinesReader):
    name: ClassVar[str] = "openai_responses"
    description: ClassVar[str] = (
        "OpenAI Responses API objects, bare or logged with their request, JSONL")
    provides: ClassVar[frozenset[str]] = PROVIDES | {"session_id"}

    def sniff(self, head: bytes) -> bool:
        resp = sniff_response(head)
        return resp is not None and resp.get("object") == "response"

    def map_record(
        self, obj: Any, want_text: TextFilter | None
    ) -> tuple[dict[str, Any], str | None]:
        return map_response(Call(obj), want_text)
