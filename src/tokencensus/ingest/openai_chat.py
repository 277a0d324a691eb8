"""OpenAI Chat Completions logs and Batch API output files, one JSON object per line.

Two readers live here because a Batch output line wraps the very same
``chat.completion`` object:

``openai_chat`` reads a ``chat.completion`` object per line, bare or as a logged
pair (``{"request": {...}, "response": {...}}``, optionally with ``timestamp``,
or a recorded HTTP exchange; see :mod:`tokencensus.ingest.common_llm`).

``openai_batch`` reads Batch API output and error files, whose documented line
is ``{"id": "batch_req_…", "custom_id", "response": {"status_code",
"request_id", "body": {...}}, "error": {"code", "message"} | null}``. The body
is the endpoint's normal response: ``chat.completion`` or, for ``/v1/responses``
batches, a Responses object (mapped by :mod:`~tokencensus.ingest.openai_responses`).
Error lines (``response`` null or a non-2xx status) are quarantined with the
error code, since they carry neither usage nor time.

Token rules. ``usage.prompt_tokens`` already includes
``prompt_tokens_details.cached_tokens`` (and the ``cache_write_tokens`` written
to cache), and ``completion_tokens`` already includes
``completion_tokens_details.reasoning_tokens``: all map one to one.

Other fields: ``id`` (``chatcmpl-…``) → request_id; ``created`` (Unix seconds)
→ ts; ``model`` → model_raw; ``choices[0].finish_reason`` stop / length /
tool_calls / content_filter map to themselves, the legacy ``function_call`` to
tool_calls, anything else to other; tool_calls counts ``message.tool_calls``
(and a legacy ``function_call``) over all choices. From a logged request:
``tools`` (or legacy ``functions``) → tools_declared, ``user`` (else
``safety_identifier``) → user_id, ``stream`` → streamed, and the system /
developer / user messages → the classification text (in memory only).
"""

from __future__ import annotations

from typing import Any, ClassVar

from tokencensus import schema
from tokencensus.ingest.base import JsonLinesReader, RecordError, TextFilter, record_id
from tokencensus.ingest.common_llm import (
    Call,
    chat_messages_text,
    count,
    first_record,
    join,
    obj_at,
    record,
    sniff_response,
    str_at,
    user_of,
)
from tokencensus.ingest.validate import get_obj, get_str, get_ts

_FINISH = {
    "stop": "stop", "length": "length", "tool_calls": "tool_calls",
    "function_call": "tool_calls", "content_filter": "content_filter",
}

PROVIDES = frozenset({
    schema.REQUEST_ID, schema.TS, schema.USER_ID, schema.MODEL_RAW, schema.MODEL,
    schema.INPUT_TOKENS, schema.CACHED_TOKENS, schema.CACHE_WRITE_TOKENS, schema.OUTPUT_TOKENS,
    schema.REASONING_TOKENS, schema.TOOLS_DECLARED, schema.TOOL_CALLS, schema.FINISH_REASON,
    schema.STREAMED, schema.STATUS,
})


def map_chat_completion(
    call: Call, want_text: TextFilter | None
) -> tuple[dict[str, Any], str | None]:
    """Canonical record of one ``chat.completion`` response (and its logged request)."""
    resp, p = call.response, call.path
    if resp.get("object") != "chat.completion":
        raise RecordError(f"{p}object: expected 'chat.completion', got {resp.get('object')!r}")
    request_id = str_at(resp, "id", p) or record_id(call.envelope)
    ts = call.require_time(get_ts(resp, "created", p + "created"), f"{p}created")

    usage = obj_at(resp, "usage", p) or {}
    up = p + "usage."
    prompt_details = obj_at(usage, "prompt_tokens_details", up) or {}
    completion_details = obj_at(
        usage, "completion_tokens_details", up) or {}

    choices = resp.get("choices")
    if not isinstance(choices, list):
        raise RecordError(f"{p}choices: expected a list, got {type(choices).__name__}")
    tool_calls = 0
    for choice in choices:
        message = choice.get("message") if isinstance(choice, dict) else None
        if isinstance(message, dict):
            calls = message.get("tool_calls")
            tool_calls += len(calls) if isinstance(calls, list) else 0
            tool_calls += 1 if isinstance(message.get("function_call"), dict) else 0
    raw_finish = None
    if choices and isinstance(choices[0], dict):
        raw_finish = str_at(choices[0], "finish_reason", p + "choices[0].")
    finish = _FINISH.get(raw_finish, "other") if raw_finish else None

    rec = record(
        call, request_id=request_id, ts=ts, model_raw=str_at(resp, "model", p),
        input_tokens=count(usage, "prompt_tokens", up),
        cached=count(prompt_details, "cached_tokens", up + "prompt_tokens_details."),
        cache_write=count(prompt_details, "cache_write_tokens", up + "prompt_tokens_details."),
        output_tokens=count(usage, "completion_tokens", up),
        reasoning=count(completion_details, "reasoning_tokens", up + "completion_tokens_details."),
        tool_calls=tool_calls, finish=finish, user=user_of(call, "user", "safety_identifier"),
    )
    if call.logged_request and not rec[schema.TOOLS_DECLARED]:
        functions = call.request.get("functions")  # the pre-tools way of declaring them
        rec[schema.TOOLS_DECLARED] = isinstance(functions, list) and len(functions) > 0
    return rec, call.prompt(request_id, want_text,
                            lambda request: join(chat_messages_text(request.get("messages"))))


class OpenAIChatReader(JsonLinesReader):
    name: ClassVar[str] = "openai_chat"
    description: ClassVar[str] = (
        "OpenAI Chat Completions responses, bare or logged with their request, JSONL")
    provides: ClassVar[frozenset[str]] = PROVIDES

    def sniff(self, head: bytes) -> bool:
        resp = sniff_response(head)
        return resp is not None and resp.get("object") == "chat.completion"

    def map_record(
        self, obj: Any, want_text: TextFilter | None
    ) -> tuple[dict[str, Any], str | None]:
        return map_chat_completion(Call(obj), want_text)


_BATCH_KEYS = frozenset({"id", "custom_id", "response", "error"})


class OpenAIBatchReader(JsonLinesReader):
    name: ClassVar[str] = "openai_batch"
    description: ClassVar[str] = "OpenAI Batch API output and error files (JSONL)"
    provides: ClassVar[frozenset[str]] = PROVIDES

    def sniff(self, head: bytes) -> bool:
        obj = first_record(head)
        return (isinstance(obj, dict) and "custom_id" in obj and "response" in obj
                and obj.keys() <= _BATCH_KEYS)

    def map_record(
        self, obj: Any, want_text: TextFilter | None
    ) -> tuple[dict[str, Any], str | None]:
        if not isinstance(obj, dict):
            raise RecordError("expected a JSON object per line")
        error = get_obj(obj, "error", "error")
        response = get_obj(obj, "response", "response")
        if error is not None or response is None:
            code = get_str(error or {}, "code", "error.code") or "no response"
            raise RecordError(f"error: the batch request failed ({code}); it has no usage")
        status = response.get("status_code")
        if isinstance(status, int) and status >= 400:
            raise RecordError(f"response.status_code: the batch request failed (HTTP {status})")
        body = get_obj(response, "body", "response.body")
        if body is None:
            raise RecordError("response.body: missing; a batch output line carries the body")
        call = Call.bare(body, "response.body.")
        if body.get("object") == "response":
            from tokencensus.ingest.openai_responses import map_response

            return map_response(call, want_text)
        return map_chat_completion(call, want_text)
