"""User overrides (TOML) and the `tokencensus models` commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tokencensus import catalog, schema
from tokencensus.errors import InputError
from tokencensus.store import Store

OVERRIDES = """
[aliases]
"my-team-gpt" = "openai/gpt-4o"
"acme-coder:7b" = "acme/coder-7b"

[models."acme/coder-7b"]
display_name = "Acme Coder 7B"
open_weights = true
origin = "ROW"
params_b = 7
reasoning = false
release_date = 2025-03-01
price_input = 2e-7
price_output = 6e-7

[models."openai/gpt-4o"]
display_name = "GPT-4o (corrected)"
"""


@pytest.fixture
def overrides(tmp_path: Path) -> Path:
    path = tmp_path / "models.toml"
    path.write_text(OVERRIDES, encoding="utf-8")
    return path


def test_overrides_add_aliases_and_models(overrides: Path) -> None:
    cat = catalog.load(overrides)
    assert cat.resolve("My-Team-GPT") == "openai/gpt-4o"
    assert cat.resolve("acme-coder:7b") == "acme/coder-7b"
    row = cat.row("acme/coder-7b")
    assert row is not None
    assert (row["author"], row["origin"], row["size_bucket"]) == ("acme", "ROW", "small")
    assert row["release_date"] == dt.date(2025, 3, 1)
    assert cat.row("openai/gpt-4o")["display_name"] == "GPT-4o (corrected)"
    assert cat.row("openai/gpt-4o")["open_weights"] is False  # untouched fields stay
    assert cat.models_table().schema.equals(schema.MODELS, check_metadata=True)
    assert cat.models_table().num_rows == catalog.bundled_models().num_rows + 1
    assert cat.price_on("acme/coder-7b", dt.date(2025, 6, 1)).input == pytest.approx(2e-7)
    # The bundled catalog is unchanged.
    assert catalog.load().resolve("my-team-gpt") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[aliases]\n"x" = "nobody/nothing"\n', "not a catalog model"),
        ('[models."acme/x"]\ncolour = "red"\n', "unknown field 'colour'"),
        ('[models."newlab/x"]\nopen_weights = true\n', 'add origin = "CN" or "ROW"'),
        ('[models."acme/x"]\norigin = "ROW"\nopen_weights = "yes"\n', "wrong type"),
        ('[models."NoSlash"]\norigin = "ROW"\n', "'author/name' slug"),
        ("[extras]\n", "unknown section"),
        ("not toml = = 1\n", "not valid TOML"),
    ],
)
def test_bad_overrides_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        catalog.load(path)
    assert str(path) in str(info.value)


def test_environment_variable_selects_the_overrides(
    overrides: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(catalog.ENV_OVERRIDES, str(overrides))
    assert catalog.resolve("my-team-gpt") == "openai/gpt-4o"
    assert "acme/coder-7b" in catalog.models_table()["model"].to_pylist()
    monkeypatch.delenv(catalog.ENV_OVERRIDES)
    assert catalog.resolve("my-team-gpt") is None


def tc(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    run_env = {k: v for k, v in os.environ.items() if k != catalog.ENV_OVERRIDES}
    done = subprocess.run([sys.executable, "-m", "tokencensus", *args], capture_output=True,
                          text=True, timeout=120, env={**run_env, **(env or {})})
    assert done.returncode == 0, done.stderr
    return done


def test_cli_models_resolve_json(overrides: Path) -> None:
    out = json.loads(tc("models", "resolve", "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
                        "qwen2.5-coder:32b-instruct-q4_K_M", "acme-coder:7b", "nope/none",
                        "--json", "--catalog-overrides", str(overrides)).stdout)
    assert [r["raw"] for r in out][0] == "us.anthropic.claude-3-5-sonnet-20241022-v2:0"
    keys = {"raw", "model", "author", "open_weights", "origin", "size_bucket", "reasoning",
            "release_date"}
    assert all(set(r) == keys for r in out)
    claude, qwen, acme, unknown = out
    assert (claude["model"], claude["open_weights"], claude["origin"]) == \
        ("anthropic/claude-3.5-sonnet", False, "ROW")
    assert (qwen["author"], qwen["open_weights"], qwen["origin"], qwen["size_bucket"]) == \
        ("qwen", True, "CN", "medium")
    assert (acme["model"], acme["release_date"]) == ("acme/coder-7b", "2025-03-01")
    assert unknown["model"] is None and unknown["author"] is None


def test_cli_models_list_json() -> None:
    out = json.loads(tc("models", "list", "--author", "deepseek", "--json").stdout)
    assert out and {r["author"] for r in out} == {"deepseek"}
    assert all(r["origin"] == "CN" for r in out)


def _store(path: Path) -> None:
    rows: list[dict[str, Any]] = []
    for i, (raw, model, tokens) in enumerate([
        ("acme-coder:7b", None, 500),
        ("mystery-model", None, 900),
        ("mystery-model", None, 100),
        ("gpt-4o", "openai/gpt-4o", 10_000),
    ]):
        rows.append({schema.REQUEST_ID: f"r{i}", schema.TS: dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
                     schema.SOURCE: "test", schema.BATCH: "", schema.MODEL_RAW: raw,
                     schema.MODEL: model, schema.REQUESTS_COUNT: 1, schema.INPUT_TOKENS: tokens,
                     schema.OUTPUT_TOKENS: 0, schema.TOKENS_ESTIMATED: False})
    store = Store.open(path, create=True)
    with store.batch(source_path="test.jsonl", fmt="test") as b:
        b.add_rows(pa.Table.from_pylist(rows, schema=schema.REQUESTS))


def test_cli_models_unknown_ranks_by_tokens_with_the_override_line(
    tmp_path: Path, overrides: Path
) -> None:
    _store(tmp_path / "store")
    out = json.loads(tc("models", "unknown", "--store", str(tmp_path / "store"), "--json",
                        env={catalog.ENV_OVERRIDES: str(overrides)}).stdout)
    assert [(r["raw"], r["tokens"], r["requests"]) for r in out] == \
        [("mystery-model", 1000, 2), ("acme-coder:7b", 500, 1)]
    assert out[0]["override"] == '"mystery-model" = "AUTHOR/NAME"'
    assert out[1]["resolves_now"] == "acme/coder-7b"  # added by the overrides since ingest
    text = tc("models", "unknown", "--store", str(tmp_path / "store")).stdout
    assert '"mystery-model" = "AUTHOR/NAME"' in text and "[aliases]" in text
