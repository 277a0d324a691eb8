"""OpenRouter's typed fast path gives exactly map_record's result, or defers to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from span_support import FLAWED_BUT_UNREAD, NOT_JSON_ANYWHERE, json_values

from tokencensus.ingest.base import RecordError
from tokencensus.ingest.openrouter import OpenRouterGenerationReader
from tokencensus.ingest.validate import loads

GOLDEN = Path(__file__).parents[1] / "data" / "openrouter" / "generations.jsonl"
BASES = [json.loads(line) for line in GOLDEN.read_text().splitlines()]
READER = OpenRouterGenerationReader()


def every_prompt(_request_id: str) -> bool:
    return True


def assert_same_as_reference(line: dict[str, Any] | bytes) -> bool:
    """True when the fast path took the line (and then matched map_record exactly)."""
    # json.dumps writes integers beyond 64 bits too, as a log may hold them.
    raw = line if isinstance(line, bytes) else json.dumps(line).encode()
    fast = READER.map_fast(raw, every_prompt)
    if fast is None:
        return False
    try:
        reference = READER.map_record(loads(raw), every_prompt)
    except (RecordError, orjson.JSONDecodeError) as e:
        raise AssertionError(f"the fast path mapped a line the reference rejects ({e}): "
                             f"{raw[:300]!r}") from None
    assert fast == reference
    return True


def test_documented_records_in_the_envelope_take_the_fast_path() -> None:
    request = {"model": "openai/gpt-4o", "user": "u-1", "tools": [{"type": "function"}],
               "messages": [{"role": "system", "content": "Be brief."},
                            {"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}
    for base in BASES:
        assert assert_same_as_reference(base)
        assert assert_same_as_reference({**base, "request": request, "country": "de"})


def test_other_shapes_go_to_map_record() -> None:
    data = BASES[0]["data"]
    for line in (data,  # a bare generation
                 {"data": {**data, "id": None}},  # an id to derive from the record
                 {"data": {**data, "native_tokens_prompt": 12.0}},  # lenient whole float
                 {"data": {**data, "app_id": 2**70}},
                 {**BASES[0], "request": {}}, {**BASES[0], "request": {"stream": True}},
                 {"data": {**data, "created_at": 1737842322}},  # Unix seconds
                 {"data": {**data, "created_at": "soon"}}, {**BASES[0], "country": "USA"}):
        assert READER.map_fast(json.dumps(line).encode(), every_prompt) is None


fields = st.sampled_from([
    "id", "created_at", "model", "native_tokens_prompt", "native_tokens_completion",
    "tokens_prompt", "tokens_completion", "native_tokens_cached", "native_tokens_reasoning",
    "cancelled", "finish_reason", "external_user", "http_referer", "origin", "app_id",
    "provider_name", "total_cost", "is_byok", "latency", "streamed"])
plain = {
    "created_at": st.sampled_from(["2025-01-25T21:58:42.249238+00:00", "2025-01-25T21:58:42Z",
                                   "2025-01-25 21:58:42", "2025-01-25"]),
    "native_tokens_prompt": st.integers(0, 10**6) | st.none(),
    "finish_reason": st.sampled_from(["stop", "length", "tool_calls", "error", "", "weird"])
    | st.none(),
    "cancelled": st.booleans() | st.none(),
    "total_cost": st.floats(0, 10) | st.integers(0, 10) | st.none(),
    "app_id": st.integers(0, 10**9) | st.text(max_size=4) | st.none(),
}
odd = json_values | st.integers(-2**66, 2**66) | st.floats(allow_nan=False,
                                                             allow_infinity=False)
requests = st.none() | st.fixed_dictionaries({}, optional={
    "model": json_values, "user": st.text(max_size=4) | json_values,
    "tools": st.lists(json_values, max_size=2) | json_values,
    "messages": st.lists(st.fixed_dictionaries({"role": st.sampled_from(
        ["system", "user", "assistant"]), "content": st.text(max_size=6) | json_values}),
        max_size=3) | json_values,
    "stream": st.booleans()})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(BASES), plain_values=st.fixed_dictionaries({}, optional=plain),
       odd_values=st.dictionaries(fields, odd, max_size=2), request=requests,
       country=st.sampled_from([None, "", "us", "DE", "USA", "1x"]) | json_values)
def test_mutated_lines_give_map_record_s_result_or_defer(
        base: dict[str, Any], plain_values: dict[str, Any], odd_values: dict[str, Any],
        request: Any, country: Any) -> None:
    line = {"data": {**base["data"], **plain_values, **odd_values}, "country": country}
    if request is not None:
        line["request"] = request
    assert_same_as_reference(line)


def test_most_plain_lines_take_the_fast_path() -> None:
    """The property test is only meaningful if plain lines really take the fast path."""
    taken = sum(assert_same_as_reference(
        {"data": {**BASES[i % 2]["data"], "id": f"gen-{i}", "native_tokens_prompt": i},
         "request": {"messages": [{"role": "user", "content": f"p{i}"}]}, "country": "fr"})
        for i in range(50))
    assert taken == 50


@pytest.mark.parametrize("extra", FLAWED_BUT_UNREAD.values(), ids=FLAWED_BUT_UNREAD.keys())
def test_a_flaw_in_a_field_no_one_reads_costs_no_record(extra: bytes) -> None:
    clean = GOLDEN.read_bytes().splitlines()[0].strip()
    raw = b"{" + extra + clean[1:]
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(raw)
    assert assert_same_as_reference(raw)  # the fast path takes it, and matches
    chunk = READER.map_block([(1, raw)], every_prompt)
    assert not chunk.rejects
    assert chunk.rows == READER.map_block([(1, clean)], every_prompt).rows


@pytest.mark.parametrize("number", ["1e400", "1" + "0" * 309, "-1" + "0" * 5000])
def test_a_flaw_in_a_field_read_is_still_a_reject(number: str) -> None:
    line = json.loads(GOLDEN.read_bytes().splitlines()[0])
    raw = json.dumps(line).replace('"total_cost": ', f'"total_cost": {number}, "x": ').encode()
    assert READER.map_fast(raw, every_prompt) is None
    (reject,) = READER.map_block([(1, raw)], every_prompt).rejects
    assert "total_cost: expected a finite number" in reject.reason


def test_a_record_without_an_id_and_a_flaw_elsewhere_is_hashed() -> None:
    """The id is the record's hash: orjson must be able to write what the second
    reading made of the line (integers beyond 64 bits are floats, as orjson reads them)."""
    data = json.loads(GOLDEN.read_bytes().splitlines()[0])["data"]
    line = json.dumps({**data, "id": None, "x": 2**64}).encode()[:-1] + b', "y": "\xff"}'
    chunk = READER.map_block([(1, line)], every_prompt)
    assert not chunk.rejects and chunk.rows is not None
    assert chunk.rows.column("request_id")[0].as_py().startswith("sha256:")


@pytest.mark.parametrize("extra", NOT_JSON_ANYWHERE.values(), ids=NOT_JSON_ANYWHERE.keys())
def test_lines_no_json_reader_reads_are_rejected_either_way(extra: bytes) -> None:
    raw = b"{" + extra + GOLDEN.read_bytes().splitlines()[0].strip()[1:]
    assert READER.map_fast(raw, every_prompt) is None
    chunk = READER.map_block([(1, raw)], every_prompt)
    assert chunk.rows is None and chunk.rejects[0].reason.startswith("invalid JSON")
