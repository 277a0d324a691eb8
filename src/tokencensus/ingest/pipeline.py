"""Ingest orchestration: plan the files and their readers, then one store batch per file.

Re-exported by :mod:`tokencensus.ingest` (``from tokencensus.ingest import ingest``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tokencensus.classify.base import Classifier
from tokencensus.classify.pipeline import (
    DEFAULT_CLASSIFIER,
    ClassifyReport,
    LabelStage,
    resolve_classifier,
)
from tokencensus.classify.sampling import DEFAULT_RATE, selector
from tokencensus.errors import InputError, UnknownFormatError
from tokencensus.ingest.base import Reader, TextFilter, get_reader, readers
from tokencensus.ingest.detect import detect
from tokencensus.ingest.parallel import map_files, release_shared_workers, shared_workers
from tokencensus.ingest.sources import SourceFile, expand, is_url
from tokencensus.store import BatchSummary, BatchWriter, Store

#: (file index, files total, file path, records read so far in this file)
Progress = Callable[[int, int, str, int], None]
COUNTS = ("read", "stored", "duplicate", "quarantined")
#: A file smaller than this shares its store batch with the small files next to it of the
#: same format (a directory of agent sessions is thousands of such files); see Store.batch.
GROUP_FILE_BYTES = 4 * 1024 * 1024
GROUP_MAX_FILES = 1_000
#: Before committing a batch whose files hold at least this many bytes, the idle workers
#: are shut down: the commit's DuckDB dedupe then has their memory (a 2 GB file peaked at
#: 997 MiB of RSS with them alive, 866 without), and restarting them (~0.1 s) is small
#: beside reading that much.
RELEASE_WORKERS_BYTES = 256 * 1024 * 1024


@dataclass
class IngestReport:
    files: list[BatchSummary] = field(default_factory=list)
    #: Files found in a directory or glob that no reader recognised (not ingested).
    unrecognized: list[str] = field(default_factory=list)
    #: What classifying the sampled prompts did (None when classification is off).
    classify: ClassifyReport | None = None

    @property
    def total(self) -> dict[str, int]:
        return {k: sum(getattr(s, k) for s in self.files) for k in COUNTS}

    def to_json(self) -> dict[str, object]:
        return {
            **self.total,
            "files": [
                {"path": s.source_path, "format": s.format, "batch": s.batch,
                 "already_ingested_as": s.skipped_as, **{k: getattr(s, k) for k in COUNTS},
                 "sources": [m["path"] for m in s.sources]}
                for s in self.files
            ],
            "unrecognized": self.unrecognized,
            "classification": self.classify.to_json() if self.classify else None,
        }


def plan(
    paths: list[str], fmt: str | None = None, reader_options: dict[str, Any] | None = None
) -> tuple[list[tuple[SourceFile | Any, Reader]], list[str]]:
    """Resolve paths and formats up front, so a bad path or format fails before any write.

    Returns the work and the files found by walking that no reader recognised.
    """
    forced = get_reader(fmt) if fmt else None
    if reader_options:
        forced = _configured(forced, reader_options)
    work: list[tuple[SourceFile | Any, Reader]] = []
    unrecognized: list[str] = []
    for f in expand([p for p in paths if not is_url(p)]):
        if forced:
            work.append((f, forced))
            continue
        try:
            work.append((f, detect(f)))
        except UnknownFormatError:
            if f.explicit:
                raise
            unrecognized.append(str(f.path))
    # URL arguments (a database, not a file): the reader whose opens_url() claims it opens it.
    for url in (p for p in paths if is_url(p)):
        reader = forced or _url_reader(url)
        work.append((reader.open_url(url), reader))
    return work, unrecognized


def _configured(reader: Reader | None, options: dict[str, Any]) -> Reader:
    """A new instance of the forced reader built with ``options`` (e.g. generic's mapping)."""
    names = ", ".join(sorted(options))
    if reader is None:
        raise InputError(f"Reader options ({names}) apply to one format: pass --format NAME.")
    try:
        return type(reader)(**options)
    except TypeError:
        raise InputError(f"The {reader.name} format takes no options ({names}).") from None


def _url_reader(url: str) -> Reader:
    known = readers()
    claims = [r for r in known.values() if r.opens_url(url)]
    if len(claims) != 1:
        # Name the scheme only: the URL may carry a password.
        raise UnknownFormatError(url.split("://", 1)[0] + "://... (a URL)",
                                 [r.name for r in claims] or known)
    return claims[0]


def ingest(
    paths: list[str],
    store: Store,
    *,
    fmt: str | None = None,
    sample_rate: float = DEFAULT_RATE,
    classifier: str | Classifier | None = DEFAULT_CLASSIFIER,
    progress: Progress | None = None,
    reader_options: dict[str, Any] | None = None,
) -> IngestReport:
    """Ingest every file under ``paths`` into ``store``: one batch per file, except that
    a run of small files of one format shares one batch (see :data:`GROUP_FILE_BYTES`).

    The sampled prompts are classified by ``classifier`` (a registered name or an
    instance; None or "none" turns classification off) and their labels committed
    with their batch.
    """
    work, unrecognized = plan(paths, fmt, reader_options)
    report = IngestReport(unrecognized=unrecognized)
    backend = resolve_classifier(classifier)
    if backend is not None:
        report.classify = ClassifyReport(classifier=backend.tag)

    want_text = selector(sample_rate)
    with shared_workers():  # one pool of workers for all the files
        _ingest_groups(work, store, report, backend, want_text, progress)
    return report


def _ingest_groups(work: list[tuple[Any, Reader]], store: Store, report: IngestReport,
                   backend: Classifier | None, want_text: TextFilter,
                   progress: Progress | None) -> None:
    done = 0
    for group, size in _groups(work):
        reader = group[0][1]
        if len(group) == 1:
            source = group[0][0]
            batch_args: dict[str, Any] = {"source_path": str(source.path),
                                          "sha256": source.sha256()}
        else:
            batch_args = {"source_path": f"{_common_folder(group)} ({len(group)} files)",
                          "sources": [(str(src.path), src.sha256()) for src, _ in group]}
        with store.batch(fmt=reader.name, **batch_args) as batch:
            report.files += [BatchSummary(batch="", source_path=path, format=reader.name,
                                          sha256=None, skipped_as=earlier)
                             for path, earlier in batch.already]
            if batch.summary.skipped_as is None:
                members = {m["path"] for m in batch.summary.sources}
                stage = LabelStage(backend, batch.add_labels) if backend else None
                # (index of the file among all files, the source) of the files to read
                todo = [(done + offset, source) for offset, (source, _) in enumerate(group)
                        if len(group) == 1 or str(source.path) in members]
                _read_files(todo, reader, batch, stage, want_text, (progress, len(work)))
                if size >= RELEASE_WORKERS_BYTES:
                    release_shared_workers()
                if stage:
                    stage.flush()
                    assert report.classify is not None
                    report.classify.merge(stage.report)
        if batch.summary.skipped_as is None or len(group) == 1:
            report.files.append(batch.summary)
        done += len(group)


def _groups(work: list[tuple[Any, Reader]]) -> Iterator[tuple[list[tuple[Any, Reader]], int]]:
    """Runs of small files of one format, each run one batch; other sources alone. Each
    with its bytes, taken before reading (a database source counts none), so a log
    rotated away while it is read does not fail its batch."""
    run: list[tuple[Any, Reader]] = []
    run_bytes = 0
    for source, reader in work:
        size = source.path.stat().st_size if isinstance(source, SourceFile) else 0
        small = isinstance(source, SourceFile) and size < GROUP_FILE_BYTES
        if run and (not small or reader.name != run[0][1].name or len(run) >= GROUP_MAX_FILES):
            yield run, run_bytes
            run, run_bytes = [], 0
        if small:
            run.append((source, reader))
            run_bytes += size
        else:
            yield [(source, reader)], size
    if run:
        yield run, run_bytes


def _common_folder(group: list[tuple[Any, Reader]]) -> str:
    return os.path.commonpath([str(source.path.parent) for source, _ in group])


def _read_files(todo: list[tuple[int, Any]], reader: Reader, batch: BatchWriter,
                stage: LabelStage | None, want_text: TextFilter,
                progress: tuple[Progress | None, int]) -> None:
    """Every chunk of the files of one batch into it: rows, quarantined records, sampled
    labels. Several small files are read on every core (see ``parallel.map_files``); a
    database source (not a file) is read here.

    ``todo`` pairs each source with its index among all files; ``progress`` is the
    callback and the count of all files.
    """
    callback, total = progress
    sources = [source for _, source in todo]
    seen = [0] * len(sources)
    for position, chunk in map_files(reader, sources, want_text if stage else None):
        name = str(sources[position].path)
        if chunk.rows is not None:
            batch.add_rows(chunk.rows)
        for r in chunk.rejects:
            batch.add_quarantine(name, r.line, r.reason, r.record_sha256)
        # Prompt texts live only in this loop and the stage's batch buffer; only labels
        # are written.
        if stage:
            stage.add_chunk(chunk.texts, chunk.rows)
        chunk.texts.clear()
        seen[position] += chunk.lines_read
        if callback:
            callback(todo[position][0], total, name, seen[position])
