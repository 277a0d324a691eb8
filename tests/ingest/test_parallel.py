"""Worker-process mapping gives exactly the serial result, in order."""

from __future__ import annotations

import gzip
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


@pytest.mark.parametrize("compressed", [False, True], ids=["ranges read by workers",
                                                     "gzip blocks shipped"])
def test_parallel_equals_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                compressed: bool) -> None:
    base = [json.loads(line) for line in GOLDEN.read_text().splitlines()]
    lines = []
    for i in range(5_000):
        record = json.loads(json.dumps(base[i % 2]))
        record["data"]["id"] = f"gen-{i}"
        record["request"] = {"messages": [{"role": "user", "content": f"prompt {i}"}]}
        lines.append(json.dumps(record) if i % 97 else "{broken")
    path = tmp_path / "logs.jsonl"
    body = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(body) if compressed else body)
    assert (SourceFile(path).text_start() is None) is compressed
    monkeypatch.setattr(parallel, "BLOCK_LINES", 700)
    monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", "1")
    serial = read_all(path)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 50_000)
    monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", "2")
    assert len(list(parallel.blocks(SourceFile(path)))) == 8
    assert len(list(parallel.byte_blocks(SourceFile(path)))) > 8  # several blocks in flight
    if not compressed:
        assert len(list(parallel.file_ranges(path))) > 8
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


@pytest.mark.parametrize("tail", [b"\n", b"", b"\n\n", b"\r\n"])
@pytest.mark.parametrize("size", [1, 2, 7, 64, 10_000])
def test_file_ranges_cover_the_file_at_line_starts(tmp_path: Path, tail: bytes,
                                                   size: int) -> None:
    path = tmp_path / "lines.jsonl"
    data = b"{}\n\n" + b"x" * 100 + b"\r\n{\"a\": 1}\n  \n" + b"last" + tail
    path.write_bytes(data)
    ranges = list(parallel.file_ranges(path, size))
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(end == start for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False))
    assert all(start == 0 or data[start - 1:start] == b"\n" for start, _ in ranges)
    got, lines_before = [], 0
    for start, end in ranges:
        blob = data[start:end]
        got += [(n + lines_before, line) for n, line in parallel._lines_of(1, blob)]
        lines_before += blob.count(b"\n")
    assert got == list(SourceFile(path).lines())


DATA = Path(__file__).parents[1] / "data"


def _everything(reader_name: str, path: Path) -> tuple[list, list, list]:
    from tokencensus.ingest.base import get_reader

    rows, rejects, texts = [], [], []
    for chunk in get_reader(reader_name).read(SourceFile(path), selector(1.0)):
        rows += chunk.rows.to_pylist() if chunk.rows is not None else []
        rejects += [(r.line, r.reason, r.record_sha256) for r in chunk.rejects]
        texts += chunk.texts
    return rows, rejects, texts


@pytest.mark.parametrize("fmt", ["otel_genai", "openinference", "langfuse", "helicone",
                                 "anthropic", "gemini"])
def test_every_line_mapped_reader_gives_the_serial_result_on_workers(
        fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    samples = [line for p in sorted((DATA / fmt).glob("*.jsonl"))
               for line in p.read_bytes().splitlines() if line.strip()]
    assert samples, f"no JSONL samples for {fmt}"
    path = tmp_path / f"{fmt}.jsonl"
    with open(path, "wb") as f:
        for i in range(600):
            f.write(b"{broken\n" if i % 13 == 5 else samples[i % len(samples)] + b"\n")
    monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", "1")
    serial = _everything(fmt, path)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 20_000)
    monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", "2")
    submitted = []

    class CountingPool(parallel.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            submitted.append(args[1])  # the block's first line number
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", CountingPool)
    assert _everything(fmt, path) == serial
    assert len(submitted) > 3, "the blocks were not mapped by worker processes"
    rows, rejects, _texts = serial
    assert rows, f"{fmt}: its samples gave no rows"
    broken = {i + 1 for i in range(600) if i % 13 == 5}
    assert broken <= {line for line, _, _ in rejects}


def test_a_file_truncated_while_workers_read_it_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers open the file by path: a truncated (or rotated) file must not silently
    yield fewer or other lines."""
    from tokencensus.errors import UnreadablePathError

    path = tmp_path / "logs.jsonl"
    line = GOLDEN.read_text().splitlines()[0]
    path.write_text("\n".join([line] * 3_000) + "\n")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 20_000)
    monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", "2")
    chunks = OpenRouterGenerationReader().read(SourceFile(path))
    next(chunks)
    path.write_text(line + "\n")  # truncated in place, as a careless rotation does
    with pytest.raises(UnreadablePathError, match="changed while being read"):
        list(chunks)


def test_a_worker_checks_it_reads_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "logs.jsonl"
    path.write_bytes(GOLDEN.read_bytes())
    stat = path.stat()
    same = (stat.st_dev, stat.st_ino)
    mapper = OpenRouterGenerationReader().map_block
    size = stat.st_size
    assert parallel._map_file_range(mapper, path, same, 0, size, None) is not None
    assert parallel._map_file_range(mapper, path, (same[0], same[1] + 1), 0, size, None) is None
    assert parallel._map_file_range(mapper, path, same, 0, size + 10, None) is None  # short


def test_every_error_crosses_from_a_worker_intact() -> None:
    """Workers' exceptions come back pickled; tokencensus errors keep message and fields."""
    import pickle

    from tokencensus import errors

    raised = [errors.UnreadablePathError("/logs/a.jsonl.gz", "not a gzip file"),
              errors.UnknownFormatError("/logs/b.txt", ["openrouter", "anthropic"]),
              errors.UnknownNameError("format", "opnerouter", ["openrouter"]),
              errors.StoreLockedError("/store", "pid 7"),
              errors.StoreVersionError("/store", 9, 1),
              errors.MissingDependencyError("Spark", "pip install 'tokencensus[spark]'"),
              errors.InputError("plain message")]
    for error in raised:
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error)
        assert vars(back) == vars(error) and back.exit_code == error.exit_code
    back = pickle.loads(pickle.dumps(raised[5]))
    assert isinstance(back, ImportError) and back.msg == raised[5].msg


