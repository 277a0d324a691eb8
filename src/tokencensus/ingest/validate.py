"""Typed field access for readers, and the checks every canonical record passes.

Readers pull values with :func:`get_int`, :func:`get_str`, … which raise
:class:`~tokencensus.ingest.base.RecordError` with the field's path and the
offending value, so a quarantine reason reads like
``data.tokens_prompt: expected a non-negative integer, got "12x"``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import math
import re
from typing import Annotated, Any

import orjson
from msgspec import Meta

from tokencensus import schema

#: For the msgspec fast paths (see ``JsonLinesReader.map_fast``): a token count exactly as
#: :func:`get_int` accepts it (whole floats aside: those take the reference path), and an
#: integer that orjson and msgspec decode alike (beyond 64 bits orjson makes a float and
#: msgspec an exact int; msgspec bounds stop at int64, so larger ones take that path too).
TypedCount = Annotated[int, Meta(ge=0, le=2**63 - 1)]
TypedInt = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]


def loads(raw: bytes | str) -> Any:
    """The JSON value of one record: orjson's, or a second reading for flaws that only
    harm fields a reader does not use.

    orjson rejects a whole line for invalid UTF-8 or a number beyond a double's range
    anywhere in it, such as a prompt a logger cut in the middle of a character. The
    msgspec fast paths skip the fields they do not read without checking either, and a
    record should not be lost for a flaw in a field nobody reads, so such a line is read
    again by the standard library, made to give what orjson would: integers exact within
    [-2**63, 2**64) and floats beyond (infinity past a double's range, which every typed
    getter refuses, should a reader use it), and each broken byte kept as the text
    ``\\xHH`` (distinct bytes stay distinct). Anything else orjson rejects, lone
    surrogate escapes included (orjson and msgspec refuse them), stays invalid with
    orjson's reason. Only lines orjson rejects pay for the second reading.
    """
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as first:
        try:
            text = raw if isinstance(raw, str) else bytes(raw).decode("utf-8", _BYTES_AS_TEXT)
            value = json.loads(text, parse_int=_orjson_int, parse_constant=_no_constant)
            if not _has_lone_surrogate(value):
                return value
        except (ValueError, RecursionError):  # json's own errors, NaN, Infinity
            pass
        raise first from None


def _orjson_int(digits: str) -> int | float:
    if len(digits) <= 20:  # 2**64 has 20 digits
        value = int(digits)
        if -(2**63) <= value < 2**64:
            return value
    return float(digits)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _escape_bytes(error: UnicodeError) -> tuple[str, int]:
    """Each undecodable byte as the JSON text of the string ``\\xHH``."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start:error.end]
    return "".join(f"\\\\x{byte:02x}" for byte in bad), error.end


_BYTES_AS_TEXT = "tokencensus-json-bytes"
codecs.register_error(_BYTES_AS_TEXT, _escape_bytes)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value: Any) -> bool:
    """Whether a string in ``value`` holds a surrogate: json joins an escaped pair into
    one character, so any left came from a lone escape. Iterative: a line may nest
    deeper than the stack allows recursion."""
    pending = [value]
    while pending:
        item = pending.pop()
        if type(item) is str:
            if not item.isascii() and _SURROGATE.search(item) is not None:
                return True
        elif type(item) is dict:
            pending.extend(item)
            pending.extend(item.values())
        elif type(item) is list:
            pending.extend(item)
    return False


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NAIVE_EPOCH = dt.datetime(1970, 1, 1)
_MICROSECOND = dt.timedelta(microseconds=1)


def epoch_micros(ts: dt.datetime) -> int:
    """Microseconds since the Unix epoch (exact: timedelta arithmetic, no floats); a
    naive datetime is UTC."""
    return (ts - (_EPOCH if ts.tzinfo is not None else _NAIVE_EPOCH)) // _MICROSECOND


def micros_datetime(micros: int) -> dt.datetime:
    """The UTC datetime of :func:`epoch_micros`; raises OverflowError past year 9999."""
    return _EPOCH + dt.timedelta(0, 0, micros)


_EARLIEST = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
_EARLIEST_MICROS, _LATEST_MICROS = epoch_micros(_EARLIEST), epoch_micros(_LATEST)
_INT32_LIMIT = 2**31
INT64_LIMIT = 2**63  # token counts are int64 columns


