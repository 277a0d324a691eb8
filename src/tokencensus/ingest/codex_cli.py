"""OpenAI Codex CLI session rollouts (``~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl``).

Each line is ``{"timestamp", "type", "payload"}``. ``session_meta`` gives the
session id (``payload.id``) and ``turn_context`` the model in use
(``payload.model``; a ``token_count`` may name its own in
``payload.info.model``, which wins); ``response_item`` lines of type ``function_call``,
``custom_tool_call`` or ``local_shell_call`` are tool calls; an ``event_msg``
whose ``payload.type`` is ``token_count`` with a non-null ``payload.info``
reports one model response and is one request. Every other line is skipped
(not counted as read). A ``token_count`` with ``info: null`` carries only
rate limits and is skipped.

Token rules. ``info.last_token_usage`` is the usage of the latest response;
``info.total_token_usage`` is cumulative for the session. The reader uses
``last_token_usage``, or, when a line has only the cumulative totals, their
difference from the previous totals in the file. Counts follow the OpenAI
Responses API: ``input_tokens`` already includes ``cached_input_tokens`` and
``output_tokens`` already includes ``reasoning_output_tokens``
(``total_tokens`` = input + output), which is the canonical definition.

Duplicates. Codex can write the same ``token_count`` twice; a repeat (same
cumulative totals as the previous one) gets the previous event's request id
and is counted as a duplicate. The request id is a hash of the first
event's timestamp and cumulative totals, so a forked session that replays
its parent's history dedupes against the parent.

Other fields: ts = line ``timestamp``; session_id = ``session_meta`` id;
provider = ``session_meta.payload.model_provider``; app = ``codex``;
tool_calls = tool-call items since the previous ``token_count`` (null until
the file has shown any ``response_item``). Codex logs no finish reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from tokencensus import schema
from tokencensus.ingest.base import RecordError, TextFilter, record_id
from tokencensus.ingest.common_llm import count, obj_at
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.spans import Item, StreamReader, load_json
from tokencensus.ingest.validate import get_obj, get_str, get_ts

_SNIFF = re.compile(rb'"type"\s*:\s*"(session_meta|turn_context|event_msg|response_item)"')
_TOOL_ITEMS = {"function_call", "custom_tool_call", "local_shell_call"}
_COUNTED = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens",
            "total_tokens")


def _usage(info: dict[str, Any], key: str) -> dict[str, int | None] | None:
    usage = obj_at(info, key, "payload.info.")
    if not usage:
        return None
    prefix = f"payload.info.{key}."
    return {f: count(usage, f, prefix) for f in _COUNTED}


class _Session:
    def __init__(self) -> None:
        self.id: str | None = None
        self.provider: str | None = None
        self.model: str | None = None
        self.prev_total: dict[str, int | None] | None = None
        self.prev_id: str | None = None
        self.tools: int | None = None
        self.user_text: str | None = None


class CodexCliReader(StreamReader):
    name: ClassVar[str] = "codex_cli"
    description: ClassVar[str] = "OpenAI Codex CLI session rollouts (~/.codex/sessions/**)"
    provides: ClassVar[frozenset[str]] = frozenset({
        schema.REQUEST_ID, schema.TS, schema.SESSION_ID, schema.APP, schema.MODEL_RAW,
        schema.MODEL, schema.PROVIDER, schema.INPUT_TOKENS, schema.CACHED_TOKENS,
        schema.OUTPUT_TOKENS, schema.REASONING_TOKENS, schema.TOOL_CALLS,
    })

    def sniff(self, head: bytes) -> bool:
        first = head.lstrip()[:8192]
        return first.startswith(b"{") and b'"payload"' in first and bool(_SNIFF.search(first))

    def items(self, source: SourceFile, want_text: TextFilter | None) -> Iterator[Item]:
        s = _Session()
        for line, raw in source.lines():
            if not raw.strip():
                continue
            try:
                obj = load_json(raw)
                if not isinstance(obj, dict):
                    raise RecordError("expected a JSON object per line")
                payload = get_obj(obj, "payload", "payload") or {}
                kind = obj.get("type")
                if kind == "session_meta":
                    s.id = get_str(payload, "id", "payload.id") or s.id
                    s.provider = get_str(payload, "model_provider", "payload.model_provider")
                elif kind == "turn_context":
                    s.model = get_str(payload, "model", "payload.model") or s.model
                elif kind == "response_item":
                    s.tools = (s.tools or 0) + (payload.get("type") in _TOOL_ITEMS)
                    if payload.get("role") == "user" and isinstance(payload.get("content"), list):
                        texts = [p["text"] for p in payload["content"] if isinstance(p, dict)
                                 and isinstance(p.get("text"), str)]
                        s.user_text = "\n\n".join(texts) or s.user_text
                elif (kind == "event_msg" and payload.get("type") == "token_count"
                      and payload.get("info") is not None):
                    record = self._request(obj, payload, s)
                    rid = record[schema.REQUEST_ID]
                    text = s.user_text if want_text is not None and want_text(rid) else None
                    yield line, raw, record, text
            except RecordError as e:
                yield line, raw, e, None

    def _request(self, obj: dict[str, Any], payload: dict[str, Any],
                 s: _Session) -> dict[str, Any]:
        info = get_obj(payload, "info", "payload.info") or {}
        ts = get_ts(obj, "timestamp", "timestamp")
        if ts is None:
            raise RecordError("timestamp: missing; every rollout line has one")
        total = _usage(info, "total_token_usage")
        last = _usage(info, "last_token_usage")
        if last is None and total is None:
            raise RecordError("payload.info: neither last_token_usage nor total_token_usage")
        if total is not None and total == s.prev_total and s.prev_id:
            request_id = s.prev_id  # the same event written again
        else:
            request_id = "codex:" + record_id(
                {"timestamp": obj.get("timestamp"), "total": total or last})[7:]
        if last is None and total is not None:
            prev = s.prev_total or {}
            last = {f: (v - (prev.get(f) or 0) if v is not None else None)
                    for f, v in total.items()}
            if any(v is not None and v < 0 for v in last.values()):
                raise RecordError("payload.info.total_token_usage: decreased since the previous "
                                  "event; the file mixes sessions")
        if total is not None:
            s.prev_total = total
        s.prev_id = request_id
        tools, s.tools = s.tools, (0 if s.tools is not None else None)
        model = get_str(info, "model", "payload.info.model") or s.model
        assert last is not None
        return {
            schema.REQUEST_ID: request_id,
            schema.TS: ts,
            schema.SESSION_ID: s.id,
            schema.APP: "codex",
            schema.MODEL_RAW: model,
            schema.PROVIDER: s.provider,
            schema.INPUT_TOKENS: last["input_tokens"],
            schema.CACHED_TOKENS: last["cached_input_tokens"],
            schema.OUTPUT_TOKENS: last["output_tokens"],
            schema.REASONING_TOKENS: last["reasoning_output_tokens"],
            schema.TOOL_CALLS: tools,
            schema.STATUS: "ok",
        }
