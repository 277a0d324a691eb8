"""Categories in detail (STUDY.md figures 17, 19, 22-29, 38-40): lengths, sub-tags, authors.

Same rules as :mod:`tokencensus.analyses.categories`: labelled requests only,
joined on ``request_id``, one classifier's labels, a 95% interval and the
sample size on every estimate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import ibis

from tokencensus import schema as s
from tokencensus.analyses import common as c
from tokencensus.analyses.base import Analysis, Params, Section, register
from tokencensus.analyses.categories import AUTHOR, labelled, overall, shares, top_groups
from tokencensus.classify import intervals as ci
from tokencensus.report import charts

if TYPE_CHECKING:
    import altair as alt
    import ibis.expr.types as ir
    import pandas as pd

    from tokencensus.engine import Census

GROUP = "group"
MEAN = "mean_tokens"


def _mean_rows(t: ir.Table, keys: list[str], x: ir.NumericValue,
               rate: ir.FloatingScalar) -> ir.Table:
    """Mean of ``x`` per request within ``keys`` with its normal 95% interval."""
    n = t[s.REQUESTS_COUNT]
    t = t.mutate(_x=x.cast("float64"), _n=n.cast("float64"))
    agg = t.group_by(keys).aggregate(
        _sx=t._x.sum(), _sxx=(t._x * t._x).sum(), _sxn=(t._x * t._n).sum(),
        _sn=t._n.sum(), _snn=(t._n * t._n).sum(), **{ci.SAMPLED: t.count()})
    low, high = ci.mean_bounds(agg._sx, agg._sxx, agg._sxn, agg._sn, agg._snn, rate)
    # One request says nothing about the spread: no interval rather than a zero-width one.
    enough = agg[ci.SAMPLED] >= 2
    return agg.mutate(**{MEAN: agg._sx / agg._sn, ci.CI_LOW: ibis.ifelse(enough, low, None),
                         ci.CI_HIGH: ibis.ifelse(enough, high, None)}).drop(
        "_sx", "_sxx", "_sxn", "_sn", "_snn")


@register
class CategoryPromptLength(Analysis):
    name = "category_prompt_length"
    title = "Average prompt tokens per request by category"
    section: ClassVar[Section] = "Agentic inference"
    study_figures = (17,)
    requires = frozenset({s.INPUT_TOKENS})
    needs_tables = frozenset({"labels", "models"})
    description = ("Mean prompt tokens of the labelled requests per category and week, with a "
                   "95% interval (study: programming routinely >20K).")

    def compute(self, census: Census, params: Params) -> ir.Table:
        t, rate = labelled(census, params)
        t = t.filter(t[s.INPUT_TOKENS].notnull())
        return _mean_rows(t, [c.WEEK, s.CATEGORY], t[s.INPUT_TOKENS], rate).order_by(
            [c.WEEK, s.CATEGORY])

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        volume = result.assign(value=result[MEAN] * result[ci.SAMPLED])
        keep = top_groups(volume, s.CATEGORY)
        return charts.band_lines(result[result[s.CATEGORY].isin(keep)], x=c.WEEK, y=MEAN,
                                 low=ci.CI_LOW, high=ci.CI_HIGH, color=s.CATEGORY,
                                 title=self.title, y_title="prompt tokens per request",
                                 y_format=",.0f")

    def findings(self, result: pd.DataFrame) -> list[str]:
        if result.empty:
            return []
        sums = result.assign(total=result[MEAN] * result[ci.SAMPLED]).groupby(s.CATEGORY)[
            ["total", ci.SAMPLED]].sum()
        means = (sums["total"] / sums[ci.SAMPLED]).sort_values(ascending=False)
        parts = ", ".join(f"{k} {v:,.0f}" for k, v in means.head(4).items())
        return [f"Longest prompts on average over the period: {parts} tokens per request."]


@register
class ProgrammingSequenceLength(Analysis):
    name = "programming_sequence_length"
    title = "Sequence length: programming vs all requests"
    section: ClassVar[Section] = "Agentic inference"
    study_figures = (19,)
    requires = frozenset({s.INPUT_TOKENS, s.OUTPUT_TOKENS})
    needs_tables = frozenset({"labels", "models"})
    description = ("Mean prompt + completion tokens per request each week: labelled programming "
                   "requests (95% interval) against all requests (exact; study: programming "
                   "3-4×).")

    def compute(self, census: Census, params: Params) -> ir.Table:
        t, rate = labelled(census, params)
        prog = t.filter((t[s.CATEGORY] == "programming") & t[s.INPUT_TOKENS].notnull()
                        & t[s.OUTPUT_TOKENS].notnull())
        sampled = _mean_rows(prog, [c.WEEK], prog[s.INPUT_TOKENS] + prog[s.OUTPUT_TOKENS], rate)
        sampled = sampled.mutate(**{GROUP: ibis.literal("Programming (sampled)")})
        r = c.requests(census, params)
        r = r.filter(r[s.INPUT_TOKENS].notnull() & r[s.OUTPUT_TOKENS].notnull())
        r = r.mutate(**{c.WEEK: c.week(r)})
        everything = r.group_by(c.WEEK).aggregate(**{
            MEAN: (r[s.INPUT_TOKENS] + r[s.OUTPUT_TOKENS]).sum() / r[s.REQUESTS_COUNT].sum(),
            ci.SAMPLED: r.count()})
        everything = everything.mutate(**{
            GROUP: ibis.literal("All requests"), ci.CI_LOW: everything[MEAN],
            ci.CI_HIGH: everything[MEAN]})
        cols = [c.WEEK, GROUP, MEAN, ci.CI_LOW, ci.CI_HIGH, ci.SAMPLED]
        return ibis.union(sampled.select(cols), everything.select(cols)).order_by([GROUP, c.WEEK])

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.band_lines(result, x=c.WEEK, y=MEAN, low=ci.CI_LOW, high=ci.CI_HIGH,
                                 color=GROUP, title=self.title,
                                 y_title="prompt + completion tokens", y_format=",.0f")

    def findings(self, result: pd.DataFrame) -> list[str]:
        wide = result.pivot_table(index=c.WEEK, columns=GROUP, values=MEAN)
        if "Programming (sampled)" not in wide or "All requests" not in wide:
            return []
        ratio = (wide["Programming (sampled)"] / wide["All requests"]).dropna()
        if ratio.empty:
            return []
        return [f"Programming requests were {ratio.tail(4).mean():.1f}× as long as the average "
                f"request in the last 4 weeks ({ratio.head(4).mean():.1f}× in the first 4)."]


class _Subtags(Analysis):
    """Sub-tag composition within categories over the whole period."""

    section: ClassVar[Section] = "Categories"
    needs_tables: ClassVar[frozenset[str]] = frozenset({"labels", "models"})
    categories: ClassVar[tuple[str, ...]] = ()  # empty: the top 12 by tokens

    def compute(self, census: Census, params: Params) -> ir.Table:
        t, rate = labelled(census, params)
        t = t.mutate(**{s.SUBTAG: t[s.SUBTAG].fill_null("(none)")})
        if self.categories:
            t = t.filter(t[s.CATEGORY].isin(list(self.categories)))
        else:
            ranked = t.group_by(s.CATEGORY).aggregate(_v=t[c.VALUE].sum())
            top = ranked.order_by([ibis.desc("_v"), s.CATEGORY]).limit(12).select(s.CATEGORY)
            t = t.filter(t[s.CATEGORY].isin(top[s.CATEGORY]))
        return shares(t, [s.CATEGORY], s.SUBTAG, rate).order_by(
            [s.CATEGORY, ibis.desc(ci.SHARE)])

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        facet = s.CATEGORY if result[s.CATEGORY].nunique() > 1 else None
        return charts.interval_bars(result, x=ci.SHARE, y=s.SUBTAG, low=ci.CI_LOW,
                                    high=ci.CI_HIGH, title=self.title,
                                    x_title="share of the category's tokens", facet=facet)

    def findings(self, result: pd.DataFrame) -> list[str]:
        out = []
        for category, part in result.groupby(s.CATEGORY, sort=False):
            top = part.sort_values(ci.SHARE, ascending=False).head(3)
            listing = ", ".join(f"{r[s.SUBTAG]} {c.pct(r[ci.SHARE])} ({c.pct(r[ci.CI_LOW])}–"
                                f"{c.pct(r[ci.CI_HIGH])})" for _, r in top.iterrows())
            out.append(f"{category}: {listing}.")
        return out[:12]


@register
class CategorySubtags(_Subtags):
    name = "category_subtags"
    title = "Sub-tag composition of the top 12 categories"
    study_figures = (22, 23)
    description = "Within each of the 12 largest categories, the share of tokens per sub-tag."


@register
class RoleplaySubtags(_Subtags):
    name = "roleplay_subtags"
    title = "Roleplay sub-tags"
    study_figures = (38,)
    categories = ("roleplay",)
    description = ("Study: Roleplaying Games ~58%, Writers Resources 15.6%, Adult 15.4%.")


@register
class ProgrammingSubtags(_Subtags):
    name = "programming_subtags"
    title = "Programming sub-tags"
    study_figures = (39,)
    categories = ("programming",)
    description = "Study: Programming/Other >2/3, Development Tools 26.4%."


@register
class TechnologySubtags(_Subtags):
    name = "technology_subtags"
    title = "Technology sub-tags"
    study_figures = (40,)
    categories = ("technology",)
    description = "Sub-tags of technology prompts (devices, software, networks, security)."


@register
class AuthorCategoryMix(Analysis):
    name = "author_category_mix"
    title = "Category mix over time for the top authors"
    section: ClassVar[Section] = "Categories"
    study_figures = (24, 25, 26, 27, 28, 29)
    requires = frozenset({s.MODEL})
    needs_tables = frozenset({"labels", "models"})
    description = ("For each of the top 6 labs by tokens, the weekly category mix of their "
                   "tokens (study: Anthropic, Google, xAI, OpenAI, DeepSeek, Qwen).")
    authors: ClassVar[int] = 6

    def compute(self, census: Census, params: Params) -> ir.Table:
        t, rate = labelled(census, params)
        r = c.with_model_attributes(census, c.requests(census, params))
        r = r.filter(r[AUTHOR].notnull())
        ranked = r.group_by(AUTHOR).aggregate(_v=c.measure(r, params.measure).sum())
        top = ranked.order_by([ibis.desc("_v"), AUTHOR]).limit(self.authors).select(AUTHOR)
        t = t.filter(t[AUTHOR].isin(top[AUTHOR]))
        return shares(t, [AUTHOR, c.WEEK], s.CATEGORY, rate, complete=True)

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        keep = top_groups(result, s.CATEGORY)
        return charts.band_lines(result[result[s.CATEGORY].isin(keep)], x=c.WEEK, y=ci.SHARE,
                                 low=ci.CI_LOW, high=ci.CI_HIGH, color=s.CATEGORY,
                                 title=self.title, y_title="share of the lab's tokens",
                                 facet=AUTHOR)

    def findings(self, result: pd.DataFrame) -> list[str]:
        out = []
        for author, part in result.groupby(AUTHOR):
            whole = overall(part, s.CATEGORY).head(3)
            listing = ", ".join(f"{k} {c.pct(v)}" for k, v in whole.items())
            out.append(f"{author}: {listing} of its labelled tokens.")
        return out
