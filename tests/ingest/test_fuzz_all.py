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
#: Readers whose records depend on their neighbours', and why (no lower bound on rows).
NEIGHBOURS_COUNT = {"codex_cli": "a request's tokens are the difference of two cumulative "
                                 "totals: a damaged total that still parses moves its neighbour"}
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
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_lines_never_crash_and_every_record_is_accounted_for(
        tmp_path: Path, folder: Path, data: st.DataObject) -> None:
    lines = [line for path in sorted(folder.glob("*.jsonl"))
             for line in path.read_bytes().splitlines() if line.strip()]
    lines = lines * (12 // len(lines) + 1)  # a log of a dozen lines or more
    hit = [data.draw(st.integers(0, 3)) == 0 for _ in lines]  # about one in four damaged
    written = [data.draw(damaged(line)) if damage else line
               for line, damage in zip(lines, hit, strict=True)]
    path = tmp_path / "damaged.jsonl"
    body = b"\n".join(written) + b"\n"
    path.write_bytes(body)
    # A bare CR a flip made is a line break to the CSV reader (a damaged first line can
    # make the file look like CSV), as to many editors: count lines either way.
    most_lines = len(re.split(rb"\r\n|\r|\n", body))
    reader = get_reader(folder.name)
    rows = rejects = read = 0
    for chunk in reader.read(SourceFile(path)):
        rows += chunk.rows.num_rows if chunk.rows is not None else 0
        read += chunk.lines_read
        for reject in chunk.rejects:
            rejects += 1
            assert 1 <= reject.line <= most_lines, reject
            assert reject.reason and re.fullmatch(r"[0-9a-f]{64}", reject.record_sha256)
    assert rows + rejects == read
    # Damage to a few lines costs at most those records: the intact lines alone (the
    # damaged ones blanked) give no more rows. Catches a damaged line that loses the rest
    # (a file then read as CSV, or as one JSON document). When most lines are damaged the
    # file may fairly look like something else.
    intact = tmp_path / "intact.jsonl"
    intact.write_bytes(b"\n".join(b"" if damage else line
                                   for line, damage in zip(lines, hit, strict=True)) + b"\n")
    if 3 * sum(hit) < len(hit) and folder.name not in NEIGHBOURS_COUNT:
        assert rows >= sum(c.rows.num_rows for c in reader.read(SourceFile(intact))
                           if c.rows is not None)


@pytest.mark.parametrize("damage", ["first byte", "cut short", "large records"])
@pytest.mark.parametrize("name", ["langfuse", "helicone"])
def test_a_damaged_first_line_does_not_turn_a_jsonl_export_into_csv(
        tmp_path: Path, name: str, damage: str) -> None:
    """These readers also read CSV exports and JSON documents; one bad first record must
    cost that record only, not send every line through the CSV reader or read the file
    as one (empty) document."""
    lines = [line for line in (DATA / name).glob("*.jsonl").__next__().read_bytes()
             .splitlines() if line.strip()]
    if damage == "large records":  # fewer than three records fit the 16 KiB head
        lines = [line[:-1] + b', "padding": "' + b"x" * 7000 + b'"}' for line in lines]
    first = lines[0][:-1] if damage == "cut short" else b"\xff" + lines[0][5:]
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"\n".join([first, *lines[1:]]) + b"\n")
    intact = tmp_path / "intact.jsonl"
    intact.write_bytes(b"\n".join(lines[1:]) + b"\n")
    reader = get_reader(name)
    chunks = list(reader.read(SourceFile(path)))
    assert [r.line for c in chunks for r in c.rejects] == [1]
    assert [r.reason.startswith("invalid JSON") for c in chunks for r in c.rejects] == [True]
    rows = sum(c.rows.num_rows for c in chunks if c.rows is not None)
    assert rows == sum(c.rows.num_rows for c in reader.read(SourceFile(intact))
                       if c.rows is not None) > 0


def test_a_csv_export_with_bodies_over_several_lines_stays_csv(tmp_path: Path) -> None:
    """A request body cell with one JSON message per line: most physical lines then open
    a JSON object, yet the file is CSV, as its header says."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO((DATA / "helicone" / "requests.csv").read_text())))
    for row in rows:
        row["request_body"] = "\n".join(f'{{"role": "user", "content": "line {i}"}}'
                                         for i in range(40))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "requests.csv"
    path.write_text(out.getvalue())
    chunks = list(get_reader("helicone").read(SourceFile(path)))
    assert sum(c.lines_read for c in chunks) == len(rows)
    assert sum(c.rows.num_rows for c in chunks if c.rows is not None) > 0
