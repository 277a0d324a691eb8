"""Ingest orchestration: plan the files and their readers, then one store batch per file.

Re-exported by :mod:`tokencensus.ingest` (``from tokencensus.ingest import ingest``).
"""

from __future__ import annotations

from collections.abc import Callable
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
from tokencensus.ingest.base import Reader, get_reader, readers
from tokencensus.ingest.detect import detect
from tokencensus.ingest.sources import SourceFile, expand, is_url
from tokencensus.store import BatchSummary, Store

#: (file index, files total, file path, records read so far in this file)
Progress = Callable[[int, int, str, int], None]
COUNTS = ("read", "stored", "duplicate", "quarantined")


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
                 "already_ingested_as": s.skipped_as, **{k: getattr(s, k) for k in COUNTS}}
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
    """Ingest every file under ``paths`` into ``store``; one batch per file.

    The sampled prompts are classified by ``classifier`` (a registered name or an
    instance; None or "none" turns classification off) and their labels committed
    with the file's batch.
    """
    work, unrecognized = plan(paths, fmt, reader_options)
    report = IngestReport(unrecognized=unrecognized)
    backend = resolve_classifier(classifier)
    if backend is not None:
        report.classify = ClassifyReport(classifier=backend.tag)

    want_text = selector(sample_rate)
    for index, (source, reader) in enumerate(work):
        name = str(source.path)
        with store.batch(source_path=name, fmt=reader.name, sha256=source.sha256()) as batch:
            if batch.summary.skipped_as is None:
                seen = 0
                stage = LabelStage(backend, batch.add_labels) if backend else None
                for chunk in reader.read(source, want_text if stage else None):
                    if chunk.rows is not None:
                        batch.add_rows(chunk.rows)
                    for r in chunk.rejects:
                        batch.add_quarantine(name, r.line, r.reason, r.record_sha256)
                    # Prompt texts live only in this loop and the stage's batch buffer;
                    # only labels are written.
                    if stage:
                        stage.add_chunk(chunk.texts, chunk.rows)
                    chunk.texts.clear()
                    seen += chunk.lines_read
                    if progress:
                        progress(index, len(work), name, seen)
                if stage:
                    stage.flush()
                    assert report.classify is not None
                    report.classify.merge(stage.report)
        report.files.append(batch.summary)
    return report
