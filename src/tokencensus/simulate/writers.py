"""Output: canonical Arrow batches (schema.REQUESTS) and OpenRouter generation JSONL lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from tokencensus import schema as s
from tokencensus.classify.sampling import in_sample
from tokencensus.simulate import calibration as cal
from tokencensus.simulate import ids, prompts
from tokencensus.simulate.models import Plan
from tokencensus.simulate.population import APP_URLS, COUNTRY_CODES, Population
from tokencensus.simulate.traffic import ERROR, FINISH, TOOL_CALLS, Chunk

# Provider-native finish reasons, per API family, in FINISH order (error has none).
NATIVE_FINISH = {
    "openai": ("stop", "length", "tool_calls", "content_filter", None),
    "anthropic": ("end_turn", "max_tokens", "tool_use", "refusal", None),
    "google": ("STOP", "MAX_TOKENS", "STOP", "SAFETY", None),
}
_FAMILIES = tuple(NATIVE_FINISH)
_UPSTREAM_PREFIX = {"openai": "chatcmpl-", "anthropic": "msg_01", "google": ""}
APP_IDS = tuple(104_729 + 7_919 * i for i in range(len(APP_URLS)))


class Vocab:
    """Strings the rows index into, shared by both writers."""

    def __init__(self, plan: Plan, pop: Population, providers: tuple[str, ...]) -> None:
        self.plan = plan
        self.providers = providers
        self.model_raw = [name for slug in plan.slugs for name in (slug, slug + ":free")]
        family = np.zeros((len(plan.slugs), len(providers)), dtype=np.int64)
        for m, author in enumerate(plan.authors):
            for p, host in enumerate(providers):
                fam = ("anthropic" if author == "anthropic" else
                       "google" if host.startswith("Google") else "openai")
                family[m, p] = _FAMILIES.index(fam)
        self.family = family
        self.users = pop.user_names
        self.arrow_users = pa.array(pop.user_names, pa.string())
        self.arrow_model = pa.array(plan.slugs, pa.string())
        self.arrow_model_raw = pa.array(self.model_raw, pa.string())
        self.arrow_providers = pa.array(providers, pa.string())
        self.arrow_apps = pa.array(APP_URLS, pa.string())
        self.arrow_countries = pa.array(COUNTRY_CODES, pa.string())
        self.arrow_finish = pa.array(FINISH, pa.string())


def _strings_from_codes(codes: np.ndarray) -> pa.Array[Any]:
    """A string array straight from fixed-width ASCII rows, without Python strings."""
    n, width = codes.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(codes).tobytes()
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets.tobytes()),
                                                  pa.py_buffer(data)])


def _take(values: pa.Array[Any], index: np.ndarray,
          null: np.ndarray | None = None) -> pa.Array[Any]:
    return values.take(pa.array(index, mask=null))


def record_batch(ch: Chunk, vocab: Vocab) -> pa.RecordBatch:
    """The chunk as canonical rows with exactly :data:`schema.REQUESTS`."""
    n = len(ch)
    plan = vocab.plan
    error = ch.finish == ERROR
    columns: dict[str, Any] = {
        s.REQUEST_ID: _strings_from_codes(ch.id_codes),
        s.TS: pa.array(ch.ts, s.UTC_MICROS),
        s.USER_ID: _take(vocab.arrow_users, ch.user),
        s.SESSION_ID: pa.nulls(n, pa.string()),
        s.APP: _take(vocab.arrow_apps, np.maximum(ch.app, 0), ch.app < 0),
        s.SOURCE: pa.array(np.full(n, "simulate", dtype=object), pa.string()),
        s.BATCH: pa.array(np.full(n, "", dtype=object), pa.string()),
        s.MODEL_RAW: _take(vocab.arrow_model_raw, ch.model * 2 + ch.free),
        s.MODEL: _take(vocab.arrow_model, ch.model),
        s.PROVIDER: _take(vocab.arrow_providers, ch.provider),
        s.REQUESTS_COUNT: pa.array(np.ones(n, dtype=np.int64)),
        s.INPUT_TOKENS: pa.array(ch.input),
        s.CACHED_TOKENS: pa.array(ch.cached),
        s.CACHE_WRITE_TOKENS: pa.nulls(n, pa.int64()),
        s.OUTPUT_TOKENS: pa.array(ch.output),
        s.REASONING_TOKENS: pa.array(ch.reasoning, mask=~plan.reasoning[ch.model]),
        s.TOOLS_DECLARED: pa.array(ch.tools_declared),
        # As the OpenRouter reader counts it: a tool-call finish is one call.
        s.TOOL_CALLS: pa.array((ch.finish == TOOL_CALLS).astype(np.int32)),
        s.FINISH_REASON: _take(vocab.arrow_finish, ch.finish),
        s.COST_USD: pa.array(ch.cost),
        s.COST_SOURCE: pa.array(np.full(n, "reported", dtype=object), pa.string()),
        s.IS_BYOK: pa.array(ch.byok),
        s.LATENCY_MS: pa.array(ch.gen_time),
        s.TTFT_MS: pa.array(ch.ttft),
        s.STREAMED: pa.array(ch.streamed),
        s.CANCELLED: pa.array(ch.cancelled),
        s.STATUS: pa.array(np.where(error, "error", "ok").astype(object), pa.string()),
        s.COUNTRY: _take(vocab.arrow_countries, ch.country),
        s.TOKENS_ESTIMATED: pa.array(np.zeros(n, dtype=bool)),
    }
    return pa.RecordBatch.from_arrays([columns[f.name] for f in s.REQUESTS], schema=s.REQUESTS)


def write_jsonl(ch: Chunk, vocab: Vocab, seed: int, sample_rate: float,
                labels: list[dict[str, str]], write: Callable[[bytes], Any]) -> None:
    """Pass the chunk to ``write`` as OpenRouter generation records in the logging envelope,
    one newline-terminated line per call.

    Rows in the prompt sample get ``request.messages``; their true labels are
    appended to ``labels``.
    """
    plan = vocab.plan
    req_ids = ids.strings(ch.id_codes)
    sampled = in_sample(req_ids, sample_rate)
    created = [t + "+00:00" for t in np.datetime_as_string(ch.ts.astype("datetime64[us]"),
                                                           unit="us").tolist()]
    family = vocab.family[ch.model, ch.provider]
    upstream = ids.strings(ch.upstream_codes)
    prefix = [_UPSTREAM_PREFIX[f] for f in _FAMILIES]
    native = [[NATIVE_FINISH[f][k] for k in range(len(FINISH))] for f in _FAMILIES]
    reasoning_model = plan.reasoning[ch.model]
    has_cache = plan.has_cache[ch.model]
    rng = np.random.default_rng([seed, 2, ch.offset])
    tool_set = prompts.tool_set_index(ch.category, rng)
    slugs = vocab.model_raw
    users = vocab.users
    cols = zip(
        req_ids, upstream, family.tolist(), ch.cost.tolist(), ch.cache_discount.tolist(),
        has_cache.tolist(), created, (ch.model * 2 + ch.free).tolist(), ch.free.tolist(),
        ch.app.tolist(), ch.streamed.tolist(), ch.cancelled.tolist(), ch.provider.tolist(),
        # OpenRouter documents `latency` as the total latency and `generation_time` as the
        # time spent generating, so the time before the first token is their difference.
        ch.gen_time.astype(np.int64).tolist(),
        np.nan_to_num(ch.moderation, nan=-1).astype(np.int64).tolist(),
        (ch.gen_time - ch.ttft).astype(np.int64).tolist(), ch.finish.tolist(),
        ch.norm_prompt.tolist(), ch.norm_completion.tolist(), ch.input.tolist(),
        ch.output.tolist(), ch.reasoning.tolist(), reasoning_model.tolist(),
        ch.cached.tolist(), ch.media.tolist(), ch.search.tolist(), ch.byok.tolist(),
        ch.user.tolist(), ch.tools_declared.tolist(), tool_set.tolist(), sampled.tolist(),
        ch.country.tolist(), strict=True,
    )
    for i, (rid, up, fam, cost, disc, cache_ok, ts, raw, free, app, stream, cancel, prov,
            total_ms, moder, gen, fin, tp, tc, nin, nout, reas, reas_ok, cached, media, search,
            byok, user, tools, tset, in_smp, country) in enumerate(cols):
        user_name = users[user]
        data = {
            "id": rid,
            "upstream_id": prefix[fam] + up,
            "total_cost": cost,
            "cache_discount": disc if cache_ok and not free else None,
            "upstream_inference_cost": None if free else cost,
            "created_at": ts,
            "model": slugs[raw],
            "app_id": APP_IDS[app] if app >= 0 else None,
            "streamed": stream,
            "cancelled": cancel,
            "provider_name": vocab.providers[prov],
            "latency": total_ms,
            "moderation_latency": None if moder < 0 else moder,
            "generation_time": gen,
            "finish_reason": FINISH[fin],
            "native_finish_reason": native[fam][fin],
            "tokens_prompt": tp,
            "tokens_completion": tc,
            "native_tokens_prompt": nin,
            "native_tokens_completion": nout,
            "native_tokens_reasoning": reas if reas_ok else None,
            "native_tokens_cached": cached,
            "num_media_prompt": media,
            "num_media_completion": 0,
            "num_search_results": search,
            "origin": APP_URLS[app] if app >= 0 else "",
            "usage": cost,
            "is_byok": byok,
            "external_user": user_name,
        }
        request: dict[str, Any] = {"model": slugs[raw], "user": user_name, "stream": stream}
        if tools:
            request["tools"] = prompts.tools_for(tset)
        if in_smp:
            row = ch.offset + i
            lang = cal.LANGUAGES[int(ch.language[i])]
            category = cal.CATEGORIES[int(ch.category[i])]
            request["messages"], subtag = prompts.messages(seed, row, lang, category)
            labels.append({"request_id": rid, "category": category, "subtag": subtag,
                           "language": lang})
        # One write per line: holding many orjson results in a list is several times slower.
        write(orjson.dumps({"data": data, "request": request, "country": COUNTRY_CODES[country]},
                           option=orjson.OPT_APPEND_NEWLINE))
