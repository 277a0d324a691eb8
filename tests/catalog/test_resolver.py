"""resolve() on real raw model names (tests/data/catalog/raw_names.csv) and on every spelling rule.

The CSV's expected answers were checked by hand (see tests/data/catalog/SOURCES.md):
``expected_model`` empty means the exact model is not in the catalog (or the
name is a base/chat sibling or a moving ``-latest`` pointer), so unknown or any
model of ``expected_author`` is accepted; ``expected_author`` empty means the
name is not a model (a router or a price tier) and must stay unknown.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from tokencensus import catalog
from tokencensus.catalog.resolve import loose_key, name_key

RAW_NAMES = Path(__file__).parents[1] / "data" / "catalog" / "raw_names.csv"


def _rows() -> list[dict[str, str]]:
    with RAW_NAMES.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _attrs() -> dict[str, dict[str, Any]]:
    return {r["model"]: r for r in catalog.models_table().to_pylist()}


def test_raw_names_are_many_real_and_sourced() -> None:
    rows = _rows()
    assert len(rows) >= 300
    assert len({r["raw"] for r in rows}) == len(rows)
    kinds = {r["source"].split(":", 1)[0] for r in rows}
    assert {"litellm", "ollama", "gguf", "openrouter", "huggingface"} <= kinds
    assert all(r["expected_open_weights"] in ("true", "false", "") for r in rows)


def test_resolver_accuracy_on_real_names() -> None:
    attrs = _attrs()
    resolved = right_author = exact = expected_exact = 0
    wrong_author: list[tuple[str, str]] = []
    wrong_open: list[tuple[str, str]] = []
    not_a_model: list[tuple[str, str]] = []
    for r in _rows():
        hit = catalog.resolve(r["raw"])
        if r["expected_model"]:
            expected_exact += 1
            exact += hit == r["expected_model"]
        if hit is None:
            continue
        resolved += 1
        if not r["expected_author"]:
            not_a_model.append((r["raw"], hit))
            continue
        row = attrs[hit]
        if row["author"] == r["expected_author"]:
            right_author += 1
        else:
            wrong_author.append((r["raw"], hit))
        want = r["expected_open_weights"]
        if want and row["open_weights"] is not None and row["open_weights"] != (want == "true"):
            wrong_open.append((r["raw"], hit))
    assert not not_a_model
    assert not wrong_open, "a wrong open/closed answer is never allowed"
    assert right_author / resolved >= 0.98, wrong_author
    assert exact / expected_exact >= 0.98
    assert resolved / len(_rows()) >= 0.75  # unknown is allowed, but most names resolve


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # gateway and provider prefixes
        ("openrouter/anthropic/claude-3.5-sonnet", "anthropic/claude-3.5-sonnet"),
        ("bedrock/us-east-1/anthropic.claude-v2:1", "anthropic/claude-2.1"),
        ("vertex_ai/gemini-2.5-pro", "google/gemini-2.5-pro"),
        ("azure/eu/gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini-2024-07-18"),
        ("groq/llama-3.3-70b-versatile", "meta-llama/llama-3.3-70b-instruct"),
        ("together_ai/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo",
         "meta-llama/llama-3.1-70b-instruct"),
        ("fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct",
         "meta-llama/llama-3.1-8b-instruct"),
        ("deepinfra/Qwen/Qwen3-235B-A22B", "qwen/qwen3-235b-a22b"),
        ("cloudflare/@cf/openai/gpt-oss-120b", "openai/gpt-oss-120b"),
        ("gradient_ai/anthropic-claude-3.7-sonnet", "anthropic/claude-3.7-sonnet"),
        ("cerebras/zai-glm-4.6", "z-ai/glm-4.6"),
        # Bedrock and Vertex ids
        ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "anthropic/claude-3.5-sonnet"),
        ("anthropic.claude-3-haiku-20240307-v1:0", "anthropic/claude-3-haiku"),
        ("meta.llama3-1-70b-instruct-v1:0", "meta-llama/llama-3.1-70b-instruct"),
        ("us.deepseek.r1-v1:0", "deepseek/deepseek-r1"),
        ("claude-3-5-sonnet-v2@20241022", "anthropic/claude-3.5-sonnet"),
        ("vertex_ai/claude-3-7-sonnet@20250219", "anthropic/claude-3.7-sonnet"),
        # dated versions, case and separators
        ("claude-3-5-sonnet-20241022", "anthropic/claude-3.5-sonnet"),
        ("claude-sonnet-4-20250514", "anthropic/claude-sonnet-4"),
        ("Claude-3.5-Sonnet", "anthropic/claude-3.5-sonnet"),
        ("gpt-4o", "openai/gpt-4o"),
        ("azure/gpt-35-turbo-0125", "openai/gpt-3.5-turbo-0125"),
        # OpenRouter aliases and variants
        ("deepseek/deepseek-r1:free", "deepseek/deepseek-r1"),
        ("anthropic/claude-3.7-sonnet:thinking", "anthropic/claude-3.7-sonnet"),
        ("~anthropic/claude-haiku-latest", "anthropic/claude-haiku-4.5"),
        # Hugging Face ids, GGUF repositories and files, Ollama tags
        ("meta-llama/Meta-Llama-3.1-8B-Instruct", "meta-llama/llama-3.1-8b-instruct"),
        ("deepseek-ai/DeepSeek-V3", "deepseek/deepseek-chat"),
        ("bartowski/Qwen2.5-Coder-32B-Instruct-GGUF", "qwen/qwen-2.5-coder-32b-instruct"),
        ("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "meta-llama/llama-3.1-8b-instruct"),
        ("hf.co/unsloth/Qwen3-30B-A3B-GGUF:Q4_K_M", "qwen/qwen3-30b-a3b"),
        ("qwen2.5-coder:32b-instruct-q4_K_M", "qwen/qwen-2.5-coder-32b-instruct"),
        ("llama3.1:8b", "meta-llama/llama-3.1-8b-instruct"),
        ("gpt-oss:20b", "openai/gpt-oss-20b"),
        ("ft:gpt-4o-mini-2024-07-18:acme::abc123", "openai/gpt-4o-mini-2024-07-18"),
        # never a guess
        ("deepseek-r1:7b", None),  # a Qwen distill, not DeepSeek-R1 itself
        ("perplexity/mistral-7b-instruct", None),  # the org is not the model's lab
        ("unknown-lab/unknown-model", None),
        ("openrouter/auto", None),
    ],
)
def test_resolve_spellings(raw: str, expected: str | None) -> None:
    assert catalog.resolve(raw) == expected


def test_every_model_resolves_from_its_gateway_spellings() -> None:
    for slug in catalog.models_table()["model"].to_pylist():
        assert catalog.resolve(slug.upper()) == slug
        assert catalog.resolve(f"openrouter/{slug}:free") == slug


def test_keys_ignore_case_separators_and_version_spelling() -> None:
    assert name_key("claude-3-5-sonnet") == name_key("Claude_3.5_Sonnet")
    assert name_key("llama-v3p1-8b-instruct") == name_key("Meta-Llama-3.1-8B-Instruct")
    assert name_key("qwen2.5-72b") != name_key("qwen2-57b")
    assert loose_key("claude-4-sonnet") == loose_key("claude-sonnet-4")
    assert loose_key("gemma-3-27b-it") == loose_key("gemma-3-27b")
