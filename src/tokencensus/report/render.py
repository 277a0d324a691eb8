"""Run every analysis on a Census and write one self-contained HTML report.

This is the only module (with the CLI) that executes expressions. Per analysis
it decides whether the data supports it, executes its expression, and collects
the chart spec, findings and a preview table; one failing analysis shows its
error in place and never stops the report.

>>> from tokencensus.engine import connect                         # doctest: +SKIP
>>> result = render_report(connect("demo/store"), "demo/report")   # doctest: +SKIP
>>> result.path, len(result.rendered), result.errors               # doctest: +SKIP
(PosixPath('demo/report/report.html'), 38, {})

Output layout::

    out_dir/report.html           the report (chart library inlined, no network)
    out_dir/data/<name>.csv       every rendered analysis's full result
    out_dir/data/<name>.svg|png   its chart, when images=True
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import numbers
import re
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import altair as alt
import jinja2
import markupsafe
import numpy as np
import pandas as pd
import vl_convert
from markupsafe import Markup

from tokencensus import schema
from tokencensus.analyses.base import SECTIONS, Analysis, Params, all_analyses
from tokencensus.report import charts

if TYPE_CHECKING:
    from tokencensus.engine import Census

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]

#: Rows of each result shown in the report; the CSV has them all.
PREVIEW_ROWS = 25
# Columns named like this holding only values in [0, 1] are shown as percentages.
_PERCENT_NAME = re.compile(r"share|retention|rate|fraction", re.IGNORECASE)
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")

#: What kind of log field fills each request column, for "not supported" reasons.
PROVIDED_BY: dict[str, str] = {
    schema.USER_ID: "an account or end-user id per request (OpenAI/OpenRouter `user`, "
    "LiteLLM `end_user`, Langfuse `userId`)",
    schema.SESSION_ID: "a conversation or session id (Langfuse `sessionId`, agent transcripts)",
    schema.APP: "an app name, HTTP referer or API-key alias per request",
    schema.MODEL_RAW: "the model name of each request",
    schema.MODEL: "model names the catalog resolves (`tokencensus models unknown` lists the "
    "rest; add an override for each)",
    schema.PROVIDER: "the host that served each request (OpenRouter `provider_name`)",
    schema.INPUT_TOKENS: "prompt token counts (`usage.prompt_tokens` / `input_tokens`)",
    schema.OUTPUT_TOKENS: "completion token counts (`usage.completion_tokens` / `output_tokens`)",
    schema.CACHED_TOKENS: "cached prompt token counts (OpenAI `prompt_tokens_details."
    "cached_tokens`, Anthropic `cache_read_input_tokens`)",
    schema.CACHE_WRITE_TOKENS: "cache write counts (Anthropic `cache_creation_input_tokens`)",
    schema.REASONING_TOKENS: "reasoning token counts (OpenAI `completion_tokens_details."
    "reasoning_tokens`, Gemini `thoughtsTokenCount`)",
    schema.TOOLS_DECLARED: "whether each request declared tools (the request's `tools`)",
    schema.TOOL_CALLS: "the tool calls in each response",
    schema.FINISH_REASON: "each response's finish or stop reason",
    schema.COST_USD: "a cost per request (OpenRouter `total_cost`, LiteLLM `response_cost`) or "
    "catalog prices for its models",
    schema.COST_SOURCE: "a cost per request or catalog prices for its models",
    schema.IS_BYOK: "a bring-your-own-key flag (OpenRouter `is_byok`)",
    schema.LATENCY_MS: "request latency (OpenRouter `generation_time`, LiteLLM timings)",
    schema.TTFT_MS: "time to first token",
    schema.STREAMED: "whether each response was streamed",
    schema.CANCELLED: "whether the client cancelled",
    schema.STATUS: "request status (ok or error)",
    schema.COUNTRY: "the account's billing country (ISO code), which most gateway logs lack",
}

#: Why an analysis cannot run when a side table it reads is empty.
EMPTY_TABLE: dict[str, str] = {
    "labels": "no prompts have been classified yet (the labels table is empty); run "
    "`tokencensus classify` on logs that include prompt text",
    "models": "the model catalog is empty",
    "countries": "the country table is empty",
}


@dataclass(frozen=True)
class ReportResult:
    """What :func:`render_report` wrote and what it could not draw.

    ``errors`` maps analysis names to ``"ExceptionType while <stage>: message"``;
    ``tracebacks`` holds the full text for debugging.
    """

    path: Path
    rendered: tuple[str, ...]
    skipped: dict[str, str]
    errors: dict[str, str]
    seconds: float
    tracebacks: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """First rows of a result, every cell already formatted as text."""

    columns: list[str]
    numeric: list[bool]
    rows: list[list[str]]
    total: int


@dataclass
class _Entry:
    """Everything the template shows for one analysis."""

    analysis: Analysis
    anchor: str
    findings: list[str] = field(default_factory=list)
    spec: Markup | None = None
    table: Table | None = None
    files: dict[str, str] = field(default_factory=dict)
    skipped: str | None = None
    error: str | None = None
    traceback: str = ""


def render_report(
    census: Census,
    out_dir: str | Path,
    *,
    analyses: Iterable[Analysis] | None = None,
    params: Params | None = None,
    title: str = "tokencensus report",
    images: bool = False,
    progress: Progress | None = None,
) -> ReportResult:
    """Render ``analyses`` (default: every registered one) into ``out_dir/report.html``.

    ``progress(done, total, name)`` is called after each analysis.
    """
    started = time.perf_counter()
    params = params or Params()
    chosen = list(all_analyses() if analyses is None else analyses)
    _check_names([a.name for a in chosen])
    out = Path(out_dir)
    data_dir = out / "data"
    data_dir.mkdir(parents=True, exist_ok=True)

    overview = _overview(census)
    coverage = census.coverage()
    table_rows = _table_counter(census)
    entries: list[_Entry] = []
    for done, analysis in enumerate(chosen, 1):
        entry = _Entry(analysis, anchor=f"a-{_slug(analysis.name)}")
        entry.skipped = _skip_reason(analysis, coverage, table_rows)
        # Files of an earlier run must not pass for this run's results.
        _remove_outputs(data_dir, analysis.name)
        if entry.skipped is None:
            _run(entry, census, params, data_dir, images)
        entries.append(entry)
        if progress is not None:
            progress(done, len(chosen), analysis.name)

    path = out / "report.html"
    html = _template().render(
        title=title,
        overview=overview,
        params=params,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        sections=_sections(e for e in entries if e.skipped is None),
        skipped=[e for e in entries if e.skipped is not None],
        n_errors=sum(e.error is not None for e in entries),
        bundle=Markup(_js_bundle()),
    )
    path.write_text(html, encoding="utf-8")
    return ReportResult(
        path=path,
        rendered=tuple(e.analysis.name for e in entries if e.skipped is None and not e.error),
        skipped={e.analysis.name: e.skipped for e in entries if e.skipped is not None},
        errors={e.analysis.name: e.error for e in entries if e.error is not None},
        seconds=time.perf_counter() - started,
        tracebacks={e.analysis.name: e.traceback for e in entries if e.error is not None},
    )


def _run(entry: _Entry, census: Census, params: Params, data_dir: Path, images: bool) -> None:
    """Execute one analysis into ``entry``; an exception becomes ``entry.error``."""
    analysis = entry.analysis
    stage = "computing"
    try:
        df = analysis.compute(census, params).to_pyarrow().to_pandas()
        stage = "writing its data"
        csv = data_dir / f"{analysis.name}.csv"
        df.to_csv(csv, index=False)
        entry.files["CSV"] = f"data/{csv.name}"
        entry.table = preview(df)
        stage = "writing findings"
        entry.findings = [str(s) for s in analysis.findings(df)]
        stage = "drawing its chart"
        spec = charts.apply_theme(analysis.chart(charts.chart_frame(df)).to_dict())
        entry.spec = _script_json(spec)
        if images:
            stage = "exporting its chart images"
            _write_images(spec, data_dir / analysis.name, entry.files)
    except Exception as exc:  # noqa: BLE001 - one analysis must not sink the report
        entry.error = f"{type(exc).__name__} while {stage}: {exc}"
        entry.traceback = traceback.format_exc()
        log.debug("Analysis %s failed while %s", analysis.name, stage, exc_info=True)


def _check_names(names: list[str]) -> None:
    """Names become file names under data/, so each must be unique and path-safe."""
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"Analyses passed twice: {', '.join(dupes)}. Pass each name once.")
    bad = [n for n in names if not _SAFE_NAME.fullmatch(n)]
    if bad:
        raise ValueError(f"Analysis names must be letters, digits, '_', '-' or '.': {bad}.")


def _write_images(spec: dict[str, Any], stem: Path, files: dict[str, str]) -> None:
    version = _vl_version()
    stem.with_suffix(".svg").write_text(
        vl_convert.vegalite_to_svg(spec, vl_version=version), encoding="utf-8"
    )
    # Twice the pixels so the PNG stays sharp in slides and on high-DPI screens.
    stem.with_suffix(".png").write_bytes(
        vl_convert.vegalite_to_png(spec, vl_version=version, scale=2)
    )
    files["SVG"] = f"data/{stem.name}.svg"
    files["PNG"] = f"data/{stem.name}.png"


def _remove_outputs(data_dir: Path, name: str) -> None:
    for suffix in (".csv", ".svg", ".png"):
        (data_dir / f"{name}{suffix}").unlink(missing_ok=True)


def _table_counter(census: Census) -> Callable[[str], int]:
    """Row counts of the Census side tables, each counted once and only if asked."""
    counts: dict[str, int] = {}

    def count(name: str) -> int:
        if name not in counts:
            table = getattr(census, name, None)
            counts[name] = 0 if table is None else int(table.count().to_pyarrow().as_py() or 0)
        return counts[name]

    return count


def _skip_reason(
    analysis: Analysis, coverage: dict[str, int], table_rows: Callable[[str], int]
) -> str | None:
    """Why the data cannot support ``analysis``, or None when it can."""
    if coverage.get(schema.REQUEST_ID, 0) == 0:
        return "The requests table is empty; ingest logs first (`tokencensus ingest PATH`)."
    missing = sorted(c for c in analysis.requires if coverage.get(c, 0) == 0)
    if missing:
        needs = "; ".join(
            f"{c} comes from {PROVIDED_BY[c]}" if c in PROVIDED_BY
            else f"{c} is not a column of the requests table"
            for c in missing
        )
        return f"These logs have no values for {', '.join(missing)}: {needs}."
    empty_tables = sorted(t for t in analysis.needs_tables if table_rows(t) == 0)
    if empty_tables:
        return "; ".join(
            EMPTY_TABLE.get(t, f"the {t} table is empty") for t in empty_tables
        ).capitalize() + "."
    return None


def preview(df: pd.DataFrame, limit: int = PREVIEW_ROWS) -> Table:
    """The first ``limit`` rows of ``df`` with numbers, dates and nulls formatted."""
    percent = [_is_percent(df[c], str(c)) for c in df.columns]
    numeric = [
        pd.api.types.is_numeric_dtype(df[c].dtype) and not pd.api.types.is_bool_dtype(df[c].dtype)
        for c in df.columns
    ]
    rows = [
        [_cell(v, pct) for v, pct in zip(row, percent, strict=True)]
        for row in df.head(limit).itertuples(index=False, name=None)
    ]
    return Table([str(c) for c in df.columns], numeric, rows, len(df))


def _is_percent(s: pd.Series, name: str) -> bool:
    if not _PERCENT_NAME.search(name) or not pd.api.types.is_float_dtype(s.dtype):
        return False
    values = s.dropna()
    return len(values) > 0 and bool(((values >= 0) & (values <= 1)).all())


def _cell(value: object, percent: bool = False) -> str:
    """One table cell as text; nulls are blank, never "nan"."""
    if isinstance(value, list | tuple | dict | np.ndarray):
        return str(list(value) if isinstance(value, np.ndarray) else value)
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        midnight = (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
        return value.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real | Decimal):
        f = float(value)
        if percent:
            return f"{f:.1%}"
        if f == 0:
            return "0"
        if abs(f) >= 100:
            return f"{f:,.0f}"
        return f"{f:,.2f}" if abs(f) >= 1 else f"{f:.3g}"
    return str(value)


def _overview(census: Census) -> dict[str, Any]:
    """Date range and size of the requests table, for the report header."""
    t = census.requests
    row = t.aggregate(
        first=t[schema.TS].min(),
        last=t[schema.TS].max(),
        rows=t.count(),
        requests=t[schema.REQUESTS_COUNT].sum(),
    ).to_pyarrow().to_pylist()[0]
    fmt = "%Y-%m-%d"
    return {
        "first": row["first"].strftime(fmt) if row["first"] else None,
        "last": row["last"].strftime(fmt) if row["last"] else None,
        "rows": int(row["rows"] or 0),
        "requests": int(row["requests"] or 0),
    }


def _sections(entries: Iterable[_Entry]) -> list[dict[str, Any]]:
    """Entries grouped by section, sections in the study's order, analyses as given."""
    grouped: dict[str, list[_Entry]] = {}
    for entry in entries:
        grouped.setdefault(entry.analysis.section, []).append(entry)
    # A plugin may name a section of its own; it goes after the study's.
    order = [s for s in SECTIONS if s in grouped] + [s for s in grouped if s not in SECTIONS]
    return [{"name": s, "anchor": f"s-{_slug(s)}", "entries": grouped[s]} for s in order]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _script_json(spec: dict[str, Any]) -> Markup:
    """JSON safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where their ``\\u``
    escapes mean the same, so ``</script>`` or ``<!--`` in a model name cannot
    end or confuse the script element.
    """
    text = json.dumps(spec, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return Markup(text)


def _vl_version() -> str | None:
    """The bundled Vega-Lite matching Altair's schema, so specs and library agree."""
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vl_convert.get_vegalite_versions() else None


@functools.cache
def _js_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script (about 0.9 MB), built once per process."""
    bundle = vl_convert.javascript_bundle(vl_version=_vl_version())
    # An HTML parser ends a script at "</script" wherever it appears, even in a JS string.
    return re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)


@functools.cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tokencensus.report", "templates"),
        # The template is .html.j2, which select_autoescape would not recognise.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["figures"] = _figures
    env.filters["code"] = _code
    return env.get_template("report.html.j2")


def _code(text: str) -> Markup:
    """Escape ``text``, then show its `backticked` parts as code."""
    return Markup(re.sub(r"`([^`<>]+)`", r"<code>\1</code>", str(markupsafe.escape(text))))


def _figures(figures: Sequence[int]) -> str:
    if not figures:
        return ""
    label = "Figure" if len(figures) == 1 else "Figures"
    return f"{label} {', '.join(str(n) for n in figures)} of the study"
