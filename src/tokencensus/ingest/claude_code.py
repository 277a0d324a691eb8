"""Claude Code session transcripts (``~/.claude/projects/<project>/<session>.jsonl``).

Each line is one transcript entry; only ``"type": "assistant"`` entries with
``message.usage`` are API requests. ``user``, ``summary``, ``progress``,
``file-history-snapshot`` … lines are not requests and are skipped (they are
not counted as read). Entries whose ``message.model`` is ``<synthetic>`` are
messages Claude Code wrote itself (e.g. a usage-limit notice), not API calls,
and are skipped too.

One API request appears on several lines: Claude Code writes one line per
content block (thinking, text, tool_use), all with the same ``requestId`` and
``message.id``, and streaming adds early snapshots whose ``output_tokens`` is
still growing (only the last line carries the final count). The reader merges
each run of lines with the same id (counts: the maximum over the run; stop
reason: the last one; tool calls: the distinct ``tool_use`` blocks) and emits
every line of the run with the merged values under the same request id, so
the store keeps one row and counts the other lines as duplicates
(read = stored + duplicate + quarantined holds).

Token rules (Anthropic Messages API usage): ``input_tokens`` excludes cache
reads and writes, so canonical input = ``input_tokens`` +
``cache_read_input_tokens`` + ``cache_creation_input_tokens``; cached =
cache reads; cache_write = cache creation. ``output_tokens`` includes
thinking; Anthropic does not report reasoning separately (null).

Other fields: request_id = ``requestId`` else ``message.id``; ts =
``timestamp``; session_id = ``sessionId``; app = ``claude-code``;
model_raw = ``message.model``; finish_reason = ``message.stop_reason``
(end_turn/stop_sequence → stop, max_tokens → length, tool_use → tool_calls,
refusal → content_filter); ``isApiErrorMessage`` → status error. The prompt
text (for the classification sample) is the latest user text before the
request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from tokencensus import schema
from tokencensus.ingest.base import RecordError, TextFilter, record_id
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.spans import Item, StreamReader, finish_reason, load_json
from tokencensus.ingest.validate import get_bool, get_int, get_obj, get_str, get_ts

_COUNTS = (schema.INPUT_TOKENS, schema.CACHED_TOKENS, schema.CACHE_WRITE_TOKENS,
           schema.OUTPUT_TOKENS)


def _user_text(obj: dict[str, Any]) -> str | None:
    content = (obj.get("message") or {}).get("content") if isinstance(
        obj.get("message"), dict) else None
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [p["text"] for p in content if isinstance(p, dict)
                 and p.get("type") == "text" and isinstance(p.get("text"), str)]
        return "\n\n".join(texts) or None
    return None


def _map(obj: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    message = get_obj(obj, "message", "message") or {}
    usage = get_obj(message, "usage", "message.usage") or {}
    ts = get_ts(obj, "timestamp", "timestamp")
    if ts is None:
        raise RecordError("timestamp: missing; every transcript entry has one")
    model_raw = get_str(message, "model", "message.model")
    fresh = get_int(usage, "input_tokens", "message.usage.input_tokens")
    read = get_int(usage, "cache_read_input_tokens", "message.usage.cache_read_input_tokens")
    written = get_int(usage, "cache_creation_input_tokens",
                      "message.usage.cache_creation_input_tokens")
    parts = [v for v in (fresh, read, written) if v is not None]
    content = message.get("content")
    tools = {str(b.get("id")) for b in content if isinstance(b, dict)
             and b.get("type") == "tool_use"} if isinstance(content, list) else set()
    error = get_bool(obj, "isApiErrorMessage", "isApiErrorMessage")
    record = {
        schema.REQUEST_ID: (get_str(obj, "requestId", "requestId")
                            or get_str(message, "id", "message.id") or record_id(obj)),
        schema.TS: ts,
        schema.SESSION_ID: get_str(obj, "sessionId", "sessionId"),
        schema.APP: "claude-code",
        schema.MODEL_RAW: model_raw,
        schema.INPUT_TOKENS: sum(parts) if parts else None,
        schema.CACHED_TOKENS: read,
        schema.CACHE_WRITE_TOKENS: written,
        schema.OUTPUT_TOKENS: get_int(usage, "output_tokens", "message.usage.output_tokens"),
        schema.FINISH_REASON: finish_reason(message.get("stop_reason")),
        schema.STATUS: "error" if error else "ok",
    }
    return record, tools


def _merge(run: list[tuple[int, bytes, dict[str, Any], set[str]]]) -> None:
    """Give every line of one request the request's final values, in place."""
    if len(run) == 1:
        record, tools = run[0][2], run[0][3]
        record[schema.TOOL_CALLS] = len(tools)
        return
    merged: dict[str, Any] = {}
    for col in _COUNTS:
        values = [r[2][col] for r in run if r[2][col] is not None]
        merged[col] = max(values) if values else None
    finishes = [r[2][schema.FINISH_REASON] for r in run if r[2][schema.FINISH_REASON]]
    merged[schema.FINISH_REASON] = finishes[-1] if finishes else None
    merged[schema.TOOL_CALLS] = len(set().union(*(r[3] for r in run)))
    if any(r[2][schema.STATUS] == "error" for r in run):
        merged[schema.STATUS] = "error"
    for _, _, record, _ in run:
        record.update(merged)


class ClaudeCodeReader(StreamReader):
    name: ClassVar[str] = "claude_code"
    description: ClassVar[str] = "Claude Code session transcripts (~/.claude/projects/**/*.jsonl)"
    provides: ClassVar[frozenset[str]] = frozenset({
        schema.REQUEST_ID, schema.TS, schema.SESSION_ID, schema.APP, schema.MODEL_RAW,
        schema.MODEL, schema.INPUT_TOKENS, schema.CACHED_TOKENS, schema.CACHE_WRITE_TOKENS,
        schema.OUTPUT_TOKENS, schema.TOOL_CALLS, schema.FINISH_REASON, schema.STATUS,
    })

    def sniff(self, head: bytes) -> bool:
        first = head.lstrip()[:8192]
        return first.startswith(b"{") and b'"sessionId"' in first and (
            b'"parentUuid"' in first or b'"leafUuid"' in first)

    def items(self, source: SourceFile, want_text: TextFilter | None) -> Iterator[Item]:
        run: list[tuple[int, bytes, dict[str, Any], set[str]]] = []
        texts: dict[str, str | None] = {}
        last_user: str | None = None

        def flush() -> Iterator[Item]:
            _merge(run)
            for line, raw, record, _ in run:
                rid = record[schema.REQUEST_ID]
                yield line, raw, record, texts.pop(rid, None)
            run.clear()

        for line, raw in source.lines():
            if not raw.strip():
                continue
            try:
                obj = load_json(raw)
                if not isinstance(obj, dict):
                    raise RecordError("expected a JSON object per line")
                kind = obj.get("type")
                if kind == "user":
                    last_user = _user_text(obj) or last_user
                    continue
                message = obj.get("message")
                if (kind != "assistant" or not isinstance(message, dict)
                        or "usage" not in message or message.get("model") == "<synthetic>"):
                    continue
                record, tools = _map(obj)
            except RecordError as e:
                yield line, raw, e, None
                continue
            rid = record[schema.REQUEST_ID]
            if run and run[0][2][schema.REQUEST_ID] != rid:
                yield from flush()
            if want_text is not None and rid not in texts and want_text(rid):
                texts[rid] = last_user
            run.append((line, raw, record, tools))
        yield from flush()
