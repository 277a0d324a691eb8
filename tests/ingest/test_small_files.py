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


CLAUDE = sorted((Path(__file__).parents[1] / "data" / "claude_code").glob("*.jsonl"))


def _claude_sessions(folder: Path, count: int) -> None:
    """``count`` Claude Code sessions: requests spanning lines, and a broken line each."""
    folder.mkdir(parents=True)
    for f in range(count):
        text = CLAUDE[f % len(CLAUDE)].read_text()
        for key in ('"requestId":"', '"id":"msg', '"sessionId":"'):
            text = text.replace(key, f"{key}s{f}-")
        lines = text.splitlines()
        lines.insert(f % len(lines), '{"type":"assistant","message":')
        (folder / f"session-{f:03d}.jsonl").write_text("\n".join(lines) + "\n")


def _stored(store: Store) -> tuple[list[dict], list[tuple[str, int, str]], list[tuple]]:
    rows = pq.read_table(store.data_files("requests")).drop_columns(["batch"]).to_pylist()
    rejects = pq.read_table(store.data_files("quarantine")).to_pylist()
    labels = pq.read_table(store.data_files("labels")).to_pylist()
    return (sorted(rows, key=lambda r: r["request_id"]),
            sorted((Path(r["file"]).name, r["line"], r["reason"]) for r in rejects),
            sorted(tuple(sorted(label.items())) for label in labels))


def test_a_directory_of_sessions_reads_on_workers_as_it_does_serially(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tokencensus.ingest import parallel

    _claude_sessions(tmp_path / "projects", 24)
    tasks: list[str] = []

    class CountingPool(parallel.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            tasks.append(fn.__name__)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", CountingPool)
    reports, stored = [], []
    for workers, threshold in (("1", parallel.PARALLEL_MIN_BYTES), ("2", 0)):
        monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", workers)
        monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", threshold)
        monkeypatch.setattr(parallel, "BLOCK_BYTES", 20_000)  # a few files a task
        seen: list[tuple[int, str]] = []
        store = Store.open(tmp_path / f"store-{workers}", create=True)
        reports.append(ingest([str(tmp_path / "projects")], store, sample_rate=1.0,
                              progress=lambda i, n, name, lines, seen=seen: seen.append(
                                  (i, name))))
        stored.append(_stored(Store.open(tmp_path / f"store-{workers}")))
        # Progress reports every file, each under one index.
        assert sorted(dict(seen).items()) == sorted(set(seen)) and len(dict(seen)) == 24
    serial, workers = reports
    assert len(tasks) > 4 and set(tasks) == {"_read_files"}  # workers read, several at once
    assert workers.total == serial.total
    assert serial.total["quarantined"] == 24 and serial.total["duplicate"] > 0
    assert serial.total["read"] == sum(serial.total[k] for k in
                                       ("stored", "duplicate", "quarantined"))
    assert stored[1] == stored[0]
    rows, rejects, labels = stored[0]
    assert len({row["session_id"] for row in rows}) == 24 and labels
