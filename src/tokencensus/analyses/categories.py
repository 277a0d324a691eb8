"""Categories (STUDY.md figures 7-10, 20, 21, 33): what the sampled prompts were about.

Labels exist for a sample of requests (see :mod:`tokencensus.classify.sampling`).
Every analysis here joins ``census.labels`` to ``census.requests`` on
``request_id`` and computes shares on the labelled requests only, weighted by
the measure (tokens by default), as the study did. Each share carries a 95%
interval from the sample (``ci_low``/``ci_high``, see
:mod:`tokencensus.classify.intervals`) and ``sampled``, the number of labelled
requests it rests on. The sample rate in the variance is the share of the
period's requests that carry a label.

Which labels: a store may hold labels from several classifiers. ``Params.extra
["classifier"]`` picks one (``builtin`` or ``builtin@1``); by default the
classifier with the most labels is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import ibis

from tokencensus import schema as s
from tokencensus.analyses import common as c
from tokencensus.analyses.base import Analysis, Params, Section, register
from tokencensus.classify import intervals as ci
from tokencensus.report import charts

if TYPE_CHECKING:
    import altair as alt
    import ibis.expr.types as ir
    import pandas as pd

    from tokencensus.engine import Census

SOURCE_GROUP = "source_group"
AUTHOR = "author"
CHART_GROUPS = 6


def chosen_labels(census: Census, params: Params) -> ir.Table:
    """One classifier's labels: the one named in ``params.extra``, else the most frequent."""
    lab = census.labels
    wanted = params.extra.get("classifier")
    if wanted:
        name = str(wanted)
        lab = lab.filter((lab[s.CLASSIFIER] == name) | lab[s.CLASSIFIER].startswith(name + "@"))
    else:
        counts = lab.group_by(s.CLASSIFIER).aggregate(_n=lab.count())
        top = counts.order_by([ibis.desc("_n"), s.CLASSIFIER]).limit(1).select(s.CLASSIFIER)
        lab = lab.semi_join(top, s.CLASSIFIER)
    return lab.select(s.REQUEST_ID, s.CATEGORY, s.SUBTAG, s.LANGUAGE)


def labelled(census: Census, params: Params) -> tuple[ir.Table, ir.FloatingScalar]:
    """Labelled requests with model attributes, week and value; and the sample rate."""
    t = c.requests(census, params)
    j = t.inner_join(chosen_labels(census, params), s.REQUEST_ID)
    j = c.with_model_attributes(census, j)
    j = j.mutate(**{c.WEEK: c.week(j), c.VALUE: c.measure(j, params.measure),
                    s.CATEGORY: j[s.CATEGORY].fill_null("other")})
    rate = ci.sample_rate(j.count().as_scalar(), t[s.REQUESTS_COUNT].count().as_scalar())
    return j, rate


def shares(t: ir.Table, keys: list[str], by: str, rate: ir.FloatingScalar, *,
           complete: bool = False) -> ir.Table:
    """Share of ``value`` per ``by`` within ``keys``, with its interval and sample size.

    ``complete`` adds a zero row for every ``by`` value seen anywhere but missing in a
    group: a category absent from a week's sample has share 0 and an upper bound
    above 0 (how much the sample cannot rule out), not a gap.
    """
    agg = t.group_by([*keys, by]).aggregate(**{
        c.VALUE: t[c.VALUE].sum(), "value_sq": (t[c.VALUE] * t[c.VALUE]).sum(),
        ci.SAMPLED: t.count()})
    if complete and keys:
        grid = t.select(*keys).distinct().cross_join(t.select(by).distinct())
        agg = grid.left_join(agg, [*keys, by]).select(
            *keys, by, **{c.VALUE: agg[c.VALUE].fill_null(0),
                          "value_sq": agg["value_sq"].fill_null(0),
                          ci.SAMPLED: agg[ci.SAMPLED].fill_null(0)})
    return ci.with_share_interval(agg, keys, rate=rate).order_by([*keys, by])


