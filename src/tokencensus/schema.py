"""Canonical schemas of the census store (version 1).

Every reader maps its source onto :data:`REQUESTS`; the classifier writes
:data:`LABELS`; records that cannot be mapped go to :data:`QUARANTINE`.
These schemas are a public interface: other tools read
``store/requests/**/*.parquet`` directly, so a change that is not purely
additive must bump :data:`SCHEMA_VERSION`.

Token rules, whatever the source:

* ``input_tokens`` counts every prompt token the model processed, *including*
  cached reads and cache writes (Anthropic reports them separately, so its
  reader adds them back; OpenAI already includes them).
* ``output_tokens`` counts every generated token, *including* reasoning
  (Gemini reports thinking outside ``candidatesTokenCount``; its reader adds
  it back).
* Unknown is null, never 0: a source that does not report cached tokens
  leaves ``cached_tokens`` null, and analyses skip nulls instead of averaging
  in zeros.

>>> REQUESTS.field(INPUT_TOKENS).type
DataType(int64)
"""

from __future__ import annotations

from typing import Final, Literal, get_args

import pyarrow as pa

SCHEMA_VERSION: Final = 1

REQUEST_ID: Final = "request_id"
TS: Final = "ts"
USER_ID: Final = "user_id"
SESSION_ID: Final = "session_id"
APP: Final = "app"
SOURCE: Final = "source"
BATCH: Final = "batch"
MODEL_RAW: Final = "model_raw"
MODEL: Final = "model"
PROVIDER: Final = "provider"
REQUESTS_COUNT: Final = "requests"
INPUT_TOKENS: Final = "input_tokens"
CACHED_TOKENS: Final = "cached_tokens"
CACHE_WRITE_TOKENS: Final = "cache_write_tokens"
OUTPUT_TOKENS: Final = "output_tokens"
REASONING_TOKENS: Final = "reasoning_tokens"
TOOLS_DECLARED: Final = "tools_declared"
TOOL_CALLS: Final = "tool_calls"
FINISH_REASON: Final = "finish_reason"
COST_USD: Final = "cost_usd"
COST_SOURCE: Final = "cost_source"
IS_BYOK: Final = "is_byok"
LATENCY_MS: Final = "latency_ms"
TTFT_MS: Final = "ttft_ms"
STREAMED: Final = "streamed"
CANCELLED: Final = "cancelled"
STATUS: Final = "status"
COUNTRY: Final = "country"
TOKENS_ESTIMATED: Final = "tokens_estimated"

FinishReason = Literal[
    "stop", "length", "tool_calls", "content_filter", "error", "cancelled", "other"
]
FINISH_REASONS: Final[tuple[str, ...]] = get_args(FinishReason)
CostSource = Literal["reported", "computed"]
COST_SOURCES: Final[tuple[str, ...]] = get_args(CostSource)
Status = Literal["ok", "error"]
STATUSES: Final[tuple[str, ...]] = get_args(Status)

UTC_MICROS = pa.timestamp("us", tz="UTC")


def _field(name: str, type_: pa.DataType, doc: str, *, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"doc": doc})


