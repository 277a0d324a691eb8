"""Geography (STUDY.md figures 31-32): token share by continent and by country."""

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

PERCENT = "percent"


class _ShareTable(Analysis):
    section: ClassVar[Section] = "Geography and language"
    requires = frozenset({s.COUNTRY})
    needs_tables = frozenset({"countries"})
    key: ClassVar[str]

    def _located(self, census: Census, params: Params) -> ir.Table:
        t = c.requests(census, params)
        t = t.filter(t[s.COUNTRY].notnull()).mutate(**{c.VALUE: c.measure(t, params.measure)})
        co = census.countries
        j = t.left_join(co, t[s.COUNTRY] == co[s.COUNTRY])
        return j.mutate(**{
            s.CONTINENT: j[s.CONTINENT].fill_null("Unknown"),
            s.COUNTRY_NAME: j[s.COUNTRY_NAME].fill_null(j[s.COUNTRY]),
        })

    def _shares(self, t: ir.Table, keys: list[str]) -> ir.Table:
        agg = t.group_by(keys).aggregate(**{c.VALUE: t[c.VALUE].sum()})
        return agg.mutate(**{PERCENT: 100 * agg[c.VALUE] / agg[c.VALUE].sum().over()}).order_by(
            agg[c.VALUE].desc())

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.hbar(result, x=PERCENT, y=self.key, title=self.title,
                           x_title="% of tokens", x_format=".2f")

    def findings(self, result: pd.DataFrame) -> list[str]:
        if result.empty:
            return []
        top = result.iloc[0]
        listing = ", ".join(f"{r[self.key]} {r[PERCENT]:.2f}%"
                            for _, r in result.head(5).iterrows())
        return [f"{top[self.key]} leads with {top[PERCENT]:.2f}% of tokens.",
                f"Top {min(5, len(result))}: {listing}."]


@register
class ContinentShare(_ShareTable):
    name = "continent_share"
    title = "Token share by continent"
    study_figures = (31,)
    key = s.CONTINENT
    description = "Tokens by the billing country's continent, as a share of tokens with a country."

    def compute(self, census: Census, params: Params) -> ir.Table:
        return self._shares(self._located(census, params), [s.CONTINENT])


@register
class TopCountries(_ShareTable):
    name = "top_countries"
    title = "Top countries by tokens"
    study_figures = (32,)
    key = s.COUNTRY_NAME
    description = "The ten billing countries with the most tokens, as a share of all tokens."

    def compute(self, census: Census, params: Params) -> ir.Table:
        shares = self._shares(self._located(census, params), [s.COUNTRY, s.COUNTRY_NAME])
        return shares.limit(params.top_n)
