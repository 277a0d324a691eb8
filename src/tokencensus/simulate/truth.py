"""Ground truth: the series the study's analyses should find, computed with numpy from the
generated arrays (a code path independent of ingest and the Ibis analyses).

The keys of ``expected`` are documented in :mod:`tokencensus.simulate`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from tokencensus import schema as s
from tokencensus.simulate import calibration as cal
from tokencensus.simulate.models import GROUPS, Plan
from tokencensus.simulate.population import COUNTRY_CODES
from tokencensus.simulate.traffic import TOOL_CALLS, Chunk

RETENTION_TOP = 12
RETENTION_ALWAYS = ("anthropic/claude-sonnet-4", "google/gemini-2.5-pro",
                    "deepseek/deepseek-r1", "openai/gpt-4o-mini")
#: Figure 4 follows the top 15 open models; leaderboards (figures 12, 14) the default top 10.
OPEN_TOP = 15
LEADERBOARD_TOP = 10
SIZES = ("small", "medium", "large", "unknown size")


@dataclass
class Truth:
    """What was simulated: the config, the designed targets and the expected analysis results.

    ``sample_labels`` (JSONL runs only) lists the true category, sub-tag and language
    of every request whose prompt text was written.
    """

    config: dict[str, Any]
    targets: dict[str, Any]
    expected: dict[str, Any]
    sample_labels: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def write_truth(truth: Truth, path: str | Path) -> Path:
    """Write ``truth`` as indented JSON to ``path`` (a directory gets ``truth.json``)."""
    target = Path(path)
    if target.is_dir():
        target = target / "truth.json"
    target.write_bytes(orjson.dumps(truth.to_dict(), option=orjson.OPT_INDENT_2
                                    | orjson.OPT_SERIALIZE_NUMPY))
    return target


def _pct(part: np.ndarray, whole: np.ndarray | float) -> np.ndarray:
    whole_arr = np.asarray(whole, dtype=float)
    out = np.zeros(np.broadcast(part, whole_arr).shape)
    return np.asarray(np.divide(100.0 * part, whole_arr, out=out, where=whole_arr > 0))


def _r(values: np.ndarray, digits: int = 4) -> list[float]:
    return [round(float(v), digits) for v in np.asarray(values).ravel()]


def _share_dict(names: tuple[str, ...] | list[str], tokens: np.ndarray) -> dict[str, float]:
    pct = _pct(tokens, tokens.sum())
    order = np.argsort(-pct, kind="stable")
    return {names[i]: round(float(pct[i]), 4) for i in order if tokens[i] > 0}


def _ranked(names: tuple[str, ...], totals: np.ndarray, keep: np.ndarray) -> list[int]:
    """Indices where ``keep`` and totals > 0, largest total first, ties by name."""
    idx = [i for i in range(len(names)) if keep[i] and totals[i] > 0]
    return sorted(idx, key=lambda i: (-totals[i], names[i]))


def _size_buckets(slugs: tuple[str, ...], models: pa.Table) -> np.ndarray:
    """Index into SIZES of each simulated model's catalog size bucket."""
    bucket = dict(zip(models[s.MODEL].to_pylist(), models[s.SIZE_BUCKET].to_pylist(),
                      strict=True))
    return np.array([SIZES.index(bucket.get(m) or SIZES[-1]) for m in slugs])


def _available(models: pa.Table, mondays: list[dt.date]) -> dict[str, list[int]]:
    """Catalog open models released on or before each Monday, per size bucket (figure 6)."""
    out = {b: [0] * len(mondays) for b in SIZES}
    for row in models.to_pylist():
        if not row[s.OPEN_WEIGHTS] or row[s.RELEASE_DATE] is None:
            continue
        counts = out[row[s.SIZE_BUCKET] or SIZES[-1]]
        for i, monday in enumerate(mondays):
            counts[i] += row[s.RELEASE_DATE] <= monday
    return out


