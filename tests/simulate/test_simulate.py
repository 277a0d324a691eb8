"""The simulator: deterministic, well-formed, consistent with the catalog, and calibrated."""

from __future__ import annotations

import datetime as dt
import gzip
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pytest

from tokencensus import catalog, schema
from tokencensus.classify.sampling import in_sample
from tokencensus.errors import InputError
from tokencensus.simulate import SimConfig, Simulation, simulate_jsonl, simulate_to_store
from tokencensus.simulate import calibration as cal
from tokencensus.simulate.templates import SLOTS, TEMPLATES, render, slot_names

ROWS = 200_000
USERS = 6_000  # enough accounts per cohort for the retention checks at this size
ID = re.compile(r"^gen-[0-9A-Za-z]{20,28}$")
CREATED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")


@pytest.fixture(scope="module")
def models() -> dict[str, dict[str, Any]]:
    return {r[schema.MODEL]: r for r in catalog.models_table().to_pylist()}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, list[dict[str, Any]]]:
    path = tmp_path_factory.mktemp("sim") / "gen.jsonl"
    truth = simulate_jsonl(SimConfig(rows=ROWS, users=USERS), path)
    records = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    return path, truth, records


def _base(model: str) -> str:
    return model.removesuffix(":free")


def _week(created: str) -> str:
    day = dt.date.fromisoformat(created[:10])
    return str(day - dt.timedelta(days=day.weekday()))


def _window(series: list[float], weeks: int, *, last: bool) -> float:
    part = series[-weeks:] if last else series[:weeks]
    return float(np.mean(part))


# Determinism and shape -------------------------------------------------------------------

def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    config = SimConfig(rows=20_000, users=300)
    simulate_jsonl(config, tmp_path / "a.jsonl")
    simulate_jsonl(config, tmp_path / "b.jsonl")
    simulate_jsonl(SimConfig(rows=20_000, users=300, seed=1), tmp_path / "c.jsonl")
    a = (tmp_path / "a.jsonl").read_bytes()
    assert a == (tmp_path / "b.jsonl").read_bytes()
    assert a != (tmp_path / "c.jsonl").read_bytes()
    simulate_jsonl(config, tmp_path / "a.jsonl.gz")
    simulate_jsonl(config, tmp_path / "b.jsonl.gz")
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    assert gzip.decompress((tmp_path / "a.jsonl.gz").read_bytes()) == a


def test_every_line_has_the_documented_fields(run: Any) -> None:
    _, _, records = run
    assert len(records) == ROWS
    types: dict[str, tuple[type, ...]] = {
        "id": (str,), "upstream_id": (str,), "total_cost": (float, int),
        "cache_discount": (float, int, type(None)),
        "upstream_inference_cost": (float, int, type(None)), "created_at": (str,),
        "model": (str,), "app_id": (int, type(None)), "streamed": (bool,),
        "cancelled": (bool,), "provider_name": (str,), "latency": (int,),
        "moderation_latency": (int, type(None)), "generation_time": (int,),
        "finish_reason": (str,), "native_finish_reason": (str, type(None)),
        "tokens_prompt": (int,), "tokens_completion": (int,), "native_tokens_prompt": (int,),
        "native_tokens_completion": (int,), "native_tokens_reasoning": (int, type(None)),
        "native_tokens_cached": (int,), "num_media_prompt": (int,),
        "num_media_completion": (int,), "num_search_results": (int,), "origin": (str,),
        "usage": (float, int), "is_byok": (bool,), "external_user": (str,),
    }
    ids = set()
    for r in records:
        assert set(r) == {"data", "request", "country"}
        d, req = r["data"], r["request"]
        assert set(d) == set(types)
        for key, allowed in types.items():
            assert isinstance(d[key], allowed), (key, d[key])
        assert ID.match(d["id"]) and CREATED.match(d["created_at"])
        ids.add(d["id"])
        assert d["finish_reason"] in ("stop", "length", "tool_calls", "content_filter", "error")
        assert d["usage"] == d["total_cost"] >= 0
        assert req["user"] == d["external_user"] and req["model"] == d["model"]
        assert req["stream"] == d["streamed"]
        assert (d["origin"] == "") == (d["app_id"] is None)
        if d["model"].endswith(":free"):
            assert d["total_cost"] == 0 and not d["is_byok"]
        if "tools" in req:
            assert 1 <= len(req["tools"]) <= 4
            assert all(t["type"] == "function" and t["function"]["name"] for t in req["tools"])
        else:
            assert d["finish_reason"] != "tool_calls"
        assert re.fullmatch(r"[A-Z]{2}", r["country"])
    assert len(ids) == ROWS
    tools = sum("tools" in r["request"] for r in records)
    calls = sum(r["data"]["finish_reason"] == "tool_calls" for r in records)
    assert tools > calls > 0
    assert any(r["data"]["model"].endswith(":free") for r in records)
    assert any(r["data"]["is_byok"] for r in records)


