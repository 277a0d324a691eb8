"""The report opened from file:// in headless Chromium: offline, every chart drawn, no errors.

Needs Debian's chromium at /usr/bin/chromium (never ``playwright install``).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tokencensus.report import ReportResult, render_report

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason=f"{CHROMIUM} is absent (apt install chromium)"),
]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
# Every chart div settles as drawn or failed; the failure is then asserted on.
SETTLED = """() => [...document.querySelectorAll('[data-analysis]')].every(
    el => el.getAttribute('data-rendered') === 'true' || el.hasAttribute('data-render-error'))"""
CHARTS = """() => [...document.querySelectorAll('[data-analysis]')].map(el => {
    const drawn = el.querySelector('svg, canvas');
    const box = drawn ? drawn.getBoundingClientRect() : {width: 0, height: 0};
    return {name: el.getAttribute('data-analysis'), rendered: el.getAttribute('data-rendered'),
            error: el.getAttribute('data-render-error'), width: box.width, height: box.height};
})"""


def _fixtures() -> ModuleType:
    """test_render.py's Census builder and analyses (tests/ is not a package)."""
    name = "_tokencensus_report_fixtures"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(
            "test_render.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclass
class Page:
    """What a browser saw while loading the report."""

    charts: list[dict[str, Any]]
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def open_report(path: Path, timeout_ms: int = 60_000) -> Page:
    """Load ``path`` from file:// with every non-file request aborted and recorded."""
    sync_api = pytest.importorskip("playwright.sync_api")
    seen = Page(charts=[])
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
            page.on("pageerror", lambda e: seen.page_errors.append(str(e)))

            def route(r: Any) -> None:
                if r.request.url.startswith("file://"):
                    r.continue_()
                else:
                    seen.blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(path.resolve().as_uri())
            page.wait_for_function(SETTLED, timeout=timeout_ms)
            seen.charts = page.evaluate(CHARTS)
        finally:
            browser.close()
    return seen


def assert_all_drawn(result: ReportResult, seen: Page) -> None:
    assert seen.blocked == [], f"the report tried to load {seen.blocked}"
    assert seen.page_errors == []
    assert seen.console_errors == []
    assert sorted(c["name"] for c in seen.charts) == sorted(result.rendered)
    for chart in seen.charts:
        assert chart["error"] is None, chart
        assert chart["rendered"] == "true", chart
        assert chart["width"] > 0 and chart["height"] > 0, chart


def test_small_report_draws_every_chart_offline(tmp_path: Path) -> None:
    fx = _fixtures()
    result = render_report(fx.build_census(), tmp_path, analyses=fx.good_analyses())
    assert not result.errors, result.tracebacks
    assert sorted(result.rendered) == sorted(fx.GOOD)
    assert_all_drawn(result, open_report(result.path))


@pytest.mark.parametrize("bad", ['{"mark": "nonsense", "data": {"values": [{}]}}', "{not json"])
def test_undrawable_chart_is_marked_not_hidden(tmp_path: Path, bad: str) -> None:
    fx = _fixtures()
    result = render_report(fx.build_census(rows=50), tmp_path, analyses=[fx.AppTokens()])
    html = result.path.read_text(encoding="utf-8")
    # Swap the one spec for one no browser can draw: the page must say so on the chart.
    start = html.index('<script type="application/json"')
    start = html.index(">", start) + 1
    end = html.index("</script>", start)
    result.path.write_text(html[:start] + bad + html[end:], encoding="utf-8")
    seen = open_report(result.path)
    (chart,) = seen.charts
    assert chart["rendered"] is None and chart["error"]
    assert any("test_app_tokens" in e for e in seen.console_errors)
    assert seen.blocked == []


def _register_builtin_analyses() -> None:
    """Import built-in analysis modules when running from a source tree.

    Entry points only exist once the package is installed; with ``PYTHONPATH=src``
    the registry would be empty.
    """
    import tokencensus.analyses as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")


def test_simulated_store_report_draws_every_analysis(tmp_path: Path) -> None:
    try:
        from tokencensus.engine import connect
        from tokencensus.simulate import SimConfig, simulate_to_store
    except ImportError as exc:
        pytest.skip(f"pipeline not ready: {exc}")
    from tokencensus.analyses.base import all_analyses

    _register_builtin_analyses()
    analyses = all_analyses()
    assert analyses, "no analyses are registered"
    store = tmp_path / "store"
    simulate_to_store(SimConfig(rows=20_000, seed=7), store)
    result = render_report(connect(store), tmp_path / "report", analyses=analyses)
    assert not result.errors, "\n".join(result.tracebacks.values())
    # The simulator fills every request field; only labels need a classifier run first.
    unlabelled = {a.name for a in analyses if "labels" in a.needs_tables}
    assert set(result.skipped) <= unlabelled, result.skipped
    assert sorted(result.rendered) == sorted(a.name for a in analyses
                                             if a.name not in result.skipped)
    assert_all_drawn(result, open_report(result.path))
