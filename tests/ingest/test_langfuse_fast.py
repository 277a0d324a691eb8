"""Langfuse's typed fast path gives exactly the reference's record, or defers to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from span_support import json_values

from tokencensus.ingest.base import RecordError
from tokencensus.ingest.common_llm import SKIP, export_line_records
from tokencensus.ingest.langfuse import _generations, map_line_fast, map_observation
from tokencensus.ingest.tabular import BadRecord

GOLDEN = Path(__file__).parents[1] / "data" / "langfuse" / "export.jsonl"
LINES = [json.loads(line) for line in GOLDEN.read_text().splitlines() if line.strip()]
GENERATIONS = [line for line in LINES if line["type"] == "GENERATION"]


def every_prompt(_request_id: str) -> bool:
    return True


def reference(raw: bytes) -> Any:
    """What the reference path makes of one line: SKIP, a record, or the RecordError."""
    kept = list(_generations(export_line_records(1, raw, ("data",))))
    if not kept:
        return SKIP
    ((_, _, obs),) = kept
    if isinstance(obs, BadRecord):
        return RecordError(obs.reason)
    try:
        return map_observation(obs, None)
    except RecordError as e:
        return e


def assert_same_as_reference(line: dict[str, Any] | bytes) -> bool:
    """True when the fast path took the line (and then matched the reference exactly)."""
    raw = line if isinstance(line, bytes) else json.dumps(line).encode()
    fast = map_line_fast(raw, None)
    if fast is None:
        return False
    expected = reference(raw)
    assert not isinstance(expected, RecordError), (
        f"the fast path mapped a line the reference rejects ({expected}): {raw[:300]!r}")
    assert fast == expected
    return True


def test_documented_lines_take_the_fast_path() -> None:
    for line in LINES:
        assert assert_same_as_reference(line)
    assert sum(map_line_fast(json.dumps(line).encode(), None) is SKIP for line in LINES) == 2


def test_sampled_prompts_and_other_shapes_go_the_reference_way() -> None:
    generation = GENERATIONS[0]
    raw = json.dumps(generation).encode()
    assert map_line_fast(raw, every_prompt) is None  # its prompt is wanted
    for line in ({"data": [generation], "meta": {"page": 1}},  # an API page
                 {**generation, "usageDetails": {"input": 12.5}},  # a reason to give
                 {**generation, "startTime": None}, [generation], "GENERATION",
                 {**generation, "usageDetails": {"input": 2**64}}):  # orjson: a float
        assert map_line_fast(json.dumps(line).encode(), None) is None


fields = st.sampled_from([
    "type", "id", "traceId", "startTime", "endTime", "completionStartTime", "level",
    "usageDetails", "usage", "costDetails", "totalCost", "calculatedTotalCost",
    "toolDefinitionsCount", "toolCallsCount", "model", "providedModelName", "userId",
    "sessionId", "input", "data", "observations"])
counts = st.integers(0, 10**6) | st.none() | st.floats(0, 1e6) | st.integers(-5, 2**66)
plain = {
    "type": st.sampled_from(["GENERATION", "SPAN", "EVENT", "", "generation"]) | st.none(),
    "startTime": st.sampled_from(["2025-08-22T09:38:56.232Z", "2025-08-22 09:38:56",
                                  "2025-08-22", "soon"]) | st.integers(0, 2**40),
    "endTime": st.sampled_from(["2025-08-22T09:38:58.232Z", "2025-08-22T09:30:00Z"])
    | st.none() | st.floats(1.7e9, 1.8e9),
    "level": st.sampled_from(["DEBUG", "DEFAULT", "WARNING", "ERROR", "FATAL"]) | st.none(),
    "usageDetails": st.dictionaries(st.sampled_from(
        ["input", "output", "total", "input_cache_read", "input_cached_tokens",
         "input_cache_creation_5m", "output_reasoning_tokens", "cache_read_input_tokens"]),
        counts, max_size=5) | st.none(),
    "usage": st.fixed_dictionaries({}, optional={"input": counts, "output": counts,
                                                 "unit": st.just("TOKENS")}) | st.none(),
    "costDetails": st.fixed_dictionaries({}, optional={"total": counts, "input": counts})
    | st.none(),
    "totalCost": counts, "toolDefinitionsCount": counts, "toolCallsCount": counts,
    "model": st.sampled_from(["gpt-4o", "", None]) | st.integers(0, 9),
}
# Integers at the edges of int64 and u64, where orjson's values (an int, then a float)
# and msgspec's part ways.
edges = st.sampled_from([2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**65, -2**63, -2**63 - 1])
odd = json_values | st.integers(-2**66, 2**66) | edges | st.floats(allow_nan=False,
                                                                    allow_infinity=False)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(LINES), plain_values=st.fixed_dictionaries({}, optional=plain),
       odd_values=st.dictionaries(fields, odd, max_size=2),
       dropped=st.sets(fields, max_size=3))
def test_mutated_observations_give_the_reference_record_or_defer(
        base: dict[str, Any], plain_values: dict[str, Any], odd_values: dict[str, Any],
        dropped: set[str]) -> None:
    line = {**base, **plain_values, **odd_values}
    for name in dropped:
        line.pop(name, None)
    fast = map_line_fast(json.dumps(line).encode(), None)
    if fast is SKIP:
        assert reference(json.dumps(line).encode()) is SKIP
    else:
        assert_same_as_reference(line)


def test_most_plain_generations_take_the_fast_path() -> None:
    """The property test is only meaningful if plain lines really take the fast path."""
    taken = sum(assert_same_as_reference(
        {**GENERATIONS[i % 2], "id": f"obs-{i}", "usageDetails": {"input": i, "output": 2 * i}})
        for i in range(50))
    assert taken == 50


def test_integers_beyond_int64_in_read_fields_match_the_reference() -> None:
    """orjson makes such an integer a float, msgspec an exact int: the typed fields refuse
    it, so the reference decides (an id of 2**64 is a float there, not a string)."""
    for name in ("id", "traceId", "model", "userId", "sessionId", "level", "type",
                 "startTime", "totalCost", "toolCallsCount", "toolDefinitionsCount"):
        for value in (2**63, 2**64, 2**65, -2**63 - 1):
            line = {**GENERATIONS[0], name: value}
            assert_same_as_reference(line)
            line = {**GENERATIONS[0], "usageDetails": {"input": value}, "usage": {"input": value}}
            assert_same_as_reference(line)
