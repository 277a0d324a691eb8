"""The daily plan: which models exist, their token shares, and what each request costs in tokens.

Model facts are read from the catalog; :mod:`.calibration` says how popular each
model is. Shares are designed in *token* space (the study's measure) and turned
into request probabilities by dividing by each model's expected tokens per
request, so the generated token shares land on the designed curves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tokencensus import schema as s
from tokencensus.simulate import calibration as cal

GROUPS = ("Proprietary", "Chinese open", "RoW open")
PROPRIETARY, CN_OPEN, ROW_OPEN = 0, 1, 2


@dataclass(frozen=True)
class Plan:
    """Per-model attributes (index m) and day x model / category x day curves (day 0 = start)."""

    start: dt.date
    days: int
    slugs: tuple[str, ...]
    authors: tuple[str, ...]
    group: np.ndarray  # int8 index into GROUPS
    reasoning: np.ndarray  # bool
    release: np.ndarray  # int, day index of release (negative: before start)
    context: np.ndarray  # int64 context window
    price_in: np.ndarray
    price_out: np.ndarray
    price_cache: np.ndarray  # price of a cached prompt token (price_in when no cache price)
    has_cache: np.ndarray  # bool: the catalog has a cache-read price
    think: np.ndarray
    think_ratio: np.ndarray
    free: np.ndarray  # bool: a `:free` variant exists
    tokenizer: np.ndarray
    cat_p: np.ndarray  # (M, D, C) request-space category probabilities
    prompt_mean: np.ndarray  # (C, D)
    completion_mean: np.ndarray  # (C, D)
    tok_mean: np.ndarray  # (D, M) expected tokens per request
    token_share: np.ndarray  # (D, M) designed token shares (sum 1 per day)
    request_p: np.ndarray  # (D, M) request probabilities (sum 1 per day)
    volume: np.ndarray  # (D,) share of all requests falling on each day
    group_target: np.ndarray  # (D, 3) designed group token shares, %

    @property
    def x(self) -> np.ndarray:
        """Position of each day in the period, 0..1."""
        return np.arange(self.days) / max(self.days - 1, 1)

    def index(self, slug: str) -> int | None:
        return self.slugs.index(slug) if slug in self.slugs else None

    def day_of(self, date: dt.date) -> int:
        return (date - self.start).days


def _geometric(pair: tuple[float, float], x: np.ndarray) -> np.ndarray:
    start, end = pair
    return start * (end / start) ** x


def _models_table() -> pa.Table:
    from tokencensus import catalog

    return catalog.models_table()


def _monday(date: dt.date) -> dt.date:
    return date - dt.timedelta(days=date.weekday())


def build_plan(start: dt.date, end: dt.date, rng: np.random.Generator,
               models: pa.Table | None = None) -> Plan:
    """Everything the day-level simulation needs, from the catalog and the calibration."""
    table = models if models is not None else _models_table()
    rows = {r[s.MODEL]: r for r in table.to_pylist()}
    slugs = tuple(m for m in cal.MODELS if m in rows)
    days = (end - start).days + 1
    x = np.arange(days) / max(days - 1, 1)
    info = [rows[m] for m in slugs]
    sims = [cal.MODELS[m] for m in slugs]

    def col(name: str, default: float) -> np.ndarray:
        return np.array([default if r[name] is None else r[name] for r in info], dtype=float)

    group = np.array([GROUPS.index(s.source_group(r[s.OPEN_WEIGHTS] or False, r[s.ORIGIN]))
                      for r in info], dtype=np.int8)
    release = np.array([(r[s.RELEASE_DATE] - start).days if r[s.RELEASE_DATE] else -365
                        for r in info])
    price_in = col(s.PRICE_INPUT, 0.0)
    cache_raw = col(s.PRICE_CACHE_READ, np.nan)
    has_cache = ~np.isnan(cache_raw)

    # Popularity within the source group: ramp after release, fade when superseded.
    d = np.arange(days)[:, None]
    age = d - release[None, :]
    ramp = np.array([sim.ramp_days for sim in sims])
    pop = np.where(age >= 0, np.minimum(1.0, (age + 1) / ramp), 0.0)
    for j, sim in enumerate(sims):
        fade_from, half = None, sim.half_life_days
        if sim.superseded_by and sim.superseded_by in rows:
            succ = rows[sim.superseded_by][s.RELEASE_DATE]
            fade_from = (succ - start).days if succ else None
        if sim.later_decay:
            fade_from, half = cal.day(sim.later_decay[0]).toordinal() - start.toordinal(), \
                sim.later_decay[1]
        if fade_from is not None:
            pop[:, j] *= 0.5 ** (np.maximum(0, np.arange(days) - fade_from) / half)
        pop[:, j] *= sim.weight

    knots = np.array([(cal.day(k).toordinal() - start.toordinal(), cn, ro)
                      for k, cn, ro in cal.GROUP_KNOTS])
    cn = np.interp(np.arange(days), knots[:, 0], knots[:, 1])
    ro = np.interp(np.arange(days), knots[:, 0], knots[:, 2])
    week = np.array([(_monday(start + dt.timedelta(days=i)) - _monday(start)).days // 7
                     for i in range(days)])
    cn = cn * np.exp(rng.normal(0.0, cal.CN_WEEKLY_NOISE, week.max() + 1))[week]
    target = np.stack([100.0 - cn - ro, cn, ro], axis=1)
    share = np.zeros((days, len(slugs)))
    for g in range(3):
        cols = group == g
        tot = pop[:, cols].sum(axis=1, keepdims=True)
        share[:, cols] = np.divide(pop[:, cols], tot, out=np.zeros_like(pop[:, cols]),
                                   where=tot > 0) * target[:, g:g + 1]
    share /= share.sum(axis=1, keepdims=True)

    profiles = {k: np.array(v) / sum(v) for k, v in cal.PROFILES.items()}
    trend = cal.PROGRAMMING_TREND ** (x - 1.0)
    cat_p = np.zeros((len(slugs), days, len(cal.CATEGORIES)))
    for j, sim in enumerate(sims):
        base = np.sum([w * profiles[p] for p, w in sim.mix.items()], axis=0)
        cat_p[j] = base[None, :]
        cat_p[j, :, cal.CAT["programming"]] *= trend
    cat_p /= cat_p.sum(axis=2, keepdims=True)

    prompt_mean = np.stack([_geometric(cal.PROMPT_MEAN[c], x) for c in cal.CATEGORIES])
    completion_mean = np.stack([_geometric(cal.COMPLETION_MEAN[c], x) for c in cal.CATEGORIES])
    reasoning = np.array([bool(r[s.REASONING]) for r in info])
    think = np.array([sim.think if reasoning[j] else 0.0 for j, sim in enumerate(sims)])
    think_ratio = np.array([sim.think_ratio for sim in sims])
    out_factor = 1.0 + think * think_ratio
    tok_mean = (np.einsum("mdc,cd->dm", cat_p, prompt_mean)
                + np.einsum("mdc,cd->dm", cat_p, completion_mean) * out_factor[None, :])
    req = share / tok_mean
    req /= req.sum(axis=1, keepdims=True)

    weekday = np.array([(start + dt.timedelta(days=i)).weekday() for i in range(days)])
    volume = cal.REQUEST_GROWTH ** x * np.where(weekday >= 5, cal.WEEKEND_FACTOR, 1.0)
    volume /= volume.sum()

    return Plan(
        start=start, days=days, slugs=slugs, authors=tuple(r[s.AUTHOR] for r in info),
        group=group, reasoning=reasoning, release=release,
        context=col(s.CONTEXT_LENGTH, 131072).astype(np.int64),
        price_in=price_in, price_out=col(s.PRICE_OUTPUT, 0.0),
        price_cache=np.where(has_cache, cache_raw, price_in), has_cache=has_cache,
        think=think, think_ratio=think_ratio,
        free=np.array([sim.free for sim in sims]),
        tokenizer=np.array([cal.TOKENIZER.get(a, 1.0) for a in (r[s.AUTHOR] for r in info)]),
        cat_p=cat_p, prompt_mean=prompt_mean, completion_mean=completion_mean,
        tok_mean=tok_mean, token_share=share, request_p=req, volume=volume,
        group_target=target,
    )


def adoption_weights(plan: Plan) -> np.ndarray:
    """(D, M) probability that a model adopted on day d is model m: usage plus launch buzz."""
    d = np.arange(plan.days)[:, None]
    age = d - plan.release[None, :]
    buzz = 1.0 + cal.LAUNCH_BOOST * np.exp(-np.maximum(age, 0) / cal.LAUNCH_DAYS)
    w = plan.request_p * np.where(age >= 0, buzz, 0.0)
    for j, slug in enumerate(plan.slugs):
        cohort = cal.MODELS[slug].cohort
        if cohort and cohort.boost:
            lo = plan.day_of(cal.day(cohort.start))
            w[max(lo, 0):max(lo + cohort.days, 0), j] *= 1.0 + cohort.boost
    return np.asarray(w / w.sum(axis=1, keepdims=True))


def provider_table(plan: Plan) -> tuple[tuple[str, ...], np.ndarray]:
    """Provider names and a (M, P) cumulative routing distribution per model."""
    per_model = []
    for slug, author in zip(plan.slugs, plan.authors, strict=True):
        sim = cal.MODELS[slug]
        if sim.providers:
            hosts = sim.providers
        elif slug.startswith("openai/gpt-oss"):
            hosts = cal.GPT_OSS_PROVIDERS
        elif slug.startswith("google/gemma"):
            hosts = (("Google AI Studio", .3),) + cal.OPEN_PROVIDERS[:3]
        else:
            hosts = cal.PROVIDERS.get(author, cal.OPEN_PROVIDERS)
        per_model.append(hosts)
    names = tuple(sorted({h for hosts in per_model for h, _ in hosts}))
    cdf = np.zeros((len(per_model), len(names)))
    for j, hosts in enumerate(per_model):
        for h, w in hosts:
            cdf[j, names.index(h)] = w
    cdf = np.cumsum(cdf / cdf.sum(axis=1, keepdims=True), axis=1)
    return names, cdf
