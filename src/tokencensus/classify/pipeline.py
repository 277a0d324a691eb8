"""Classify the sampled prompts, in batches, and hand the labels to the store.

Two entry points share one :class:`LabelStage`:

* during ingest (:func:`tokencensus.ingest.ingest`), each file's reader yields
  the prompt texts of sampled requests next to their rows; the stage buffers
  them, classifies a batch at a time and stages the labels in the same store
  batch as the requests, so they commit (or roll back) together;
* :func:`relabel` (``tokencensus classify --store DIR LOGS...``) re-reads log
  files, classifies their sampled prompts and commits labels only, never
  re-storing a request. Requests the classifier already labelled are skipped,
  so an interrupted or partly failed run can simply be started again.

Rules:

* Prompt text lives only in the stage's buffer and is cleared once a batch is
  classified; labels carry no text.
* A backend that fails (a remote endpoint down, a timeout after its retries)
  fails one batch: the batch's requests stay unlabelled, the error is recorded
  with how many prompts it cost, and classification moves on. After
  :data:`MAX_CONSECUTIVE_FAILURES` failed batches in a row the stage stops
  calling the backend for the rest of the run (each further prompt is counted
  as skipped), so a dead endpoint costs three timeouts, not thousands. Labels
  already staged are never dropped because of a later failure.
* A label whose category is not in the taxonomy fails its batch: a backend
  must map what it finds onto the study's categories or ``other``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from tokencensus import schema
from tokencensus.classify.base import Classifier, Label, get_classifier_class
from tokencensus.classify.sampling import DEFAULT_RATE, selector
from tokencensus.errors import TokencensusError
from tokencensus.store import BatchWriter, Store

DEFAULT_CLASSIFIER: Final = "builtin"
DEFAULT_BATCH: Final = 64
MAX_CONSECUTIVE_FAILURES: Final = 3
#: Relabel commits a store batch at least this often, so a long remote run keeps its work.
COMMIT_EVERY: Final = 5_000

Sink = Callable[[pa.Table], None]


def category_names() -> frozenset[str]:
    """Every category a label may carry: the taxonomy's names and ``other``."""
    from tokencensus.classify import taxonomy

    return frozenset(taxonomy.NAMES) | {taxonomy.OTHER}


def resolve_classifier(spec: str | Classifier | None) -> Classifier | None:
    """A classifier instance from a registered name, an instance, or None/"none" (off)."""
    if spec is None or isinstance(spec, Classifier):
        return spec
    if spec.lower() == "none":
        return None
    return get_classifier_class(spec)()


@dataclass
class ClassifyReport:
    """What classification did: prompts seen, labelled, lost to failed batches, skipped."""

    classifier: str
    texts: int = 0
    labelled: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def merge(self, other: ClassifyReport) -> None:
        self.texts += other.texts
        self.labelled += other.labelled
        self.failed += other.failed
        self.skipped += other.skipped
        self.errors += other.errors
        self.seconds += other.seconds

    def to_json(self) -> dict[str, object]:
        return {"classifier": self.classifier, "texts": self.texts, "labelled": self.labelled,
                "failed": self.failed, "skipped": self.skipped, "errors": self.errors,
                "seconds": round(self.seconds, 3)}


