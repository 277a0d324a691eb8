"""One JSON reading for every line reader: a flaw in a field no reader uses costs no record."""

from __future__ import annotations

import json
import math
from pathlib import Path

import orjson
import pytest

from tokencensus.ingest.base import get_reader
from tokencensus.ingest.validate import loads

ANTHROPIC = Path(__file__).parents[1] / "data" / "anthropic" / "messages.jsonl"


@pytest.mark.parametrize(("raw", "expected"), [
    (b'{"a": "caf\xc3"}', {"a": "caf\\xc3"}),  # a character cut in two by a logger
    (b'{"a": "\xed\xa0\x80"}', {"a": "\\xed\\xa0\\x80"}),  # an encoded surrogate
    (b'{"a": 1e400, "b": -1E+999}', {"a": math.inf, "b": -math.inf}),
    (b'{"a": "\\ud83d\\ude00", "b": 1e400}', {"a": "\U0001F600", "b": math.inf}),
    (b'{"a": 1' + b"0" * 400 + b"}", {"a": math.inf}),  # beyond a double, as orjson's floats
    (b'{"a": 1' + b"0" * 5000 + b"}", {"a": math.inf}),  # beyond int()'s 4300 digits too
    (b'{"a": 1, "a": 2}', {"a": 2}),  # the last of repeated keys, as orjson reads them
])
def test_what_orjson_rejects_only_for_unread_fields_is_read(raw: bytes,
                                                            expected: object) -> None:
    assert loads(raw) == expected


@pytest.mark.parametrize("raw", [
    b'{"a": "\\ud800"}', b'{"a": ["x", {"k": "\\udc00"}], "b": 1e400}',  # lone surrogates
    b'{"a": NaN}', b'{"a": Infinity}', b'{"a": "\x01"}', b'{"a": 1,}', b'{"a": ',
    b'{"a": ' + b"[" * 1100 + b"]" * 1100 + b"}",
])
def test_anything_else_orjson_rejects_stays_invalid_with_its_reason(raw: bytes) -> None:
    with pytest.raises(orjson.JSONDecodeError) as caught:
        loads(raw)
    with pytest.raises(orjson.JSONDecodeError) as direct:
        orjson.loads(raw)
    assert str(caught.value) == str(direct.value)


def test_a_prompt_cut_mid_character_keeps_its_record() -> None:
    """A logger that truncates prompts by bytes leaves broken UTF-8 in the request body."""
    line = json.loads(ANTHROPIC.read_text().splitlines()[0])
    clean = json.dumps(line).encode()
    marker = b'"content": "What is the weather in SF?"'
    assert marker in clean
    broken = clean.replace(marker, b'"content": "What is the weather in S\xc3"')
    reader = get_reader("anthropic")
    chunk = reader.map_block([(1, broken)], None)
    assert not chunk.rejects
    assert chunk.rows == reader.map_block([(1, clean)], None).rows


@pytest.mark.parametrize("flaw", [b'"\xff"', b"1e400"])
def test_integers_read_again_are_the_ones_orjson_reads(flaw: bytes) -> None:
    """Exact within [-2**63, 2**64), a float beyond: the value of a field must not depend
    on a flaw elsewhere in the line."""
    numbers = [-(2**63) - 1, -(2**63), 2**63, 2**64 - 1, 2**64, 10**25]
    clean = json.dumps({"n": numbers}).encode()
    flawed = clean[:-1] + b', "x": ' + flaw + b"}"
    expected = orjson.loads(clean)["n"]
    assert loads(flawed)["n"] == expected
    assert [type(v) for v in loads(flawed)["n"]] == [type(v) for v in expected]


def test_distinct_broken_bytes_stay_distinct() -> None:
    assert loads(b'{"id": "abc\xff", "x": 1e400}') != loads(b'{"id": "abc\xfe", "x": 1e400}')


def test_nesting_the_stack_allows_only_just_is_read() -> None:
    """A broken byte next to 400 nested objects: within the standard library's reach."""
    deep = b'{"k":' * 400 + b"1" + b"}" * 400
    assert loads(b'{"n": "\xff", "deep": ' + deep + b"}")["n"] == "\\xff"
