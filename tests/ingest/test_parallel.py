"""Worker-process mapping gives exactly the serial result, in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokencensus.classify.sampling import selector
from tokencensus.ingest import parallel
from tokencensus.ingest.openrouter import OpenRouterGenerationReader
from tokencensus.ingest.sources import SourceFile

GOLDEN = Path(__file__).parents[1] / "data" / "openrouter" / "generations.jsonl"


def read_all(path: Path) -> tuple[list[dict], list[tuple[int, str]], list[tuple[str, str]]]:
    rows, rejects, texts = [], [], []
    for chunk in OpenRouterGenerationReader().read(SourceFile(path), selector(0.5)):
        rows += chunk.rows.to_pylist() if chunk.rows is not None else []
        rejects += [(r.line, r.reason) for r in chunk.rejects]
        texts += chunk.texts
    return rows, rejects, texts


def test_parallel_equals_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = [json.loads(line) for line in GOLDEN.read_text().splitlines()]
    lines = []
    for i in range(5_000):
        record = json.loads(json.dumps(base[i % 2]))
        record["data"]["id"] = f"gen-{i}"
        record["request"] = {"messages": [{"role": "user", "content": f"prompt {i}"}]}
        lines.append(json.dumps(record) if i % 97 else "{broken")
    path = tmp_path / "logs.jsonl"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(parallel, "BLOCK_LINES", 700)
    monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", "1")
    serial = read_all(path)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 50_000)
    monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", "2")
    assert len(list(parallel.blocks(SourceFile(path)))) == 8
    assert len(list(parallel.byte_blocks(SourceFile(path)))) > 8  # several blocks in flight
    assert read_all(path) == serial
    rows, rejects, texts = serial
    assert len(rows) + len(rejects) == 5_000
    assert [line for line, _ in rejects] == [i + 1 for i in range(0, 5_000, 97)]
    assert texts and all(text.startswith("prompt ") for _, text in texts)


@pytest.mark.parametrize("tail", [b"\n", b"", b"\n\n", b"\r\n"])
@pytest.mark.parametrize("size", [1, 7, 64, 10_000])
def test_byte_blocks_number_lines_exactly_as_the_file_does(tmp_path: Path, tail: bytes,
                                                           size: int) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"{}\n\n" + b"x" * 100 + b"\r\n{\"a\": 1}\n  \n" + b"last" + tail)
    got = [pair for first, blob in parallel.byte_blocks(SourceFile(path), size)
           for pair in parallel._lines_of(first, blob)]
    assert got == list(SourceFile(path).lines())
