"""Reading log files into the census store.

>>> report = ingest(["logs/"], Store.open("census", create=True))   # doctest: +SKIP
>>> report.total.stored                                            # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tokencensus.classify.sampling import DEFAULT_RATE, selector
from tokencensus.errors import UnknownFormatError
from tokencensus.ingest.base import Reader, get_reader
from tokencensus.ingest.detect import detect
from tokencensus.ingest.sources import SourceFile, expand
from tokencensus.store import BatchSummary, Store

#: (file index, files total, file path, records read so far in this file)
Progress = Callable[[int, int, str, int], None]
COUNTS = ("read", "stored", "duplicate", "quarantined")


@dataclass
class IngestReport:
    files: list[BatchSummary] = field(default_factory=list)
    #: Files found in a directory or glob that no reader recognised (not ingested).
    unrecognized: list[str] = field(default_factory=list)

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
        }


def plan(
    paths: list[str], fmt: str | None = None
) -> tuple[list[tuple[SourceFile, Reader]], list[str]]:
    """Resolve paths and formats up front, so a bad path or format fails before any write.

    Returns the work and the files found by walking that no reader recognised.
    """
    forced = get_reader(fmt) if fmt else None
    work, unrecognized = [], []
    for f in expand(paths):
        if forced:
            work.append((f, forced))
            continue
        try:
            work.append((f, detect(f)))
        except UnknownFormatError:
            if f.explicit:
                raise
            unrecognized.append(str(f.path))
    return work, unrecognized


def ingest(
    paths: list[str],
    store: Store,
    *,
    fmt: str | None = None,
    sample_rate: float = DEFAULT_RATE,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest every file under ``paths`` into ``store``; one batch per file."""
    work, unrecognized = plan(paths, fmt)
    report = IngestReport(unrecognized=unrecognized)

    want_text = selector(sample_rate)
    for index, (source, reader) in enumerate(work):
        name = str(source.path)
        with store.batch(source_path=name, fmt=reader.name, sha256=source.sha256()) as batch:
            if batch.summary.skipped_as is None:
                seen = 0
                for chunk in reader.read(source, want_text):
                    if chunk.rows is not None:
                        batch.add_rows(chunk.rows)
                    for r in chunk.rejects:
                        batch.add_quarantine(name, r.line, r.reason, r.record_sha256)
                    # Prompt texts live only in this loop; classification (a later stage)
                    # consumes them here, and nothing writes them anywhere.
                    chunk.texts.clear()
                    seen += chunk.lines_read
                    if progress:
                        progress(index, len(work), name, seen)
        report.files.append(batch.summary)
    return report
