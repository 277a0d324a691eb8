"""Langfuse observations: the public API's JSON, the UI batch export (JSON, JSONL or CSV).

Accepted shapes (see tests/data/langfuse/SOURCES.md):

* an API page, ``GET /api/public/observations`` (v1: ``{"data": [...], "meta":
  {"page", "limit", "totalItems", "totalPages"}}``) or ``GET
  /api/public/v2/observations`` (``{"data": [...], "meta": {"cursor"}}``), as one
  document or one page per line;
* the batch export of the Observations table, as a JSON array, JSONL (one
  observation per line) or CSV. The CSV writes every value as JSON text except
  strings, so times arrive as quoted JSON strings (``"2025-08-01T13:22:00.147Z"``)
  and objects as JSON; an empty cell is null.

Only ``GENERATION`` observations are LLM calls. ``SPAN``, ``EVENT``, ``AGENT``,
``TOOL``, ``CHAIN``, ``RETRIEVER``, ``EVALUATOR``, ``EMBEDDING`` and ``GUARDRAIL``
observations are skipped and not counted as read, as non-LLM spans are by the
span readers.

Token rules (Langfuse docs, "Token & Cost Tracking": usage types are mutually
exclusive buckets). ``usageDetails`` maps a usage type to its units: ``input``
excludes every ``input_*`` bucket (``input_cached_tokens``, ``input_cache_read``,
``input_cache_creation``, …) and ``output`` excludes ``output_*``
(``output_reasoning_tokens``, …); Langfuse itself sums every type whose name
contains ``input`` as input usage and ``output`` as output usage. Canonical input
and output are those sums, which include cache reads and writes and reasoning as
the canonical definitions want. Cache reads are ``input_cached_tokens``,
``input_cache_read`` and ``cache_read_input_tokens`` (the docs' flat example);
cache writes ``input_cache_creation`` (with its ``_5m`` / ``_1h`` tiers),
``input_cache_write`` and ``cache_creation_input_tokens``; reasoning
``output_reasoning_tokens`` and ``output_reasoning``. Older OpenTelemetry ingestion
stored OpenInference keys verbatim next to an inclusive ``input``/``output``:
``prompt_details.cache_read`` / ``cache_write`` and ``completion_details.reasoning``
are subsets then, and name neither input nor output, so the sums stay right.
Without ``usageDetails`` the deprecated ``usage.input`` / ``usage.output`` (the
same sums) are read; an empty ``usageDetails`` is unknown, never 0 (Langfuse
reports the sums of nothing as 0).

Other fields: request_id = ``traceId:id`` (``id`` alone without a trace); ts =
``startTime``; latency = ``endTime`` − ``startTime``; ttft =
``completionStartTime`` − ``startTime`` when it is not after ``endTime`` (both
computed from the times: the API gives ``latency`` in seconds, the UI's trace
download in milliseconds); model_raw = ``model`` (v1, export), else
``providedModelName`` (v2); user_id = ``userId`` and session_id = ``sessionId``
(the trace's, carried by the v2 API and, for the user, by the export; the v1 API
omits both); cost_usd = ``costDetails.total`` (ingested or inferred by Langfuse
from its model prices; reported), else ``totalCost`` / ``calculatedTotalCost``
when ``costDetails`` is absent;
tools_declared / tool_calls from the export's ``toolDefinitionsCount`` /
``toolCallsCount``. Langfuse records no finish reason: ``level`` ``ERROR`` gives
status ``error`` and finish reason ``error``; ``DEBUG``, ``DEFAULT`` and
``WARNING`` give status ``ok`` (``statusMessage`` is free text and is not read).
The generation's ``input`` (chat messages, or a prompt string) is the prompt text
for classification, in memory only.

A JSONL export line takes a fast path where it can (:func:`map_line_fast`): msgspec
decodes only the fields above, skipping ``input`` and ``output`` (most of a line's
bytes), into the dict :func:`map_observation` then maps, so both paths share one
mapping; ``tests/ingest/test_langfuse_fast.py`` checks they agree.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any, ClassVar, TypedDict

import msgspec

from tokencensus import schema
from tokencensus.ingest.base import Chunk, Reader, RecordError, TextFilter
from tokencensus.ingest.common_llm import SKIP, export_is_csv, json_cells, read_export
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.spans import message_text
from tokencensus.ingest.tabular import chunks, csv_header, csv_records
from tokencensus.ingest.validate import (
    INT64_LIMIT,
    TypedInt,
    get_float,
    get_int,
    get_obj,
    get_str,
    get_ts,
)

_CACHE_READ = frozenset({"input_cached_tokens", "input_cache_read", "cache_read_input_tokens",
                         "prompt_details.cache_read"})
_CACHE_WRITE = frozenset({"input_cache_creation", "input_cache_creation_5m",
                          "input_cache_creation_1h", "input_cache_write",
                          "cache_creation_input_tokens", "prompt_details.cache_write"})
_REASONING = frozenset({"output_reasoning_tokens", "output_reasoning",
                        "completion_details.reasoning"})
_LEVELS = ("DEBUG", "DEFAULT", "WARNING", "ERROR")
#: CSV columns holding JSON text (all but strings); the others are read as text.
_JSON_COLUMNS = (
    "startTime", "endTime", "completionStartTime", "usageDetails", "costDetails", "usage",
    "totalCost", "calculatedTotalCost", "toolDefinitionsCount", "toolCallsCount",
)
_CORE_KEYS = (b'"parentObservationId"', b'"traceId"', b'"startTime"')
_CSV_COLUMNS = frozenset({"id", "traceId", "type", "startTime", "parentObservationId"})
#: Fast-path types: the values get_str / get_ts / get_int and get_float take unchanged.
_Name = str | TypedInt | None
_Time = str | TypedInt | float | None
_Number = TypedInt | float | None


def _usage(obs: dict[str, Any]) -> tuple[int | None, ...]:
    """(input, cached, cache write, output, reasoning) of an observation; unknown is None."""
    details = get_obj(obs, "usageDetails", "usageDetails")
    if details is None:
        usage = get_obj(obs, "usage", "usage") or {}
        return (get_int(usage, "input", "usage.input"), None, None,
                get_int(usage, "output", "usage.output"), None)
    sums: list[int | None] = [None] * 5
    for key, value in details.items():
        n = value if type(value) is int and 0 <= value < INT64_LIMIT else get_int(
            details, key, f"usageDetails.{key}")
        if n is None:
            continue
        for part in _parts(key):
            total = sums[part]
            sums[part] = n if total is None else total + n
    return tuple(sums)


@functools.lru_cache(maxsize=1024)
def _parts(usage_type: str) -> tuple[int, ...]:
    """Which of (input, cached, cache write, output, reasoning) a usage type adds to."""
    hits = ("input" in usage_type, usage_type in _CACHE_READ, usage_type in _CACHE_WRITE,
            "output" in usage_type, usage_type in _REASONING)
    return tuple(i for i, hit in enumerate(hits) if hit)


def _cost(obs: dict[str, Any]) -> float | None:
    costs = get_obj(obs, "costDetails", "costDetails")
    if costs is not None:  # present, even empty: Langfuse's other cost fields default to 0
        return get_float(costs, "total", "costDetails.total")
    for key in ("totalCost", "calculatedTotalCost"):
        value = get_float(obs, key, key)
        if value is not None:
            return value
    return None


def _ms(start: dt.datetime, end: dt.datetime | None) -> float | None:
    """Milliseconds from ``start`` to ``end``; None when unknown or out of order."""
    return (end - start).total_seconds() * 1000 if end is not None and end >= start else None


def _prompt_text(value: Any) -> str | None:
    """System and user text of a generation's input: chat messages, or a plain prompt."""
    if isinstance(value, dict):
        value = value.get("messages")
    text = message_text(value)
    if text is None and isinstance(value, str) and not value.lstrip().startswith(("[", "{")):
        return value or None
    return text


