"""The HTML report: run every analysis on a Census, write one self-contained page.

>>> from tokencensus.report import render_report                  # doctest: +SKIP
>>> render_report(census, "out").path                            # doctest: +SKIP
PosixPath('out/report.html')

:mod:`tokencensus.report.charts` holds the Altair helpers analyses draw with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tokencensus.report.render import ReportResult, render_report

__all__ = ["ReportResult", "render_report"]


def __getattr__(name: str) -> Any:
    # Analyses import `tokencensus.report.charts` at import time; loading the
    # renderer (jinja2, vl-convert) only when a report is made keeps that cheap.
    if name in __all__:
        from tokencensus.report import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
