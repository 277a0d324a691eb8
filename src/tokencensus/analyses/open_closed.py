"""Open vs closed weights (STUDY.md figures 1-2): who serves the tokens, by source group."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from tokencensus import schema as s
from tokencensus.analyses import common as c
from tokencensus.analyses.base import Analysis, Params, Section, register
from tokencensus.report import charts

if TYPE_CHECKING:
    import altair as alt
    import ibis.expr.types as ir
    import pandas as pd

    from tokencensus.engine import Census

GROUP = "source_group"
GROUP_ORDER = ["Proprietary", "Chinese open", "RoW open", "Unknown"]


def _present(result: pd.DataFrame) -> list[str]:
    """Legend entries for the groups the data has (no empty "Unknown" swatch)."""
    return [g for g in GROUP_ORDER if g in set(result[GROUP])]


def source_group_weekly(census: Census, params: Params) -> ir.Table:
    t = c.with_model_attributes(census, c.requests(census, params))
    t = t.mutate(**{c.WEEK: c.week(t), c.VALUE: c.measure(t, params.measure)})
    return c.weekly_share(t, GROUP)


class _SourceGroups(Analysis):
    section: ClassVar[Section] = "Open vs closed"
    requires: ClassVar[frozenset[str]] = frozenset({s.MODEL})
    needs_tables: ClassVar[frozenset[str]] = frozenset({"models"})

    def compute(self, census: Census, params: Params) -> ir.Table:
        return source_group_weekly(census, params)


@register
class OpenClosedShare(_SourceGroups):
    name = "open_closed_share"
    title = "Token share by source group per week"
    study_figures = (1,)
    description = ("Share of each week's tokens served by proprietary models, open-weight models "
                   "from Chinese labs, and open-weight models from the rest of the world.")

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.stacked_area(result, x=c.WEEK, y=c.SHARE, color=GROUP, title=self.title,
                                   y_title="share of tokens", percent=True,
                                   color_order=_present(result))

    def findings(self, result: pd.DataFrame) -> list[str]:
        wide = result.pivot_table(index=c.WEEK, columns=GROUP, values=c.SHARE).fillna(0.0)
        wide = wide.reset_index()
        out: list[str] = []
        wide["open"] = sum(wide[g] for g in ("Chinese open", "RoW open") if g in wide)
        first = c.window_mean(wide, "open", 4, last=False)
        last = c.window_mean(wide, "open", 4, last=True)
        out.append(f"Open-weight models served {c.pct(last)} of tokens in the last 4 weeks, "
                   f"against {c.pct(first)} in the first 4 weeks.")
        totals = result.groupby(GROUP)[c.VALUE].sum()
        grand = totals.sum()
        if grand > 0:
            parts = ", ".join(f"{g} {c.pct(totals[g] / grand)}" for g in GROUP_ORDER
                              if g in totals)
            out.append(f"Over the whole period: {parts}.")
        if "Chinese open" in wide:
            peak = wide.loc[wide["Chinese open"].idxmax()]
            start = c.window_mean(wide, "Chinese open", 4, last=False)
            out.append(f"Chinese open models peaked at {c.pct(peak['Chinese open'])} in the week "
                       f"of {peak[c.WEEK]:%Y-%m-%d}, from {c.pct(start)} in the first 4 weeks.")
        if "Unknown" in totals and grand > 0 and totals["Unknown"] / grand > 0.01:
            out.append(f"{c.pct(totals['Unknown'] / grand)} of tokens went to models the catalog "
                       "does not know; `tokencensus models unknown` lists them.")
        return out


@register
class OpenClosedVolume(_SourceGroups):
    name = "open_closed_volume"
    title = "Weekly token volume by source group"
    study_figures = (2,)
    description = "Absolute weekly volume, stacked by source group."

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.stacked_area(result, x=c.WEEK, y=c.VALUE, color=GROUP, title=self.title,
                                   y_title="tokens per week", color_order=_present(result))

    def findings(self, result: pd.DataFrame) -> list[str]:
        weekly = result.groupby(c.WEEK)[c.VALUE].sum().reset_index()
        first = c.window_mean(weekly, c.VALUE, 4, last=False)
        last = c.window_mean(weekly, c.VALUE, 4, last=True)
        out = [f"Weekly volume averaged {last:,.0f} in the last 4 weeks against {first:,.0f} "
               "in the first 4."] if first and last else []
        if first and last:
            out.append(f"That is {last / first:.1f}x growth over the period.")
        return out
