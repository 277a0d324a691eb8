"""Open-model and leaderboard analyses (figures 3-6, 12, 14) recover the simulator's truth.

Same pipeline as tests/test_truth.py (the session fixture ``pipeline``: 1M simulated
requests as OpenRouter JSONL, ingested, analysed with Ibis on DuckDB). The truth
was computed with numpy from the generator's arrays and the catalog. Token
volumes must match exactly; shares within 0.01 percentage point (the truth is
rounded to 4 digits), far inside the study-level tolerance of one point.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tokencensus.analyses.base import Params, get_analysis
from tokencensus.engine import Census

pytestmark = pytest.mark.slow
SHARE_PTS = 0.01


def run(census: Census, name: str, **params: Any) -> pd.DataFrame:
    return get_analysis(name).compute(census, Params(**params)).to_pandas()


def series(df: pd.DataFrame, key: str, value: str) -> dict[str, dict[str, float]]:
    """``{key value: {week: value}}`` of a weekly long result."""
    out: dict[str, dict[str, float]] = {}
    for week, k, v in zip(df["week"], df[key], df[value], strict=True):
        out.setdefault(str(k), {})[f"{week:%Y-%m-%d}"] = float(v)
    return out


def assert_weekly(got: dict[str, float], weeks: list[str], want: list[float], *,
                  scale: float = 1.0, abs_tol: float = 0.0, present: list[bool],
                  minimum: int = 1) -> None:
    """Every week the truth says has data matches; weeks without data have no row.

    ``minimum``: weeks with data the series must have (a model released late has few).
    """
    compared = 0
    for week, expected, has_data in zip(weeks, want, present, strict=True):
        if not has_data:
            assert got.get(week, 0) == 0, week
            continue
        assert scale * got.get(week, 0) == pytest.approx(expected, abs=abs_tol, rel=0), week
        compared += 1
    assert compared >= minimum, f"only {compared} weeks compared"


def open_weeks(truth: dict[str, Any]) -> list[bool]:
    return [sum(v[i] for v in truth["open_size_tokens"].values()) > 0
            for i in range(len(truth["weeks"]))]


def test_fig3_open_author_tokens_exact(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    want = truth["open_author_tokens"]
    df = run(census, "open_authors", top_n=len(want))
    assert dict(zip(df["author"], df["value"], strict=True)) == want
    assert list(df["author"]) == list(want)  # same order, largest first
    default = run(census, "open_authors")
    assert list(default["author"]) == [*list(want)[:10], "Other open authors"]
    assert default["value"].iloc[-1] == sum(list(want.values())[10:])


def test_fig4_top15_open_model_shares_and_concentration(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    weeks, present = truth["weeks"], open_weeks(truth)
    df = run(census, "open_model_share")
    shares = series(df, "model", "share")
    assert set(shares) == {*truth["open_model_share"], "Other open models"}
    for model, want in truth["open_model_share"].items():
        assert_weekly(shares[model], weeks, want, scale=100, abs_tol=SHARE_PTS,
                      present=[p and w > 0 for p, w in zip(present, want, strict=True)])
    per_week = df.drop_duplicates("week").assign(week=lambda d: d["week"].dt.strftime("%Y-%m-%d"))
    per_week = per_week.set_index("week")
    for column, key, scale in [("hhi", "open_hhi", 1.0), ("top1_share", "open_top1_share", 100),
                               ("top5_share", "open_top5_share", 100),
                               ("models_above_5pct", "open_models_above_5pct", 1.0)]:
        tol = 1e-5 if column == "hhi" else SHARE_PTS
        assert_weekly(per_week[column].to_dict(), weeks, truth[key], scale=scale,
                      abs_tol=0 if column == "models_above_5pct" else tol, present=present,
                      minimum=50)


def test_fig5_open_tokens_by_size_exact(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    weeks, present = truth["weeks"], open_weeks(truth)
    df = run(census, "open_size_share")
    tokens, shares = series(df, "size_bucket", "value"), series(df, "size_bucket", "share")
    for bucket, want in truth["open_size_tokens"].items():
        if not any(want):  # e.g. no simulated open model lacks a size
            assert bucket not in tokens
            continue
        has = [p and w > 0 for p, w in zip(present, want, strict=True)]
        assert_weekly(tokens[bucket], weeks, want, present=has)
        assert_weekly(shares[bucket], weeks, truth["open_size_share"][bucket], scale=100,
                      abs_tol=SHARE_PTS, present=has)


def test_fig6_open_models_available_exact(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    df = run(census, "open_model_supply")
    got = series(df, "size_bucket", "models")
    for bucket, want in truth["open_models_available"].items():
        counts = got.get(bucket, {})
        assert [counts.get(w, 0) for w in truth["weeks"]] == want, bucket


def test_fig12_reasoning_leaderboard_exact(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    want = truth["reasoning_leaderboard"]
    df = run(census, "reasoning_leaderboard")
    got = series(df, "model", "value")
    assert set(got) == {*want, "Other reasoning models"}
    for model, weekly in want.items():
        assert [got[model].get(w, 0) for w in truth["weeks"]] == weekly, model
    totals = df.drop_duplicates("model").set_index("model")["total"]
    assert list(totals.drop("Other reasoning models").sort_values(ascending=False).index) \
        == list(want)


def test_fig14_tool_call_tokens_by_model_exact(pipeline: tuple[Census, dict]) -> None:
    census, truth = pipeline
    want = truth["tool_call_model_tokens"]
    df = run(census, "tool_call_leaderboard", top_n=len(want))
    totals = df.drop_duplicates("model").set_index("model")["total"]
    assert totals.to_dict() == want
    top = run(census, "tool_call_leaderboard").drop_duplicates("model").set_index("model")
    assert set(top.index) == {*list(want)[:10], "Other models"}
    assert top.loc["Other models", "total"] == sum(list(want.values())[10:])
