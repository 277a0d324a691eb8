"""The bundled model catalog and countries table: schema, facts, resolve(), rebuilds."""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pytest

from tokencensus import catalog, schema
from tokencensus.catalog import countries_table, is_free_variant, models_table, resolve

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "tokencensus" / "catalog" / "data"
UPSTREAM = REPO / "data" / "upstream"

# (open_weights, origin, reasoning, release_date) checked against the sources:
# models.dev / OpenRouter for snapshot models, vendor announcements for retired ones.
SIMULATOR_MODELS: dict[str, tuple[bool, str, bool, str]] = {
    "openai/gpt-4o-mini": (False, "ROW", False, "2024-07-18"),
    "openai/gpt-4o": (False, "ROW", False, "2024-05-13"),
    "openai/gpt-4.1": (False, "ROW", False, "2025-04-14"),
    "openai/o3": (False, "ROW", True, "2025-04-16"),
    "openai/gpt-5": (False, "ROW", True, "2025-08-07"),
    "anthropic/claude-3.5-sonnet": (False, "ROW", False, "2024-10-22"),
    "anthropic/claude-3.7-sonnet": (False, "ROW", True, "2025-02-24"),
    "anthropic/claude-sonnet-4": (False, "ROW", True, "2025-05-22"),
    "anthropic/claude-opus-4": (False, "ROW", True, "2025-05-22"),
    "anthropic/claude-sonnet-4.5": (False, "ROW", True, "2025-09-29"),
    "anthropic/claude-haiku-4.5": (False, "ROW", True, "2025-10-15"),
    "google/gemini-2.0-flash-001": (False, "ROW", False, "2025-02-05"),
    "google/gemini-2.5-flash": (False, "ROW", True, "2025-06-17"),
    "google/gemini-2.5-pro": (False, "ROW", True, "2025-06-17"),
    "x-ai/grok-code-fast-1": (False, "ROW", True, "2025-08-26"),
    "x-ai/grok-4": (False, "ROW", True, "2025-07-09"),
    "deepseek/deepseek-chat": (True, "CN", False, "2024-12-26"),
    "deepseek/deepseek-r1": (True, "CN", True, "2025-01-20"),
    "deepseek/deepseek-chat-v3-0324": (True, "CN", False, "2025-03-24"),
    "deepseek/deepseek-r1-0528": (True, "CN", True, "2025-05-28"),
    "deepseek/deepseek-chat-v3.1": (True, "CN", True, "2025-08-21"),
    "qwen/qwen-2.5-72b-instruct": (True, "CN", False, "2024-09-19"),
    "qwen/qwen3-235b-a22b": (True, "CN", True, "2025-04-28"),
    "qwen/qwen3-coder": (True, "CN", False, "2025-07-23"),
    "z-ai/glm-4.5": (True, "CN", True, "2025-07-28"),
    "moonshotai/kimi-k2": (True, "CN", False, "2025-07-11"),
    "minimax/minimax-m2": (True, "CN", True, "2025-10-27"),
    "meta-llama/llama-3.3-70b-instruct": (True, "ROW", False, "2024-12-06"),
    "meta-llama/llama-3.1-8b-instruct": (True, "ROW", False, "2024-07-23"),
    "meta-llama/llama-4-maverick": (True, "ROW", False, "2025-04-05"),
    "mistralai/mistral-nemo": (True, "ROW", False, "2024-07-18"),
    "mistralai/mistral-small-3.2-24b-instruct": (True, "ROW", False, "2025-06-20"),
    "google/gemma-3-27b-it": (True, "ROW", False, "2025-03-12"),
    "openai/gpt-oss-120b": (True, "ROW", True, "2025-08-05"),
    "openai/gpt-oss-20b": (True, "ROW", True, "2025-08-05"),
    "sao10k/l3.3-euryale-70b": (True, "ROW", False, "2024-12-18"),
    "microsoft/phi-4": (True, "ROW", False, "2025-01-10"),
}


def _row(model: str) -> dict[str, Any]:
    table = models_table()
    rows = table.filter(pc.equal(table["model"], model)).to_pylist()
    assert len(rows) == 1, f"{model} should be in models.csv exactly once"
    return rows[0]


