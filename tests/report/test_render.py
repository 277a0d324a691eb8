"""The report renderer on a small in-memory Census and test-only analyses.

The Census builder and analyses here are also used by ``test_report_browser.py``
(loaded by path, since tests/ is not a package).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import altair as alt
import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pytest

from tokencensus import schema
from tokencensus.analyses.base import Analysis, Params
from tokencensus.engine import Census
from tokencensus.report import ReportResult, charts, render_report
from tokencensus.report.render import preview

EVIL_MODEL = "<script>alert(1)</script>"
EVIL_MODEL_2 = "</script><b>bold</b>"
EVIL_APP = '<img src=x onerror="alert(2)">'
MODELS = ["anthropic/claude-sonnet-4", "deepseek/deepseek-chat", EVIL_MODEL, EVIL_MODEL_2]
APPS = ["cli", EVIL_APP, "web & mobile"]
START = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)  # a Monday


def build_census(rows: int = 600) -> Census:
    """Ten weeks of traffic from five users; no countries and no labels."""
    records = [
        {
            schema.REQUEST_ID: f"r{i}",
            schema.TS: START + dt.timedelta(hours=2 * i + 1),
            schema.USER_ID: f"u{i % 5}",
            schema.APP: APPS[i % 3],
            schema.SOURCE: "test",
            schema.BATCH: "b1",
            schema.MODEL_RAW: MODELS[i % 4],
            schema.MODEL: MODELS[i % 4],
            schema.REQUESTS_COUNT: 1,
            schema.INPUT_TOKENS: 1000 + 37 * (i % 11),
            schema.OUTPUT_TOKENS: 100 + i % 7,
            schema.TOKENS_ESTIMATED: False,
        }
        for i in range(rows)
    ]
    con = ibis.duckdb.connect()
    # create_table(name, pyarrow.Table) fails on ibis 12 + duckdb 2.0.1 (DROP VIEW with
    # no name); going through a memtable works.
    con.raw_sql("SET TimeZone = 'UTC'")
    models = pa.Table.from_pylist(
        [{schema.MODEL: m, schema.AUTHOR: m.split("/")[0]} for m in MODELS[:2]],
        schema=schema.MODELS,
    )
    return Census(
        requests=con.create_table(
            "requests", ibis.memtable(pa.Table.from_pylist(records, schema=schema.REQUESTS)),
            temp=True,
        ),
        labels=con.create_table("labels", ibis.memtable(schema.LABELS.empty_table()), temp=True),
        models=con.create_table("models", ibis.memtable(models), temp=True),
        countries=con.create_table(
            "countries", ibis.memtable(schema.COUNTRIES.empty_table()), temp=True
        ),
        backend=con,
    )


def _tokens(t: ir.Table) -> ir.IntegerValue:
    return t[schema.INPUT_TOKENS] + t[schema.OUTPUT_TOKENS]


class ModelShare(Analysis):
    name = "test_model_share"
    title = "Weekly token share by model"
    section = "Open vs closed"
    study_figures = (1,)
    requires = frozenset({schema.MODEL})
    description = "Share of `tokens` per model and week."

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = census.requests
        g = t.group_by(week=t[schema.TS].truncate("W"), model=t[schema.MODEL]).aggregate(
            tokens=_tokens(t).sum()
        )
        return g.mutate(share=g.tokens / g.tokens.sum().over(group_by=g.week)).order_by(
            "week", "model"
        )

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.stacked_area(result, x="week", y="share", color="model", title=self.title,
                                   y_title="Share of tokens", percent=True)

    def findings(self, result: pd.DataFrame) -> list[str]:
        top = result.groupby("model")["tokens"].sum().idxmax()
        return [f"{top} served the most tokens."]


class ModelVolume(ModelShare):
    name = "test_model_volume"
    title = "Weekly token volume by model"
    study_figures = (2,)

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.stacked_area(result, x="week", y="tokens", color="model", title=self.title,
                                   y_title="Tokens", color_order=[EVIL_MODEL])


class AppTokens(Analysis):
    name = "test_app_tokens"
    title = "Tokens by app"
    section = "Beyond the study"
    requires = frozenset({schema.APP})

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = census.requests
        return t.group_by(app=t[schema.APP]).aggregate(tokens=_tokens(t).sum()).order_by("app")

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.hbar(result, x="tokens", y="app", title=self.title, x_title="Tokens",
                           x_format=",.0f")

    def findings(self, result: pd.DataFrame) -> list[str]:
        return [f"{row.app} sent {row.tokens:,} tokens." for row in result.itertuples()]


class AvgPrompt(Analysis):
    name = "test_avg_prompt"
    title = "Average prompt tokens per request"
    section = "Agentic inference"
    study_figures = (15,)
    requires = frozenset({schema.INPUT_TOKENS})

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = census.requests
        return (
            t.group_by(week=t[schema.TS].truncate("W"))
            .aggregate(avg_prompt=t[schema.INPUT_TOKENS].mean())
            .order_by("week")
        )

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.lines(result, x="week", y="avg_prompt", title=self.title,
                            y_title="Prompt tokens")

    def findings(self, result: pd.DataFrame) -> list[str]:
        return [f"{result.avg_prompt.mean():,.0f} prompt tokens per request on average."]


class Retention(Analysis):
    name = "test_retention"
    title = "Activity retention by monthly cohort"
    section = "Retention"
    study_figures = (34,)
    requires = frozenset({schema.USER_ID, schema.MODEL})

    def compute(self, census: Census, params: Params) -> ir.Table:
        t = census.requests
        month = t[schema.TS].year() * 12 + t[schema.TS].month()
        active = t.group_by(model=t[schema.MODEL], user=t[schema.USER_ID]).aggregate(
            first=month.min()
        )
        months = t.select(model=t[schema.MODEL], user=t[schema.USER_ID], month=month).distinct()
        j = months.join(active, ["model", "user"])
        cohort = ibis.date((j["first"] - 1) // 12, (j["first"] - 1) % 12 + 1, 1)
        g = j.group_by(model=j.model, cohort=cohort, months_since=j.month - j["first"]).aggregate(
            users=j.user.nunique()
        )
        base = g.users.max().over(group_by=[g.model, g.cohort])
        return g.mutate(retention=g.users / base).order_by("model", "cohort", "months_since")

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        return charts.cohort_lines(result, facet="model", x="months_since", y="retention",
                                   color="cohort", title=self.title)

    def findings(self, result: pd.DataFrame) -> list[str]:
        return [f"{result.model.nunique()} models have cohorts."]


class NeedsCountry(AppTokens):
    name = "test_needs_country"
    title = "Tokens by country"
    requires = frozenset({schema.COUNTRY, schema.APP})


class NeedsLabels(AppTokens):
    name = "test_needs_labels"
    title = "Tokens by category"
    needs_tables = frozenset({"labels"})


class Broken(AppTokens):
    name = "test_broken"
    title = "Broken analysis"

    def compute(self, census: Census, params: Params) -> ir.Table:
        raise RuntimeError("deliberate failure <b>not bold</b>")


class BrokenChart(AppTokens):
    name = "test_broken_chart"
    title = "Broken chart"

    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        raise ValueError("no chart today")


def good_analyses() -> list[Analysis]:
    """Analyses that must render, plus two the test data cannot support."""
    return [ModelShare(), ModelVolume(), AppTokens(), AvgPrompt(), Retention(),
            NeedsCountry(), NeedsLabels()]


GOOD = ["test_model_share", "test_model_volume", "test_avg_prompt", "test_retention",
        "test_app_tokens"]


@pytest.fixture(scope="module")
def census() -> Census:
    return build_census()


@pytest.fixture(scope="module")
def report(census: Census, tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    out = tmp_path_factory.mktemp("report")
    return render_report(census, out, analyses=[*good_analyses(), Broken(), BrokenChart()])


@pytest.fixture(scope="module")
def html(report: ReportResult) -> str:
    return report.path.read_text(encoding="utf-8")


class _Scripts(HTMLParser):
    """Collects script elements the way a browser tokenizes them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._attrs: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._attrs, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._attrs is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._attrs is not None:
            self.scripts.append((self._attrs, "".join(self._text)))
            self._attrs = None


