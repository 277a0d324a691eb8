"""Model leaderboards of agentic inference (STUDY.md figures 12 and 14).

Each ranks models by their volume over the whole period within one slice of
traffic and follows the --top-n of them week by week, the rest as one group:

* reasoning: requests to models the catalog flags as reasoning-capable (the
  study's definition of reasoning share; the flag, not reasoning tokens);
* tool calls: requests whose finish reason is ``tool_calls``.

``share`` is a model's share of the slice's volume in that week; ``total`` its
volume over the period, which ranks the leaderboard.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, ClassVar

import altair as alt
import ibis

from tokencensus import schema as s
from tokencensus.analyses import common as c
from tokencensus.analyses.base import Analysis, Params, Section, register
from tokencensus.report import charts

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd

    from tokencensus.engine import Census

TOTAL = "total"


def leaderboard(t: ir.Table, n: int, other: str) -> ir.Table:
    """Weekly value and share of the ``n`` largest models of ``t`` (the rest as ``other``).

    Rows run week by week, each week's models by rank, ``other`` last.
    """
    t = c.keep_top(t, s.MODEL, n, other)
    weekly = t.group_by([c.WEEK, s.MODEL]).aggregate(**{c.VALUE: t[c.VALUE].sum()})
    week_total = weekly[c.VALUE].sum().over(group_by=weekly[c.WEEK])
    out = weekly.mutate(**{
        c.SHARE: ibis.ifelse(week_total > 0, weekly[c.VALUE] / week_total, None),
        TOTAL: weekly[c.VALUE].sum().over(group_by=weekly[s.MODEL]),
    })
    return out.order_by([out[c.WEEK], out[s.MODEL] == other, out[TOTAL].desc(), out[s.MODEL]])


class _Leaderboard(Analysis):
    section: ClassVar[Section] = "Agentic inference"
    other: ClassVar[str]
    #: What the slice is, for chart titles and findings ("reasoning-model tokens").
    what: ClassVar[str]

    @abstractmethod
    def slice(self, census: Census, params: Params) -> ir.Table:
        """The requests the leaderboard ranks (date range and exclusions applied)."""

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = self.slice(census, params)
        t = t.mutate(**{c.WEEK: c.week(t), c.VALUE: c.measure(t, params.measure)})
        return leaderboard(t, params.top_n, self.other)

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        order = c.other_last(result, s.MODEL, c.VALUE, self.other)
        area = charts.stacked_area(result, x=c.WEEK, y=c.VALUE, color=s.MODEL, title=self.title,
                                   y_title=f"{self.what} per week", color_order=order)
        totals = result.groupby(s.MODEL, as_index=False)[c.VALUE].sum()
        grand = totals[c.VALUE].sum()
        totals[c.SHARE] = totals[c.VALUE] / grand if grand > 0 else 0.0
        # The ranked models only: "other" is a remainder, not a rank.
        totals = totals[totals[s.MODEL] != self.other]
        bars = charts.hbar(totals, x=c.SHARE, y=s.MODEL, title=f"Share of {self.what} over the "
                           "period", x_title=f"share of {self.what}", x_format=".1%")
        return alt.vconcat(area, bars)

    def findings(self, result: pd.DataFrame) -> list[str]:
        totals = result.groupby(s.MODEL)[c.VALUE].sum()
        grand = totals.sum()
        if grand <= 0:
            return []
        named = totals.drop(self.other, errors="ignore").sort_values(ascending=False)
        out = ["Largest over the period: " + ", ".join(
            f"{m} {v:,.0f} ({c.pct(v / grand)})" for m, v in named.head(5).items())
            + f" of {self.what}."]
        if self.other in totals.index:
            out.append(f"The top {len(named)} models made {c.pct(named.sum() / grand)} of "
                       f"{self.what}.")
        leaders = result[result[s.MODEL] != self.other].sort_values(
            [c.WEEK, c.VALUE], ascending=[True, False]).drop_duplicates(c.WEEK)
        if not leaders.empty:
            changes = int((leaders[s.MODEL] != leaders[s.MODEL].shift()).sum()) - 1
            last = leaders.iloc[-1]
            out.append(f"In the week of {last[c.WEEK]:%Y-%m-%d} {last[s.MODEL]} led with "
                       f"{c.pct(last[c.SHARE])}; the weekly leader changed {changes} time(s).")
        return out


@register
class ReasoningLeaderboard(_Leaderboard):
    name = "reasoning_leaderboard"
    title = "Top reasoning models by token volume"
    study_figures = (12,)
    requires = frozenset({s.MODEL})
    needs_tables = frozenset({"models"})
    other = "Other reasoning models"
    what = "reasoning-model volume"
    description = ("Weekly volume of the --top-n reasoning-capable models (catalog flag), ranked "
                   "by their volume over the period, with each one's share of the week's "
                   "reasoning-model volume.")

    def slice(self, census: Census, params: Params) -> ir.Table:
        t = c.with_model_attributes(census, c.requests(census, params))
        return t.filter(t.reasoning.fill_null(False))


@register
class ToolCallLeaderboard(_Leaderboard):
    name = "tool_call_leaderboard"
    title = "Top models by tool-call token volume"
    study_figures = (14,)
    requires = frozenset({s.MODEL, s.FINISH_REASON})
    other = "Other models"
    what = "tool-call volume"
    description = ("Weekly volume of requests that ended in a tool call (finish reason "
                   "tool_calls) for the --top-n models by that volume over the period, with "
                   "each one's share of the week's tool-call volume.")

    def slice(self, census: Census, params: Params) -> ir.Table:
        t = c.requests(census, params)
        return t.filter(t[s.FINISH_REASON] == "tool_calls")