def test_token_invariants(run: Any, models: dict[str, dict[str, Any]]) -> None:
    _, _, records = run
    for r in records:
        d = r["data"]
        reasoning_model = models[_base(d["model"])][schema.REASONING]
        assert 0 <= d["native_tokens_cached"] <= d["native_tokens_prompt"]
        if reasoning_model:
            assert 0 <= d["native_tokens_reasoning"] <= d["native_tokens_completion"]
        else:
            assert d["native_tokens_reasoning"] is None
        for norm, native in (("tokens_prompt", "native_tokens_prompt"),
                             ("tokens_completion", "native_tokens_completion")):
            assert 0.85 * d[native] - 1 <= d[norm] <= 1.15 * d[native] + 1


def test_no_model_before_its_release(run: Any, models: dict[str, dict[str, Any]]) -> None:
    _, _, records = run
    first: dict[str, str] = {}
    for r in records:
        m = _base(r["data"]["model"])
        first[m] = min(first.get(m, "9999"), r["data"]["created_at"])
    for m, created in first.items():
        assert dt.date.fromisoformat(created[:10]) >= models[m][schema.RELEASE_DATE], m


def test_prompt_text_exactly_on_the_sample(run: Any) -> None:
    _, truth, records = run
    ids = [r["data"]["id"] for r in records]
    sampled = {i for i, keep in zip(ids, in_sample(ids), strict=True) if keep}
    with_text = {r["data"]["id"] for r in records if "messages" in r["request"]}
    assert with_text == sampled and len(sampled) > 100
    assert {label["request_id"] for label in truth.sample_labels} == sampled
    langs = {label["language"] for label in truth.sample_labels}
    assert {"en", "zh"} <= langs
    for r in records:
        for m in r["request"].get("messages", []):
            assert m["role"] in ("system", "user") and len(m["content"]) > 10


def test_every_template_renders_in_its_language() -> None:
    rng = random.Random(0)
    for lang, categories in TEMPLATES.items():
        assert set(categories) <= set(cal.CATEGORIES)
        for category, templates in categories.items():
            for template in templates:
                for text in (template.user, template.system or ""):
                    for name in slot_names(text):
                        assert name in SLOTS[lang] or name in ("snippet", "config", "query",
                                                               "file"), (lang, name)
            for _ in range(20):
                messages, subtag = render(lang, category, rng)
                assert messages[-1]["role"] == "user" and subtag
    for lang in ("en", "zh", "ru", "es", "th"):
        assert set(TEMPLATES[lang]) == set(cal.CATEGORIES)


# Calibration to the study --------------------------------------------------------------

