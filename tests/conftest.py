"""Fixtures shared across test modules."""

from __future__ import annotations

from typing import Any

import pytest

from tokencensus import simulate as sim
from tokencensus.engine import Census, connect
from tokencensus.ingest import ingest
from tokencensus.store import Store

#: Simulated requests behind the truth tests (tests/test_truth*.py).
TRUTH_ROWS = 1_000_000


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Census, dict[str, Any]]:
    """One million simulated requests through JSONL → ingest → store, and their truth.

    Session-scoped: every truth module shares the one (slow) pipeline run.
    """
    work = tmp_path_factory.mktemp("truth")
    logs = work / "logs.jsonl"
    truth = sim.simulate_jsonl(sim.SimConfig(rows=TRUTH_ROWS, seed=7), logs)
    report = ingest([str(logs)], Store.open(work / "store", create=True))
    assert report.total == {"read": TRUTH_ROWS, "stored": TRUTH_ROWS, "duplicate": 0,
                            "quarantined": 0}
    logs.unlink()  # ~1 GB; the store is all the analyses need
    return connect(work / "store"), truth.expected
