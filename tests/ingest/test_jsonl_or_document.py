"""JSONL or one JSON document: a few damaged lines cost those lines, whatever the layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokencensus.ingest import tabular
from tokencensus.ingest.base import get_reader
from tokencensus.ingest.sources import SourceFile

DATA = Path(__file__).parents[1] / "data"
LANGFUSE = [json.loads(line) for line in (DATA / "langfuse" / "export.jsonl").read_text()
            .splitlines() if line.strip()]
GENERATIONS = [obs for obs in LANGFUSE if obs["type"] == "GENERATION"]


def write(tmp_path: Path, text: str | bytes) -> SourceFile:
    path = tmp_path / "export.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return SourceFile(path)


def read(source: SourceFile, fmt: str = "langfuse") -> tuple[int, list[str]]:
    chunks = list(get_reader(fmt).read(source))
    return (sum(c.rows.num_rows for c in chunks if c.rows is not None),
            [r.reason for c in chunks for r in c.rejects])


@pytest.mark.parametrize(("text", "jsonl"), [
    ("", False), ("\n \n", False),
    ('{"data": [\n' + json.dumps(GENERATIONS[0]) + "\n]}\n", False),  # one-record page
    (json.dumps({"data": GENERATIONS}, indent=2), False),
    ('{"data": [\n' + ",\n".join(map(json.dumps, GENERATIONS)) + "\n]}\n", False),
    ("\n".join(map(json.dumps, LANGFUSE)) + "\n", True),
])
def test_layouts(tmp_path: Path, text: str, jsonl: bool) -> None:
    assert tabular.one_value_per_line(write(tmp_path, text)) is jsonl


@pytest.mark.parametrize("fmt", ["langfuse", "helicone", "otel_genai"])
def test_an_empty_or_blank_file_forced_to_a_format_reads_nothing(tmp_path: Path,
                                                                 fmt: str) -> None:
    for text in ("", "\n\n  \n"):
        assert read(write(tmp_path, text), fmt) == (0, [])


def test_a_damaged_first_record_before_long_records_costs_that_record(tmp_path: Path) -> None:
    """Records with long bodies leave no whole line in the head after the first."""
    big = [{**obs, "input": "x" * 70_000} for obs in GENERATIONS * 3]
    lines = [json.dumps(obs) for obs in big]
    source = write(tmp_path, "\n".join([lines[0][:-20], *lines[1:]]) + "\n")
    assert tabular.one_value_per_line(source)
    rows, reasons = read(source)
    assert rows == len(big) - 1 and len(reasons) == 1 and "invalid JSON" in reasons[0]


def test_a_first_line_beyond_the_check_is_a_document(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-line document of any size is not read whole to be classified."""
    monkeypatch.setattr(tabular, "LINE_CHECK_BYTES", 1_000)
    source = write(tmp_path, json.dumps({"data": [{**obs, "input": "x" * 70_000}
                                                   for obs in GENERATIONS]}))
    assert not tabular.one_value_per_line(source)
    assert read(source) == (len(GENERATIONS), [])


@pytest.mark.parametrize("trace_input", ["x" * 5_000, 'the "data" key'])
def test_a_trace_download_reads_its_observations_whatever_its_input(
        tmp_path: Path, trace_input: str) -> None:
    """{"trace": {...}, "observations": [...]}: the key is the document's own."""
    doc = {"trace": {"id": "t1", "input": trace_input}, "observations": LANGFUSE}
    assert read(write(tmp_path, json.dumps(doc, indent=2))) == (len(GENERATIONS), [])


def test_a_document_without_the_array_says_so(tmp_path: Path) -> None:
    rows, reasons = read(write(tmp_path, json.dumps({"rows": GENERATIONS}, indent=2)))
    assert rows == 0 and reasons == [
        'no records: the JSON document holds no "data" or "observations" array of records']
