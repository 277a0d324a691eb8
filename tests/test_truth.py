"""The analyses recover the simulator's ground truth through the whole JSONL path.

One million simulated requests are written as OpenRouter JSONL, ingested by the
reader into a store and analysed with Ibis on DuckDB; the truth was computed
with numpy from the generator's own arrays, an independent code path.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tokencensus.analyses.base import Params, get_analysis
from tokencensus.engine import Census

pytestmark = pytest.mark.slow
# ``pipeline`` (tests/conftest.py): the 1M-row JSONL → ingest → store run and its truth.


def run(census: Census, name: str) -> pd.DataFrame:
    return get_analysis(name).compute(census, Params()).to_pandas()


def weekly(df: pd.DataFrame, value: str, **where: str) -> dict[str, float]:
    for column, wanted in where.items():
        df = df[df[column] == wanted]
    return {f"{w:%Y-%m-%d}": float(v) for w, v in zip(df["week"], df[value], strict=True)}


def assert_weekly_close(got: dict[str, float], weeks: list[str], expected: list[float],
                        tolerance: float) -> None:
    compared = 0
    for week, want in zip(weeks, expected, strict=True):
        if want is None or week not in got:
            continue
        assert got[week] == pytest.approx(want, abs=tolerance), week
        compared += 1
    assert compared >= 50, f"only {compared} weeks compared"


def test_fig1_weekly_open_share_within_one_point(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    df = run(census, "open_closed_share")
    assert set(df["source_group"]) == {"Proprietary", "Chinese open", "RoW open"}
    for group, series in truth["source_group_share"].items():
        got = {w: 100 * v for w, v in weekly(df, "share", source_group=group).items()}
        assert_weekly_close(got, truth["weeks"], series, tolerance=1.0)


def test_fig2_weekly_volume_matches(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    df = run(census, "open_closed_volume")
    for group, series in truth["source_group_tokens"].items():
        got = weekly(df, "value", source_group=group)
        for week, want in zip(truth["weeks"], series, strict=True):
            assert got.get(week, 0) == pytest.approx(want, rel=1e-9), (group, week)


def test_fig11_reasoning_share_within_one_point(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    got = {w: 100 * v for w, v in weekly(run(census, "reasoning_share"), "value",
                                         metric="Tokens to reasoning models").items()}
    assert_weekly_close(got, truth["weeks"], truth["reasoning_share"], tolerance=1.0)


def test_fig13_tool_call_share_within_one_point(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    df = run(census, "tool_call_share")
    got = {w: 100 * v for w, v in weekly(df, "value", metric="Ended in a tool call").items()}
    assert_weekly_close(got, truth["weeks"], truth["tool_call_share"], tolerance=1.0)
    spike = get_analysis("tool_call_share").findings(df)
    assert any("2025-05-12" in sentence for sentence in spike), spike


@pytest.mark.parametrize(("name", "key"), [("prompt_length", "avg_prompt_tokens"),
                                           ("completion_length", "avg_completion_tokens"),
                                           ("sequence_length", "avg_sequence_tokens")])
def test_fig15_16_18_lengths_within_half_a_percent(
    pipeline: tuple[Census, dict], name: str, key: str
) -> None:
    census, truth = pipeline
    got = weekly(run(census, name), "value")
    compared = 0
    for week, want in zip(truth["weeks"], truth[key], strict=True):
        if want:
            assert got[week] == pytest.approx(want, rel=0.005), week
            compared += 1
    assert compared >= 50


def test_fig31_32_geography_matches(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    continents = run(census, "continent_share").set_index("continent")["percent"].to_dict()
    assert continents == pytest.approx(truth["continent_share"], abs=0.01)
    countries = run(census, "top_countries")
    expected = list(truth["country_share"].items())[:10]
    assert countries["country"].tolist() == [c for c, _ in expected]
    assert countries["percent"].tolist() == pytest.approx([p for _, p in expected], abs=0.01)


def test_fig34_retention_cohorts_match(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    df = run(census, "retention_cohorts")
    checked = 0
    for model, cohorts in truth["retention"].items():
        mine = df[df["model"] == model]
        if mine.empty:
            continue  # outside the analysis's top models by users
        for cohort, want in cohorts.items():
            curve = mine[mine["cohort"].dt.strftime("%Y-%m") == cohort]
            got = dict(zip(curve["months_since"], curve["retention"], strict=True))
            assert curve["cohort_users"].iloc[0] == want["users"], (model, cohort)
            for k, r in enumerate(want["retention"]):
                assert got.get(k, 0.0) == pytest.approx(r, abs=1e-3), (model, cohort, k)
            checked += 1
    assert checked >= 20
    findings = " ".join(get_analysis("retention_cohorts").findings(df))
    assert "anthropic/claude-sonnet-4: the 2025-05 cohort is foundational" in findings
    assert "deepseek/deepseek-r1" in findings and "boomerangs" in findings
