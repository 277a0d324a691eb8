"""Per-request attributes, generated chunk by chunk from the time-sorted skeleton.

Each chunk draws from its own random stream (seed, chunk number), so a chunk's
rows do not depend on how the output is written; both writers and the truth
read the same chunks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from tokencensus.simulate import calibration as cal
from tokencensus.simulate import ids
from tokencensus.simulate.models import PROPRIETARY, Plan, provider_table
from tokencensus.simulate.population import DAY_US, Population
from tokencensus.simulate.templates import available

CHUNK_ROWS = 1 << 18
FINISH = ("stop", "length", "tool_calls", "content_filter", "error")
STOP, LENGTH, TOOL_CALLS, CONTENT_FILTER, ERROR = range(5)
_LANG_OK = np.array([[available(lang, c) for c in cal.CATEGORIES] for lang in cal.LANGUAGES])
_COUNTRY_LANG = np.array([cal.LANGUAGES.index(c[2]) for c in cal.COUNTRIES])
_COUNTRY_NATIVE = np.array([c[3] for c in cal.COUNTRIES])


@dataclass(frozen=True)
class Chunk:
    """Columns of consecutive requests ``offset .. offset + n`` (numpy arrays, one per field)."""

    offset: int
    ts: np.ndarray  # int64 us since epoch
    day: np.ndarray
    model: np.ndarray
    user: np.ndarray
    free: np.ndarray
    category: np.ndarray
    language: np.ndarray
    input: np.ndarray
    cached: np.ndarray
    output: np.ndarray
    reasoning: np.ndarray  # 0 where the model is not a reasoning model (null on output)
    tools_declared: np.ndarray
    tool_calls: np.ndarray
    finish: np.ndarray  # index into FINISH
    streamed: np.ndarray
    cancelled: np.ndarray
    provider: np.ndarray
    cost: np.ndarray
    cache_discount: np.ndarray
    byok: np.ndarray
    ttft: np.ndarray
    gen_time: np.ndarray
    moderation: np.ndarray  # nan = null
    media: np.ndarray
    search: np.ndarray
    app: np.ndarray  # -1 = none
    country: np.ndarray
    norm_prompt: np.ndarray
    norm_completion: np.ndarray
    id_codes: np.ndarray  # (n, 30) ASCII request ids
    upstream_codes: np.ndarray  # (n, 22) ASCII

    def __len__(self) -> int:
        return len(self.ts)


def _lognormal(rng: np.random.Generator, mean: np.ndarray, sigma: float) -> np.ndarray:
    return np.asarray(rng.lognormal(np.log(mean) - sigma * sigma / 2, sigma))


def _by_category(table: dict[str, float], default: float) -> np.ndarray:
    return np.array([table.get(c, default) for c in cal.CATEGORIES])


def _interp_category(table: dict[str, tuple[float, float]], default: tuple[float, float],
                     category: np.ndarray, x: np.ndarray) -> np.ndarray:
    lo = np.array([table.get(c, default)[0] for c in cal.CATEGORIES])[category]
    hi = np.array([table.get(c, default)[1] for c in cal.CATEGORIES])[category]
    return np.asarray(lo + (hi - lo) * x)


class TrafficGenerator:
    """Turns a :class:`Population` skeleton into :class:`Chunk` s."""

    def __init__(self, plan: Plan, population: Population, seed: int) -> None:
        self.plan = plan
        self.pop = population
        self.seed = seed
        self.providers, self._provider_cdf = provider_table(plan)
        d = plan.days
        self._cat_cdf = np.cumsum(plan.cat_p, axis=2).reshape(len(plan.slugs) * d, -1)
        self._start_us = (plan.start.toordinal() - 719163) * DAY_US
        fast = np.array([p in cal.FAST_HOSTS for p in self.providers])
        self._tps = np.where(fast, 700.0, 70.0)
        self._moderated = np.array([p in ("OpenAI", "Anthropic") for p in self.providers])

    def chunks(self) -> Iterator[Chunk]:
        for offset in range(0, self.pop.rows, CHUNK_ROWS):
            yield self.chunk(offset, min(offset + CHUNK_ROWS, self.pop.rows))

    def chunk(self, lo: int, hi: int) -> Chunk:
        plan, pop = self.plan, self.pop
        rng = np.random.default_rng([self.seed, 1 + lo // CHUNK_ROWS])
        n = hi - lo
        ts = pop.ts[lo:hi]
        eng = pop.eng[lo:hi]
        day = ((ts - self._start_us) // DAY_US).astype(np.int64)
        x = day / max(plan.days - 1, 1)
        model = pop.eng_model[eng]
        user = pop.eng_user[eng]
        spike = eng == pop.spike_eng
        free = pop.eng_free[eng]

        cdf = self._cat_cdf[model * plan.days + day]
        category = np.minimum((rng.random(n)[:, None] > cdf).sum(axis=1), cdf.shape[1] - 1)
        category[spike] = cal.CAT[cal.SPIKE_CATEGORY]
        country = pop.user_country[user]
        native = rng.random(n) < _COUNTRY_NATIVE[country]
        language = np.where(native, _COUNTRY_LANG[country], 0)
        language = np.where(_LANG_OK[language, category], language, 0)

        reasoning_model = plan.reasoning[model]
        ctx = plan.context[model]
        prompt_mean = np.where(spike, cal.SPIKE_PROMPT_MEAN, plan.prompt_mean[category, day])
        inp = _lognormal(rng, prompt_mean, cal.PROMPT_SIGMA)
        visible = _lognormal(rng, plan.completion_mean[category, day], cal.COMPLETION_SIGMA)
        thinks = reasoning_model & (rng.random(n) < plan.think[model])
        ratio = _lognormal(rng, np.maximum(plan.think_ratio[model], 0.1), 0.6)
        reasoning = np.where(thinks, visible * ratio, 0.0)

        tools = rng.random(n) < _interp_category(cal.TOOLS_DECLARED, cal.TOOLS_DECLARED_DEFAULT,
                                                 category, x)
        tools |= spike
        p_call = _by_category(cal.TOOL_CALL_GIVEN_TOOLS, cal.TOOL_CALL_DEFAULT)[category]
        p_call = np.where(spike, 0.92, p_call)
        finish = np.where(tools & (rng.random(n) < p_call), TOOL_CALLS, STOP)
        u = rng.random(n)
        p_len = np.where(reasoning_model, cal.P_LENGTH_REASONING, cal.P_LENGTH)
        p_cf = _by_category(cal.P_CONTENT_FILTER, cal.P_CONTENT_FILTER_DEFAULT)[category]
        finish = np.where(u < p_len, LENGTH, finish)
        finish = np.where((u >= p_len) & (u < p_len + p_cf), CONTENT_FILTER, finish)
        finish = np.where(rng.random(n) < cal.P_ERROR, ERROR, finish)
        streamed = rng.random(n) < _by_category(cal.STREAMED, cal.STREAMED_DEFAULT)[category]
        cancelled = streamed & (finish != ERROR) & (
            rng.random(n) < _by_category(cal.CANCELLED, cal.CANCELLED_DEFAULT)[category])
        finish = np.where(cancelled, STOP, finish)

        keep = np.select([finish == LENGTH, finish == CONTENT_FILTER, finish == ERROR,
                          cancelled], [1.8, 0.1, 0.0, rng.uniform(0.05, 0.8, n)], 1.0)
        visible = np.where(finish == ERROR, 0, np.maximum(1, np.rint(visible * keep)))
        reasoning = np.rint(reasoning * keep)
        out_cap = np.maximum(ctx // 4, 256)
        reasoning = np.minimum(reasoning, out_cap).astype(np.int64)
        output = (np.minimum(visible, out_cap) + reasoning).astype(np.int64)
        inp = np.clip(np.rint(inp), 8, np.maximum(ctx - out_cap, 8)).astype(np.int64)

        p_hit = _interp_category(cal.CACHE_HIT, cal.CACHE_HIT_DEFAULT, category, x)
        hit = plan.has_cache[model] & (rng.random(n) < np.where(spike, 0.7, p_hit)) & (
            finish != ERROR)
        heavy = (category == cal.CAT["programming"]) | spike
        frac = np.where(heavy, rng.beta(5, 2, n), rng.beta(2, 3, n))
        cached = np.where(hit, np.floor(inp * frac), 0).astype(np.int64)
        tool_calls = np.where(finish == TOOL_CALLS, 1 + np.minimum(rng.poisson(0.6, n), 4), 0)

        pcdf = self._provider_cdf[model]
        provider = np.minimum((rng.random(n)[:, None] > pcdf).sum(axis=1), pcdf.shape[1] - 1)
        byok = pop.user_byok[user] & (plan.group[model] == PROPRIETARY) & ~free
        p_in, p_out, p_cache = plan.price_in[model], plan.price_out[model], plan.price_cache[model]
        cost = (inp - cached) * p_in + cached * p_cache + output * p_out
        cost = np.round(np.where(free | (finish == ERROR), 0.0, cost), 12)
        discount = np.round(np.where(free | (finish == ERROR), 0.0, cached * (p_in - p_cache)),
                            12)

        tps = self._tps[provider] * rng.lognormal(0.0, 0.3, n)
        ttft = (rng.lognormal(np.log(np.where(plan.group[model] == PROPRIETARY, 650, 450)), 0.5)
                + inp / 8.0 + reasoning / tps * 1000.0)
        gen_time = ttft + np.minimum(visible, out_cap) / tps * 1000.0
        moderation = np.where(self._moderated[provider], rng.lognormal(np.log(60), 0.5, n),
                              np.nan)
        media = np.where((plan.group[model] == PROPRIETARY) & (rng.random(n) < cal.P_MEDIA),
                         1 + rng.poisson(0.5, n), 0)
        search = np.where(rng.random(n) < cal.P_SEARCH, 5, 0)
        kind = np.select([category == cal.CAT["programming"], category == cal.CAT["roleplay"]],
                         [0, 1], 2)
        app = pop.user_apps[user, kind]
        factor = plan.tokenizer[model]
        return Chunk(
            offset=lo, ts=ts, day=day, model=model, user=user, free=free, category=category,
            language=language, input=inp, cached=cached, output=output, reasoning=reasoning,
            tools_declared=tools, tool_calls=tool_calls.astype(np.int32), finish=finish,
            streamed=streamed, cancelled=cancelled, provider=provider, cost=cost,
            cache_discount=discount, byok=byok, ttft=np.rint(ttft), gen_time=np.rint(gen_time),
            moderation=np.rint(moderation), media=media, search=search, app=app,
            country=country, norm_prompt=np.rint(inp * factor).astype(np.int64),
            norm_completion=np.rint(output * factor).astype(np.int64),
            id_codes=ids.request_ids(np.arange(lo, hi), self.seed, rng),
            upstream_codes=np.concatenate(
                [ids.base62(rng.integers(0, 2**63, n, dtype=np.uint64), 11) for _ in range(2)],
                axis=1),
        )
