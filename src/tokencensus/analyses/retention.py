"""Retention (STUDY.md figure 34): per model, monthly first-use cohorts and activity retention.

A user joins model M's cohort C in the month of their first request to M; they
are retained at month C+k when they made any request to M in that month, so a
curve may rise again (a "boomerang").

Stated rules, since the study judged them by eye:

* **Foundational cohort**: a cohort (of at least ``MIN_COHORT`` users) whose
  retention at month ``FOUNDATION_MONTH`` has a 95% Wilson lower bound above
  the median retention of the model's later cohorts at the same month, and at
  least ``FOUNDATION_MARGIN`` above it.
* **Boomerang**: a cohort curve that, after falling to a minimum, rises again
  by more than ``BOOMERANG_MARGIN`` (absolute) at a later month.
"""

from __future__ import annotations

import math
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

COHORT = "cohort"
MONTHS_SINCE = "months_since"
USERS = "users"
COHORT_USERS = "cohort_users"
RETENTION = "retention"
MIN_COHORT = 30
FOUNDATION_MONTH = 3
FOUNDATION_MARGIN = 0.10
BOOMERANG_MARGIN = 0.05
CHART_MODELS = 6
MAX_FINDINGS = 10


def wilson_lower(successes: float, n: float, z: float = 1.96) -> float:
    """Lower end of the 95% Wilson score interval of a proportion."""
    if n <= 0:
        return 0.0
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


@register
class RetentionCohorts(Analysis):
    name = "retention_cohorts"
    title = "Monthly cohort retention per model"
    section: ClassVar[Section] = "Retention"
    study_figures = (34,)
    requires = frozenset({s.USER_ID, s.MODEL})
    description = ("For the models with the most users: of the users whose first request to the "
                   "model fell in month C, the share active on it in month C+k. One line per "
                   "cohort; foundational cohorts and boomerangs are flagged by stated rules.")

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = c.requests(census, params)
        t = t.filter(t[s.USER_ID].notnull() & t[s.MODEL].notnull())
        active = t.select(s.MODEL, s.USER_ID, **{c.MONTH: c.month(t)}).distinct()
        first = active.group_by([s.MODEL, s.USER_ID]).aggregate(**{COHORT: active[c.MONTH].min()})
        by_users = first.group_by(s.MODEL).aggregate(n=first.count())
        top = by_users.order_by(by_users.n.desc()).limit(params.top_n)
        j = active.join(first, [s.MODEL, s.USER_ID]).semi_join(top, s.MODEL)
        months = ((j[c.MONTH].year() - j[COHORT].year()) * 12
                  + (j[c.MONTH].month() - j[COHORT].month()))
        counts = j.group_by([s.MODEL, COHORT, months.name(MONTHS_SINCE)]).aggregate(
            **{USERS: j.count()})
        size = counts.filter(counts[MONTHS_SINCE] == 0).select(
            s.MODEL, COHORT, **{COHORT_USERS: counts[USERS]})
        out = counts.join(size, [s.MODEL, COHORT])
        return out.mutate(**{RETENTION: out[USERS] / out[COHORT_USERS]}).order_by(
            [s.MODEL, COHORT, MONTHS_SINCE])

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        sizes = result.groupby(s.MODEL)[COHORT_USERS].max().nlargest(CHART_MODELS).index
        shown = result[result[s.MODEL].isin(sizes)]
        big = shown[shown[COHORT_USERS] >= MIN_COHORT]
        # Small logs may have no cohort of MIN_COHORT users; draw the largest ones rather
        # than an empty panel.
        if big.empty and not shown.empty:
            largest = shown[shown[MONTHS_SINCE] == 0].nlargest(4 * CHART_MODELS, COHORT_USERS)
            big = shown.merge(largest[[s.MODEL, COHORT]], on=[s.MODEL, COHORT])
        big = big.assign(**{COHORT: big[COHORT].dt.strftime("%Y-%m")})
        return charts.cohort_lines(big, facet=s.MODEL, x=MONTHS_SINCE, y=RETENTION,
                                   color=COHORT, title=self.title)

    def findings(self, result: pd.DataFrame) -> list[str]:
        out: list[str] = []
        for model, curves in result.groupby(s.MODEL, sort=True):
            foundational = foundational_cohorts(str(model), curves)
            out.extend(foundational[:2])
            returning = boomerangs(str(model), curves)
            if returning:
                more = (f" ({len(returning) - 1} more cohort(s) of this model too)"
                        if len(returning) > 1 else "")
                out.append(returning[0] + more)
        if not out:
            out.append(f"No cohort of at least {MIN_COHORT} users met the foundational or "
                       "boomerang rule.")
        return out[:MAX_FINDINGS]


def foundational_cohorts(model: str, curves: pd.DataFrame) -> list[str]:
    at_k = curves[(curves[MONTHS_SINCE] == FOUNDATION_MONTH)
                  & (curves[COHORT_USERS] >= MIN_COHORT)].sort_values(COHORT)
    found = []
    for i, row in enumerate(at_k.itertuples()):
        later = at_k.iloc[i + 1:][RETENTION]
        if len(later) < 2:
            continue
        baseline = float(later.median())
        low = wilson_lower(row.users, row.cohort_users)
        if low > baseline and row.retention - baseline >= FOUNDATION_MARGIN:
            found.append(f"{model}: the {row.cohort:%Y-%m} cohort is foundational — "
                         f"{row.retention:.0%} still active at month {FOUNDATION_MONTH} "
                         f"(95% CI lower bound {low:.0%}) against a median of {baseline:.0%} "
                         "for later cohorts.")
    return found


def boomerangs(model: str, curves: pd.DataFrame) -> list[str]:
    found = []
    for cohort, curve in curves[curves[COHORT_USERS] >= MIN_COHORT].groupby(COHORT):
        # A month with no active user has no row: it is a retention of 0, not a gap.
        by_month = dict(zip(curve[MONTHS_SINCE], curve[RETENTION], strict=True))
        r = [float(by_month.get(k, 0.0)) for k in range(int(curve[MONTHS_SINCE].max()) + 1)]
        for k in range(2, len(r)):
            trough = min(r[1:k])
            if r[k] - trough > BOOMERANG_MARGIN:
                found.append(f"{model}: the {cohort:%Y-%m} cohort boomerangs — retention fell "
                             f"to {trough:.0%} and came back to {r[k]:.0%} at month {k}.")
                break
    return found