def top_groups(df: pd.DataFrame, by: str, n: int = CHART_GROUPS) -> list[str]:
    return list(df.groupby(by)[c.VALUE].sum().sort_values(ascending=False).head(n).index)


def overall(df: pd.DataFrame, by: str) -> pd.Series:
    """Whole-period share per ``by`` from weekly rows (sum of values / total)."""
    totals = df.groupby(by)[c.VALUE].sum()
    grand = totals.sum()
    return (totals / grand).sort_values(ascending=False) if grand > 0 else totals


def trend_sentence(df: pd.DataFrame, by: str, group: str, what: str) -> str | None:
    """First and last 4 weeks of one group's weekly share, with the last week's interval."""
    series = df[df[by] == group].sort_values(c.WEEK)
    first = c.window_mean(series, ci.SHARE, 4, last=False)
    last = c.window_mean(series, ci.SHARE, 4, last=True)
    if first is None or last is None:
        return None
    tail = series.iloc[-1]
    return (f"{what}: {c.pct(last)} in the last 4 weeks against {c.pct(first)} in the first 4 "
            f"(latest week {c.pct(tail[ci.SHARE])}, 95% CI {c.pct(tail[ci.CI_LOW])}–"
            f"{c.pct(tail[ci.CI_HIGH])}, from {int(tail[ci.SAMPLED]):,} labelled requests).")


class _Weekly(Analysis):
    """Weekly share per ``by`` among labelled requests passing ``subset``."""

    section: ClassVar[Section] = "Categories"
    needs_tables: ClassVar[frozenset[str]] = frozenset({"labels", "models"})
    by: ClassVar[str] = s.CATEGORY
    what: ClassVar[str] = "tokens"

    def subset(self, t: ir.Table) -> ir.Table:
        return t

    def prepare(self, t: ir.Table, params: Params) -> ir.Table:
        return t

    def compute(self, census: Census, params: Params) -> ir.Table:
        t, rate = labelled(census, params)
        t = self.prepare(self.subset(t), params)
        return shares(t, [c.WEEK], self.by, rate, complete=True)

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        keep = top_groups(result, self.by)
        return charts.band_lines(result[result[self.by].isin(keep)], x=c.WEEK, y=ci.SHARE,
                                 low=ci.CI_LOW, high=ci.CI_HIGH, color=self.by,
                                 title=self.title, y_title=f"share of {self.what}")

    def findings(self, result: pd.DataFrame) -> list[str]:
        if result.empty:
            return []
        whole = overall(result, self.by)
        listing = ", ".join(f"{g} {c.pct(v)}" for g, v in whole.head(5).items())
        out = [f"Over the whole period ({int(result[ci.SAMPLED].sum()):,} labelled requests): "
               f"{listing}."]
        lead = trend_sentence(result, self.by, str(whole.index[0]), str(whole.index[0]))
        if lead:
            out.append(lead)
        return out


@register
class CategoryShare(_Weekly):
    name = "category_share"
    title = "Category share of all tokens per week"
    study_figures = (20,)
    description = ("Share of each week's tokens by task category, on the classified sample; "
                   "the study's headline is programming (~11% → >50%). Shaded: 95% intervals.")

    def findings(self, result: pd.DataFrame) -> list[str]:
        out = super().findings(result)
        if result.empty or overall(result, self.by).index[0] == "programming":
            return out
        prog = trend_sentence(result, self.by, "programming", "Programming")
        return out + [prog] if prog else out


@register
class OpenCategoryMix(_Weekly):
    name = "open_category_mix"
    title = "Category mix of open-model tokens per week"
    study_figures = (7,)
    description = "Categories of tokens sent to open-weight models (study: roleplay ~52%)."

    def subset(self, t: ir.Table) -> ir.Table:
        return t.filter(t.open_weights.fill_null(False))