REQUESTS: Final = pa.schema(
    [
        _field(REQUEST_ID, pa.string(), "Stable id: the source's own id, else a sha256 of the "
               "record's canonical JSON. Duplicates by this id are dropped.", nullable=False),
        _field(TS, UTC_MICROS, "Request start, UTC, microseconds.", nullable=False),
        _field(USER_ID, pa.string(), "Account or end user, pseudonymized with the store's "
               "salted HMAC-SHA256 (first 16 bytes, hex). Null when the source has none."),
        _field(SESSION_ID, pa.string(), "Conversation or agent session, when the source has one."),
        _field(APP, pa.string(), "App, referer, API-key alias or team that sent the request."),
        _field(SOURCE, pa.string(), "Reader that produced the row (format name).", nullable=False),
        _field(BATCH, pa.string(), "Ingest batch id (see manifest.json).", nullable=False),
        _field(MODEL_RAW, pa.string(), "Model name exactly as the log spelled it."),
        _field(MODEL, pa.string(), "Canonical `author/name` slug; null when unresolved."),
        _field(PROVIDER, pa.string(), "Host that served the request (not the model's author)."),
        _field(REQUESTS_COUNT, pa.int64(), "Requests this row stands for: 1 for per-request "
               "logs, the count for aggregate exports.", nullable=False),
        _field(INPUT_TOKENS, pa.int64(), "Prompt tokens, including cached reads and writes."),
        _field(CACHED_TOKENS, pa.int64(), "Prompt tokens read from cache (subset of input)."),
        _field(CACHE_WRITE_TOKENS, pa.int64(), "Prompt tokens written to cache (subset of input)."),
        _field(OUTPUT_TOKENS, pa.int64(), "Completion tokens, including reasoning."),
        _field(REASONING_TOKENS, pa.int64(), "Reasoning/thinking tokens (subset of output)."),
        _field(TOOLS_DECLARED, pa.bool_(), "The request declared tools; null when not logged."),
        _field(TOOL_CALLS, pa.int32(), "Tool calls in the response; null when not logged."),
        _field(FINISH_REASON, pa.string(), "One of: " + ", ".join(FINISH_REASONS) + "."),
        _field(COST_USD, pa.float64(), "What the request cost in USD."),
        _field(COST_SOURCE, pa.string(), "`reported` by the log or `computed` from prices."),
        _field(IS_BYOK, pa.bool_(), "Bring-your-own-key request (gateway did not bill tokens)."),
        _field(LATENCY_MS, pa.float64(), "Total time from request to last token, ms."),
        _field(TTFT_MS, pa.float64(), "Time to first token, ms."),
        _field(STREAMED, pa.bool_(), "Response was streamed."),
        _field(CANCELLED, pa.bool_(), "Client cancelled before completion."),
        _field(STATUS, pa.string(), "`ok` or `error`."),
        _field(COUNTRY, pa.string(), "Billing country of the account, ISO 3166-1 alpha-2."),
        _field(TOKENS_ESTIMATED, pa.bool_(), "Token counts are the gateway's normalized or "
               "estimated counts, not the model's native tokenizer's.", nullable=False),
    ],
    metadata={"tokencensus.schema": "requests", "tokencensus.version": str(SCHEMA_VERSION)},
)

CATEGORY: Final = "category"
SUBTAG: Final = "subtag"
CONFIDENCE: Final = "confidence"
LANGUAGE: Final = "language"
CLASSIFIER: Final = "classifier"

LABELS: Final = pa.schema(
    [
        _field(REQUEST_ID, pa.string(), "Request the label belongs to.", nullable=False),
        _field(TS, UTC_MICROS, "Request time (copied so labels partition like requests).",
               nullable=False),
        _field(CATEGORY, pa.string(), "One of the study's 12 categories or `other`."),
        _field(SUBTAG, pa.string(), "Finer content path, e.g. `Roleplaying Games`."),
        _field(CONFIDENCE, pa.float32(), "Classifier confidence, 0-1."),
        _field(LANGUAGE, pa.string(), "ISO 639-1 language of the prompt, `und` if unknown."),
        _field(CLASSIFIER, pa.string(), "Backend that labelled it, `name@version`.",
               nullable=False),
    ],
    metadata={"tokencensus.schema": "labels", "tokencensus.version": str(SCHEMA_VERSION)},
)

FILE: Final = "file"
LINE: Final = "line"
REASON: Final = "reason"
RECORD_SHA256: Final = "record_sha256"

QUARANTINE: Final = pa.schema(
    [
        _field(BATCH, pa.string(), "Ingest batch id.", nullable=False),
        _field(FILE, pa.string(), "Source file the record came from.", nullable=False),
        _field(LINE, pa.int64(), "1-based line (or row) number in that file.", nullable=False),
        _field(REASON, pa.string(), "Why it was rejected and how to fix it.", nullable=False),
        # A digest, not the record: records can carry prompt text, which is never persisted.
        _field(RECORD_SHA256, pa.string(), "sha256 of the raw record, to find it again."),
    ],
    metadata={"tokencensus.schema": "quarantine", "tokencensus.version": str(SCHEMA_VERSION)},
)

