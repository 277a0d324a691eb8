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
    (b'{"a": "caf\xc3"}', {"a": "caf\ufffd"}),  # a character cut in two by a logger
    (b'{"a": "\xed\xa0\x80"}', {"a": "\ufffd\ufffd\ufffd"}),  # an encoded surrogate
    (b'{"a": 1e400, "b": -1E+999}', {"a": math.inf, "b": -math.inf}),
    (b'{"a": "\\ud83d\\ude00", "b": 1e400}', {"a": "\U0001F600", "b": math.inf}),
    (b'{"a": 1' + b"0" * 400 + b"}", {"a": 10**400}),
    (b'{"a": 1, "a": 2}', {"a": 2}),  # the last of repeated keys, as orjson reads them
])
def test_what_orjson_rejects_only_for_unread_fields_is_read(raw: bytes,
                                                            expected: object) -> None:
    assert loads(raw) == expected


@pytest.mark.parametrize("raw", [
    b'{"a": "\\ud800"}', b'{"a": ["x", {"k": "\\udc00"}], "b": 1e400}',  # lone surrogates
    b'{"a": NaN}', b'{"a": Infinity}', b'{"a": "\x01"}', b'{"a": 1,}', b'{"a": ',
    b'{"a": 1' + b"0" * 5000 + b"}",  # beyond the standard library's 4300 digits
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
