"""The HTML report: run every analysis on a Census, write one self-contained page.

>>> from tokencensus.report import render_report                  # doctest: +SKIP
>>> render_report(census, "out").path                            # doctest: +SKIP
PosixPath('out/report.html')

:mod:`tokencensus.report.charts` holds the Altair helpers analyses draw with.
"""

from __future__ import annotations

from tokencensus.report.render import ReportResult, render_report

__all__ = ["ReportResult", "render_report"]