def test_open_share_reasoning_prompts_and_geography(run: Any,
                                                    models: dict[str, dict[str, Any]]) -> None:
    _, _, records = run
    tokens: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    prompt: dict[str, list[int]] = defaultdict(list)
    country: dict[str, float] = defaultdict(float)
    for r in records:
        d = r["data"]
        info = models[_base(d["model"])]
        n = d["native_tokens_prompt"] + d["native_tokens_completion"]
        week = tokens[_week(d["created_at"])]
        week["all"] += n
        week["open"] += n * bool(info[schema.OPEN_WEIGHTS])
        week["reasoning"] += n * bool(info[schema.REASONING])
        prompt[_week(d["created_at"])].append(d["native_tokens_prompt"])
        country[r["country"]] += n
    weeks = sorted(tokens)
    open_share = [tokens[w]["open"] / tokens[w]["all"] for w in weeks]
    assert 0.08 <= _window(open_share, 4, last=False) <= 0.18
    assert 0.25 <= _window(open_share, 8, last=True) <= 0.40
    reasoning = [tokens[w]["reasoning"] / tokens[w]["all"] for w in weeks]
    assert _window(reasoning, 8, last=True) > 0.5
    assert _window(reasoning, 8, last=False) < 0.05
    avg_prompt = [float(np.mean(prompt[w])) for w in weeks]
    assert _window(avg_prompt, 8, last=True) >= 3 * _window(avg_prompt, 4, last=False)
    top = max(country, key=country.__getitem__)
    assert top == "US" and 0.40 <= country["US"] / sum(country.values()) <= 0.55


def test_programming_share_rises(run: Any) -> None:
    _, truth, _ = run
    programming = truth.expected["category_share"]["weekly"]["programming"]
    assert _window(programming, 4, last=False) < 20
    assert _window(programming, 8, last=True) > 45
    assert truth.expected["category_share"]["open"]["roleplay"] > 35


def test_tool_call_spike_is_one_account(run: Any) -> None:
    _, truth, records = run
    e = truth.expected
    spike = e["weeks"].index(cal.SPIKE_WEEK)
    around = e["tool_call_share"][spike - 3:spike] + e["tool_call_share"][spike + 1:spike + 4]
    assert e["tool_call_share"][spike] > 2 * max(around)
    by_user: dict[str, int] = defaultdict(int)
    for r in records:
        d = r["data"]
        if d["finish_reason"] == "tool_calls" and _week(d["created_at"]) == cal.SPIKE_WEEK:
            by_user[d["external_user"]] += d["native_tokens_prompt"]
    assert max(by_user.values()) > 0.5 * sum(by_user.values())


def _retention(records: list[dict[str, Any]], model: str) -> dict[str, dict[int, set[str]]]:
    """cohort month -> months since -> users active, straight from the records."""
    months: dict[str, set[str]] = defaultdict(set)
    for r in records:
        if _base(r["data"]["model"]) == model:
            months[r["data"]["external_user"]].add(r["data"]["created_at"][:7])
    out: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for user, active in months.items():
        cohort = min(active)
        for m in active:
            k = (int(m[:4]) - int(cohort[:4])) * 12 + int(m[5:]) - int(cohort[5:])
            out[cohort][k].add(user)
    return out


def _pooled(cohorts: dict[str, dict[int, set[str]]], names: list[str], k: int) -> float:
    users = sum(len(cohorts[c][0]) for c in names)
    return sum(len(cohorts[c][k]) for c in names) / users


def test_foundational_cohort_of_claude_sonnet_4(run: Any) -> None:
    _, _, records = run
    cohorts = _retention(records, "anthropic/claude-sonnet-4")
    early, later = ["2025-05", "2025-06"], ["2025-07", "2025-08"]
    assert sum(len(cohorts[c][0]) for c in early) >= 100
    # Month 3 is the last month every one of these cohorts has data for.
    assert _pooled(cohorts, early, 3) > _pooled(cohorts, later, 3) + 0.1
    assert _pooled(cohorts, ["2025-05"], 5) >= 0.25


def test_deepseek_r1_boomerang(run: Any) -> None:
    _, _, records = run
    cohorts = _retention(records, "deepseek/deepseek-r1")
    curve = [_pooled(cohorts, ["2025-01", "2025-02"], k) for k in range(7)]
    low = int(np.argmin(curve[1:4])) + 1
    assert max(curve[low + 1:]) > curve[low] + 0.1, curve


# Truth -----------------------------------------------------------------------------------

