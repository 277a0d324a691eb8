"""Expression builders the analyses share: filters, measures, weeks, model attributes.

All of them build Ibis expressions and never execute; every engine runs them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from tokencensus import schema as s
from tokencensus.analyses.base import Params

if TYPE_CHECKING:
    import pandas as pd

    from tokencensus.engine import Census

WEEK = "week"
MONTH = "month"
VALUE = "value"
SHARE = "share"

MEASURE_LABEL = {"tokens": "tokens", "requests": "requests", "spend": "spend (USD)"}


def requests(census: Census, params: Params) -> ir.Table:
    """The requests an analysis should see: date range and excluded accounts applied."""
    t = census.requests
    if params.start is not None:
        t = t.filter(t[s.TS] >= ibis.timestamp(dt.datetime.combine(params.start, dt.time(),
                                                                   dt.UTC)))
    if params.end is not None:
        t = t.filter(t[s.TS] < ibis.timestamp(dt.datetime.combine(
            params.end + dt.timedelta(days=1), dt.time(), dt.UTC)))
    if params.exclude_users:
        t = t.filter(t[s.USER_ID].isnull() | ~t[s.USER_ID].isin(list(params.exclude_users)))
    return t


def tokens(t: ir.Table) -> ir.IntegerColumn:
    """Prompt + completion tokens (the study's definition); unknown parts count as 0."""
    return t[s.INPUT_TOKENS].fill_null(0) + t[s.OUTPUT_TOKENS].fill_null(0)


def measure(t: ir.Table, name: str) -> ir.NumericColumn:
    """What a share is a share of: tokens, requests or spend."""
    if name == "tokens":
        return tokens(t)
    if name == "requests":
        return t[s.REQUESTS_COUNT]
    if name == "spend":
        return t[s.COST_USD].fill_null(0.0)
    raise ValueError(f"Unknown measure {name!r}; use tokens, requests or spend.")


def week(t: ir.Table) -> ir.TimestampColumn:
    """ISO week start (Monday 00:00 UTC); engines are connected in UTC."""
    return t[s.TS].truncate("W")


def month(t: ir.Table) -> ir.TimestampColumn:
    return t[s.TS].truncate("M")


def with_model_attributes(census: Census, t: ir.Table) -> ir.Table:
    """Requests joined to the model dimension, plus the study's source group."""
    m = census.models
    dim = m.select(
        _model=m[s.MODEL], author=m[s.AUTHOR], open_weights=m[s.OPEN_WEIGHTS],
        origin=m[s.ORIGIN], reasoning=m[s.REASONING], size_bucket=m[s.SIZE_BUCKET],
    )
    j = t.left_join(dim, t[s.MODEL] == dim._model).drop("_model")
    group = ibis.cases(
        (j.open_weights.isnull(), "Unknown"),
        (~j.open_weights, "Proprietary"),
        (j.origin == "CN", "Chinese open"),
        else_="RoW open",
    )
    return j.mutate(source_group=group)


def weekly_share(t: ir.Table, by: str, value: ir.Value | None = None) -> ir.Table:
    """Per week and ``by`` value: summed value and its share of the week's total."""
    summed = value if value is not None else t[VALUE].sum()
    agg = t.group_by([WEEK, by]).aggregate(**{VALUE: summed})
    total = agg[VALUE].sum().over(ibis.window(group_by=agg[WEEK]))
    return agg.mutate(**{SHARE: ibis.ifelse(total > 0, agg[VALUE] / total, None)}).order_by(
        [WEEK, by])


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def window_mean(df: pd.DataFrame, column: str, weeks: int, *, last: bool) -> float | None:
    """Mean of a weekly series over its first or last ``weeks`` weeks (complete weeks only)."""
    series = df.sort_values(WEEK)[column].dropna()
    if series.empty:
        return None
    part = series.tail(weeks) if last else series.head(weeks)
    return float(part.mean())


def keep_top(t: ir.Table, key: str, n: int, other: str) -> ir.Table:
    """``t`` with every ``key`` outside the ``n`` largest by summed ``VALUE`` renamed ``other``.

    Ranks over all of ``t`` (the whole period, not week by week); ties go to the
    smaller key so the cut is deterministic. A null key is never in the top.
    """
    named = t.filter(t[key].notnull())
    totals = named.group_by(key).aggregate(_total=named[VALUE].sum())
    rank = ibis.row_number().over(order_by=[totals._total.desc(), totals[key]])
    top = totals.mutate(_rank=rank)
    top = top.filter(top._rank < n).select(_top=top[key])
    j = t.left_join(top, t[key] == top._top)
    return j.mutate(**{key: ibis.ifelse(j._top.isnull(), other, j[key])}).drop("_top")


def other_last(df: pd.DataFrame, key: str, value: str, other: str) -> list[str]:
    """Values of ``key`` by summed ``value``, largest first, with ``other`` at the end."""
    totals = df.groupby(key)[value].sum().sort_values(ascending=False, kind="stable")
    names = [str(k) for k in totals.index if k != other]
    return names + ([other] if other in totals.index else [])