def _scripts(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = _Scripts()
    parser.feed(html)
    return parser.scripts


def test_report_written_with_rendered_skipped_and_errors(report: ReportResult) -> None:
    assert report.path.name == "report.html" and report.path.is_file()
    assert sorted(report.rendered) == sorted(GOOD)
    assert set(report.skipped) == {"test_needs_country", "test_needs_labels"}
    assert set(report.errors) == {"test_broken", "test_broken_chart"}
    assert report.seconds > 0


def test_no_network_resources(html: str) -> None:
    loads = [
        r"<script[^>]*\ssrc\s*=",
        r"<link[^>]*\shref\s*=\s*[\"']?(https?:)?//",
        r"<(img|iframe|source|video|audio|embed|object)[^>]*\s(src|data)\s*=\s*[\"']?(https?:)?//",
        r"@import",
        r"url\(\s*[\"']?(https?:)?//",
    ]
    for pattern in loads:
        assert not re.search(pattern, html, re.IGNORECASE), pattern
    assert "<link" not in html.lower()


def test_chart_library_inlined_once(html: str) -> None:
    assert html.count("window.vegaEmbed=") == 1


def test_csv_matches_executed_results(report: ReportResult, census: Census) -> None:
    by_name = {a.name: a for a in good_analyses()}
    for name in report.rendered:
        expected = by_name[name].compute(census, Params()).to_pyarrow().to_pandas()
        written = (report.path.parent / "data" / f"{name}.csv").read_text(encoding="utf-8")
        assert written == expected.to_csv(index=False), name
        assert len(pd.read_csv(report.path.parent / "data" / f"{name}.csv")) == len(expected)


def test_untrusted_names_only_escaped(html: str) -> None:
    for raw in (EVIL_MODEL, EVIL_MODEL_2, EVIL_APP, "<b>not bold</b>"):
        assert raw not in html, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in html
    scripts = _scripts(html)
    specs = [text for attrs, text in scripts if attrs.get("type") == "application/json"]
    code = [text for attrs, text in scripts if attrs.get("type") is None]
    # Every chart's spec is one whole script element: nothing broke out of one.
    assert len(specs) == html.count('data-analysis="') == len(GOOD)
    assert len(code) == 2 and len(scripts) == len(specs) + 2
    names = {row.get("model") for text in specs
             for rows in json.loads(text)["datasets"].values() for row in rows}
    assert EVIL_MODEL in names and EVIL_MODEL_2 in names


def test_skipped_listed_with_reasons(report: ReportResult, html: str) -> None:
    assert "country" in report.skipped["test_needs_country"]
    assert "billing country" in report.skipped["test_needs_country"]
    assert "app" not in report.skipped["test_needs_country"].split(":")[0]
    assert "labels table is empty" in report.skipped["test_needs_labels"]
    assert "tokencensus classify" in report.skipped["test_needs_labels"]
    section = html[html.index('id="not-supported"'):]
    for name in report.skipped:
        assert f"<code>{name}</code>" in section
    assert "billing country" in section


def test_errors_captured_and_shown(report: ReportResult, html: str) -> None:
    assert report.errors["test_broken"].startswith("RuntimeError while computing:")
    assert "deliberate failure" in report.errors["test_broken"]
    assert "RuntimeError: deliberate failure" in report.tracebacks["test_broken"]
    assert report.errors["test_broken_chart"].startswith("ValueError while drawing its chart")
    assert "deliberate failure &lt;b&gt;not bold&lt;/b&gt;" in html
    assert "2 analyses failed" in html
    # Its data executed fine, so its CSV and table are still there.
    assert (report.path.parent / "data" / "test_broken_chart.csv").is_file()
    assert not (report.path.parent / "data" / "test_broken.csv").exists()


def test_sections_in_study_order(html: str) -> None:
    positions = [html.index(f'id="s-{s}"') for s in
                 ("open-vs-closed", "agentic-inference", "retention", "beyond-the-study")]
    assert positions == sorted(positions)
    assert html.index('id="not-supported"') > positions[-1]
    assert "Figure 34 of the study" in html


def test_header_shows_range_and_rows(html: str) -> None:
    assert "2025-01-06 to 2025-02-24 (UTC)" in html
    assert "<dd>600</dd>" in html


def test_images_progress_and_stale_files(census: Census, tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    stale = tmp_path / "data" / "test_needs_labels.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    result = render_report(census, tmp_path, analyses=[AppTokens(), NeedsLabels()],
                           images=True, progress=lambda *a: calls.append(a))
    assert calls == [(1, 2, "test_app_tokens"), (2, 2, "test_needs_labels")]
    data = tmp_path / "data"
    assert (data / "test_app_tokens.svg").read_text().lstrip().startswith("<svg")
    assert (data / "test_app_tokens.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not stale.exists()
    assert not result.errors


def test_empty_requests_skips_everything(tmp_path: Path) -> None:
    census = build_census(rows=0)
    result = render_report(census, tmp_path, analyses=[AppTokens(), AvgPrompt()])
    assert result.rendered == ()
    assert all("requests table is empty" in r for r in result.skipped.values())
    assert "no requests" in result.path.read_text()


def test_duplicate_or_path_unsafe_names_rejected(census: Census, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="test_app_tokens"):
        render_report(census, tmp_path, analyses=[AppTokens(), AppTokens()])

    class Escapes(AppTokens):
        name = "../outside"

    with pytest.raises(ValueError, match="outside"):
        render_report(census, tmp_path, analyses=[Escapes()])
    assert not (tmp_path.parent / "outside.csv").exists()


def test_preview_formats_cells() -> None:
    df = pd.DataFrame({
        "model": ["a", None, "<b>"],
        "tokens": [1234567, 2, 3],
        "share": [0.3141, 0.5, float("nan")],
        "cost": [1234.5, 0.00012, 3.14159],
        "week": pd.to_datetime(["2025-01-06", "2025-01-13", "2025-01-20"]).tz_localize("UTC"),
    })
    table = preview(df, limit=2)
    assert table.total == 3 and len(table.rows) == 2
    assert table.numeric == [False, True, True, True, False]
    assert table.rows[0] == ["a", "1,234,567", "31.4%", "1,234", "2025-01-06"]
    assert table.rows[1] == ["", "2", "50.0%", "0.00012", "2025-01-13"]


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.to_dict()
    json.dumps(spec, allow_nan=False)  # serializable: no dates or NaN left
    return spec


def test_charts_use_temporal_x_and_inline_data() -> None:
    df = pd.DataFrame({
        "week": [dt.date(2025, 1, 6), dt.date(2025, 1, 6), dt.date(2025, 1, 13)],
        "group": ["Proprietary", None, "Proprietary"],
        "share": [0.7, 0.3, 1.0],
    })
    spec = _spec(charts.stacked_area(df, x="week", y="share", color="group", title="t",
                                     y_title="Share", percent=True,
                                     color_order=["RoW open", "Proprietary"]))
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert spec["encoding"]["y"]["axis"]["format"] == ".0%"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["RoW open", "Proprietary",
                                                            charts.UNKNOWN]
    (rows,) = spec["datasets"].values()
    # Missing (week, group) pairs are zero-filled so the stack does not tear.
    assert len(rows) == 4 and rows[0]["week"] == "2025-01-06T00:00:00"
    assert "url" not in spec.get("data", {})
    for chart in (
        charts.lines(df, x="week", y="share", color="group", title="t", y_title="y"),
        charts.lines(df, x="week", y="share", title="t", y_title="y", y_format=".1%"),
        charts.hbar(df, x="share", y="group", title="t", x_title="x"),
        charts.cohort_lines(df.assign(m=[0, 1, 0]), facet="group", x="m", y="share",
                            color="week", title="t"),
    ):
        spec = _spec(chart)
        assert spec["datasets"] and any("tooltip" in str(k) for k in spec["encoding"])


def test_charts_accept_empty_results() -> None:
    # An analysis may filter its chart down to nothing (e.g. no cohort big enough).
    df = pd.DataFrame({"week": pd.Series([], dtype=object), "group": pd.Series([], dtype=object),
                       "share": pd.Series([], dtype="float64"),
                       "m": pd.Series([], dtype="int64")})
    _spec(charts.stacked_area(df, x="week", y="share", color="group", title="t", y_title="y"))
    _spec(charts.lines(df, x="week", y="share", color="group", title="t", y_title="y"))
    _spec(charts.hbar(df, x="share", y="group", title="t", x_title="x"))
    _spec(charts.cohort_lines(df, facet="group", x="m", y="share", color="week", title="t"))


def test_apply_theme_keeps_chart_config() -> None:
    spec = charts.apply_theme({"mark": "bar", "config": {"axis": {"labelFontSize": 20}}})
    assert spec["config"]["axis"]["labelFontSize"] == 20
    assert spec["config"]["axis"]["gridColor"] == charts.THEME["axis"]["gridColor"]
    assert spec["config"]["font"] == charts.FONT
