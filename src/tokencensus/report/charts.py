"""Small Altair helpers the analyses draw with, and the report's chart theme.

Every helper takes an executed result (a pandas DataFrame), embeds the data
inline (no URLs), adds tooltips, and sizes the chart for a ~900px page. The
theme is not baked into the charts (a configured chart can no longer be
layered or concatenated); :func:`apply_theme` adds it to the finished spec.

>>> import pandas as pd
>>> df = pd.DataFrame({"week": pd.to_datetime(["2025-01-06", "2025-01-13"]),
...                    "group": ["open", "open"], "share": [0.2, 0.3]})
>>> spec = stacked_area(df, x="week", y="share", color="group", title="Open share",
...                     y_title="Share of tokens", percent=True).to_dict()
>>> spec["encoding"]["x"]["type"], spec["encoding"]["y"]["axis"]["format"]
('temporal', '.0%')
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd

WIDTH = 620
HEIGHT = 300
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
# Tableau 10: distinguishable, and familiar from the study's own figures.
PALETTE = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
]
UNKNOWN = "(unknown)"
# pandas' string dtype; Altair types it without guessing (an object column it must infer).
_STR = pd.StringDtype(na_value=float("nan"))

THEME: dict[str, Any] = {
    "font": FONT,
    "background": "white",
    "padding": 8,
    "view": {"stroke": None},
    "title": {"fontSize": 15, "fontWeight": 600, "anchor": "start", "offset": 12,
              "color": "#1f2328", "subtitleColor": "#57606a"},
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 500,
             "labelColor": "#444c56", "titleColor": "#24292f", "gridColor": "#eaeef2",
             "domainColor": "#8c959f", "tickColor": "#8c959f", "labelLimit": 260},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 500,
               "labelLimit": 220, "symbolType": "square"},
    "header": {"labelFontSize": 12, "labelFontWeight": 600, "titleFontSize": 12},
    "range": {"category": PALETTE},
    "line": {"strokeWidth": 2},
}

# Token counts run to trillions; d3's SI format would print "G" for billions.
_COMPACT = (
    "abs(datum.value) >= 1e12 ? format(datum.value / 1e12, '.3~g') + 'T' : "
    "abs(datum.value) >= 1e9 ? format(datum.value / 1e9, '.3~g') + 'B' : "
    "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, '.3~g') + 'M' : "
    "abs(datum.value) >= 1e3 ? format(datum.value / 1e3, '.3~g') + 'K' : "
    "format(datum.value, '.3~g')"
)


def apply_theme(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of a Vega-Lite spec with the report theme under its own ``config``."""
    out = dict(spec)
    out["config"] = _merge(copy.deepcopy(THEME), spec.get("config") or {})
    return out


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = _merge(base[key], value)
        else:
            base[key] = value
    return base


