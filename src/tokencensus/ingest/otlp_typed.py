"""The fast path from one line of OTLP/JSON to :class:`~tokencensus.ingest.spans.Span` objects.

The reference path, :func:`~tokencensus.ingest.spans.otlp_spans`, decodes the whole
line into Python dicts and lists (orjson) and then walks them, checking every value;
on OTel GenAI logs that walk was two thirds of the reader's time. Here msgspec
decodes the line straight into the few fields a span needs, in C, checking their
types as it goes and skipping everything else (events, links, flags, ...).

Only the plain, well-formed shape takes this path. Whenever msgspec rejects a
type, an AnyValue holds more than one kind of value, or a span fails a check,
:func:`request_spans` returns ``None`` and the caller decodes the line the
reference way. That path gives the same spans, or says exactly what is wrong with
the line, so quarantine reasons have a single source. The structs below are
therefore at least as strict as the reference checks, field by field (a value the
reference accepts leniently, e.g. a float ``intValue``, simply goes the slow way),
and spans are built by the same :func:`~tokencensus.ingest.spans.make_span`.
``tests/ingest/test_otlp_typed.py`` checks that both paths give identical spans on
the documented samples and on Hypothesis-mutated export requests.

A span's own JSON (for the digest of a quarantined record) is made only on demand,
by decoding the line again with orjson, so it is byte for byte what the reference
path would have hashed.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import msgspec
import orjson
from msgspec import UNSET, Struct, UnsetType
from msgspec.structs import astuple

from tokencensus.ingest.base import RecordError
from tokencensus.ingest.spans import Span, make_span, span_json
from tokencensus.ingest.validate import TypedInt, loads


class _Fallback(Exception):
    """The line is not in the plain shape: decode it the reference way."""


class _ArrayValue(Struct, gc=False):
    values: list[_AnyValue] | UnsetType = UNSET


class _KeyValueList(Struct, gc=False):
    values: list[_KeyValue] | None = None


class _AnyValue(Struct, gc=False):
    # UNSET, not None: the reference rejects a null stringValue, and a null would
    # otherwise be indistinguishable from an absent key.
    stringValue: str | UnsetType = UNSET
    intValue: TypedInt | str | UnsetType = UNSET  # proto3 JSON writes int64 as a string
    doubleValue: TypedInt | float | UnsetType = UNSET  # passed through as is, like the reference
    boolValue: bool | UnsetType = UNSET
    bytesValue: str | UnsetType = UNSET  # base64
    arrayValue: _ArrayValue | UnsetType = UNSET
    kvlistValue: _KeyValueList | UnsetType = UNSET


class _KeyValue(Struct, gc=False):
    key: str
    value: _AnyValue | UnsetType = UNSET


class _Status(Struct, gc=False):
    code: TypedInt | str | None = None


class _Span(Struct, gc=False):
    # make_span checks these as the reference does; the types only narrow them to the
    # shapes whose Python value is the same whichever library decoded them.
    traceId: str | None = None
    spanId: str | None = None
    parentSpanId: str | None = None
    name: str | None = None
    startTimeUnixNano: TypedInt | str | None = None
    endTimeUnixNano: TypedInt | str | None = None
    status: _Status | None = None
    attributes: list[_KeyValue] | None = None


class _Resource(Struct, gc=False):
    attributes: list[_KeyValue] | None = None


class _ScopeSpans(Struct, gc=False):
    spans: list[_Span] | None = None


class _ResourceSpans(Struct, gc=False):
    resource: _Resource | None = None
    scopeSpans: list[_ScopeSpans] | None = None


class _ExportRequest(Struct, gc=False):
    resourceSpans: list[_ResourceSpans] | None = None


_DECODER = msgspec.json.Decoder(_ExportRequest)


def request_spans(raw: bytes) -> list[Span] | None:
    """Every span of one export request line, or None when the reference path must decide."""
    try:
        request = _DECODER.decode(raw)
        spans = []
        for i, resource_spans in enumerate(request.resourceSpans or ()):
            resource = resource_spans.resource
            resource_attrs = _attributes(resource.attributes if resource else None)
            for j, scope in enumerate(resource_spans.scopeSpans or ()):
                for k, span in enumerate(scope.spans or ()):
                    status = span.status
                    spans.append(make_span(
                        span.traceId, span.spanId, span.parentSpanId, span.name,
                        span.startTimeUnixNano, span.endTimeUnixNano,
                        {"code": status.code} if status is not None else None,
                        span.attributes, _attributes, resource_attrs,
                        f"resourceSpans[{i}].scopeSpans[{j}].spans[{k}]",
                        partial(_span_json, raw, i, j, k)))
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError, RecordError,
            _Fallback):
        return None  # RecursionError: nesting orjson reads (to depth 1024) and msgspec not
    return spans


def _attributes(kvs: list[_KeyValue] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kv in kvs or ():
        value = kv.value
        # Most attributes are one plain string: take it without the general decoder.
        # (Reading six unset fields beats building a tuple of all seven.)
        if (value is not UNSET and value.stringValue is not UNSET
                and value.intValue is UNSET and value.doubleValue is UNSET
                and value.boolValue is UNSET and value.bytesValue is UNSET
                and value.arrayValue is UNSET and value.kvlistValue is UNSET):
            out[kv.key] = value.stringValue
        else:
            out[kv.key] = _value(value)
    return out


def _value(value: _AnyValue | UnsetType) -> Any:
    """The Python value the reference's ``any_value`` gives. It takes the first kind the
    JSON object lists; with two kinds set their order is lost here, so fall back."""
    if value is UNSET:
        return None
    kinds = astuple(value)
    unset = kinds.count(UNSET)
    if unset != _ONE_KIND_SET:
        if unset == len(kinds):
            return None
        raise _Fallback
    string, integer, double, boolean, data, array, kvlist = kinds
    if string is not UNSET:
        return string
    if integer is not UNSET:
        try:
            return int(integer)
        except ValueError:
            raise _Fallback from None
    if array is not UNSET:
        return [] if array.values is UNSET else [_value(x) for x in array.values]
    if kvlist is not UNSET:
        return _attributes(kvlist.values)
    return double if double is not UNSET else boolean if boolean is not UNSET else data


_ONE_KIND_SET = len(_AnyValue.__struct_fields__) - 1


def _span_json(raw: bytes, i: int, j: int, k: int) -> bytes:
    """The span's JSON as the reference would hash it; the whole line when no JSON reader
    of the reference reads it (msgspec skipped what it could not have read: a number of
    over 4300 digits, nesting too deep for the standard library's second reading)."""
    try:
        request = loads(raw)
    except orjson.JSONDecodeError:
        return raw
    return span_json(request["resourceSpans"][i]["scopeSpans"][j]["spans"][k])
