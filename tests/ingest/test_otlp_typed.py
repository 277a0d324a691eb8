"""The typed OTLP decoding gives exactly the reference decoding's spans, or defers to it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from span_support import DATA, FLAWED_BUT_UNREAD, NOT_JSON_ANYWHERE, json_values

from tokencensus.ingest.base import RecordError
from tokencensus.ingest.otlp_typed import request_spans
from tokencensus.ingest.spans import Span, otlp_spans
from tokencensus.ingest.validate import loads


def dumps(value: Any) -> bytes:
    """JSON as a log may hold it: integers beyond 64 bits too (orjson will not write them)."""
    return json.dumps(value).encode()


def _requests() -> list[bytes]:
    found = []
    for folder in ("otel_genai", "openinference"):
        for path in sorted((DATA / folder).glob("*.json*")):
            text = path.read_bytes()
            candidates = text.splitlines() if path.suffix == ".jsonl" else [text]
            found += [c for c in candidates if b"resourceSpans" in c]
    return found


REQUESTS = _requests()


def _comparable(span: Span) -> dict[str, Any]:
    fields = dataclasses.asdict(span)
    fields["raw"] = span.raw if isinstance(span.raw, bytes) else span.raw()
    return fields


def reference(raw: bytes) -> list[dict[str, Any]] | list[RecordError]:
    spans = list(otlp_spans(loads(raw)))
    errors = [s for s in spans if isinstance(s, RecordError)]
    return errors or [_comparable(s) for s in spans]


def assert_same_as_reference(raw: bytes) -> bool:
    """True when the fast path took the line (and then it matched the reference)."""
    fast = request_spans(raw)
    if fast is None:
        return False
    try:
        expected = reference(raw)
    except orjson.JSONDecodeError:
        pytest.fail(f"the fast path read a line that is not JSON: {raw[:200]!r}")
    assert not any(isinstance(e, RecordError) for e in expected), (
        f"the fast path read a line the reference rejects: {expected}")
    assert [_comparable(s) for s in fast] == expected
    return True


def test_documented_samples_take_the_fast_path_and_match() -> None:
    assert len(REQUESTS) >= 3
    assert all(assert_same_as_reference(raw) for raw in REQUESTS)


def test_a_span_with_the_reference_s_errors_is_left_to_the_reference() -> None:
    base = orjson.loads(REQUESTS[0])
    span = base["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    for broken in ({"spanId": ""}, {"startTimeUnixNano": "soon"}, {"attributes": {"a": 1}},
                   {"attributes": [{"key": "x", "value": {"intValue": "12x"}}]},
                   {"attributes": [{"key": "x", "value": {"stringValue": None}}]}):
        raw = dumps({"resourceSpans": [{"scopeSpans": [{"spans": [{**span, **broken}]}]}]})
        assert request_spans(raw) is None
        assert any(isinstance(s, RecordError) for s in otlp_spans(orjson.loads(raw)))


def test_lenient_values_go_the_reference_way_and_keep_its_values() -> None:
    """A float intValue or two value kinds in one AnyValue: the reference decides."""
    base = orjson.loads(REQUESTS[0])
    span = base["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    for value in ({"intValue": 12.0}, {"intValue": "7", "stringValue": "first?"},
                  {"doubleValue": 2**70}, {"stringValue": "x", "boolValue": True}):
        attrs = [*span["attributes"], {"key": "extra", "value": value}]
        raw = dumps({"resourceSpans": [{"scopeSpans": [
            {"spans": [{**span, "attributes": attrs}]}]}]})
        assert request_spans(raw) is None
        (ref,) = otlp_spans(orjson.loads(raw))
        assert isinstance(ref, Span) and "extra" in ref.attrs


@pytest.mark.parametrize("value", [True, 1.5, "1.5", None])
def test_an_int_value_that_is_no_integer_is_a_reject(value: object) -> None:
    """int() would read true or 1.5 as 1: the span is a reject, on either path."""
    base = orjson.loads(REQUESTS[0])
    span = base["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    attrs = [*span["attributes"], {"key": "extra", "value": {"intValue": value}}]
    raw = json.dumps({"resourceSpans": [{"scopeSpans": [
        {"spans": [{**span, "attributes": attrs}]}]}]}).encode()
    assert request_spans(raw) is None
    (ref,) = otlp_spans(loads(raw))
    assert isinstance(ref, RecordError) and "intValue: expected an integer" in str(ref)


plain_value = st.recursive(
    st.one_of(
        st.builds(lambda s: {"stringValue": s}, st.text(max_size=8)),
        st.builds(lambda i: {"intValue": i}, st.integers(0, 10**6) | st.from_regex(r"\A\d{1,6}\Z")),
        st.builds(lambda d: {"doubleValue": d}, st.floats(-1e9, 1e9)),
        st.builds(lambda b: {"boolValue": b}, st.booleans()),
        st.builds(lambda b: {"bytesValue": b}, st.sampled_from(["aGk=", ""])),
    ),
    lambda inner: st.builds(lambda vs: {"arrayValue": {"values": vs}}, st.lists(inner, max_size=3))
    | st.builds(lambda vs: {"kvlistValue": {"values": [{"key": str(i), "value": v}
                                                       for i, v in enumerate(vs)]}},
                st.lists(inner, max_size=3)),
    max_leaves=5,
)
odd_value = st.one_of(
    st.builds(lambda i: {"intValue": i},
              st.integers(-2**66, 2**66) | st.text("0123456789 -_x", max_size=6) | json_values),
    st.builds(lambda d: {"doubleValue": d}, st.integers(-2**66, 2**66) | json_values),
    st.dictionaries(st.sampled_from(["stringValue", "intValue", "doubleValue", "boolValue",
                                     "bytesValue", "arrayValue", "kvlistValue", "other"]),
                    json_values, max_size=3),
    json_values,
)
keys = st.sampled_from(["gen_ai.usage.input_tokens", "gen_ai.request.model", "service.name", "k"])
plain_attributes = st.lists(st.fixed_dictionaries({"key": keys, "value": plain_value}),
                            max_size=4)
plain_span = st.fixed_dictionaries({
    "traceId": st.sampled_from(["0AF7651916CD43DD", "0af7651916cd43dd8448eb211c80319c"]),
    "spanId": st.sampled_from(["B7AD6B7169203331", "00f067aa0ba902b7"]),
    "startTimeUnixNano": st.sampled_from([1544712680000000000, "1544712680000000000"]),
    "attributes": plain_attributes,
}, optional={
    "parentSpanId": st.sampled_from(["", "AB12"]),
    "name": st.text(max_size=5),
    "endTimeUnixNano": st.sampled_from([1544712682000000000, "1544712682000000000"]),
    "status": st.sampled_from([{}, {"code": 2}, {"code": "STATUS_CODE_ERROR"}, {"code": 1}]),
})
#: Up to two fields of a plain span replaced by anything: odd but often still valid.
mutations = st.dictionaries(
    st.sampled_from(["traceId", "spanId", "parentSpanId", "name", "startTimeUnixNano",
                     "endTimeUnixNano", "status", "attributes"]),
    json_values | st.integers(-2**66, 2**66)
    | st.lists(st.fixed_dictionaries({"key": keys}, optional={"value": odd_value}), max_size=2),
    max_size=2)
spans = st.lists(st.builds(lambda span, changed: {**span, **changed}, plain_span, mutations),
                 max_size=3)
resources = st.fixed_dictionaries({"attributes": plain_attributes}) | json_values


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request_spans_=spans, resource=resources)
def test_mutated_requests_give_the_reference_spans_or_defer(
        request_spans_: list[dict[str, Any]], resource: Any) -> None:
    raw = dumps({"resourceSpans": [{"resource": resource,
                                    "scopeSpans": [{"spans": request_spans_}]}]})
    assert_same_as_reference(raw)


def test_plain_mutations_still_take_the_fast_path() -> None:
    """The property test above is only meaningful if the fast path takes most plain lines."""
    base = orjson.loads(REQUESTS[0])
    span = base["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    taken = 0
    for i in range(50):
        attrs = [*span["attributes"], {"key": f"n{i}", "value": {"intValue": str(i)}},
                 {"key": f"a{i}", "value": {"arrayValue": {"values": [{"doubleValue": i / 3}]}}}]
        raw = dumps({**base, "resourceSpans": [{**base["resourceSpans"][0], "scopeSpans": [
            {"spans": [{**span, "attributes": attrs, "spanId": f"{i:016x}"}]}]}]})
        taken += assert_same_as_reference(raw)
    assert taken == 50


@pytest.mark.parametrize("path", sorted(Path(DATA / "otel_genai").glob("*.jsonl")))
def test_jsonl_samples_are_read_by_the_fast_path(path: Path) -> None:
    assert all(request_spans(line) is not None for line in path.read_bytes().splitlines()
               if line.strip())


@pytest.mark.parametrize("extra", FLAWED_BUT_UNREAD.values(), ids=FLAWED_BUT_UNREAD.keys())
def test_a_flaw_in_a_field_no_one_reads_costs_no_span(extra: bytes) -> None:
    raw = b"{" + extra + REQUESTS[0].strip()[1:]
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(raw)
    assert assert_same_as_reference(raw)  # the fast path takes it, and matches
    assert reference(raw) == reference(REQUESTS[0])


@pytest.mark.parametrize("extra", NOT_JSON_ANYWHERE.values(), ids=NOT_JSON_ANYWHERE.keys())
def test_lines_no_json_reader_reads_are_rejected_either_way(extra: bytes) -> None:
    raw = b"{" + extra + REQUESTS[0].strip()[1:]
    with pytest.raises(orjson.JSONDecodeError):
        loads(raw)
    assert request_spans(raw) is None


def test_rejected_spans_get_a_digest_however_deep_or_large(tmp_path: Path) -> None:
    """A count beyond int64 is a reject, not a crash; a span nested deeper than orjson
    writes (255 levels) still gets its digest."""
    from tokencensus.ingest.base import get_reader
    from tokencensus.ingest.sources import SourceFile

    base = orjson.loads(REQUESTS[0])
    span = base["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    big = [*span["attributes"], {"key": "gen_ai.usage.input_tokens",
                                 "value": {"intValue": str(2**63)}}]
    deep = {**span, "startTimeUnixNano": "soon", "events": json.loads("[" * 300 + "]" * 300)}
    lines = [dumps({"resourceSpans": [{"scopeSpans": [{"spans": [s]}]}]})
             for s in ({**span, "attributes": big}, deep)]
    path = tmp_path / "spans.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    rejects = [r for chunk in get_reader("otel_genai").read(SourceFile(path))
               for r in chunk.rejects]
    assert [r.line for r in rejects] == [1, 2]
    assert "expected a non-negative integer" in rejects[0].reason
    assert "startTimeUnixNano" in rejects[1].reason and len(rejects[1].record_sha256) == 64


@pytest.mark.parametrize("depth", [400, 990])
def test_a_rejected_span_of_a_line_only_msgspec_reads_still_gets_a_digest(
        tmp_path: Path, depth: int) -> None:
    """Broken UTF-8 beside nesting the standard library's second reading may not reach:
    the span's reject is hashed from the line, never a crash."""
    from tokencensus.ingest.base import get_reader
    from tokencensus.ingest.sources import SourceFile

    base = orjson.loads(REQUESTS[0])
    span = base["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    bad = {**span, "attributes": [*span["attributes"], {
        "key": "gen_ai.usage.input_tokens", "value": {"intValue": "-5"}}]}
    line = dumps({"resourceSpans": [{"scopeSpans": [{"spans": [bad]}]}]})
    line = b'{"note": "\xff", "deep": ' + b"[" * depth + b"]" * depth + b", " + line[1:]
    path = tmp_path / "spans.jsonl"
    path.write_bytes(line + b"\n")
    chunks = list(get_reader("otel_genai").read(SourceFile(path)))
    (reject,) = [r for chunk in chunks for r in chunk.rejects]
    assert reject.line == 1 and len(reject.record_sha256) == 64
    assert "input_tokens" in reject.reason or "invalid JSON" in reject.reason