def _error(message: str) -> Exception:
    from tokencensus.ingest.base import RecordError

    return RecordError(message)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def get_obj(obj: Any, key: str, path: str) -> dict[str, Any] | None:
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _error(f"{path}: expected an object, got {_show(value)}")
    return value


def get_int(obj: dict[str, Any], key: str, path: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is int and 0 <= value < INT64_LIMIT:  # the usual case, checked first
        return value
    # bool is an int subclass in Python; a JSON true is not a token count.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _error(f"{path}: expected a non-negative integer, got {_show(value)}")
    if not 0 <= value < INT64_LIMIT or value != int(value):
        raise _error(f"{path}: expected a non-negative integer, got {_show(value)}")
    return int(value)


def get_float(obj: dict[str, Any], key: str, path: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _error(f"{path}: expected a number, got {_show(value)}")
    if not math.isfinite(value):  # a number beyond a double's range reads as infinity
        raise _error(f"{path}: expected a finite number, got {_show(value)}")
    return float(value)


def get_bool(obj: dict[str, Any], key: str, path: str) -> bool | None:
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise _error(f"{path}: expected true or false, got {_show(value)}")


def get_str(obj: dict[str, Any], key: str, path: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # numeric ids (app_id) are still ids
    raise _error(f"{path}: expected a string, got {_show(value)}")


def get_country(obj: dict[str, Any], key: str, path: str) -> str | None:
    """ISO 3166-1 alpha-2 code, upper-cased; an empty string is unknown."""
    return country_code(obj.get(key), path)


def country_code(value: Any, path: str) -> str | None:
    """:func:`get_country` of a value already taken out of its object."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) != 2 or not value.isalpha():
        raise _error(f"{path}: expected an ISO 3166-1 alpha-2 code, got {_show(value)}")
    return value.upper()


def get_ts(obj: dict[str, Any], key: str, path: str) -> dt.datetime | None:
    """ISO 8601 string (UTC assumed when no offset) or Unix seconds."""
    return timestamp(obj.get(key), path)


def timestamp(value: Any, path: str) -> dt.datetime | None:
    """:func:`get_ts` of a value already taken out of its object."""
    if value is None:
        return None
    try:
        if isinstance(value, str):
            ts = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            ts = dt.datetime.fromtimestamp(value, dt.UTC)
        else:
            raise TypeError
    except (TypeError, ValueError, OverflowError, OSError):
        raise _error(f"{path}: expected an ISO 8601 time, got {_show(value)}") from None
    return ts if ts.tzinfo else ts.replace(tzinfo=dt.UTC)


def validate(record: dict[str, Any]) -> None:
    """Checks a canonical record; raises RecordError naming the field and the fix."""
    if not record.get(schema.REQUEST_ID):
        raise _error("missing request id")
    ts = record.get(schema.TS)  # a datetime, or Unix microseconds from an integer clock
    if ts is None:
        raise _error("missing timestamp")
    if not (_EARLIEST_MICROS <= ts < _LATEST_MICROS if type(ts) is int
            else _EARLIEST <= ts < _LATEST):
        shown = micros_datetime(ts) if type(ts) is int else ts
        raise _error(f"timestamp {shown.isoformat()} is outside 2015-2100; check its unit")
    inp, cached = record.get(schema.INPUT_TOKENS), record.get(schema.CACHED_TOKENS)
    if inp is not None and cached is not None and cached > inp:
        raise _error(f"cached tokens ({cached}) exceed input tokens ({inp})")
    out, reasoning = record.get(schema.OUTPUT_TOKENS), record.get(schema.REASONING_TOKENS)
    if out is not None and reasoning is not None and reasoning > out:
        raise _error(f"reasoning tokens ({reasoning}) exceed output tokens ({out})")
    calls = record.get(schema.TOOL_CALLS)
    if calls is not None and calls >= _INT32_LIMIT:  # the column is int32
        raise _error(f"tool calls ({calls}) is not a plausible count of one request's calls")
    reason = record.get(schema.FINISH_REASON)
    if reason is not None and reason not in schema.FINISH_REASONS:
        raise _error(f"finish reason {reason!r} is not one of {', '.join(schema.FINISH_REASONS)}")
