"""Mapping line-oriented logs on every core, in order, with bounded memory.

Parsing and mapping a JSON line is pure Python work, so one process tops out
at a few tens of thousands of records per second. Files large enough to repay
starting workers are cut into blocks of lines that worker processes map while
the main process reads ahead; at most ``2 × workers`` blocks are in flight, so
memory stays bounded whatever the file size. Results come back in file order,
so "first occurrence wins" dedupe and line numbers mean the same as serially.

An uncompressed file is not even read by the main process: each worker reads its
own byte range (cut at line starts; lines appended after the ingest started are
left for the next one, and a file rotated or truncated meanwhile is an error
rather than silently different lines), and the main process only renumbers the
rejected lines of each block once the blocks before it have said how many lines
they held. Passing 4 MB blocks through pipes cost the main process about 2 µs per
record, a seventh of the whole ingest's CPU on two cores. A compressed file can
only be read from its start, so the main process decompresses it and ships
blocks of bytes.

Prompt texts of sampled records travel between processes through pipes, in
memory only, like everything else a reader produces.

Workers start from a fork server (see :func:`_context`), so a file costs no
interpreter start-up once the first one has paid it. Inside :func:`shared_workers`
(an ingest holds one for all its files) files are read by the same pool: starting
two workers, importing the reader and loading the model catalog in each cost about
0.1 s a file, a twentieth of reading 200,000 OTLP lines. The ingest releases the pool
before committing a large batch (:func:`release_shared_workers`); the next file starts
a new one.

``TOKENCENSUS_INGEST_WORKERS`` sets the worker count (default: all cores; 1
disables the pool).
"""

from __future__ import annotations

import dataclasses
import io
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

import pyarrow as pa

from tokencensus.errors import UnreadablePathError
from tokencensus.ingest.sources import SourceFile

if TYPE_CHECKING:
    from tokencensus.ingest.base import Chunk, Reader, TextFilter

#: Maps one block of (line number, raw line) to a chunk: a reader's bound ``map_block``
#: or a module-level function with its settings bound by ``functools.partial``; it
#: must pickle, since workers receive it with every block.
BlockMapper = Callable[[list[tuple[int, bytes]], "TextFilter | None"], "Chunk"]

T = TypeVar("T")

BLOCK_LINES = 8_192
#: Bytes per block shipped to a worker: the main process cuts the file at newlines and
#: counts them (both in C) instead of splitting lines in Python; ~5k typical records.
#: A worker's memory grows with its block (measured on OpenRouter logs: +60 MB at 8 MB,
#: +25 MB at 4 MB), and 2 × workers blocks are in flight, so this sets much of the
#: ingest's peak memory; below ~2 MB the per-block hand-off starts to cost throughput.
BLOCK_BYTES = 4 * 1024 * 1024
#: Smaller files are mapped in-process: the first pool of a process costs about a second.
PARALLEL_MIN_BYTES = 32 * 1024 * 1024


def workers() -> int:
    configured = os.environ.get("TOKENCENSUS_INGEST_WORKERS")
    if configured:
        return max(1, int(configured))
    return os.cpu_count() or 1


def blocks(source: SourceFile, size: int | None = None) -> Iterator[list[tuple[int, bytes]]]:
    size = size or BLOCK_LINES
    block: list[tuple[int, bytes]] = []
    for numbered in source.lines():
        block.append(numbered)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


def byte_blocks(source: SourceFile, size: int | None = None) -> Iterator[tuple[int, bytes]]:
    """(number of the first line, bytes of whole lines), streaming ``size`` bytes at a time."""
    size = size or BLOCK_BYTES
    line = 1
    rest = b""
    with source.stream() as f:
        while data := f.read(size):
            data = rest + data
            cut = data.rfind(b"\n") + 1
            if not cut:  # one line longer than a block: keep reading
                rest = data
                continue
            yield line, data[:cut]
            line += data.count(b"\n", 0, cut)
            rest = data[cut:]
    if rest:
        yield line, rest