def test_models_table_is_exactly_the_schema() -> None:
    table = models_table()
    assert table.schema.equals(schema.MODELS, check_metadata=True)
    assert table.schema.field("release_date").type == schema.MODELS.field("release_date").type
    assert models_table() is table  # cached


def test_models_are_unique_sorted_and_many() -> None:
    models = models_table()["model"].to_pylist()
    assert len(models) >= 500
    assert models == sorted(set(models))
    assert not any(":" in m or m.startswith("~") for m in models)


def test_every_author_has_an_origin_and_matches_the_slug() -> None:
    for row in models_table().to_pylist():
        assert row["origin"] in ("CN", "ROW"), row["model"]
        assert row["model"].split("/", 1)[0] == row["author"]


def test_derived_columns_are_consistent() -> None:
    for row in models_table().to_pylist():
        assert row["size_bucket"] == schema.size_bucket(row["params_b"]), row["model"]
        if row["params_b"] is not None:
            assert row["open_weights"] is True, f"{row['model']}: params only for open models"


def test_openrouter_models_have_release_dates() -> None:
    # LiteLLM-only models may lack one (LiteLLM has no release dates); OpenRouter's never do.
    found = sorted((UPSTREAM / "model_catalog").glob("openrouter_api_v1_models_*.json"))
    assert found, f"OpenRouter snapshot not found under {UPSTREAM}"
    entries = json.loads(found[-1].read_text(encoding="utf-8"))["data"]
    text = {e["id"].split(":")[0] for e in entries
            if e["architecture"]["output_modalities"] == ["text"]}
    dated = {r["model"]: r["release_date"] for r in models_table().to_pylist()}
    assert not sorted(m for m in text & set(dated) if dated[m] is None)
    assert len(text & set(dated)) >= 300


@pytest.mark.parametrize("model", sorted(SIMULATOR_MODELS))
def test_simulator_models_have_verified_attributes(model: str) -> None:
    open_weights, origin, reasoning, released = SIMULATOR_MODELS[model]
    row = _row(model)
    assert row["open_weights"] is open_weights
    assert row["origin"] == origin
    assert row["reasoning"] is reasoning
    assert row["release_date"] == date.fromisoformat(released)
    assert row["price_input"] and row["price_output"]
    assert row["context_length"]
    if open_weights:
        assert row["params_b"] is not None and row["size_bucket"] is not None


@pytest.mark.parametrize(
    ("model", "bucket", "group"),
    [
        ("deepseek/deepseek-r1", "large", "Chinese open"),
        ("meta-llama/llama-3.3-70b-instruct", "large", "RoW open"),
        ("mistralai/mistral-small-3.2-24b-instruct", "medium", "RoW open"),
        ("meta-llama/llama-3.1-8b-instruct", "small", "RoW open"),
        ("anthropic/claude-sonnet-4", None, "Proprietary"),
    ],
)
def test_spot_checks(model: str, bucket: str | None, group: str) -> None:
    row = _row(model)
    assert row["size_bucket"] == bucket
    assert schema.source_group(row["open_weights"], row["origin"]) == group


