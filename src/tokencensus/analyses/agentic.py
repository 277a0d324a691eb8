"""Agentic inference (STUDY.md figures 11, 13, 15, 16, 18): reasoning, tools, lengths."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import ibis

from tokencensus import schema as s
from tokencensus.analyses import common as c
from tokencensus.analyses.base import Analysis, Params, Section, register
from tokencensus.report import charts

if TYPE_CHECKING:
    import altair as alt
    import ibis.expr.types as ir
    import pandas as pd

    from tokencensus.engine import Census

METRIC = "metric"


def _ratio(num: ir.NumericValue, den: ir.NumericValue) -> ir.NumericValue:
    # A filtered sum over no rows is NULL; with a known denominator the share is 0, not unknown.
    return ibis.ifelse(den > 0, num.fill_null(0) / den, None)


def _long(wide: ir.Table, names: dict[str, str]) -> ir.Table:
    """Weekly metrics as (week, metric, value) rows, for one chart line per metric."""
    parts = [wide.select(c.WEEK, **{METRIC: ibis.literal(label), c.VALUE: wide[col]})
             for col, label in names.items()]
    return ibis.union(*parts).order_by([METRIC, c.WEEK])


def _trend(df: pd.DataFrame, metric: str, fmt: str, what: str) -> str | None:
    series = df[df[METRIC] == metric]
    first = c.window_mean(series, c.VALUE, 4, last=False)
    last = c.window_mean(series, c.VALUE, 4, last=True)
    if first is None or last is None:
        return None
    return f"{what}: {fmt.format(last)} in the last 4 weeks against {fmt.format(first)} " \
           "in the first 4."


@register
class ReasoningShare(Analysis):
    name = "reasoning_share"
    title = "Share of tokens to reasoning models per week"
    section: ClassVar[Section] = "Agentic inference"
    study_figures = (11,)
    requires = frozenset({s.MODEL})
    needs_tables = frozenset({"models"})
    description = ("Tokens sent to reasoning-capable models (a catalog flag) as a share of tokens "
                   "to models whose flag is known; and, where the log reports it, reasoning "
                   "tokens as a share of output tokens.")

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = c.with_model_attributes(census, c.requests(census, params))
        t = t.mutate(**{c.WEEK: c.week(t), c.VALUE: c.measure(t, params.measure)})
        known = t.reasoning.notnull()
        wide = t.group_by(c.WEEK).aggregate(
            model_share=_ratio(t[c.VALUE].sum(where=t.reasoning.fill_null(False)),
                               t[c.VALUE].sum(where=known)),
            token_share=_ratio(t[s.REASONING_TOKENS].sum(),
                               t[s.OUTPUT_TOKENS].sum(where=t[s.REASONING_TOKENS].notnull())),
        )
        return _long(wide, {"model_share": "Tokens to reasoning models",
                            "token_share": "Reasoning tokens / output tokens"})

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.lines(result, x=c.WEEK, y=c.VALUE, color=METRIC, title=self.title,
                            y_title="share", y_format=".0%")

    def findings(self, result: pd.DataFrame) -> list[str]:
        lines = [_trend(result, "Tokens to reasoning models", "{:.1%}",
                        "Reasoning models took"),
                 _trend(result, "Reasoning tokens / output tokens", "{:.1%}",
                        "Reasoning tokens were this share of output")]
        return [x for x in lines if x]


@register
class ToolCallShare(Analysis):
    name = "tool_call_share"
    title = "Share of tokens in requests that ended in a tool call"
    section: ClassVar[Section] = "Agentic inference"
    study_figures = (13,)
    requires = frozenset({s.FINISH_REASON})
    description = ("Tokens of requests whose finish reason is tool_calls, as a share of tokens of "
                   "requests with a known finish reason; tokens of requests that declared tools; "
                   "and the largest single account's share of the week's tool-call tokens, "
                   "which flags one account distorting the curve (exclude it with "
                   "--exclude-user).")

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = c.requests(census, params)
        t = t.mutate(**{c.WEEK: c.week(t), c.VALUE: c.measure(t, params.measure)})
        is_tool = t[s.FINISH_REASON] == "tool_calls"
        wide = t.group_by(c.WEEK).aggregate(
            tool_call=_ratio(t[c.VALUE].sum(where=is_tool),
                             t[c.VALUE].sum(where=t[s.FINISH_REASON].notnull())),
            declared=_ratio(t[c.VALUE].sum(where=t[s.TOOLS_DECLARED].fill_null(False)),
                            t[c.VALUE].sum(where=t[s.TOOLS_DECLARED].notnull())),
        )
        per_user = t.filter(is_tool & t[s.USER_ID].notnull()).group_by(
            [c.WEEK, s.USER_ID]).aggregate(v=lambda x: x[c.VALUE].sum())
        top = per_user.group_by(c.WEEK).aggregate(
            top_account=_ratio(per_user.v.max(), per_user.v.sum()))
        wide = wide.left_join(top, c.WEEK).drop(f"{c.WEEK}_right")
        return _long(wide, {"tool_call": "Ended in a tool call", "declared": "Declared tools",
                            "top_account": "Largest account's share of tool-call tokens"})

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.lines(result, x=c.WEEK, y=c.VALUE, color=METRIC, title=self.title,
                            y_title="share", y_format=".0%")

    def findings(self, result: pd.DataFrame) -> list[str]:
        out = [x for x in (
            _trend(result, "Ended in a tool call", "{:.1%}", "Tool-call requests carried"),
            _trend(result, "Declared tools", "{:.1%}", "Requests declaring tools carried"),
        ) if x]
        dominance = result[(result[METRIC] == "Largest account's share of tool-call tokens")
                           & (result[c.VALUE] > 0.5)]
        if not dominance.empty:
            weeks = ", ".join(f"{w:%Y-%m-%d}" for w in dominance[c.WEEK].head(5))
            out.append(f"One account made more than half of the tool-call tokens in "
                       f"{len(dominance)} week(s) ({weeks}); rerun with --exclude-user to see "
                       "the curve without it.")
        return out


class _AverageLength(Analysis):
    """Average tokens per request per week (sum of tokens over requests that report them)."""

    section: ClassVar[Section] = "Agentic inference"
    columns: ClassVar[tuple[str, ...]]
    label: ClassVar[str]

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = c.requests(census, params)
        t = t.mutate(**{c.WEEK: c.week(t)})
        known = t[self.columns[0]].notnull()
        for col in self.columns[1:]:
            known = known & t[col].notnull()
        total = sum((t[col] for col in self.columns[1:]), t[self.columns[0]])
        return t.group_by(c.WEEK).aggregate(**{
            c.VALUE: _ratio(total.sum(where=known), t[s.REQUESTS_COUNT].sum(where=known)),
            "requests": t[s.REQUESTS_COUNT].sum(where=known),
        }).order_by(c.WEEK)

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.lines(result, x=c.WEEK, y=c.VALUE, title=self.title,
                            y_title=f"{self.label} per request")

    def findings(self, result: pd.DataFrame) -> list[str]:
        first = c.window_mean(result, c.VALUE, 4, last=False)
        last = c.window_mean(result, c.VALUE, 4, last=True)
        if first is None or last is None:
            return []
        growth = f" ({last / first:.1f}x)" if first else ""
        return [f"Average {self.label} per request: {last:,.0f} in the last 4 weeks against "
                f"{first:,.0f} in the first 4{growth}."]


@register
class PromptLength(_AverageLength):
    name = "prompt_length"
    title = "Average prompt tokens per request"
    study_figures = (15,)
    requires = frozenset({s.INPUT_TOKENS})
    columns = (s.INPUT_TOKENS,)
    label = "prompt tokens"
    description = "Mean input tokens (cached included) per request, by week."


@register
class CompletionLength(_AverageLength):
    name = "completion_length"
    title = "Average completion tokens per request"
    study_figures = (16,)
    requires = frozenset({s.OUTPUT_TOKENS})
    columns = (s.OUTPUT_TOKENS,)
    label = "completion tokens"
    description = "Mean output tokens (reasoning included) per request, by week."


@register
class SequenceLength(_AverageLength):
    name = "sequence_length"
    title = "Average sequence length (prompt + completion) per request"
    study_figures = (18,)
    requires = frozenset({s.INPUT_TOKENS, s.OUTPUT_TOKENS})
    columns = (s.INPUT_TOKENS, s.OUTPUT_TOKENS)
    label = "sequence tokens"
    description = "Mean prompt + completion tokens per request, by week."