class TruthAccumulator:
    """Sums per chunk; :meth:`finish` turns them into the ``expected`` series."""

    def __init__(self, plan: Plan, continents: dict[str, str],
                 models: pa.Table | None = None) -> None:
        if models is None:
            from tokencensus import catalog

            models = catalog.models_table()
        self.plan = plan
        self.models = models
        self.first_monday = plan.start - dt.timedelta(days=plan.start.weekday())
        self.offset = plan.start.weekday()
        self.weeks = (plan.days - 1 + self.offset) // 7 + 1
        self.months = self._month(plan.days - 1) + 1
        m, c, w = len(plan.slugs), len(cal.CATEGORIES), self.weeks
        self.continent_names = sorted({continents.get(code, "Unknown") for code in COUNTRY_CODES})
        self.country_continent = np.array([self.continent_names.index(continents.get(code,
                                                                                     "Unknown"))
                                           for code in COUNTRY_CODES])
        z = np.zeros
        self.tok_group = z((w, 3))
        self.tok_week = z(w)
        self.requests = z(w)
        self.prompt = z(w)
        self.completion = z(w)
        self.reasoning_model = z(w)
        self.reasoning_tokens = z(w)
        self.tool = z(w)
        self.tok_country = z(len(COUNTRY_CODES))
        self.spend_continent = z((w, len(self.continent_names)))
        self.tok_model = z(m)
        self.tok_week_model = z((w, m))
        self.tool_model = z(m)
        self.tok_cat = z((3, c))
        self.tok_cat_week = z((w, c))
        self.tok_lang = z(len(cal.LANGUAGES))
        self.activity: list[np.ndarray] = []

    def _month(self, day: np.ndarray | int) -> Any:
        start = self.plan.start
        dates = np.datetime64(start, "D") + np.asarray(day)
        months = dates.astype("datetime64[M]") - np.datetime64(start, "M")
        return months.astype(np.int64)

    def add(self, ch: Chunk) -> None:
        plan = self.plan
        week = (ch.day + self.offset) // 7
        tokens = (ch.input + ch.output).astype(float)
        group = plan.group[ch.model]
        w, g = self.weeks, 3
        self.tok_group += np.bincount(week * g + group, tokens, w * g).reshape(w, g)
        self.tok_week += np.bincount(week, tokens, w)
        self.requests += np.bincount(week, None, w)
        self.prompt += np.bincount(week, ch.input.astype(float), w)
        self.completion += np.bincount(week, ch.output.astype(float), w)
        self.reasoning_model += np.bincount(week, tokens * plan.reasoning[ch.model], w)
        self.reasoning_tokens += np.bincount(week, ch.reasoning.astype(float), w)
        self.tool += np.bincount(week, tokens * (ch.finish == TOOL_CALLS), w)
        self.tok_country += np.bincount(ch.country, tokens, len(COUNTRY_CODES))
        k = len(self.continent_names)
        cont = self.country_continent[ch.country]
        self.spend_continent += np.bincount(week * k + cont, ch.cost, w * k).reshape(w, k)
        m = len(plan.slugs)
        self.tok_model += np.bincount(ch.model, tokens, m)
        self.tok_week_model += np.bincount(week * m + ch.model, tokens, w * m).reshape(w, m)
        self.tool_model += np.bincount(ch.model, tokens * (ch.finish == TOOL_CALLS), m)
        c = len(cal.CATEGORIES)
        self.tok_cat[0] += np.bincount(ch.category, tokens, c)
        self.tok_cat[1] += np.bincount(ch.category, tokens * (group > 0), c)
        self.tok_cat[2] += np.bincount(ch.category, tokens * (group == 1), c)
        self.tok_cat_week += np.bincount(week * c + ch.category, tokens, w * c).reshape(w, c)
        self.tok_lang += np.bincount(ch.language, tokens, len(cal.LANGUAGES))
        key = (ch.user * len(plan.slugs) + ch.model) * self.months + self._month(ch.day)
        self.activity.append(np.unique(key))

    def _retention(self) -> dict[str, Any]:
        keys = np.unique(np.concatenate(self.activity)) if self.activity else np.zeros(0, int)
        n_models, months = len(self.plan.slugs), self.months
        pair, month = keys // months, keys % months
        first_idx = np.r_[0, np.flatnonzero(np.diff(pair)) + 1]
        counts = np.diff(np.r_[first_idx, len(pair)])
        cohort = np.repeat(month[first_idx], counts)
        model = pair % n_models
        offset = month - cohort
        cube = np.bincount((model * months + cohort) * months + offset,
                           minlength=n_models * months * months).reshape(n_models, months,
                                                                         months)
        top = list(np.argsort(-self.tok_model)[:RETENTION_TOP])
        top += [self.plan.index(s) for s in RETENTION_ALWAYS
                if self.plan.index(s) is not None and self.plan.index(s) not in top]
        out: dict[str, Any] = {}
        first_month = np.datetime64(self.plan.start, "M")
        for m in top:
            cohorts = {}
            for c in range(months):
                users = int(cube[m, c, 0])
                if users == 0:
                    continue
                curve = cube[m, c, :months - c] / users
                cohorts[str(first_month + c)] = {"users": users, "retention": _r(curve)}
            out[self.plan.slugs[int(m)]] = cohorts
        return out

    def _open_models(self, mondays: list[dt.date]) -> dict[str, Any]:
        """Figures 3-6 and the leaderboards of figures 12 and 14."""
        plan, slugs = self.plan, self.plan.slugs
        is_open = plan.group > 0
        open_week = self.tok_week_model * is_open[None, :]
        open_total = open_week.sum(axis=1)
        share = np.divide(open_week, open_total[:, None], out=np.zeros_like(open_week),
                          where=open_total[:, None] > 0)
        ranked = -np.sort(-share, axis=1)
        authors = sorted({a for a, o in zip(plan.authors, is_open, strict=True) if o})
        by_author = np.array([self.tok_model[is_open & (np.array(plan.authors) == a)].sum()
                              for a in authors])
        sizes = _size_buckets(slugs, self.models)
        size_week = np.stack([open_week[:, sizes == b].sum(axis=1) for b in range(len(SIZES))],
                             axis=1)
        top = _ranked(slugs, self.tok_model, is_open)[:OPEN_TOP]
        lead = _ranked(slugs, self.tok_model, plan.reasoning)[:LEADERBOARD_TOP]
        return {
            "open_author_tokens": {authors[i]: int(by_author[i])
                                   for i in _ranked(tuple(authors), by_author,
                                                    np.ones(len(authors), bool))},
            "open_model_share": {slugs[i]: _r(100 * share[:, i]) for i in top},
            "open_hhi": _r((share ** 2).sum(axis=1), 6),
            "open_top1_share": _r(100 * ranked[:, 0]),
            "open_top5_share": _r(100 * ranked[:, :5].sum(axis=1)),
            "open_models_above_5pct": [int(v) for v in (share > 0.05).sum(axis=1)],
            "open_size_tokens": {b: [int(v) for v in size_week[:, i]]
                                 for i, b in enumerate(SIZES)},
            "open_size_share": {b: _r(_pct(size_week[:, i], open_total))
                                for i, b in enumerate(SIZES)},
            "open_models_available": _available(self.models, mondays),
            "reasoning_leaderboard": {slugs[i]: [int(v) for v in self.tok_week_model[:, i]]
                                      for i in lead},
            "tool_call_model_tokens": {slugs[i]: int(self.tool_model[i]) for i in
                                       _ranked(slugs, self.tool_model, np.ones(len(slugs), bool))},
        }

    def finish(self) -> dict[str, Any]:
        mondays = [self.first_monday + dt.timedelta(days=7 * i) for i in range(self.weeks)]
        weeks = [str(d) for d in mondays]
        tok = self.tok_week
        n = np.maximum(self.requests, 1)
        cats = list(cal.CATEGORIES)
        spend = self.spend_continent.sum(axis=1, keepdims=True)
        return {
            "weeks": weeks,
            "source_group_share": {g: _r(_pct(self.tok_group[:, i], tok))
                                   for i, g in enumerate(GROUPS)},
            "source_group_tokens": {g: [int(v) for v in self.tok_group[:, i]]
                                    for i, g in enumerate(GROUPS)},
            "reasoning_share": _r(_pct(self.reasoning_model, tok)),
            "reasoning_token_share": _r(_pct(self.reasoning_tokens, tok)),
            "tool_call_share": _r(_pct(self.tool, tok)),
            "requests": [int(v) for v in self.requests],
            "avg_prompt_tokens": _r(self.prompt / n, 1),
            "avg_completion_tokens": _r(self.completion / n, 1),
            "avg_sequence_tokens": _r((self.prompt + self.completion) / n, 1),
            "continent_share": _share_dict(
                self.continent_names,
                np.bincount(self.country_continent, self.tok_country,
                            len(self.continent_names))),
            "country_share": _share_dict(COUNTRY_CODES, self.tok_country),
            "continent_spend_share": {name: _r(_pct(self.spend_continent[:, i:i + 1], spend))
                                      for i, name in enumerate(self.continent_names)},
            "model_tokens": {self.plan.slugs[i]: int(v) for i, v in
                             sorted(enumerate(self.tok_model), key=lambda p: -p[1]) if v > 0},
            "retention": self._retention(),
            "category_share": {
                "all": _share_dict(cats, self.tok_cat[0]),
                "open": _share_dict(cats, self.tok_cat[1]),
                "chinese_open": _share_dict(cats, self.tok_cat[2]),
                "weekly": {c: _r(_pct(self.tok_cat_week[:, i], tok)) for i, c in
                           enumerate(cats)},
            },
            "language_share": _share_dict(list(cal.LANGUAGES), self.tok_lang),
            **self._open_models(mondays),
        }