def test_truth_matches_a_direct_recomputation(run: Any,
                                              models: dict[str, dict[str, Any]]) -> None:
    _, truth, records = run
    e = truth.expected
    groups: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tool: dict[str, int] = defaultdict(int)
    completion: dict[str, list[int]] = defaultdict(list)
    country: dict[str, int] = defaultdict(int)
    for r in records:
        d = r["data"]
        info = models[_base(d["model"])]
        n = d["native_tokens_prompt"] + d["native_tokens_completion"]
        week = _week(d["created_at"])
        groups[week][schema.source_group(info[schema.OPEN_WEIGHTS], info[schema.ORIGIN])] += n
        tool[week] += n * (d["finish_reason"] == "tool_calls")
        completion[week].append(d["native_tokens_completion"])
        country[r["country"]] += n
    for i, week in enumerate(e["weeks"]):
        for g, series in e["source_group_tokens"].items():
            assert series[i] == groups[week][g]
        total = sum(groups[week].values())
        assert e["tool_call_share"][i] == pytest.approx(100 * tool[week] / total, abs=1e-3)
        assert e["avg_completion_tokens"][i] == pytest.approx(np.mean(completion[week]),
                                                              abs=0.06)
    total = sum(country.values())
    for code, share in e["country_share"].items():
        assert share == pytest.approx(100 * country[code] / total, abs=1e-3)
    direct = _retention(records, "deepseek/deepseek-r1")
    for cohort, row in e["retention"]["deepseek/deepseek-r1"].items():
        assert row["users"] == len(direct[cohort][0])
        assert row["retention"] == pytest.approx(
            [len(direct[cohort][k]) / row["users"] for k in range(len(row["retention"]))],
            abs=1e-4)
    assert set(e["continent_share"]) >= {"North America", "Asia", "Europe"}
    assert sum(e["language_share"].values()) == pytest.approx(100, abs=0.01)


def test_canonical_rows_match_the_jsonl(tmp_path: Path) -> None:
    config = SimConfig(rows=30_000, users=400)
    simulate_jsonl(config, tmp_path / "g.jsonl")
    lines = [orjson.loads(x) for x in (tmp_path / "g.jsonl").read_bytes().splitlines()]
    sim = Simulation(config)
    table = pa.Table.from_batches(list(sim.record_batches()))
    assert table.schema.equals(schema.REQUESTS, check_metadata=True)
    assert table[schema.REQUEST_ID].to_pylist() == [r["data"]["id"] for r in lines]
    assert table[schema.INPUT_TOKENS].to_pylist() == [
        r["data"]["native_tokens_prompt"] for r in lines]
    assert table[schema.MODEL_RAW].to_pylist() == [r["data"]["model"] for r in lines]
    assert table[schema.USER_ID].to_pylist() == [r["request"]["user"] for r in lines]
    assert set(table[schema.SOURCE].to_pylist()) == {"simulate"}
    assert sim.truth.expected["requests"] == simulate_jsonl(
        config, tmp_path / "h.jsonl").expected["requests"]


def test_to_store(tmp_path: Path) -> None:
    from tokencensus.store import Store

    seen: list[tuple[int, int]] = []
    truth = simulate_to_store(SimConfig(rows=5_000, users=200), tmp_path / "store",
                              progress=lambda done, total: seen.append((done, total)))
    batch = Store.open(tmp_path / "store").batches[-1]
    assert batch["stored"] == 5_000 and batch["format"] == "simulate"
    assert seen[-1] == (5_000, 5_000)
    assert truth.config["rows"] == 5_000


def test_models_missing_from_the_catalog_are_dropped() -> None:
    table = catalog.models_table()
    keep = [not m.startswith("x-ai/") for m in table[schema.MODEL].to_pylist()]
    sim = Simulation(SimConfig(rows=5_000, users=200), models=table.filter(pa.array(keep)))
    models = set(pa.concat_arrays([b[schema.MODEL] for b in sim.record_batches()]).to_pylist())
    assert models and not any(m.startswith("x-ai/") for m in models)


@pytest.mark.parametrize("kwargs", [{"rows": 0}, {"sample_rate": 0.0},
                                    {"start": dt.date(2025, 1, 2), "end": dt.date(2025, 1, 1)}])
def test_bad_config_is_an_input_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        SimConfig(**kwargs)
