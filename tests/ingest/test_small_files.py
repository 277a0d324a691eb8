"""A directory of small files ingests as few batches, loses nothing and re-ingests as a no-op."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tokencensus.ingest import ingest, pipeline
from tokencensus.store import Store

GOLDEN = Path(__file__).parents[1] / "data" / "openrouter" / "generations.jsonl"


def _sessions(folder: Path, count: int, first: int = 0) -> None:
    """``count`` small OpenRouter logs with distinct ids, one broken line each."""
    base = [json.loads(line) for line in GOLDEN.read_text().splitlines()]
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(first, first + count):
        lines = []
        for i, record in enumerate(base * 3):
            record = json.loads(json.dumps(record))
            record["data"]["id"] = f"gen-{f}-{i}"
            lines.append(json.dumps(record))
        lines.append("{broken")
        (folder / f"s{f:03d}.jsonl").write_text("\n".join(lines) + "\n")


def test_small_files_share_a_batch_and_reingest_skips_each(tmp_path: Path) -> None:
    _sessions(tmp_path / "logs", 12)
    store = Store.open(tmp_path / "store", create=True)
    first = ingest([str(tmp_path / "logs")], store, classifier=None)
    per_file = 3 * len(GOLDEN.read_text().splitlines())
    assert len(first.files) == 1 and first.files[0].source_path.endswith("(12 files)")
    assert first.total == {"read": 12 * (per_file + 1), "stored": 12 * per_file,
                           "duplicate": 0, "quarantined": 12}
    assert len(store.batches[0]["sources"]) == 12
    listed = first.to_json()["files"][0]["sources"]
    assert sorted(Path(p).name for p in listed) == [f"s{f:03d}.jsonl" for f in range(12)]
    # Each broken line is quarantined under its own file and line.
    rejects = pq.read_table(store.data_files("quarantine")).to_pylist()
    assert sorted((Path(r["file"]).name, r["line"]) for r in rejects) == [
        (f"s{f:03d}.jsonl", per_file + 1) for f in range(12)]

    _sessions(tmp_path / "logs", 2, first=12)  # two new sessions next to the old ones
    again = ingest([str(tmp_path / "logs")], Store.open(tmp_path / "store"), classifier=None)
    skipped = [s for s in again.files if s.skipped_as]
    assert len(skipped) == 12 and {s.skipped_as for s in skipped} == {first.files[0].batch}
    assert again.total == {"read": 2 * (per_file + 1), "stored": 2 * per_file,
                           "duplicate": 0, "quarantined": 2}
    assert sum(b["stored"] for b in Store.open(tmp_path / "store").batches) == 14 * per_file


def test_the_same_file_twice_in_a_run_is_read_once(tmp_path: Path) -> None:
    _sessions(tmp_path / "logs", 3)
    copy = tmp_path / "logs" / "s999.jsonl"
    copy.write_bytes((tmp_path / "logs" / "s001.jsonl").read_bytes())
    report = ingest([str(tmp_path / "logs")], Store.open(tmp_path / "store", create=True),
                    classifier=None)
    assert [s.source_path for s in report.files if s.skipped_as] == [str(copy)]
    assert report.total["duplicate"] == 0


def test_large_files_and_format_changes_end_a_run(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _sessions(tmp_path / "logs", 4)
    monkeypatch.setattr(pipeline, "GROUP_MAX_FILES", 3)
    report = ingest([str(tmp_path / "logs")], Store.open(tmp_path / "store", create=True),
                    classifier=None)
    assert [s.source_path.rsplit("/", 1)[-1] for s in report.files] == ["logs (3 files)",
                                                                        "s003.jsonl"]
    monkeypatch.setattr(pipeline, "GROUP_FILE_BYTES", 1)  # every file is "large"
    _sessions(tmp_path / "more", 2)
    alone = ingest([str(tmp_path / "more")], Store.open(tmp_path / "store"), classifier=None)
    assert [s.source_path.rsplit("/", 1)[-1] for s in alone.files] == ["s000.jsonl",
                                                                       "s001.jsonl"]