def map_observation(obs: Any, want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
    """One GENERATION observation (API or export) as a canonical record."""
    if not isinstance(obs, dict):
        raise RecordError("expected an observation object")
    if get_str(obs, "type", "type") != "GENERATION":  # other types never reach the mapper
        raise RecordError("type: missing; every observation has one (GENERATION, SPAN, ...)")
    obs_id = get_str(obs, "id", "id")
    if not obs_id:
        raise RecordError("id: missing; every observation has one")
    trace_id = get_str(obs, "traceId", "traceId")
    start = get_ts(obs, "startTime", "startTime")
    if start is None:
        raise RecordError("startTime: missing; every observation has one")
    end = get_ts(obs, "endTime", "endTime")
    first_token = get_ts(obs, "completionStartTime", "completionStartTime")
    if first_token is not None and end is not None and first_token > end:
        first_token = None  # after the last token: not a first-token time
    level = get_str(obs, "level", "level")
    if level is not None and level not in _LEVELS:
        raise RecordError(f"level: expected one of {', '.join(_LEVELS)}, got {level[:40]!r}")
    inp, cached, written, out, reasoning = _usage(obs)
    cost = _cost(obs)
    tool_defs = get_int(obs, "toolDefinitionsCount", "toolDefinitionsCount")
    model_raw = (get_str(obs, "model", "model")
                 or get_str(obs, "providedModelName", "providedModelName") or None)
    request_id = f"{trace_id}:{obs_id}" if trace_id else obs_id
    text = None
    if want_text is not None and want_text(request_id):
        text = _prompt_text(obs.get("input"))
    failed = level == "ERROR"
    record = {
        schema.REQUEST_ID: request_id,
        schema.TS: start,
        schema.USER_ID: get_str(obs, "userId", "userId") or None,
        schema.SESSION_ID: get_str(obs, "sessionId", "sessionId") or None,
        schema.MODEL_RAW: model_raw,
        schema.INPUT_TOKENS: inp,
        schema.CACHED_TOKENS: cached,
        schema.CACHE_WRITE_TOKENS: written,
        schema.OUTPUT_TOKENS: out,
        schema.REASONING_TOKENS: reasoning,
        schema.TOOLS_DECLARED: None if tool_defs is None else tool_defs > 0,
        schema.TOOL_CALLS: get_int(obs, "toolCallsCount", "toolCallsCount"),
        schema.FINISH_REASON: "error" if failed else None,
        schema.COST_USD: cost,
        schema.COST_SOURCE: None if cost is None else "reported",
        schema.LATENCY_MS: _ms(start, end),
        schema.TTFT_MS: _ms(start, first_token),
        schema.STATUS: None if level is None else ("error" if failed else "ok"),
    }
    return record, text


def map_csv_row(row: Any, want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
    """One row of the CSV export: JSON-text cells decoded, then mapped like JSON."""
    return map_observation(json_cells(row, _JSON_COLUMNS), want_text)


class _Usage(TypedDict, total=False):
    input: _Number
    output: _Number


class _Costs(TypedDict, total=False):
    total: _Number


class _Observation(TypedDict, total=False):
    """The fields :func:`map_observation` reads, each typed to the values it takes as
    they are (anything else, e.g. an integer beyond int64, which orjson makes a float,
    fails here and goes the reference way). msgspec decodes them into the very dict
    orjson would make, minus the other keys. The prompt (``input``) is not among them:
    a sampled record goes the reference way too. ``data`` / ``observations`` mark an
    API page, which the reference reads."""

    type: _Name
    id: _Name
    traceId: _Name
    startTime: _Time
    endTime: _Time
    completionStartTime: _Time
    level: _Name
    usageDetails: dict[str, _Number] | None
    usage: _Usage | None
    costDetails: _Costs | None
    totalCost: _Number
    calculatedTotalCost: _Number
    toolDefinitionsCount: _Number
    toolCallsCount: _Number
    model: _Name
    providedModelName: _Name
    userId: _Name
    sessionId: _Name
    data: msgspec.Raw
    observations: msgspec.Raw


_OBSERVATION = msgspec.json.Decoder(_Observation)


def map_line_fast(raw: bytes, want_text: TextFilter | None) -> Any:
    """The fast path of one JSONL export line (see ``common_llm.FastMapper``): msgspec reads
    only the fields the mapping uses, skipping the prompt and completion, which are most
    of a line's bytes; the record is then :func:`map_observation`'s own."""
    try:
        obs = _OBSERVATION.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        return None  # RecursionError: nesting orjson reads (to depth 1024) and msgspec not
    if "data" in obs or "observations" in obs:
        return None
    kind = obs.get("type")
    if type(kind) is str and kind and kind != "GENERATION":
        return SKIP  # as _generations drops it
    try:
        record, _ = map_observation(obs, None)
    except RecordError:
        return None
    if want_text is not None and want_text(record[schema.REQUEST_ID]):
        return None
    return record, None


def _generations(records: Iterator[tuple[int, bytes, Any]]) -> Iterator[tuple[int, bytes, Any]]:
    """Drop observations of other types: they are not LLM calls, so not records read."""
    for item in records:
        kind = item[2].get("type") if isinstance(item[2], dict) else None
        if not (isinstance(kind, str) and kind and kind != "GENERATION"):
            yield item  # a generation, or a record whose type the mapper will reject


class LangfuseReader(Reader):
    name: ClassVar[str] = "langfuse"
    description: ClassVar[str] = (
        "Langfuse observations: public API pages (v1/v2) or the UI export (JSON, JSONL, CSV)")
    provides: ClassVar[frozenset[str]] = frozenset({
        schema.REQUEST_ID, schema.TS, schema.USER_ID, schema.SESSION_ID, schema.MODEL_RAW,
        schema.MODEL, schema.INPUT_TOKENS, schema.CACHED_TOKENS, schema.CACHE_WRITE_TOKENS,
        schema.OUTPUT_TOKENS, schema.REASONING_TOKENS, schema.TOOLS_DECLARED, schema.TOOL_CALLS,
        schema.FINISH_REASON, schema.COST_USD, schema.LATENCY_MS, schema.TTFT_MS, schema.STATUS,
    })

    def sniff(self, head: bytes) -> bool:
        first = head.lstrip()
        if first.startswith((b"{", b"[")):
            return all(key in head for key in _CORE_KEYS)
        return set(csv_header(head)) >= _CSV_COLUMNS

    def read(self, source: SourceFile, want_text: TextFilter | None = None) -> Iterator[Chunk]:
        if not export_is_csv(source, _CSV_COLUMNS):
            # The UI's trace download is {"trace": {...}, "observations": [...]}; API pages
            # hold their observations under "data". The document's own top-level key
            # decides (a trace's input may say "data" anywhere).
            yield from read_export(self.name, source, ("data", "observations"), _generations,
                                   map_observation, want_text, map_line_fast)
            return
        with source.stream() as stream:
            yield from chunks(self.name, _generations(csv_records(stream)), map_csv_row,
                              want_text)