class LabelStage:
    """Buffers (request_id, ts, text), classifies full batches, sends label tables to a sink."""

    def __init__(self, classifier: Classifier, sink: Sink, *,
                 batch_size: int | None = None, known: frozenset[str] | None = None) -> None:
        self.classifier = classifier
        self.sink = sink
        self.batch_size = batch_size or int(getattr(classifier, "batch_size", DEFAULT_BATCH))
        self.known = known if known is not None else category_names()
        self.report = ClassifyReport(classifier=classifier.tag)
        self._ids: list[str] = []
        self._ts: list[object] = []
        self._texts: list[str] = []
        self._failures_in_row = 0

    def add_chunk(self, texts: list[tuple[str, str]], rows: pa.RecordBatch | None) -> None:
        """Take a reader chunk's sampled texts; their timestamps come from its rows."""
        if not texts:
            return
        if rows is None:
            raise ValueError("A chunk carried prompt texts without their rows.")
        ids = pa.array([rid for rid, _ in texts], pa.string())
        where = pc.index_in(ids, value_set=rows.column(schema.REQUEST_ID))
        ts = pc.take(rows.column(schema.TS), where).to_pylist()
        self.add([rid for rid, _ in texts], ts, [text for _, text in texts])

    def add(self, ids: Sequence[str], ts: Sequence[object], texts: Sequence[str]) -> None:
        self._ids.extend(ids)
        self._ts.extend(ts)
        self._texts.extend(texts)
        self.report.texts += len(ids)
        while len(self._ids) >= self.batch_size:
            self._run(self.batch_size)

    def flush(self) -> None:
        """Classify whatever is buffered (end of a file or run)."""
        while self._ids:
            self._run(min(self.batch_size, len(self._ids)))

    def _run(self, n: int) -> None:
        ids, ts, texts = self._ids[:n], self._ts[:n], self._texts[:n]
        del self._ids[:n], self._ts[:n], self._texts[:n]
        if self._failures_in_row >= MAX_CONSECUTIVE_FAILURES:
            self.report.skipped += n
            return
        started = time.perf_counter()
        try:
            labels = self.classifier.classify(texts)
            self._check(labels, n)
        except TokencensusError as e:
            self._fail(n, str(e))
            return
        finally:
            self.report.seconds += time.perf_counter() - started
            texts.clear()
        self._failures_in_row = 0
        self.sink(label_table(ids, ts, labels, self.classifier.tag))
        self.report.labelled += n

    def _check(self, labels: list[Label], n: int) -> None:
        if len(labels) != n:
            raise BackendError(self.classifier.tag, f"returned {len(labels)} labels for {n} "
                               "prompts", "fix the classifier: one label per prompt, in order")
        unknown = sorted({lab.category for lab in labels} - self.known)
        if unknown:
            raise BackendError(self.classifier.tag, f"returned unknown categories {unknown}",
                               "map them to the taxonomy's categories or 'other'")

    def _fail(self, n: int, message: str) -> None:
        self._failures_in_row += 1
        self.report.failed += n
        note = f"{n} prompt(s) left unlabelled: {message}"
        if self._failures_in_row == MAX_CONSECUTIVE_FAILURES:
            note += (f" ({MAX_CONSECUTIVE_FAILURES} batches failed in a row; the rest of this "
                     "run is skipped. Fix the backend and run `tokencensus classify` again.)")
        self.report.errors.append(note)


class BackendError(TokencensusError):
    """A classifier backend could not label a batch (the batch stays unlabelled)."""

    def __init__(self, backend: str, what: str, fix: str) -> None:
        self.backend = backend
        self.what = what
        self.fix = fix
        super().__init__(f"Classifier {backend} {what}; {fix}.")


def label_table(ids: Sequence[str], ts: Sequence[object], labels: Sequence[Label],
                tag: str) -> pa.Table:
    """Rows of :data:`tokencensus.schema.LABELS`; nothing here comes from the text itself."""
    return pa.table({
        schema.REQUEST_ID: pa.array(ids, pa.string()),
        schema.TS: pa.array(ts, schema.UTC_MICROS),
        schema.CATEGORY: pa.array([lab.category for lab in labels], pa.string()),
        schema.SUBTAG: pa.array([lab.subtag for lab in labels], pa.string()),
        schema.CONFIDENCE: pa.array([lab.confidence for lab in labels], pa.float32()),
        schema.LANGUAGE: pa.array([lab.language for lab in labels], pa.string()),
        schema.CLASSIFIER: pa.array([tag] * len(ids), pa.string()),
    }, schema=schema.LABELS)