@register
class ChineseOpenCategoryMix(_Weekly):
    name = "chinese_open_category_mix"
    title = "Category mix of Chinese open-model tokens per week"
    study_figures = (8,)
    description = ("Categories of tokens sent to open-weight models from Chinese labs (study: "
                   "roleplay 33%, programming + technology 39%).")

    def subset(self, t: ir.Table) -> ir.Table:
        return t.filter(t[SOURCE_GROUP] == "Chinese open")


class _CategoryBySourceGroup(_Weekly):
    by = SOURCE_GROUP
    category: ClassVar[str]

    def subset(self, t: ir.Table) -> ir.Table:
        return t.filter(t[s.CATEGORY] == self.category)

    def findings(self, result: pd.DataFrame) -> list[str]:
        out = super().findings(result)
        if result.empty or overall(result, self.by).index[0] == "Proprietary":
            return out
        closed = trend_sentence(result, self.by, "Proprietary",
                                f"Proprietary models' share of {self.category} tokens")
        return out + [closed] if closed else out


@register
class ProgrammingBySourceGroup(_CategoryBySourceGroup):
    name = "programming_source_groups"
    title = "Programming tokens by source group per week"
    study_figures = (9,)
    category = "programming"
    description = "Who serves programming tokens: proprietary, Chinese open, RoW open."


@register
class RoleplayBySourceGroup(_CategoryBySourceGroup):
    name = "roleplay_source_groups"
    title = "Roleplay tokens by source group per week"
    study_figures = (10,)
    category = "roleplay"
    description = ("Who serves roleplay tokens (study: closed ~70% in May 2025 → ~42%; RoW "
                   "open ~43%).")


@register
class ProgrammingAuthors(_Weekly):
    name = "programming_authors"
    title = "Author shares of programming tokens per week"
    study_figures = (21,)
    by = AUTHOR
    description = ("Labs whose models served programming tokens; authors outside the top N "
                   "(--top-n) are grouped as Other (study: Anthropic >60% until Nov 2025).")

    def subset(self, t: ir.Table) -> ir.Table:
        return t.filter(t[s.CATEGORY] == "programming")

    def prepare(self, t: ir.Table, params: Params) -> ir.Table:
        author = t[AUTHOR].fill_null("(unknown)")
        t = t.mutate(**{AUTHOR: author})
        ranked = t.group_by(AUTHOR).aggregate(_v=t[c.VALUE].sum())
        top = ranked.order_by([ibis.desc("_v"), AUTHOR]).limit(params.top_n).select(AUTHOR)
        keep = t[AUTHOR].isin(top[AUTHOR])
        return t.mutate(**{AUTHOR: ibis.ifelse(keep, t[AUTHOR], "Other")})


@register
class LanguageShare(Analysis):
    name = "language_share"
    title = "Token share by prompt language"
    section: ClassVar[Section] = "Geography and language"
    study_figures = (33,)
    needs_tables: ClassVar[frozenset[str]] = frozenset({"labels", "models"})
    description = ("Language of the classified prompts (ISO 639-1; `und` when undetermined), "
                   "token-weighted (study: English 82.87%, Chinese 4.95%, Russian 2.47%).")

    def compute(self, census: Census, params: Params) -> ir.Table:
        t, rate = labelled(census, params)
        t = t.mutate(**{s.LANGUAGE: t[s.LANGUAGE].fill_null("und")})
        return shares(t, [], s.LANGUAGE, rate).order_by(ibis.desc(ci.SHARE))

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.interval_bars(result.head(15), x=ci.SHARE, y=s.LANGUAGE, low=ci.CI_LOW,
                                    high=ci.CI_HIGH, title=self.title, x_title="share of tokens")

    def findings(self, result: pd.DataFrame) -> list[str]:
        if result.empty:
            return []
        parts = ", ".join(f"{r[s.LANGUAGE]} {c.pct(r[ci.SHARE])} ({c.pct(r[ci.CI_LOW])}–"
                          f"{c.pct(r[ci.CI_HIGH])})" for _, r in result.head(5).iterrows())
        return [f"Top languages by tokens, with 95% intervals: {parts}."]
