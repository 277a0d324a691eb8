"""95% confidence intervals for shares and means estimated from the classified sample.

Labels exist for a sample of requests: each request is in it independently
with the same probability ``r`` (the hash of its id decides, see
:mod:`tokencensus.classify.sampling`), which is Poisson sampling with equal
inclusion probabilities. A category's token-weighted share in a group (a week,
a source group, ...) is then the ratio estimator

    p = sum over sampled requests of w_i * y_i  /  sum over sampled requests of w_i

with ``w_i`` the request's tokens (or requests, or spend) and ``y_i`` 1 when
it is in the category. Its variance, by the usual linearization (delta method)
of a ratio of two Horvitz-Thompson totals under Poisson sampling
(Särndal, Swensson & Wretman, *Model Assisted Survey Sampling*, §5.6), is

    Var(p) = (1 - r) * sum w_i^2 (y_i - p)^2 / (sum w_i)^2
           = (1 - r) * (S2_cat * (1 - 2p) + p^2 * S2_all) / S_all^2

where ``S`` are sums of ``w`` and ``S2`` sums of ``w^2``, over the category
and over the whole group. Everything is a sum, so the interval is an Ibis
expression computed in the same scan as the share, on any engine, with no
resampling. ``1 - r`` is the finite-population correction: at a 100% sample
the share is exact and the interval closes.

Why not the plain normal (Wald) interval ``p ± 1.96 sd``: token weights are
heavy-tailed (a 20K-token coding prompt next to 200-token chats), so per week
the effective sample is small, and a Wald interval collapses to zero width
when a category has no sampled request. We use the Wilson score interval with
an effective sample size (Korn & Graubard 1998; Dean & Pagano 2015 compare
these intervals for survey proportions), which stays inside [0, 1] and is never
empty at 0. The effective size is the smaller of the design-based
``p(1 - p) / Var(p)`` and Kish's ``S_all^2 / S2_all / (1 - r)``: a rare
category whose few huge requests happen to be missing from a sample has a
small estimated variance exactly when it is underestimated, and the Kish size,
which depends on the weights only, keeps its interval honest. By simulation
(``tests/classify/test_intervals.py``) the intervals contain the true share in
about 95% (at ~50 labels per group) to 98% (at ~250) of samples.

Means (average prompt tokens per request by category) use the same ratio
variance with a normal interval, as means of many requests are close to normal.

The interval covers sampling error only. Classifier error (a prompt put in the
wrong category) is not in it; with imported true labels it is the whole error.

>>> import ibis
>>> t = ibis.memtable({"g": ["a", "a", "b"], "w": [1.0, 3.0, 4.0]})
>>> agg = t.group_by("g").aggregate(value=t.w.sum(), value_sq=(t.w * t.w).sum())
>>> out = with_share_interval(agg, [], rate=1.0).order_by("g").to_pandas()
>>> out["share"].tolist(), out["ci_low"].tolist()
([0.5, 0.5], [0.5, 0.5])
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

Z95: Final = 1.959963984540054
SHARE: Final = "share"
CI_LOW: Final = "ci_low"
CI_HIGH: Final = "ci_high"
#: How many labelled requests each estimate rests on; the report shows it next to the interval.
SAMPLED: Final = "sampled"

Number = ir.NumericValue | float


def ratio_variance(sum_a: Number, sum_b: Number, sum_aa: Number, sum_ab: Number,
                   sum_bb: Number, rate: Number) -> ir.NumericValue:
    """Linearized variance of ``sum_a / sum_b`` under Poisson sampling at ``rate``.

    ``(1 - r) * sum (a_i - R b_i)^2 / (sum b)^2`` expanded into sums, clipped at 0
    because the expansion can round a little below it.
    """
    ratio = sum_a / sum_b
    spread = sum_aa - 2 * ratio * sum_ab + ratio * ratio * sum_bb
    var = (1 - rate) * spread / (sum_b * sum_b)
    return ibis.greatest(var, 0.0)  # type: ignore[no-any-return]


def share_bounds(part: Number, part_sq: Number, total: Number, total_sq: Number,
                 rate: Number, z: float = Z95) -> tuple[ir.NumericValue, ir.NumericValue]:
    """Wilson interval, with the design-based effective sample size, of ``part / total``.

    ``part``/``part_sq`` are the sums of w and w² over sampled requests in the
    category, ``total``/``total_sq`` over all sampled requests of the group.
    """
    p = part / total
    # For a 0/1 indicator times w, sum (w y)^2 = sum (w y) w = part_sq.
    var = ratio_variance(part, total, part_sq, part_sq, total_sq, rate)
    pq = p * (1 - p)
    # k = z^2 / n*, written so that no branch divides by zero on any engine.
    kish = (1 - rate) * total_sq / (total * total)
    k = ibis.ifelse(pq > 1e-12, z * z * ibis.greatest(var / ibis.greatest(pq, 1e-12), kish),
                    z * z * kish)
    center = (p + k / 2) / (1 + k)
    half = (k * pq + k * k / 4).sqrt() / (1 + k)
    low = ibis.greatest(center - half, 0.0)
    high = ibis.least(center + half, 1.0)
    return low, high  # type: ignore[return-value]


def mean_bounds(sum_x: Number, sum_xx: Number, sum_xn: Number, n: Number, sum_nn: Number,
                rate: Number, z: float = Z95) -> tuple[ir.NumericValue, ir.NumericValue]:
    """Normal interval of the ratio mean ``sum_x / n`` (x per row, n requests per row)."""
    mean = sum_x / n
    sd = ratio_variance(sum_x, n, sum_xx, sum_xn, sum_nn, rate).sqrt()
    return ibis.greatest(mean - z * sd, 0.0), mean + z * sd  # type: ignore[return-value]


def with_share_interval(agg: ir.Table, keys: list[str], *, rate: Number,
                        value: str = "value", value_sq: str = "value_sq") -> ir.Table:
    """Add ``share``, ``ci_low``, ``ci_high`` to per-(keys, category) sums of w and w².

    ``agg`` has one row per ``keys`` + the category column(s), with the sum of
    ``w`` in ``value`` and of ``w²`` in ``value_sq``; shares are within ``keys``.
    The ``value_sq`` column is dropped.
    """
    window = ibis.window(group_by=[agg[k] for k in keys]) if keys else ibis.window()
    total = agg[value].sum().over(window)
    total_sq = agg[value_sq].sum().over(window)
    low, high = share_bounds(agg[value], agg[value_sq], total, total_sq, rate)
    positive = total > 0
    return agg.mutate(**{
        SHARE: ibis.ifelse(positive, agg[value] / total, None),
        CI_LOW: ibis.ifelse(positive, low, None),
        CI_HIGH: ibis.ifelse(positive, high, None),
    }).drop(value_sq)


def sample_rate(labelled: ir.IntegerScalar, requests: ir.IntegerScalar) -> ir.FloatingScalar:
    """Share of requests that carry a label, the ``r`` of the variance (at most 1)."""
    return ibis.least(labelled.cast("float64") / ibis.greatest(requests, 1), 1.0)  # type: ignore[no-any-return]
