"""The command line as a user runs it: real processes, exit codes, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data" / "openrouter"


def tc(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "tokencensus", *args], capture_output=True,
                          text=True, timeout=300)
    if check and done.returncode != 0:
        pytest.fail(f"tokencensus {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done


def test_analyze_list_json_describes_every_analysis() -> None:
    listed = json.loads(tc("analyze", "--list", "--json").stdout)
    assert {"open_closed_share", "retention_cohorts"} <= {a["name"] for a in listed}
    for a in listed:
        assert set(a) >= {"name", "title", "study_figures", "requires"}
        assert all(isinstance(f, int) for f in a["study_figures"])


def test_ingest_json_summary_then_analyze_json(tmp_path: Path) -> None:
    store = tmp_path / "store"
    summary = json.loads(tc("ingest", str(DATA), "--store", str(store), "--json").stdout)
    assert {k: summary[k] for k in ("read", "stored", "duplicate", "quarantined")} == \
        {"read": 2, "stored": 2, "duplicate": 0, "quarantined": 0}
    rows = json.loads(tc("analyze", "prompt_length", "--store", str(store), "--json").stdout)
    assert sum(r["requests"] for r in rows) == 2


def test_errors_are_one_clear_line_with_a_meaningful_exit_code(tmp_path: Path) -> None:
    odd = tmp_path / "odd.txt"
    odd.write_text("hello\n")
    done = tc("ingest", str(odd), "--store", str(tmp_path / "s"), check=False)
    assert done.returncode == 2
    assert "Could not detect the log format" in done.stderr and "--format" in done.stderr
    assert "Traceback" not in done.stderr
    missing = tc("analyze", "open_closed_share", "--store", str(tmp_path / "none"), check=False)
    assert missing.returncode == 3 and "No census store" in missing.stderr
    unknown = tc("analyze", "nope", "--store", str(tmp_path), check=False)
    assert unknown.returncode == 2 and "open_closed_share" in unknown.stderr


def test_formats_lists_the_openrouter_reader() -> None:
    formats = json.loads(tc("formats", "--json").stdout)
    openrouter = next(f for f in formats if f["name"] == "openrouter")
    assert "input_tokens" in openrouter["provides"]


def test_demo_runs_end_to_end_and_prints_the_report_path(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = tc("demo", "--rows", "20000", "--out", str(out))
    report = Path(done.stdout.strip().splitlines()[-1])
    assert report == (out / "report.html").resolve() and report.stat().st_size > 500_000
    assert (out / "truth.json").exists() and (out / "store" / "manifest.json").exists()
    assert sorted(p.name for p in (out / "data").glob("*.csv")) != []
    # Rerunning replaces the store instead of deduplicating every record away.
    again = tc("demo", "--rows", "20000", "--out", str(out))
    assert "20,000" in again.stdout