def file_ranges(path: Path, size: int | None = None,
                start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) byte offsets of runs of whole lines, about ``size`` bytes each, from
    ``start`` (past a byte order mark).

    For an uncompressed file only: the cuts are found by reading a little past each
    ``size`` bytes, so the main process never reads the file's body.
    """
    size = size or BLOCK_BYTES
    total = path.stat().st_size
    with open(path, "rb") as f:
        while start < total:
            end = _line_start_from(f, start + size, total)
            yield start, end
            start = end


def _line_start_from(f: BinaryIO, offset: int, total: int) -> int:
    """The first line start at or after ``offset`` (``total`` when no line starts there)."""
    if offset >= total:
        return total
    f.seek(offset - 1)  # a newline just before ``offset`` makes ``offset`` a line start
    position = offset - 1
    while probe := f.read(64 * 1024):
        newline = probe.find(b"\n")
        if newline >= 0:
            return position + newline + 1
        position += len(probe)
    return total


def _lines_of(first: int, blob: bytes) -> list[tuple[int, bytes]]:
    """The (line number, line) pairs ``SourceFile.lines`` gives for the same bytes.

    Iterating a BytesIO splits at ``\n`` only, keeping it, as a file does, and in C: a
    seventh of the time of splitting and re-appending the newline in Python.
    """
    return list(enumerate(io.BytesIO(blob), first))


def _map_byte_block(map_block: BlockMapper, first: int, blob: bytes,
                    want_text: TextFilter | None) -> Chunk:
    return map_block(_lines_of(first, blob), want_text)


def _map_file_range(map_block: BlockMapper, path: Path, identity: tuple[int, int],
                    start: int, end: int,
                    want_text: TextFilter | None) -> tuple[Chunk, int] | None:
    """The chunk of one byte range, numbered from line 1, and how many newlines it held;
    None when the file is no longer the one the ranges were cut from (rotated away by a
    rename, or truncated), which the main process reports."""
    with open(path, "rb") as f:
        stat = os.fstat(f.fileno())
        if (stat.st_dev, stat.st_ino) != identity:
            return None
        f.seek(start)
        blob = f.read(end - start)
    if len(blob) != end - start:
        return None
    return map_block(_lines_of(1, blob), want_text), blob.count(b"\n")


def _renumbered(chunk: Chunk, lines_before: int) -> Chunk:
    if lines_before and chunk.rejects:
        chunk.rejects = [dataclasses.replace(r, line=r.line + lines_before)
                         for r in chunk.rejects]
    return chunk


def _shippable(*objects: object) -> bool:
    try:
        pickle.dumps(objects)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False
    return True


def _home_module(map_block: BlockMapper) -> str:
    """Module defining the reader behind ``map_block`` (a bound method or a partial)."""
    owner = getattr(map_block, "__self__", None)
    if owner is not None:
        return type(owner).__module__
    return getattr(getattr(map_block, "func", map_block), "__module__", __name__)


def _context(map_block: BlockMapper) -> multiprocessing.context.BaseContext:
    """Workers fork from a clean server process that has already imported what they need.

    Not plain fork: the parent may hold DuckDB or Arrow thread-pool locks. Not spawn:
    every worker would import pyarrow, pandas (which ``pa.array`` imports on first
    use) and the readers again, about 0.7 s per worker per file. The forkserver is
    started once per process, single-threaded, and imports those modules once.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Only takes effect before the server starts (first parallel file of the process).
    # Every worker also re-imports the main module (not under `python -m tokencensus`),
    # so entry points keep their main modules light: see cli/bench.py.
    context.set_forkserver_preload(["pandas", __name__, _home_module(map_block)])
    return context


_shared: ProcessPoolExecutor | None = None  # the pool of the open shared_workers() scope
_shared_count = 0
_scopes = 0


@contextmanager
def shared_workers() -> Iterator[None]:
    """Every file read inside this block uses one pool of workers, shut down at its end."""
    global _scopes, _shared
    _scopes += 1
    try:
        yield
    finally:
        _scopes -= 1
        if _scopes == 0:
            release_shared_workers()


def release_shared_workers() -> None:
    """Shut the shared pool down now; the next read in the scope starts a new one.

    Idle workers keep the memory their last blocks grew (about 65 MB each): a caller
    about to do memory-heavy work of its own, such as committing a large batch, frees it.
    """
    global _shared
    if _shared is not None:
        _shared.shutdown(cancel_futures=True)
        _shared = None


@contextmanager
def _pool(count: int, map_block: Callable[..., Any]) -> Iterator[ProcessPoolExecutor]:
    """The shared pool inside :func:`shared_workers`, else a pool for this call alone."""
    global _shared, _shared_count
    if _scopes == 0:
        with ProcessPoolExecutor(max_workers=count, mp_context=_context(map_block)) as pool:
            yield pool
        return
    if _shared is None or _shared_count != count:
        if _shared is not None:
            _shared.shutdown(cancel_futures=True)
        _shared = ProcessPoolExecutor(max_workers=count, mp_context=_context(map_block))
        _shared_count = count
    pool = _shared
    try:
        yield pool
    except BaseException:
        # A failed or abandoned read (an error, a closed generator) retires its pool: the
        # workers may still be busy with blocks nobody will collect, or be dead. The pool
        # may already have been released and replaced; a newer read's pool is left alone.
        pool.shutdown(wait=False, cancel_futures=True)
        if _shared is pool:
            _shared = None
        raise


