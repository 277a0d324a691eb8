"""Every analysis on a hand-made store whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hand_store import hand_census, run

from tokencensus import schema
from tokencensus.analyses.base import Params, all_analyses, get_analysis
from tokencensus.engine import Census, connect
from tokencensus.errors import UnknownNameError
from tokencensus.store import Store

R1, MINI, LLAMA = "deepseek/deepseek-r1", "openai/gpt-4o-mini", "meta-llama/llama-3.3-70b-instruct"
W1, W2 = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC), dt.datetime(2025, 3, 12, 23, tzinfo=dt.UTC)
MAY = dt.datetime(2025, 5, 6, tzinfo=dt.UTC)
# id, ts, user, model, input, output, reasoning, finish, country, tools_declared
ROWS = [
    ("r1", W1, "A", R1, 100, 50, 20, "stop", "US", False),
    ("r2", W1 + dt.timedelta(days=6), "B", MINI, 300, 50, None, "tool_calls", "DE", True),
    ("r3", W2, "A", LLAMA, 400, 100, None, "stop", "SG", True),
    ("r4", W2, "C", None, 100, None, None, None, None, None),
    ("r5", MAY, "A", R1, 10, 10, 5, "stop", "US", False),
]


NAMES = ["request_id", "ts", "user_id", "model", "input_tokens", "output_tokens",
         "reasoning_tokens", "finish_reason", "country", "tools_declared"]


@pytest.fixture(scope="module")
def census(tmp_path_factory: pytest.TempPathFactory) -> Census:
    return hand_census(tmp_path_factory.mktemp("small") / "store", NAMES, ROWS)


def by_week(df: pd.DataFrame, key: str, value: str = "share") -> dict[tuple[str, str], float]:
    return {(f"{r.week:%Y-%m-%d}", getattr(r, key)): getattr(r, value) for r in df.itertuples()}


def test_open_closed_share_by_hand(census: Census) -> None:
    got = by_week(run(census, "open_closed_share"), "source_group")
    assert got[("2025-03-03", "Chinese open")] == pytest.approx(150 / 500)
    assert got[("2025-03-03", "Proprietary")] == pytest.approx(350 / 500)
    assert got[("2025-03-10", "RoW open")] == pytest.approx(500 / 600)
    assert got[("2025-03-10", "Unknown")] == pytest.approx(100 / 600)
    volume = by_week(run(census, "open_closed_volume"), "source_group", "value")
    assert volume[("2025-03-03", "Proprietary")] == 350


def test_measures_requests_and_exclusion(census: Census) -> None:
    got = by_week(run(census, "open_closed_share", measure="requests"), "source_group")
    assert got[("2025-03-03", "Chinese open")] == pytest.approx(0.5)
    users = census.requests.filter(census.requests.request_id == "r2").user_id.to_pandas()
    without_b = by_week(run(census, "open_closed_share", exclude_users=(users[0],)),
                        "source_group")
    assert without_b[("2025-03-03", "Chinese open")] == pytest.approx(1.0)


def test_reasoning_and_tool_call_shares_by_hand(census: Census) -> None:
    got = by_week(run(census, "reasoning_share"), "metric", "value")
    assert got[("2025-03-03", "Tokens to reasoning models")] == pytest.approx(150 / 500)
    assert got[("2025-03-10", "Tokens to reasoning models")] == pytest.approx(0.0)
    assert got[("2025-03-03", "Reasoning tokens / output tokens")] == pytest.approx(20 / 50)
    tools = by_week(run(census, "tool_call_share"), "metric", "value")
    assert tools[("2025-03-03", "Ended in a tool call")] == pytest.approx(350 / 500)
    assert tools[("2025-03-10", "Ended in a tool call")] == pytest.approx(0.0)
    assert tools[("2025-03-03", "Declared tools")] == pytest.approx(350 / 500)
    assert tools[("2025-03-03", "Largest account's share of tool-call tokens")] == 1.0


def test_lengths_by_hand(census: Census) -> None:
    prompt = {f"{r.week:%Y-%m-%d}": r.value for r in run(census, "prompt_length").itertuples()}
    assert prompt["2025-03-03"] == 200 and prompt["2025-03-10"] == 250
    completion = {f"{r.week:%Y-%m-%d}": r.value
                  for r in run(census, "completion_length").itertuples()}
    assert completion["2025-03-10"] == 100  # r4 has no output count: left out, not a zero
    seq = {f"{r.week:%Y-%m-%d}": r.value for r in run(census, "sequence_length").itertuples()}
    assert seq["2025-03-03"] == 250


def test_geography_by_hand(census: Census) -> None:
    continents = run(census, "continent_share").set_index("continent")["percent"]
    assert continents.to_dict() == pytest.approx(
        {"Asia": 500 / 1020 * 100, "Europe": 350 / 1020 * 100, "North America": 170 / 1020 * 100})
    countries = run(census, "top_countries", top_n=2)
    assert countries["country"].tolist() == ["SG", "DE"]


def test_retention_counts_returns_after_a_gap(census: Census) -> None:
    df = run(census, "retention_cohorts")
    r1 = df[df["model"] == R1].set_index("months_since")["retention"].to_dict()
    assert r1 == {0: 1.0, 2: 1.0}


def test_every_analysis_runs_on_an_empty_store(tmp_path: Path) -> None:
    Store.open(tmp_path / "empty", create=True)
    census = connect(tmp_path / "empty")
    assert census.coverage()[schema.REQUEST_ID] == 0
    for analysis in all_analyses():
        assert analysis.compute(census, Params()).to_pandas().empty, analysis.name


def test_registry_lists_every_analysis_and_rejects_unknown_names() -> None:
    names = {a.name for a in all_analyses()}
    assert {"open_closed_share", "open_closed_volume", "reasoning_share", "tool_call_share",
            "prompt_length", "completion_length", "sequence_length", "continent_share",
            "top_countries", "retention_cohorts"} <= names
    figures = sorted(f for a in all_analyses() for f in a.study_figures)
    assert {1, 2, 11, 13, 15, 16, 18, 31, 32, 34} <= set(figures)
    with pytest.raises(UnknownNameError, match="open_closed_share"):
        get_analysis("nope")
