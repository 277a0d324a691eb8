"""Open-weight models (STUDY.md figures 3-6): who makes them, how concentrated, what size.

A model is open when the catalog says its weights are public; models the catalog
does not know, or whose openness it does not know, are left out rather than
guessed. Shares are of the open models' tokens (requests or spend with
``--measure``). Sizes are total parameters, the study's buckets: small < 15B,
medium 15-70B, large >= 70B; an open model without a known size counts as
"unknown size", never dropped. Supply (figure 6) counts the catalog's open models
released on or before each week's Monday, whatever the log used; an open model
the catalog has no release date for cannot be placed in a week and is left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import altair as alt
import ibis
import pandas as pd

from tokencensus import schema as s
from tokencensus.analyses import common as c
from tokencensus.analyses.base import Analysis, Params, Section, register
from tokencensus.report import charts

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tokencensus.engine import Census

AUTHOR = "author"
SIZE = "size_bucket"
UNKNOWN_SIZE = "unknown size"
SIZE_ORDER = ["small", "medium", "large", UNKNOWN_SIZE]
OTHER_MODELS = "Other open models"
OTHER_AUTHORS = "Other open authors"
#: The study's figure 4 follows the 15 largest open models (more with a larger --top-n).
STUDY_TOP_MODELS = 15
#: A model with more than this share of a week's open tokens is a "meaningful" one.
MEANINGFUL = 0.05
CONCENTRATION = {"hhi": "HHI (sum of squared shares)", "top1_share": "Largest model's share",
                 "top5_share": "Top 5 models' share"}


def open_requests(census: Census, params: Params) -> ir.Table:
    """Requests to open-weight models, with the week and the measured value."""
    t = c.with_model_attributes(census, c.requests(census, params))
    t = t.filter(t.open_weights.fill_null(False))
    return t.mutate(**{c.WEEK: c.week(t), c.VALUE: c.measure(t, params.measure)})


def _share_of(value: ir.NumericColumn, total: ir.NumericValue) -> ir.NumericValue:
    return ibis.ifelse(total > 0, value / total, None)


def _trends(wide: pd.DataFrame, labels: dict[str, str]) -> list[str]:
    """"label first → last" for each column: means of the first and last 4 weeks."""
    parts = []
    for col, label in labels.items():
        first = c.window_mean(wide, col, 4, last=False)
        last = c.window_mean(wide, col, 4, last=True)
        if first is not None and last is not None:
            parts.append(f"{label} {c.pct(first)} → {c.pct(last)}")
    return parts


class _OpenModels(Analysis):
    section: ClassVar[Section] = "Open vs closed"
    requires: ClassVar[frozenset[str]] = frozenset({s.MODEL})
    needs_tables: ClassVar[frozenset[str]] = frozenset({"models"})


@register
class OpenAuthors(_OpenModels):
    name = "open_authors"
    title = "Total tokens by author among open models"
    study_figures = (3,)
    description = ("Tokens to open-weight models over the whole period by the lab that made the "
                   "model (not the host that served it): the --top-n authors, the rest as one "
                   "row, with each one's share of open tokens and its number of models used.")

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = c.keep_top(open_requests(census, params), AUTHOR, params.top_n, OTHER_AUTHORS)
        agg = t.group_by(AUTHOR).aggregate(**{c.VALUE: t[c.VALUE].sum(),
                                              "models": t[s.MODEL].nunique()})
        agg = agg.mutate(**{c.SHARE: _share_of(agg[c.VALUE], agg[c.VALUE].sum().over())})
        return agg.order_by([(agg[AUTHOR] == OTHER_AUTHORS), agg[c.VALUE].desc(), agg[AUTHOR]])

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.hbar(result, x=c.SHARE, y=AUTHOR, title=self.title,
                           x_title="share of open-model tokens", x_format=".1%")

    def findings(self, result: pd.DataFrame) -> list[str]:
        named = result[result[AUTHOR] != OTHER_AUTHORS].head(4)
        if named.empty:
            return []
        parts = ", ".join(f"{r.author} {r.value:,.0f} ({c.pct(r.share)})"
                          for r in named.itertuples())
        out = [f"Largest open-model authors: {parts}."]
        top3 = result[result[AUTHOR] != OTHER_AUTHORS][c.SHARE].head(3).sum()
        out.append(f"The top 3 authors made {c.pct(top3)} of open-model volume.")
        return out


@register
class OpenModelShare(_OpenModels):
    name = "open_model_share"
    title = "Top open models: weekly share of open-model tokens"
    study_figures = (4,)
    description = ("Weekly share of open-model tokens for the 15 largest open models over the "
                   "period (or --top-n, when larger), the rest as one group; with each week's "
                   "concentration over all open models: the Herfindahl-Hirschman index (sum of "
                   "squared shares, 1 = one model), the largest model's share, the top 5 "
                   "models' share and the number of models above 5%.")

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = open_requests(census, params)
        per = t.group_by([c.WEEK, s.MODEL]).aggregate(**{c.VALUE: t[c.VALUE].sum()})
        per = per.mutate(**{c.SHARE: _share_of(
            per[c.VALUE], per[c.VALUE].sum().over(group_by=per[c.WEEK]))})
        ranked = per.mutate(_rank=ibis.row_number().over(
            group_by=per[c.WEEK], order_by=[per[c.VALUE].desc(), per[s.MODEL]]))
        share = ranked[c.SHARE]
        conc = ranked.group_by(c.WEEK).aggregate(
            hhi=(share * share).sum(),
            top1_share=share.sum(where=ranked._rank < 1),
            top5_share=share.sum(where=ranked._rank < 5),
            models_above_5pct=(share > MEANINGFUL).ifelse(1, 0).sum(),
        )
        top = c.keep_top(per, s.MODEL, max(params.top_n, STUDY_TOP_MODELS), OTHER_MODELS)
        lumped = top.group_by([c.WEEK, s.MODEL]).aggregate(
            **{c.VALUE: top[c.VALUE].sum(), c.SHARE: top[c.SHARE].sum()})
        out = lumped.left_join(conc, c.WEEK).drop(f"{c.WEEK}_right")
        return out.order_by([c.WEEK, s.MODEL])

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        order = c.other_last(result, s.MODEL, c.VALUE, OTHER_MODELS)
        area = charts.stacked_area(result, x=c.WEEK, y=c.SHARE, color=s.MODEL, title=self.title,
                                   y_title="share of open-model tokens", percent=True,
                                   color_order=order)
        weekly = result.drop_duplicates(c.WEEK)[[c.WEEK, *CONCENTRATION]]
        long = weekly.melt(id_vars=[c.WEEK], value_vars=list(CONCENTRATION),
                           var_name="metric", value_name=c.VALUE)
        long["metric"] = long["metric"].map(CONCENTRATION)
        conc = charts.lines(long, x=c.WEEK, y=c.VALUE, color="metric",
                            title="Concentration of open-model tokens", y_title="index / share",
                            y_format=".0%")
        # Separate legends: model colors and metric colors are different scales.
        return alt.vconcat(area, conc).resolve_scale(color="independent")

    def findings(self, result: pd.DataFrame) -> list[str]:
        weekly = result.drop_duplicates(c.WEEK).sort_values(c.WEEK)
        if weekly.empty:
            return []
        out = []
        first = c.window_mean(weekly, "hhi", 4, last=False)
        last = c.window_mean(weekly, "hhi", 4, last=True)
        if first is not None and last is not None:
            out.append(f"Concentration of open-model tokens (HHI, 1 = a single model) averaged "
                       f"{first:.3f} in the first 4 weeks and {last:.3f} in the last 4.")
        tops = _trends(weekly, {"top1_share": "largest model", "top5_share": "top 5 models"})
        if tops:
            out.append(f"Share of open-model tokens, first 4 weeks → last 4: {'; '.join(tops)}.")
        head, tail = weekly.iloc[0], weekly.iloc[-1]
        out.append(f"Models above {MEANINGFUL:.0%} of open tokens: {int(head.models_above_5pct)} "
                   f"in the week of {head[c.WEEK]:%Y-%m-%d}, {int(tail.models_above_5pct)} in "
                   f"the week of {tail[c.WEEK]:%Y-%m-%d}.")
        totals = result[result[s.MODEL] != OTHER_MODELS].groupby(s.MODEL)[c.VALUE].sum()
        grand = result[c.VALUE].sum()
        if grand > 0 and not totals.empty:
            lead = totals.sort_values(ascending=False).head(3)
            out.append("Largest open models over the period: " + ", ".join(
                f"{m} {c.pct(v / grand)}" for m, v in lead.items()) + ".")
        return out


@register
class OpenSizeShare(_OpenModels):
    name = "open_size_share"
    title = "Open-model tokens by model size per week"
    study_figures = (5,)
    description = ("Weekly share of open-model tokens by total parameters: small (<15B), medium "
                   "(15-70B), large (>=70B), and open models whose size the catalog lacks.")

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = open_requests(census, params)
        return c.weekly_share(t.mutate(**{SIZE: t[SIZE].fill_null(UNKNOWN_SIZE)}), SIZE)

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.stacked_area(result, x=c.WEEK, y=c.SHARE, color=SIZE, title=self.title,
                                   y_title="share of open-model tokens", percent=True,
                                   color_order=SIZE_ORDER)

    def findings(self, result: pd.DataFrame) -> list[str]:
        wide = result.pivot_table(index=c.WEEK, columns=SIZE, values=c.SHARE).fillna(0.0)
        wide = wide.reset_index()
        parts = _trends(wide, {b: b for b in SIZE_ORDER if b in wide})
        out = [f"Share of open-model tokens, first 4 weeks → last 4: {'; '.join(parts)}."] \
            if parts else []
        totals = result.groupby(SIZE)[c.VALUE].sum()
        if totals.sum() > 0:
            out.append(f"Over the whole period {totals.idxmax()} models served the most "
                       f"open-model volume ({c.pct(totals.max() / totals.sum())}).")
        return out


@register
class OpenModelSupply(_OpenModels):
    name = "open_model_supply"
    title = "Open models available by size per week"
    study_figures = (6,)
    requires: ClassVar[frozenset[str]] = frozenset({s.TS})
    description = ("Supply side: the number of open-weight models in the catalog released on or "
                   "before each week's Monday, by size bucket, over the weeks the log covers "
                   "(whether or not the log used them); models without a release date in the "
                   "catalog are left out.")

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = c.requests(census, params)
        bounds = t.aggregate(lo=c.week(t).min(), hi=c.week(t).max())
        # Every week from the first to the last, also weeks without requests.
        weeks = bounds.select(**{c.WEEK: ibis.range(bounds.lo, bounds.hi + ibis.interval(days=1),
                                                    ibis.interval(weeks=1)).unnest()})
        m = census.models
        released = m.filter(m[s.OPEN_WEIGHTS].fill_null(False) & m[s.RELEASE_DATE].notnull())
        released = released.select(s.RELEASE_DATE, **{SIZE: m[SIZE].fill_null(UNKNOWN_SIZE)})
        j = weeks.cross_join(released)
        j = j.filter(j[s.RELEASE_DATE] <= j[c.WEEK].date())
        return j.group_by([c.WEEK, SIZE]).aggregate(models=j.count()).order_by([c.WEEK, SIZE])

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.stacked_area(result, x=c.WEEK, y="models", color=SIZE, title=self.title,
                                   y_title="open models available", color_order=SIZE_ORDER)

    def findings(self, result: pd.DataFrame) -> list[str]:
        wide = result.pivot_table(index=c.WEEK, columns=SIZE, values="models",
                                  aggfunc="sum").fillna(0).sort_index()
        if wide.empty:
            return []

        def count(row: pd.Series) -> str:
            parts = ", ".join(f"{b} {int(row[b])}" for b in SIZE_ORDER
                              if b in row.index and row[b] > 0)
            return f"{int(row.sum())} ({parts})"

        first, last = wide.index[0], wide.index[-1]
        out = [f"Open models released by the week of {first:%Y-%m-%d}: {count(wide.loc[first])}; "
               f"by the week of {last:%Y-%m-%d}: {count(wide.loc[last])}."]
        growth = (wide.loc[last] - wide.loc[first]).sort_values(ascending=False)
        if growth.iloc[0] > 0:
            out.append(f"The {growth.index[0]} bucket grew most: {int(growth.iloc[0])} more "
                       "models over the period.")
        return out