def test_files_read_in_one_shared_scope_use_one_pool_and_it_ends_with_the_scope(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ingest of several big files starts its workers once; a read abandoned midway
    retires the pool (its workers may still be mapping blocks nobody collects), and the
    next read starts a new one."""
    from tokencensus.ingest import pipeline
    from tokencensus.store import BatchWriter, Store

    base = GOLDEN.read_text().splitlines()
    paths = []
    for name in ("a", "b", "c"):
        lines = []
        for i in range(3_000):
            record = json.loads(base[i % 2])
            record["data"]["id"] = f"gen-{name}-{i}"
            lines.append(json.dumps(record))
        paths.append(tmp_path / f"{name}.jsonl")
        paths[-1].write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 100_000)
    monkeypatch.setattr(pipeline, "GROUP_FILE_BYTES", 0)  # each file a batch of its own
    monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", "2")
    pools: list[parallel.ProcessPoolExecutor] = []

    class CountingPool(parallel.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            pools.append(self)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", CountingPool)
    store = Store.open(tmp_path / "store", create=True)
    report = pipeline.ingest([str(p) for p in paths], store, classifier=None)
    assert report.total["stored"] == 9_000 and len(report.files) == 3
    assert len(pools) == 1 and parallel._shared is None  # one pool, shut down at the end
    assert pools[0]._shutdown_thread

    reader = OpenRouterGenerationReader()
    with parallel.shared_workers():
        chunks = reader.read(SourceFile(paths[0]))
        next(chunks)
        chunks.close()  # abandoned after its first block
        assert parallel._shared is None and len(pools) == 2
        rows = sum(c.rows.num_rows for c in reader.read(SourceFile(paths[1])) if c.rows)
        assert rows == 3_000 and len(pools) == 3 and parallel._shared is pools[2]
    assert parallel._shared is None

    # A read abandoned after the pool was released and replaced retires only its own pool.
    with parallel.shared_workers():
        first = reader.read(SourceFile(paths[0]))
        next(first)
        parallel.release_shared_workers()
        second = reader.read(SourceFile(paths[1]))
        next(second)
        first.close()
        assert parallel._shared is pools[4] and len(pools) == 5
        rows = sum(c.rows.num_rows for c in second if c.rows)
        assert rows > 0 and parallel._shared is pools[4]

    # Large batches release the workers before they commit: one pool each.
    monkeypatch.setattr(pipeline, "RELEASE_WORKERS_BYTES", 1)
    pools_at_commit: list[object] = []
    commit = BatchWriter._commit

    def noting_commit(self: BatchWriter) -> None:
        pools_at_commit.append(parallel._shared)
        commit(self)

    monkeypatch.setattr(BatchWriter, "_commit", noting_commit)
    again = Store.open(tmp_path / "again", create=True)
    report = pipeline.ingest([str(p) for p in paths], again, classifier=None)
    assert report.total["stored"] == 9_000 and len(pools) == 8
    assert pools_at_commit == [None, None, None]


def test_a_file_rotated_away_after_its_read_still_commits(tmp_path: Path) -> None:
    """Log rotation may rename a file while it is ingested: what was read is stored."""
    from tokencensus.ingest import pipeline
    from tokencensus.store import Store

    path = tmp_path / "a.jsonl"
    path.write_bytes(GOLDEN.read_bytes())

    def rotate(index: int, total: int, name: str, seen: int) -> None:
        path.unlink(missing_ok=True)

    store = Store.open(tmp_path / "store", create=True)
    report = pipeline.ingest([str(path)], store, classifier=None, progress=rotate)
    assert report.total["read"] == 2 and report.total["stored"] == 2
