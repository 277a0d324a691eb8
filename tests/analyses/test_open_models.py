"""Open-model analyses (figures 3-6) and the leaderboards (12, 14) on a hand-made store.

Open tokens are 1,000 in each of the two main weeks, so shares read off directly:

========  ==============================  =====  =========  ===============
week      model                           tokens  finish     catalog facts
========  ==============================  =====  =========  ===============
03-03     deepseek/deepseek-r1            600    tool_calls open, large, reasoning
03-03     deepseek/deepseek-chat          300    stop       open, large
03-03     meta-llama/llama-3.3-70b        100    stop       open, large
03-03     openai/gpt-4o-mini              1000   tool_calls closed
03-10     google/gemma-3-12b-it           200    tool_calls open, small
03-10     google/gemma-2-27b-it           300    stop       open, medium
03-10     aion-labs/aion-1.0-mini         100    stop       open, no size, reasoning
03-10     deepseek/deepseek-r1            400    tool_calls
03-10     openai/o3                       800    tool_calls closed, reasoning
03-10     (unresolved)                    50     --
03-24     openai/gpt-4o-mini              10     stop       (03-17 has no requests)
========  ==============================  =====  =========  ===============
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hand_store import hand_census, run

from tokencensus import catalog
from tokencensus.analyses.base import get_analysis
from tokencensus.engine import Census

R1, CHAT, LLAMA = "deepseek/deepseek-r1", "deepseek/deepseek-chat", \
    "meta-llama/llama-3.3-70b-instruct"
GEMMA12, GEMMA27, AION = "google/gemma-3-12b-it", "google/gemma-2-27b-it", "aion-labs/aion-1.0-mini"
MINI, O3 = "openai/gpt-4o-mini", "openai/o3"
W1, W2 = dt.datetime(2025, 3, 3, 8, tzinfo=dt.UTC), dt.datetime(2025, 3, 16, 23, tzinfo=dt.UTC)
W4 = dt.datetime(2025, 3, 25, tzinfo=dt.UTC)
# id, ts, user, model, input, output, finish
ROWS = [
    ("a1", W1, "U1", R1, 500, 100, "tool_calls"),
    ("a2", W1, "U2", CHAT, 250, 50, "stop"),
    ("a3", W1, "U1", LLAMA, 80, 20, "stop"),
    ("a4", W1, "U3", MINI, 900, 100, "tool_calls"),
    ("a5", W2, "U2", GEMMA12, 150, 50, "tool_calls"),
    ("a6", W2, "U1", GEMMA27, 200, 100, "stop"),
    ("a7", W2, "U3", AION, 60, 40, "stop"),
    ("a8", W2, "U1", R1, 300, 100, "tool_calls"),
    ("a9", W2, "U3", O3, 700, 100, "tool_calls"),
    ("a10", W2, "U2", None, 50, None, None),
    ("a11", W4, "U3", MINI, 5, 5, "stop"),
]
NAMES = ["request_id", "ts", "user_id", "model", "input_tokens", "output_tokens",
         "finish_reason"]


@pytest.fixture(scope="module")
def census(tmp_path_factory: pytest.TempPathFactory) -> Census:
    return hand_census(tmp_path_factory.mktemp("open") / "store", NAMES, ROWS)


def cells(df: pd.DataFrame, key: str, value: str) -> dict[tuple[str, str], float]:
    return {(f"{r.week:%Y-%m-%d}", getattr(r, key)): getattr(r, value) for r in df.itertuples()}


def user_of(census: Census, request_id: str) -> str:
    """The stored (possibly pseudonymized) user id of one request."""
    t = census.requests
    return str(t.filter(t.request_id == request_id).user_id.to_pandas()[0])


def test_open_authors_by_hand_with_top_n_and_ties(census: Census) -> None:
    df = run(census, "open_authors")
    assert df[["author", "value", "models"]].values.tolist() == [
        ["deepseek", 1300, 2], ["google", 500, 2], ["aion-labs", 100, 1], ["meta-llama", 100, 1]]
    assert df["share"].tolist() == pytest.approx([0.65, 0.25, 0.05, 0.05])
    # A tie at the cut goes to the smaller name; the rest becomes one row, kept last.
    top = run(census, "open_authors", top_n=3)
    assert top["author"].tolist() == ["deepseek", "google", "aion-labs", "Other open authors"]
    lumped = run(census, "open_authors", top_n=1).set_index("author")
    assert lumped.loc["Other open authors", "value"] == 700
    assert lumped.loc["Other open authors", "models"] == 4
    findings = get_analysis("open_authors").findings(df)
    assert findings[0].startswith("Largest open-model authors: deepseek 1,300 (65.0%)")
    assert "top 3 authors made 95.0%" in findings[1]


def test_open_authors_measures_and_exclusions(census: Census) -> None:
    requests = run(census, "open_authors", measure="requests").set_index("author")["share"]
    assert requests["deepseek"] == pytest.approx(3 / 7)
    without_u1 = run(census, "open_authors", exclude_users=(user_of(census, "a1"),))
    assert dict(zip(without_u1["author"], without_u1["value"], strict=True)) == {
        "deepseek": 300, "google": 200, "aion-labs": 100}


def test_open_model_share_and_concentration_by_hand(census: Census) -> None:
    df = run(census, "open_model_share")
    share = cells(df, "model", "share")
    assert share == pytest.approx({
        ("2025-03-03", R1): 0.6, ("2025-03-03", CHAT): 0.3, ("2025-03-03", LLAMA): 0.1,
        ("2025-03-10", R1): 0.4, ("2025-03-10", GEMMA27): 0.3, ("2025-03-10", GEMMA12): 0.2,
        ("2025-03-10", AION): 0.1})
    weekly = df.drop_duplicates("week").set_index(df.drop_duplicates("week")["week"]
                                                   .dt.strftime("%Y-%m-%d"))
    assert weekly["hhi"].to_dict() == pytest.approx({"2025-03-03": 0.46, "2025-03-10": 0.30})
    assert weekly["top1_share"].to_dict() == pytest.approx({"2025-03-03": 0.6,
                                                            "2025-03-10": 0.4})
    assert weekly["top5_share"].tolist() == pytest.approx([1.0, 1.0])
    assert weekly["models_above_5pct"].tolist() == [3, 4]
    findings = " ".join(get_analysis("open_model_share").findings(df))
    assert "averaged 0.380 in the first 4 weeks and 0.380 in the last 4" in findings
    assert "3 in the week of 2025-03-03, 4 in the week of 2025-03-10" in findings
    assert f"{R1} 50.0%" in findings


def test_open_size_share_by_hand(census: Census) -> None:
    df = run(census, "open_size_share")
    assert cells(df, "size_bucket", "share") == pytest.approx({
        ("2025-03-03", "large"): 1.0, ("2025-03-10", "small"): 0.2,
        ("2025-03-10", "medium"): 0.3, ("2025-03-10", "large"): 0.4,
        ("2025-03-10", "unknown size"): 0.1})
    late = run(census, "open_size_share", start=dt.date(2025, 3, 10))
    assert set(late["week"].dt.strftime("%Y-%m-%d")) == {"2025-03-10"}
    findings = get_analysis("open_size_share").findings(df)
    assert "large 70.0% → 70.0%" in findings[0]
    assert "large models served the most open-model volume (70.0%)" in findings[1]


def test_open_model_supply_counts_catalog_releases_every_week(census: Census) -> None:
    df = run(census, "open_model_supply")
    weeks = ["2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24"]
    assert sorted(set(df["week"].dt.strftime("%Y-%m-%d"))) == weeks  # 03-17: no requests
    got = cells(df, "size_bucket", "models")
    expected: dict[tuple[str, str], int] = {}
    for row in catalog.models_table().to_pylist():
        if not row["open_weights"] or row["release_date"] is None:
            continue  # an undated model cannot be placed in a week
        for week in weeks:
            if row["release_date"] <= dt.date.fromisoformat(week):
                key = (week, row["size_bucket"] or "unknown size")
                expected[key] = expected.get(key, 0) + 1
    assert got == expected
    # Small releases that week (gemma-3-12b on Thursday 2025-03-13) count from the next Monday.
    assert got[("2025-03-17", "small")] > got[("2025-03-10", "small")]
    assert get_analysis("open_model_supply").findings(df)[0].startswith(
        "Open models released by the week of 2025-03-03: ")


def test_reasoning_leaderboard_by_hand(census: Census) -> None:
    df = run(census, "reasoning_leaderboard", top_n=2)
    other = "Other reasoning models"
    assert cells(df, "model", "value") == {("2025-03-03", R1): 600, ("2025-03-10", R1): 400,
                                           ("2025-03-10", O3): 800, ("2025-03-10", other): 100}
    w2 = df[df["week"] == "2025-03-10"]
    assert w2["model"].tolist() == [R1, O3, other]  # by rank, the rest last
    assert w2["share"].tolist() == pytest.approx([4 / 13, 8 / 13, 1 / 13])
    assert dict(zip(df["model"], df["total"], strict=True)) == {R1: 1000, O3: 800, other: 100}
    findings = get_analysis("reasoning_leaderboard").findings(df)
    assert findings[0].startswith(f"Largest over the period: {R1} 1,000 (52.6%), {O3} 800")
    assert "top 2 models made 94.7%" in findings[1]
    assert f"2025-03-10 {O3} led with 61.5%; the weekly leader changed 1 time(s)" in findings[2]


def test_tool_call_leaderboard_by_hand(census: Census) -> None:
    df = run(census, "tool_call_leaderboard")
    assert cells(df, "model", "share") == pytest.approx({
        ("2025-03-03", R1): 600 / 1600, ("2025-03-03", MINI): 1000 / 1600,
        ("2025-03-10", R1): 400 / 1400, ("2025-03-10", O3): 800 / 1400,
        ("2025-03-10", GEMMA12): 200 / 1400})
    # R1 and gpt-4o-mini tie at 1,000 tool-call tokens: the smaller name ranks first.
    top = run(census, "tool_call_leaderboard", top_n=1)
    assert dict(zip(top["model"], top["total"], strict=True)) == {R1: 1000, "Other models": 2000}
    requests = run(census, "tool_call_leaderboard", measure="requests")
    assert dict(zip(requests["model"], requests["total"], strict=True))[R1] == 2


@pytest.mark.parametrize("name", ["open_authors", "open_model_share", "open_size_share",
                                  "open_model_supply", "reasoning_leaderboard",
                                  "tool_call_leaderboard"])
def test_charts_embed_the_result(census: Census, name: str) -> None:
    analysis = get_analysis(name)
    df = run(census, name)
    spec = analysis.chart(df).to_dict()
    rows = [r for d in spec["datasets"].values() for r in d]
    assert rows, name
    models = {r.get("model") for r in rows}
    if name in {"open_model_share", "reasoning_leaderboard", "tool_call_leaderboard"}:
        assert R1 in models
    assert analysis.findings(df)