def test_retired_models_are_priced_from_litellm() -> None:
    sonnet = _row("anthropic/claude-3.5-sonnet")
    assert (sonnet["price_input"], sonnet["price_output"]) == (3e-06, 1.5e-05)
    grok = _row("x-ai/grok-code-fast-1")
    assert (grok["price_input"], grok["price_cache_read"]) == (2e-07, 2e-08)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("deepseek/deepseek-r1", "deepseek/deepseek-r1"),
        ("DeepSeek/DeepSeek-R1", "deepseek/deepseek-r1"),
        ("  openai/gpt-4o  ", "openai/gpt-4o"),
        ("deepseek/deepseek-chat-v3-0324:free", "deepseek/deepseek-chat-v3-0324"),
        ("anthropic/claude-3.7-sonnet:thinking", "anthropic/claude-3.7-sonnet"),
        ("anthropic/claude-3.7-sonnet:beta", "anthropic/claude-3.7-sonnet"),
        ("openai/gpt-4o:extended", "openai/gpt-4o"),
        ("meta-llama/llama-3.3-70b-instruct:nitro", "meta-llama/llama-3.3-70b-instruct"),
        ("openai/gpt-4o-mini:floor", "openai/gpt-4o-mini"),
        ("openai/gpt-4o:online", "openai/gpt-4o"),
        ("openai/gpt-5:batch", "openai/gpt-5"),
        ("openai/gpt-4o:free:online", "openai/gpt-4o"),
        ("qwen/qwen3.8-27b-20260814", "qwen/qwen3.8-27b"),
        ("openai/gpt-4.1-2025-04-14", "openai/gpt-4.1"),
        ("anthropic/claude-4-sonnet-20250522", "anthropic/claude-sonnet-4"),
        ("qwen/qwen3-coder-480b-a35b-07-25:free", "qwen/qwen3-coder"),
        ("~anthropic/claude-haiku-latest", "anthropic/claude-haiku-4.5"),
        ("unknown-lab/unknown-model", None),
        ("openai/gpt-4o:no-such-variant", None),
        ("gpt-4o", "openai/gpt-4o"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_resolve(raw: str | None, expected: str | None) -> None:
    assert resolve(raw) == expected


def test_every_alias_points_at_a_model() -> None:
    names = catalog.bundled_names()
    assert names.aliases
    assert set(names.aliases.values()) <= names.models
    assert not set(names.aliases) & names.models


def test_is_free_variant() -> None:
    assert is_free_variant("deepseek/deepseek-r1:free")
    assert is_free_variant("DeepSeek/DeepSeek-R1:FREE")
    assert not is_free_variant("deepseek/deepseek-r1")
    assert not is_free_variant("openai/gpt-5:batch")
    assert not is_free_variant("acme/free")


def test_docstring_examples_run() -> None:
    for module in (catalog, sys.modules["tokencensus.catalog.resolve"]):
        failed, attempted = doctest.testmod(module)
        assert attempted and not failed, module.__name__


def test_countries_table_is_exactly_the_schema() -> None:
    table = countries_table()
    assert table.schema.equals(schema.COUNTRIES, check_metadata=True)
    codes = table["country"].to_pylist()
    assert len(codes) >= 240
    assert len(codes) == len(set(codes))
    assert all(len(c) == 2 and c.isupper() for c in codes)
    assert set(table["continent"].to_pylist()) <= set(schema.CONTINENTS)


@pytest.mark.parametrize(
    ("code", "continent"),
    [
        ("US", "North America"),
        ("BR", "South America"),
        ("SG", "Asia"),
        ("DE", "Europe"),
        ("AU", "Oceania"),
        ("NG", "Africa"),
        ("MX", "North America"),
        ("CN", "Asia"),
        ("TW", "Asia"),
        ("AQ", "Antarctica"),
        ("NA", "Africa"),
        ("JM", "North America"),
    ],
)
def test_country_continents(code: str, continent: str) -> None:
    table = countries_table()
    rows = table.filter(pc.equal(table["country"], code)).to_pylist()
    assert [r["continent"] for r in rows] == [continent]


def _run(script: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / script), *args],
        check=True,
        capture_output=True,
        text=True,
    )


def test_countries_rebuild_is_identical(tmp_path: Path) -> None:
    _run("build_countries.py", "--out", str(tmp_path))
    assert (tmp_path / "countries.csv").read_bytes() == (DATA / "countries.csv").read_bytes()


def test_catalog_rebuild_is_identical(tmp_path: Path) -> None:
    for out in (tmp_path / "a", tmp_path / "b"):
        _run("build_catalog.py", "--out", str(out))
    for name in ("models.csv", "aliases.csv", "prices.csv"):
        built = (tmp_path / "a" / name).read_bytes()
        assert built == (tmp_path / "b" / name).read_bytes(), f"{name} differs between runs"
        assert built == (DATA / name).read_bytes(), f"committed {name} is stale; rerun the script"
