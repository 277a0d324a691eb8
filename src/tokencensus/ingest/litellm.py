"""LiteLLM proxy spend logs (table ``LiteLLM_SpendLogs``): CSV export or the live database.

Two ways in, one mapping:

* ``litellm`` reads a CSV export of the table with its column names as the
  header (``\\copy "LiteLLM_SpendLogs" TO 'x.csv' CSV HEADER``, or any export
  keeping the column names): JSON columns hold JSON text, empty cells are null.
* ``litellm_db`` reads the table straight from the proxy's PostgreSQL, given
  its connection URL (``postgresql://user:pass@host:5432/litellm``) as the
  path: a server-side cursor fetches ``PAGE_ROWS`` rows at a time, ordered by
  ``"startTime"``, so memory stays bounded. The batch's identity (what makes
  re-ingesting an unchanged table a no-op) is the sha256 of the query, the
  table's ``max("startTime")`` and its row count.

Token rules. LiteLLM normalizes every provider's usage to OpenAI's shape before
logging: ``prompt_tokens`` counts the whole prompt *including* cached reads
(and, for Anthropic, LiteLLM adds the cache reads and writes back into it), and
``completion_tokens`` includes reasoning, exactly the canonical definitions.
The breakdown is only in ``metadata.usage_object`` (LiteLLM's Usage object):
``prompt_tokens_details.cached_tokens`` (else ``cache_read_input_tokens``) ->
cached_tokens; ``cache_creation_input_tokens`` (else
``prompt_tokens_details.cache_creation_tokens``) -> cache_write_tokens;
``completion_tokens_details.reasoning_tokens`` -> reasoning_tokens. Without
a usage object those stay null, never 0.

Other fields: ``request_id`` -> request_id; ``startTime`` (UTC, no zone) -> ts;
``end_user`` (the request's ``user`` parameter), else ``user`` (the key's
owner) -> user_id; ``session_id``; the key alias, else team alias, else
``team_id`` (from ``metadata.user_api_key_alias`` / ``user_api_key_team_alias``)
-> app; ``model`` (else ``model_group``) -> model_raw;
``custom_llm_provider`` -> provider; ``spend`` -> cost_usd (reported);
``request_duration_ms`` (else endTime - startTime) -> latency_ms;
``completionStartTime`` - startTime -> ttft_ms (only when before endTime: without
streaming LiteLLM sets it to endTime); ``status`` ``success`` /
``failure`` -> ok / error. The finish reason and tool calls are only known when
the proxy stores prompts (``store_prompts_in_spend_logs``): then
``response.choices[0].finish_reason`` maps stop / length / tool_calls
(``function_call`` too) / content_filter, anything else ``other``; a failed
request without one is ``error``. ``proxy_server_request.tools`` says whether
tools were declared; ``messages`` gives the prompt text for classification,
in memory only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson

from tokencensus import schema
from tokencensus.errors import InputError, MissingDependencyError
from tokencensus.ingest.base import Chunk, Reader, RecordError, TextFilter
from tokencensus.ingest.openrouter import _message_text
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.tabular import chunks, csv_header, csv_records
from tokencensus.ingest.validate import get_float, get_int, get_obj, get_str, get_ts

TABLE = '"LiteLLM_SpendLogs"'
PAGE_ROWS = 2_000
_JSON_COLUMNS = ("metadata", "request_tags", "messages", "response", "proxy_server_request")
_INT_COLUMNS = ("total_tokens", "prompt_tokens", "completion_tokens", "request_duration_ms")
_FINISH = {"stop": "stop", "length": "length", "tool_calls": "tool_calls",
           "function_call": "tool_calls", "content_filter": "content_filter"}
_PROVIDES = frozenset({
    schema.REQUEST_ID, schema.TS, schema.USER_ID, schema.SESSION_ID, schema.APP,
    schema.MODEL_RAW, schema.MODEL, schema.PROVIDER, schema.INPUT_TOKENS, schema.CACHED_TOKENS,
    schema.CACHE_WRITE_TOKENS, schema.OUTPUT_TOKENS, schema.REASONING_TOKENS,
    schema.TOOLS_DECLARED, schema.TOOL_CALLS, schema.FINISH_REASON, schema.COST_USD,
    schema.LATENCY_MS, schema.TTFT_MS, schema.STATUS,
})


def map_spend_log(row: Any, want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
    """One ``LiteLLM_SpendLogs`` row (a CSV row's text or a database row) as a canonical record."""
    if not isinstance(row, dict):
        raise RecordError("expected a spend-log row")
    row = _decode_text_columns(row)
    request_id = get_str(row, "request_id", "request_id")
    if not request_id:
        raise RecordError("request_id: missing; it is the table's primary key")
    start = get_ts(row, "startTime", "startTime")
    if start is None:
        raise RecordError("startTime: missing; every spend log has one")
    end = get_ts(row, "endTime", "endTime")
    first_token = get_ts(row, "completionStartTime", "completionStartTime")
    metadata = get_obj(row, "metadata", "metadata") or {}
    usage = get_obj(metadata, "usage_object", "metadata.usage_object") or {}
    prompt_details = get_obj(usage, "prompt_tokens_details",
                             "metadata.usage_object.prompt_tokens_details") or {}
    completion_details = get_obj(usage, "completion_tokens_details",
                                 "metadata.usage_object.completion_tokens_details") or {}
    u = "metadata.usage_object."
    cached = get_int(prompt_details, "cached_tokens", u + "prompt_tokens_details.cached_tokens")
    if cached is None:
        cached = get_int(usage, "cache_read_input_tokens", u + "cache_read_input_tokens")
    cache_write = get_int(usage, "cache_creation_input_tokens", u + "cache_creation_input_tokens")
    if cache_write is None:
        cache_write = get_int(prompt_details, "cache_creation_tokens",
                              u + "prompt_tokens_details.cache_creation_tokens")

    status_raw = get_str(row, "status", "status")
    failed = status_raw is not None and status_raw.lower() == "failure"
    response = get_obj(row, "response", "response") or {}
    finish, tool_calls = _outcome(response)
    if finish is None and failed:
        finish = "error"
    request_body = get_obj(row, "proxy_server_request", "proxy_server_request") or {}
    tools = request_body.get("tools")

    duration = get_float(row, "request_duration_ms", "request_duration_ms")
    if duration is None and end is not None:
        duration = (end - start).total_seconds() * 1000
    model_raw = get_str(row, "model", "model") or get_str(row, "model_group", "model_group")
    text = None
    if want_text is not None and want_text(request_id):
        text = _message_text(row.get("messages"))
    app = (get_str(metadata, "user_api_key_alias", "metadata.user_api_key_alias")
           or get_str(metadata, "user_api_key_team_alias", "metadata.user_api_key_team_alias")
           or get_str(row, "team_id", "team_id"))
    record = {
        schema.REQUEST_ID: request_id,
        schema.TS: start,
        schema.USER_ID: get_str(row, "end_user", "end_user") or get_str(row, "user", "user"),
        schema.SESSION_ID: get_str(row, "session_id", "session_id") or None,
        schema.APP: app or None,
        schema.MODEL_RAW: model_raw or None,
        schema.PROVIDER: get_str(row, "custom_llm_provider", "custom_llm_provider") or None,
        schema.INPUT_TOKENS: get_int(row, "prompt_tokens", "prompt_tokens"),
        schema.CACHED_TOKENS: cached,
        schema.CACHE_WRITE_TOKENS: cache_write,
        schema.OUTPUT_TOKENS: get_int(row, "completion_tokens", "completion_tokens"),
        schema.REASONING_TOKENS: get_int(completion_details, "reasoning_tokens",
                                         u + "completion_tokens_details.reasoning_tokens"),
        schema.TOOLS_DECLARED: (isinstance(tools, list) and bool(tools)) if request_body else None,
        schema.TOOL_CALLS: tool_calls,
        schema.FINISH_REASON: finish,
        schema.COST_USD: get_float(row, "spend", "spend"),
        schema.COST_SOURCE: "reported" if row.get("spend") is not None else None,
        schema.LATENCY_MS: duration,
        # Without streaming LiteLLM sets completionStartTime = endTime: no first-token time.
        schema.TTFT_MS: ((first_token - start).total_seconds() * 1000
                         if first_token is not None and (end is None or first_token < end)
                         else None),
        schema.STATUS: None if status_raw is None else ("error" if failed else "ok"),
    }
    return record, text


def _outcome(response: dict[str, Any]) -> tuple[str | None, int | None]:
    """(finish reason, tool calls) from a stored OpenAI-shaped response; unknown when absent."""
    choices = response.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return None, None
    first = choices[0]
    raw = first.get("finish_reason")
    finish = _FINISH.get(raw, "other") if isinstance(raw, str) and raw else None
    message = first.get("message")
    calls = message.get("tool_calls") if isinstance(message, dict) else None
    count = len(calls) if isinstance(calls, list) else 0
    return finish, max(count, 1 if finish == "tool_calls" else 0)


def _decode_text_columns(row: dict[str, Any]) -> dict[str, Any]:
    """Text cells (a CSV export; JSON stored as a string) back to numbers and JSON values."""
    out: dict[str, Any] = dict(row)
    for col in _JSON_COLUMNS:
        value = out.get(col)
        if isinstance(value, str):
            try:
                out[col] = orjson.loads(value)
            except orjson.JSONDecodeError:
                raise RecordError(f"{col}: expected JSON text, got {value[:40]!r}") from None
    for col in (*_INT_COLUMNS, "spend"):
        value = out.get(col)
        if isinstance(value, str):
            try:
                out[col] = int(value) if col != "spend" else float(value)
                if not math.isfinite(out[col]):
                    raise ValueError
            except ValueError:
                kind = "a number" if col == "spend" else "a non-negative integer"
                raise RecordError(f"{col}: expected {kind}, got {value[:40]!r}") from None
    return out


class LiteLLMSpendLogsReader(Reader):
    name: ClassVar[str] = "litellm"
    description: ClassVar[str] = "LiteLLM proxy spend logs (LiteLLM_SpendLogs), CSV export"
    provides: ClassVar[frozenset[str]] = _PROVIDES

    def sniff(self, head: bytes) -> bool:
        columns = set(csv_header(head))
        return {"request_id", "call_type", "startTime", "spend", "api_key"} <= columns

    def read(self, source: SourceFile, want_text: TextFilter | None = None) -> Iterator[Chunk]:
        with source.stream() as stream:
            yield from chunks(self.name, csv_records(stream), map_spend_log, want_text)


@dataclass(frozen=True)
class SpendLogsTable:
    """The ``LiteLLM_SpendLogs`` table behind a PostgreSQL URL, as an ingest source."""

    url: str
    explicit: bool = True

    @property
    def path(self) -> str:
        """The URL without its password: it names the batch in the manifest."""
        parts = urllib.parse.urlsplit(self.url)
        if parts.password is not None:
            host = parts.netloc.rsplit("@", 1)[1]
            user = urllib.parse.quote(parts.username or "", safe="")
            parts = parts._replace(netloc=f"{user}@{host}")
        # libpq also takes the password as a query parameter.
        query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
                 if k != "password"]
        if len(query) != len(urllib.parse.parse_qsl(parts.query, keep_blank_values=True)):
            parts = parts._replace(query=urllib.parse.urlencode(query, safe="/"))
        # Not urlunsplit: it drops the empty host of "postgresql:///db?host=/socket".
        return f"{parts.scheme}://{parts.netloc}{parts.path}" + (
            f"?{parts.query}" if parts.query else "")

    def connect(self) -> Any:
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as e:  # pragma: no cover - psycopg is a declared dependency
            raise MissingDependencyError("reading LiteLLM's database",
                                         "pip install 'psycopg[binary]'") from e
        try:
            return psycopg.connect(self.url, row_factory=dict_row)
        except psycopg.Error as e:
            raise InputError(f"Could not connect to {self.path}: {str(e).strip()}. "
                             "Check the URL, the server and the credentials.") from e

    def sha256(self) -> str:
        """Digest of the query and the table's extent: unchanged table, same digest."""
        with self.connect() as conn:
            stats = conn.execute(
                f'SELECT max("startTime") AS last, count(*) AS n FROM {TABLE}').fetchone()
        key = f"{_QUERY}\n{stats['last']}\n{stats['n']}"
        return hashlib.sha256(key.encode()).hexdigest()

    def records(self) -> Iterator[tuple[int, bytes, dict[str, Any]]]:
        """(ordinal, raw, row) in startTime order, fetched a page at a time server-side."""
        with self.connect() as conn, conn.cursor(name="tokencensus_spend_logs") as cur:
            cur.itersize = PAGE_ROWS
            cur.execute(_QUERY)
            for n, row in enumerate(cur, start=1):
                for k, v in row.items():
                    if isinstance(v, dt.datetime):
                        # timestamp(3) without time zone: LiteLLM writes UTC.
                        row[k] = v.replace(tzinfo=dt.UTC).isoformat()
                yield n, orjson.dumps(row, default=str), row


_QUERY = f'SELECT * FROM {TABLE} ORDER BY "startTime", request_id'


class LiteLLMDatabaseReader(Reader):
    name: ClassVar[str] = "litellm_db"
    description: ClassVar[str] = (
        "LiteLLM proxy spend logs read from its PostgreSQL database (postgresql:// URL)")
    provides: ClassVar[frozenset[str]] = _PROVIDES

    @classmethod
    def opens_url(cls, url: str) -> bool:
        return url.split("://", 1)[0].lower() in ("postgresql", "postgres")

    def open_url(self, url: str) -> SpendLogsTable:
        return SpendLogsTable(url)

    def sniff(self, head: bytes) -> bool:
        return False  # a database, never a file

    def read(self, source: Any, want_text: TextFilter | None = None) -> Iterator[Chunk]:
        if not isinstance(source, SpendLogsTable):
            raise InputError(f"{source.path} is a file; litellm_db reads a postgresql:// URL. "
                             "Pass --format litellm for a CSV export.")
        yield from chunks(self.name, source.records(), map_spend_log, want_text)