def already_labelled(store: Store, tag: str) -> set[str]:
    """Request ids the classifier ``tag`` has labels for in ``store``."""
    files = [str(p) for p in store.data_files("labels")]
    if not files:
        return set()
    con = duckdb.connect()
    try:
        rows = con.execute(f"SELECT DISTINCT {schema.REQUEST_ID} FROM read_parquet($f) "
                           f"WHERE {schema.CLASSIFIER} = $tag", {"f": files, "tag": tag})
        return {r[0] for r in rows.fetchall()}
    finally:
        con.close()


class _LabelCommits:
    """Label-only store batches for one source file, committed every ``every`` labels."""

    def __init__(self, store: Store, source_path: str, fmt: str, every: int) -> None:
        self.store, self.source_path, self.fmt, self.every = store, source_path, fmt, every
        self.committed = 0
        self._stack: contextlib.ExitStack | None = None
        self._writer: BatchWriter | None = None
        self._staged = 0

    def add(self, table: pa.Table) -> None:
        if self._writer is None:
            self._stack = contextlib.ExitStack()
            self._writer = self._stack.enter_context(
                self.store.batch(source_path=self.source_path, fmt=self.fmt))
        self._writer.add_labels(table)
        self._staged += table.num_rows
        if self._staged >= self.every:
            self.commit()

    def commit(self) -> None:
        if self._stack is None or self._writer is None:
            return
        writer, stack = self._writer, self._stack
        self._stack, self._writer, self._staged = None, None, 0
        stack.close()  # exits store.batch cleanly: the labels commit
        self.committed += writer.summary.labels

    def abort(self) -> None:
        if self._stack is not None:
            stack, self._stack, self._writer = self._stack, None, None
            # Leave the block through an exception so store.batch rolls the staging back.
            with contextlib.suppress(_Abort):
                stack.__exit__(_Abort, _Abort(), None)


class _Abort(Exception):
    pass


@dataclass
class RelabelReport:
    """Labels committed per file and the classification summary."""

    files: dict[str, int] = field(default_factory=dict)
    classify: ClassifyReport | None = None
    already: int = 0  # sampled requests skipped because this classifier labelled them before
    unrecognized: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"labels": sum(self.files.values()), "files": self.files,
                "already_labelled": self.already, "unrecognized": self.unrecognized,
                "classification": self.classify.to_json() if self.classify else None}


#: (file index, files total, file path, prompts classified so far)
Progress = Callable[[int, int, str, int], None]


def relabel(paths: list[str], store: Store, classifier: str | Classifier = DEFAULT_CLASSIFIER,
            *, fmt: str | None = None, sample_rate: float = DEFAULT_RATE,
            commit_every: int = COMMIT_EVERY, progress: Progress | None = None) -> RelabelReport:
    """Classify the sampled prompts of ``paths`` into ``store``'s labels; no request is stored."""
    from tokencensus.ingest import plan

    backend = resolve_classifier(classifier)
    if backend is None:
        raise ValueError("relabel needs a classifier, not 'none'.")
    work, unrecognized = plan(paths, fmt)
    done = already_labelled(store, backend.tag)
    report = RelabelReport(classify=ClassifyReport(classifier=backend.tag),
                           unrecognized=unrecognized)
    sampled = selector(sample_rate)
    for index, (source, reader) in enumerate(work):
        name = str(source.path)
        commits = _LabelCommits(store, name, f"labels:{backend.tag}", commit_every)
        stage = LabelStage(backend, commits.add)
        try:
            for chunk in reader.read(source, sampled):
                todo = [(r, t) for r, t in chunk.texts if r not in done]
                report.already += len(chunk.texts) - len(todo)
                chunk.texts.clear()
                stage.add_chunk(todo, chunk.rows)
                todo.clear()
                if progress:
                    progress(index, len(work), name, stage.report.texts)
            stage.flush()
            commits.commit()
        except BaseException:
            # Keep what was classified before the interruption; roll back only if the
            # store itself cannot take it.
            try:
                commits.commit()
            except Exception:
                commits.abort()
            raise
        report.files[name] = commits.committed
        assert report.classify is not None
        report.classify.merge(stage.report)
    return report
