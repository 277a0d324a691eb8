"""Byte-level damage to real sample lines never crashes any JSONL reader, and every record
read is accounted for: a row, or a reject with its line, reason and digest.

The per-reader property tests mutate JSON values; this one damages the bytes (flips,
broken UTF-8, numbers beyond a double or beyond 64 bits, lone surrogates, deep nesting,
cuts), as truncated copies and careless loggers do, and combines flaws, which is how
the second JSON reading's crashes were found. Folders are discovered as in
test_detect_all.py, so a new JSONL format joins by adding its samples.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokencensus.ingest.base import get_reader
from tokencensus.ingest.sources import SourceFile

DATA = Path(__file__).parents[1] / "data"
GENERIC = DATA / "generic"  # needs its mapping: fuzzed through test_generic.py
FOLDERS = sorted(p for p in DATA.iterdir()
                 if p.is_dir() and p != GENERIC and list(p.glob("*.jsonl")))
#: Byte strings spliced into lines: each is a flaw some log has.
SPLICES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"1e400", b"-1E+999", b"1" + b"0" * 400,
           str(2**64).encode(), str(-(2**63) - 1).encode(), b'"\\ud800"', b"\\", b'"',
           b"[" * 40, b"]", b"{", b"}", b",", b":", b"NaN", b"\x00", b"\t", b" ", b"null",
           b'"x":' + str(2**70).encode() + b",", b"\xef\xbb\xbf"]


@st.composite
def damaged(draw: st.DrawFn, line: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(line)))
        kind = draw(st.sampled_from(["splice", "flip", "cut", "splice-after-colon"]))
        if kind == "splice":
            line = line[:at] + draw(st.sampled_from(SPLICES)) + line[at:]
        elif kind == "flip" and at < len(line):
            line = line[:at] + bytes([draw(st.integers(0, 255))]) + line[at + 1:]
        elif kind == "cut":
            line = line[:at]
        else:  # replace a value: after a colon, up to the next comma or brace
            colons = [m.end() for m in re.finditer(rb":\s*", line)]
            if colons:
                start = draw(st.sampled_from(colons))
                end = start + len(re.match(rb"[^,}\]]*", line[start:]).group())  # type: ignore[union-attr]
                line = line[:start] + draw(st.sampled_from(SPLICES)) + line[end:]
    return line.replace(b"\n", b" ")


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_lines_never_crash_and_every_record_is_accounted_for(
        tmp_path: Path, folder: Path, data: st.DataObject) -> None:
    lines = [line for path in sorted(folder.glob("*.jsonl"))
             for line in path.read_bytes().splitlines() if line.strip()]
    written = [data.draw(damaged(line)) if data.draw(st.booleans()) else line
               for line in lines]
    path = tmp_path / "damaged.jsonl"
    body = b"\n".join(written) + b"\n"
    path.write_bytes(body)
    # A bare CR a flip made is a line break to the CSV reader (a damaged first line can
    # make the file look like CSV), as to many editors: count lines either way.
    most_lines = len(re.split(rb"\r\n|\r|\n", body))
    rows = rejects = read = 0
    for chunk in get_reader(folder.name).read(SourceFile(path)):
        rows += chunk.rows.num_rows if chunk.rows is not None else 0
        read += chunk.lines_read
        for reject in chunk.rejects:
            rejects += 1
            assert 1 <= reject.line <= most_lines, reject
            assert reject.reason and re.fullmatch(r"[0-9a-f]{64}", reject.record_sha256)
    assert rows + rejects == read


@pytest.mark.parametrize("name", ["langfuse", "helicone"])
def test_a_damaged_first_line_does_not_turn_a_jsonl_export_into_csv(tmp_path: Path,
                                                                    name: str) -> None:
    """These readers also read CSV exports; one bad first record must cost that record
    only, not send every line through the CSV reader."""
    lines = [line for line in (DATA / name).glob("*.jsonl").__next__().read_bytes()
             .splitlines() if line.strip()]
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"\n".join([b"\xff" + lines[0][5:], *lines[1:]]) + b"\n")
    intact = tmp_path / "intact.jsonl"
    intact.write_bytes(b"\n".join(lines[1:]) + b"\n")
    reader = get_reader(name)
    chunks = list(reader.read(SourceFile(path)))
    assert [r.line for c in chunks for r in c.rejects] == [1]
    assert [r.reason.startswith("invalid JSON") for c in chunks for r in c.rejects] == [True]
    rows = sum(c.rows.num_rows for c in chunks if c.rows is not None)
    assert rows == sum(c.rows.num_rows for c in reader.read(SourceFile(intact))
                       if c.rows is not None) > 0