def targets(plan: Plan) -> dict[str, Any]:
    """The calibration the simulator was designed to hit (STUDY.md's bracketed figures)."""
    knots = cal.GROUP_KNOTS
    return {
        "source": "STUDY.md (OpenRouter/a16z State of AI, Dec 2025)",
        "open_share_start_pct": round(knots[0][1] + knots[0][2], 2),
        "open_share_end_pct": round(knots[-2][1] + knots[-2][2], 2),
        "chinese_open_knots_pct": {k: cn for k, cn, _ in knots},
        "row_open_knots_pct": {k: ro for k, _, ro in knots},
        "chinese_open_weekly_noise_sigma": cal.CN_WEEKLY_NOISE,
        "request_growth": cal.REQUEST_GROWTH,
        "programming_trend": cal.PROGRAMMING_TREND,
        "prompt_mean_tokens": {c: list(v) for c, v in cal.PROMPT_MEAN.items()},
        "completion_mean_tokens": {c: list(v) for c, v in cal.COMPLETION_MEAN.items()},
        "reasoning_share_end": "> 50% (follows from the catalog's reasoning flags)",
        "tool_call_spike": {"week": cal.SPIKE_WEEK, "model": cal.SPIKE_MODEL,
                            "extra_requests_share": cal.SPIKE_SHARE},
        "country_token_share_pct": {c: s for c, s, *_ in cal.COUNTRIES},
        "asia_weight_trend": list(cal.ASIA_TREND),
        "foundational_cohorts": {m: {"start": s.cohort.start, "days": s.cohort.days,
                                     "sticky": s.cohort.sticky}
                                 for m, s in cal.MODELS.items() if s.cohort and s.cohort.sticky},
        "boomerangs": {m: {"start": s.cohort.start, "days": s.cohort.days,
                           "returns": s.cohort.returns, "return_days": s.cohort.return_days}
                       for m, s in cal.MODELS.items() if s.cohort and s.cohort.returns},
        "models": list(plan.slugs),
    }