def chart_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` that Altair can serialize and Vega reads as the right dates.

    Dates and UTC timestamps become naive wall-clock datetimes: Vega parses an
    ISO string without an offset as local time and also displays in local time,
    so a week starting Monday 00:00 UTC shows as that Monday in every time zone
    (an offset-carrying string would show as Sunday evening in the Americas).
    ``datetime.date`` and ``Decimal`` objects, which Altair cannot serialize,
    become datetimes and floats; empty object columns become strings.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_convert("UTC").dt.tz_localize(None)
        elif s.dtype == object:
            values = s.dropna()
            if len(values) == 0:
                # Altair cannot infer a type from an empty object column and warns.
                out[col] = s.astype(_STR)
            elif all(isinstance(v, dt.date) for v in values):
                out[col] = pd.to_datetime(s, utc=True).dt.tz_localize(None)
            elif all(isinstance(v, Decimal) for v in values):
                out[col] = s.astype("float64")
    return out


def _is_temporal(s: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(s.dtype)


def _kind(s: pd.Series) -> str:
    if _is_temporal(s):
        return "temporal"
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return "quantitative"
    return "nominal"


def _label(column: str) -> str:
    return column.replace("_", " ").capitalize()


def _x(data: pd.DataFrame, x: str, title: str | None = None) -> alt.X:
    kind = _kind(data[x])
    if kind == "temporal":
        return alt.X(x, type="temporal", title=title, axis=_time_axis(data[x]))
    return alt.X(x, type=kind, title=title or _label(x))


def _time_axis(s: pd.Series) -> alt.Axis:
    """Month ticks for long ranges, day ticks for short ones.

    Vega's automatic labels for weekly data read "Wed 15", which hides the month.
    """
    span = s.max() - s.min() if s.notna().any() else pd.Timedelta(0)
    if span > pd.Timedelta(days=120):
        return alt.Axis(labelAngle=0, format="%b %Y", tickCount="month")
    return alt.Axis(labelAngle=0, format="%b %-d")


def _x_tooltip(data: pd.DataFrame, x: str) -> alt.Tooltip:
    if _is_temporal(data[x]):
        return alt.Tooltip(x, type="temporal", format="%Y-%m-%d", title=_label(x))
    return alt.Tooltip(x, type=_kind(data[x]), title=_label(x))


def _groups(data: pd.DataFrame, color: str) -> pd.DataFrame:
    """Group labels as strings, nulls shown as ``(unknown)`` rather than dropped."""
    s = data[color]
    data[color] = s.astype(object).where(s.notna(), UNKNOWN).map(str).astype(_STR)
    return data


def _order(data: pd.DataFrame, color: str, y: str, given: list[str] | None) -> list[str]:
    """Legend and stack order: the given order, then the rest by total, largest first."""
    totals = data.groupby(color, sort=False)[y].sum().sort_values(ascending=False)
    given = [str(g) for g in given or []]
    return given + [g for g in totals.index if g not in given]


def _color_scale(domain: list[str]) -> alt.Scale:
    if len(domain) <= len(PALETTE):
        return alt.Scale(domain=domain, range=PALETTE[: len(domain)])
    return alt.Scale(domain=domain, scheme="tableau20")


def _complete(data: pd.DataFrame, x: str, color: str, y: str) -> pd.DataFrame:
    """One row per (x, group), zero-filled: a missing week would tear a stacked area."""
    summed = data.groupby([x, color], sort=True)[y].sum()
    full = pd.MultiIndex.from_product(
        [summed.index.levels[0], summed.index.levels[1]], names=[x, color]
    )
    return summed.reindex(full, fill_value=0).reset_index()


def stacked_area(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    title: str,
    y_title: str,
    percent: bool = False,
    color_order: list[str] | None = None,
) -> alt.Chart:
    """Weekly share (``percent=True``, values are fractions 0-1) or volume by group.

    Groups stack in ``color_order`` (bottom first), then by total volume.
    """
    data = _complete(_groups(chart_frame(df), color), x, color, y)
    order = _order(data, color, y, color_order)
    data["_stack"] = data[color].map({g: i for i, g in enumerate(order)})
    y_axis = (
        alt.Axis(format=".0%", title=y_title)
        if percent
        else alt.Axis(labelExpr=_COMPACT, title=y_title)
    )
    y_format = ".1%" if percent else ",.0f"
    return (
        alt.Chart(data)
        .mark_area(opacity=0.9, line={"strokeWidth": 0.5, "color": "white"})
        .encode(
            x=_x(data, x),
            y=alt.Y(y, type="quantitative", stack="zero", axis=y_axis,
                    scale=alt.Scale(domain=[0, 1]) if percent else alt.Undefined),
            color=alt.Color(color, type="nominal", sort=order, scale=_color_scale(order),
                            legend=alt.Legend(title=None)),
            order=alt.Order("_stack", type="quantitative", sort="ascending"),
            tooltip=[
                _x_tooltip(data, x),
                alt.Tooltip(color, type="nominal", title=_label(color)),
                alt.Tooltip(y, type="quantitative", format=y_format, title=y_title),
            ],
        )
        .properties(title=title, width=WIDTH, height=HEIGHT)
    )


def lines(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None = None,
    title: str,
    y_title: str,
    y_format: str = ",.0f",
) -> alt.Chart:
    """One line per ``color`` group (or a single line), points carry the tooltips."""
    data = chart_frame(df)
    tooltip = [_x_tooltip(data, x)]
    encoding: dict[str, Any] = {
        "x": _x(data, x),
        "y": alt.Y(y, type="quantitative", axis=alt.Axis(format=y_format), title=y_title),
    }
    if color is not None:
        data = _groups(data, color)
        order = _order(data, color, y, None)
        encoding["color"] = alt.Color(color, type="nominal", sort=order,
                                      scale=_color_scale(order), legend=alt.Legend(title=None))
        tooltip.append(alt.Tooltip(color, type="nominal", title=_label(color)))
    tooltip.append(alt.Tooltip(y, type="quantitative", format=y_format, title=y_title))
    return (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=22, filled=True))
        .encode(**encoding, tooltip=tooltip)
        .properties(title=title, width=WIDTH, height=HEIGHT)
    )


def hbar(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    x_title: str,
    x_format: str = ",.1f",
) -> alt.Chart:
    """Horizontal bars, largest first; ``y`` names the category."""
    data = _groups(chart_frame(df), y)
    return (
        alt.Chart(data)
        .mark_bar(color=PALETTE[0], cornerRadiusEnd=2)
        .encode(
            x=alt.X(x, type="quantitative", title=x_title, axis=alt.Axis(format=x_format)),
            y=alt.Y(y, type="nominal", sort="-x", title=None),
            tooltip=[
                alt.Tooltip(y, type="nominal", title=_label(y)),
                alt.Tooltip(x, type="quantitative", format=x_format, title=x_title),
            ],
        )
        # Height grows with the number of bars so labels never overlap.
        .properties(title=title, width=WIDTH - 120, height=max(60, 22 * len(data)))
    )


def _month_axis(s: pd.Series) -> alt.Axis | Any:
    """Whole-number ticks for "months since start"; narrow panels would tick 0.5."""
    if _kind(s) != "quantitative" or not s.notna().any():
        return alt.Undefined
    low, high = int(s.min()), int(s.max())
    step = max(1, (high - low) // 6)
    return alt.Axis(values=list(range(low, high + 1, step)), format="d")


def cohort_lines(
    df: pd.DataFrame,
    *,
    facet: str,
    x: str,
    y: str,
    color: str,
    title: str,
) -> alt.Chart:
    """Retention curves: a small panel per ``facet`` value, a line per cohort, y as %."""
    data = chart_frame(df)
    if _is_temporal(data[color]):
        # Cohorts are months; "2025-05" reads better than a full timestamp and sorts.
        data[color] = data[color].dt.strftime("%Y-%m")
    data = _groups(_groups(data, color), facet)
    return (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=18, filled=True), strokeWidth=1.5)
        .encode(
            x=alt.X(x, type=_kind(data[x]), title=_label(x), axis=_month_axis(data[x])),
            y=alt.Y(y, type="quantitative", title=None, axis=alt.Axis(format=".0%")),
            color=alt.Color(color, type="ordinal", title=_label(color),
                            scale=alt.Scale(scheme={"name": "viridis", "extent": [0, 0.85]})),
            facet=alt.Facet(facet, type="nominal", columns=3, title=None,
                            header=alt.Header(labelLimit=200)),
            tooltip=[
                alt.Tooltip(facet, type="nominal", title=_label(facet)),
                alt.Tooltip(color, type="ordinal", title=_label(color)),
                alt.Tooltip(x, type=_kind(data[x]), title=_label(x)),
                alt.Tooltip(y, type="quantitative", format=".1%", title=_label(y)),
            ],
        )
        .properties(title=title, width=200, height=130)
    )


def band_lines(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    low: str,
    high: str,
    color: str,
    title: str,
    y_title: str,
    y_format: str = ".0%",
    facet: str | None = None,
) -> alt.TopLevelMixin:
    """One line per ``color`` group with its confidence band (``low``..``high``) shaded.

    With ``facet``, one small panel per facet value (e.g. per author).
    """
    data = _groups(chart_frame(df), color)
    if facet is not None:
        data = _groups(data, facet)
    order = _order(data, color, y, None)
    scale = _color_scale(order)
    enc_x = _x(data, x)
    col = alt.Color(color, type="nominal", sort=order, scale=scale, legend=alt.Legend(title=None))
    tooltip = [_x_tooltip(data, x), alt.Tooltip(color, type="nominal", title=_label(color)),
               alt.Tooltip(y, type="quantitative", format=".1%" if "%" in y_format else y_format,
                           title=y_title),
               alt.Tooltip(low, type="quantitative", format=".1%" if "%" in y_format
                           else y_format, title="95% CI low"),
               alt.Tooltip(high, type="quantitative", format=".1%" if "%" in y_format
                           else y_format, title="95% CI high")]
    base = alt.Chart(data)
    band = base.mark_area(opacity=0.18).encode(
        x=enc_x, y=alt.Y(low, type="quantitative", title=y_title,
                         axis=alt.Axis(format=y_format)),
        y2=alt.Y2(high), color=col)
    line = base.mark_line(point=alt.OverlayMarkDef(size=18, filled=True)).encode(
        x=enc_x, y=alt.Y(y, type="quantitative"), color=col, tooltip=tooltip)
    layered = alt.layer(band, line)
    if facet is None:
        return layered.properties(title=title, width=WIDTH, height=HEIGHT)
    return layered.properties(width=260, height=150).facet(
        facet=alt.Facet(facet, type="nominal", title=None, header=alt.Header(labelLimit=200)),
        columns=2, title=title)


def interval_bars(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    low: str,
    high: str,
    title: str,
    x_title: str,
    x_format: str = ".0%",
    facet: str | None = None,
) -> alt.TopLevelMixin:
    """Horizontal bars, largest first, each with its 95% interval as a whisker."""
    data = _groups(chart_frame(df), y)
    if facet is not None:
        data = _groups(data, facet)
    fmt = ".1%" if "%" in x_format else x_format
    enc_y = alt.Y(y, type="nominal", sort="-x", title=None)
    base = alt.Chart(data)
    bars = base.mark_bar(color=PALETTE[0], cornerRadiusEnd=2).encode(
        x=alt.X(x, type="quantitative", title=x_title, axis=alt.Axis(format=x_format)),
        y=enc_y,
        tooltip=[alt.Tooltip(y, type="nominal", title=_label(y)),
                 alt.Tooltip(x, type="quantitative", format=fmt, title=x_title),
                 alt.Tooltip(low, type="quantitative", format=fmt, title="95% CI low"),
                 alt.Tooltip(high, type="quantitative", format=fmt, title="95% CI high")])
    whiskers = base.mark_rule(color="#24292f").encode(
        x=alt.X(low, type="quantitative"), x2=alt.X2(high), y=enc_y)
    layered = alt.layer(bars, whiskers)
    if facet is None:
        return layered.properties(title=title, width=WIDTH - 120,
                                  height=max(60, 22 * len(data)))
    per_panel = int(data.groupby(facet)[y].nunique().max()) if len(data) else 1
    return layered.properties(width=240, height=max(60, 18 * per_panel)).facet(
        facet=alt.Facet(facet, type="nominal", title=None), columns=2, title=title
    ).resolve_scale(y="independent")