def map_blocks(
    map_block: BlockMapper, source: SourceFile, want_text: TextFilter | None
) -> Iterator[Chunk]:
    """``map_block`` over every block of lines of ``source``, in order.

    Only for files whose lines map independently of each other (no state carried from
    one line to the next), since blocks are mapped apart.
    """
    count = workers()
    if (count <= 1 or source.path.stat().st_size < PARALLEL_MIN_BYTES
            or not _shippable(map_block, want_text)):
        for block in blocks(source):
            yield map_block(block, want_text)
        return
    with _pool(count, map_block) as pool:
        text_start = source.text_start()
        if text_start is None:
            yield from _in_order(
                (pool.submit(_map_byte_block, map_block, first, blob, want_text)
                 for first, blob in byte_blocks(source)), 2 * count)
            return
        stat = source.path.stat()
        identity = (stat.st_dev, stat.st_ino)
        lines_before = 0
        for mapped in _in_order(
                (pool.submit(_map_file_range, map_block, source.path, identity, start, end,
                             want_text)
                 for start, end in file_ranges(source.path, start=text_start)),
                2 * count):
            if mapped is None:
                raise UnreadablePathError(str(source.path), "it changed while being read "
                                          "(rotated or truncated); ingest it once it is complete")
            chunk, newlines = mapped
            yield _renumbered(chunk, lines_before)
            lines_before += newlines


def map_files(reader: Reader, sources: list[SourceFile] | list[Any],
              want_text: TextFilter | None) -> Iterator[tuple[int, Chunk]]:
    """``(index into sources, chunk)`` of every chunk of each of ``sources``, in order.

    For a run of small files (a directory of agent sessions): each is read whole by
    ``reader.read``, several files to a worker task, since one small file repays no
    worker of its own. Readers that carry state from line to line (a Claude Code
    request spans lines) are parallel this way too. A lone file, or few bytes in all,
    is read here (a big file then still maps its blocks on every core), as is a
    source that is no file (a database).
    """
    count = workers()
    files = all(isinstance(source, SourceFile) for source in sources)  # not a database
    sizes = [source.path.stat().st_size for source in sources] if files else []
    if (count <= 1 or len(sources) < 2 or sum(sizes) < PARALLEL_MIN_BYTES
            or not _shippable(reader, want_text)):
        for index, source in enumerate(sources):
            for chunk in reader.read(source, want_text):
                yield index, chunk
        return
    with _pool(count, reader.read) as pool:
        tasks = list(_file_tasks(sizes, BLOCK_BYTES))
        submitted = (pool.submit(_read_files, reader, sources[first:end], want_text)
                     for first, end in tasks)
        for (first, end), chunks in zip(tasks, _in_order(submitted, 2 * count), strict=True):
            for offset, chunk in enumerate(chunks):
                yield min(first + offset, end - 1), chunk


def _file_tasks(sizes: list[int], size: int) -> Iterator[tuple[int, int]]:
    """(first, end) index ranges of consecutive files of about ``size`` bytes in all."""
    first = total = 0
    for index, file_size in enumerate(sizes):
        total += file_size
        if total >= size:
            yield first, index + 1
            first, total = index + 1, 0
    if first < len(sizes):
        yield first, len(sizes)


def _read_files(reader: Reader, sources: list[SourceFile],
                want_text: TextFilter | None) -> list[Chunk]:
    """One chunk per file with its rejects and lines read, then one with the rows and
    texts of them all (belonging to the last file, for progress): one Arrow batch
    crosses the pipe per task. A batch per file cost more to pickle and unpickle
    (about 1 ms for ~25 columns of a few hundred rows) than reading the file."""
    from tokencensus.ingest.base import Chunk

    per_file: list[Chunk] = []
    batches: list[pa.RecordBatch] = []
    texts: list[tuple[str, str]] = []
    for source in sources:
        summary = Chunk(rows=None)
        for chunk in reader.read(source, want_text):
            summary.rejects += chunk.rejects
            summary.lines_read += chunk.lines_read
            texts += chunk.texts
            if chunk.rows is not None:
                batches.append(chunk.rows)
        per_file.append(summary)
    per_file.append(Chunk(rows=pa.concat_batches(batches) if batches else None, texts=texts))
    return per_file


def _in_order(submitted: Iterator[Future[T]], in_flight: int) -> Iterator[T]:
    """Results of the submitted futures in submission order, ``in_flight`` at most pending."""
    pending: deque[Future[T]] = deque()
    for future in submitted:
        pending.append(future)
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