REQUIRED_REQUEST_COLUMNS: Final = frozenset(
    f.name for f in REQUESTS if not f.nullable
)


def describe(schema: pa.Schema) -> list[tuple[str, str, str]]:
    """(name, type, doc) for each column, for docs and ``--help`` text."""
    return [(f.name, str(f.type), (f.metadata or {}).get(b"doc", b"").decode()) for f in schema]

# Model dimension (catalog): one row per canonical model.
AUTHOR: Final = "author"
DISPLAY_NAME: Final = "display_name"
OPEN_WEIGHTS: Final = "open_weights"
LICENSE: Final = "license"
ORIGIN: Final = "origin"
PARAMS_B: Final = "params_b"
SIZE_BUCKET: Final = "size_bucket"
REASONING: Final = "reasoning"
RELEASE_DATE: Final = "release_date"
CONTEXT_LENGTH: Final = "context_length"
PRICE_INPUT: Final = "price_input"
PRICE_OUTPUT: Final = "price_output"
PRICE_CACHE_READ: Final = "price_cache_read"
SOURCE_GROUP: Final = "source_group"

Origin = Literal["CN", "ROW"]
SizeBucket = Literal["small", "medium", "large"]
SourceGroup = Literal["Proprietary", "Chinese open", "RoW open", "Unknown"]
SOURCE_GROUPS: Final[tuple[str, ...]] = get_args(SourceGroup)

MODELS: Final = pa.schema(
    [
        _field(MODEL, pa.string(), "Canonical `author/name` slug.", nullable=False),
        _field(AUTHOR, pa.string(), "Lab that made the model (slug prefix).", nullable=False),
        _field(DISPLAY_NAME, pa.string(), "Human-readable name."),
        _field(OPEN_WEIGHTS, pa.bool_(), "Weights are publicly downloadable."),
        _field(LICENSE, pa.string(), "Weights licence, when known."),
        _field(ORIGIN, pa.string(), "`CN` (lab in mainland China, HK or TW) or `ROW`."),
        _field(PARAMS_B, pa.float64(), "Total parameters, billions (open models)."),
        _field(SIZE_BUCKET, pa.string(), "small <15B, medium 15-70B, large >=70B (open models)."),
        _field(REASONING, pa.bool_(), "Reasoning-capable model."),
        _field(RELEASE_DATE, pa.date32(), "First public availability."),
        _field(CONTEXT_LENGTH, pa.int64(), "Context window, tokens."),
        _field(PRICE_INPUT, pa.float64(), "USD per prompt token (current)."),
        _field(PRICE_OUTPUT, pa.float64(), "USD per completion token (current)."),
        _field(PRICE_CACHE_READ, pa.float64(), "USD per cached prompt token (current)."),
    ],
    metadata={"tokencensus.schema": "models", "tokencensus.version": str(SCHEMA_VERSION)},
)

CONTINENT: Final = "continent"
COUNTRY_NAME: Final = "country_name"
CONTINENTS: Final = (
    "North America", "South America", "Europe", "Asia", "Oceania", "Africa", "Antarctica",
)

COUNTRIES: Final = pa.schema(
    [
        _field(COUNTRY, pa.string(), "ISO 3166-1 alpha-2.", nullable=False),
        _field(COUNTRY_NAME, pa.string(), "Short English name.", nullable=False),
        _field(CONTINENT, pa.string(), "One of: " + ", ".join(CONTINENTS) + ".", nullable=False),
    ],
    metadata={"tokencensus.schema": "countries", "tokencensus.version": str(SCHEMA_VERSION)},
)


def size_bucket(params_b: float | None) -> SizeBucket | None:
    """The study's size buckets by total parameters (billions)."""
    if params_b is None:
        return None
    if params_b < 15:
        return "small"
    return "medium" if params_b < 70 else "large"


def source_group(open_weights: bool | None, origin: str | None) -> SourceGroup:
    """Proprietary / Chinese open / RoW open, the study's three source groups."""
    if open_weights is None:
        return "Unknown"
    if not open_weights:
        return "Proprietary"
    return "Chinese open" if origin == "CN" else "RoW open"
