"""OpenRouter activity export (``GET /api/v1/activity``): daily aggregates, no users.

The endpoint returns ``{"data": [<activity item>, ...]}``, one item per UTC day
and endpoint (model x provider) for the last 30 completed UTC days. An item is
an aggregate, not a request: ``date``, ``model``, ``model_permaslug``,
``endpoint_id``, ``provider_name``, ``usage``, ``byok_usage_inference``,
``requests``, ``prompt_tokens``, ``completion_tokens``, ``reasoning_tokens``.

Mapping. Each item becomes one canonical row standing for ``requests``
requests: ``ts`` is the day at 00:00 UTC; ``request_id`` is a stable hash of
the item's key fields (date, model permaslug, endpoint id, provider), so
re-ingesting an overlapping export (the 30-day window slides) stores each day
once; ``user_id``, ``session_id``, ``app`` and ``finish_reason`` are null, and
analyses that need users or per-request detail skip these rows.
``model`` (the slug) is the raw model name; ``provider_name`` the provider.

Token rules. ``prompt_tokens`` and ``completion_tokens`` are the day's totals
as OpenRouter bills them; ``reasoning_tokens`` is the part of the completion
spent reasoning (OpenRouter's completion count includes it, as the canonical
output count wants). The export has no cached-token count, so
``cached_tokens`` stays null. Cost: ``usage`` is what OpenRouter charged in
credits and ``byok_usage_inference`` what bring-your-own-key inference cost on
the user's own provider account; the row's ``cost_usd`` is their sum, the
whole spend for those requests, marked ``reported``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any, ClassVar

from tokencensus import schema
from tokencensus.ingest.base import Chunk, Reader, RecordError, TextFilter
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.tabular import chunks, json_array_records
from tokencensus.ingest.validate import get_float, get_int, get_str

_KEY_FIELDS = ("date", "model_permaslug", "model", "endpoint_id", "provider_name")


def map_activity(obj: Any, want_text: TextFilter | None) -> tuple[dict[str, Any], str | None]:
    """One activity item as a canonical aggregate row (no prompt text exists)."""
    if not isinstance(obj, dict):
        raise RecordError("expected an activity item object")
    day_text = get_str(obj, "date", "date")
    if not day_text:
        raise RecordError("date: missing; every activity item has one")
    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        raise RecordError(f"date: expected YYYY-MM-DD, got {day_text[:40]!r}") from None
    model_raw = get_str(obj, "model", "model") or get_str(obj, "model_permaslug", "model_permaslug")
    if not model_raw:
        raise RecordError("model: missing; every activity item has one")
    requests = get_int(obj, "requests", "requests")
    if requests is None:
        raise RecordError("requests: missing; an aggregate row needs its request count")
    key = "\x1f".join(str(get_str(obj, k, k) or "") for k in _KEY_FIELDS)
    usage = get_float(obj, "usage", "usage")
    byok = get_float(obj, "byok_usage_inference", "byok_usage_inference")
    cost = None if usage is None and byok is None else (usage or 0.0) + (byok or 0.0)
    record = {
        schema.REQUEST_ID: "activity:" + hashlib.sha256(key.encode()).hexdigest()[:32],
        schema.TS: dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC),
        schema.MODEL_RAW: model_raw,
        schema.PROVIDER: get_str(obj, "provider_name", "provider_name"),
        schema.REQUESTS_COUNT: requests,
        schema.INPUT_TOKENS: get_int(obj, "prompt_tokens", "prompt_tokens"),
        schema.OUTPUT_TOKENS: get_int(obj, "completion_tokens", "completion_tokens"),
        schema.REASONING_TOKENS: get_int(obj, "reasoning_tokens", "reasoning_tokens"),
        schema.COST_USD: cost,
        schema.COST_SOURCE: None if cost is None else "reported",
    }
    return record, None


class OpenRouterActivityReader(Reader):
    name: ClassVar[str] = "openrouter_activity"
    description: ClassVar[str] = (
        "OpenRouter activity export (GET /api/v1/activity): daily aggregates per model, no users")
    provides: ClassVar[frozenset[str]] = frozenset({
        schema.REQUEST_ID, schema.TS, schema.MODEL_RAW, schema.MODEL, schema.PROVIDER,
        schema.REQUESTS_COUNT, schema.INPUT_TOKENS, schema.OUTPUT_TOKENS,
        schema.REASONING_TOKENS, schema.COST_USD,
    })

    def sniff(self, head: bytes) -> bool:
        first = head.lstrip()[:8192]
        return first.startswith(b"{") and b'"data"' in first and all(
            k in first for k in (b'"model_permaslug"', b'"endpoint_id"', b'"requests"'))

    def read(self, source: SourceFile, want_text: TextFilter | None = None) -> Iterator[Chunk]:
        with source.stream() as stream:
            yield from chunks(self.name, json_array_records(stream, "data"), map_activity,
                              want_text)
