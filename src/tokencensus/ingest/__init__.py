"""Reading log files into the census store.

>>> report = ingest(["logs/"], Store.open("census", create=True))   # doctest: +SKIP
>>> report.total.stored                                            # doctest: +SKIP

The orchestration lives in :mod:`tokencensus.ingest.pipeline` and is imported on
first use: the worker processes that map blocks of a large file import only their
reader module, and must not pay for DuckDB and the classifier (memory per worker).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = frozenset({"COUNTS", "IngestReport", "Progress", "ingest", "plan"})

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module("tokencensus.ingest.pipeline"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
