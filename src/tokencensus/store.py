"""The census store: a directory of Parquet files plus a manifest.

Layout (a public interface; other tools may read it directly)::

    STORE/
      manifest.json                   schema version + one entry per committed batch
      requests/month=YYYY-MM/*.parquet  canonical requests (schema.REQUESTS), by UTC month
      labels/month=YYYY-MM/*.parquet    classifier labels (schema.LABELS)
      quarantine/<batch>.parquet        rejected records: file, line, reason (schema.QUARANTINE)
      .salt  .lock  .staging/         private: HMAC salt, writer lock, uncommitted work

Guarantees:

* **Atomic commits.** A batch is staged under ``.staging/``, then its files
  are renamed into place and the manifest is replaced atomically. Only files
  listed in the manifest belong to the store; a crash at any point leaves the
  previous state readable, and the next writer rolls the leftovers back.
* **Exact accounting.** For every batch, read = stored + duplicate + quarantined.
* **Dedupe** by ``request_id`` within a batch (first occurrence wins) and
  against everything already committed.
* **Idempotent ingest.** A source file whose sha256 is already in the
  manifest is not ingested again.
* **One writer.** An exclusive ``flock`` on ``.lock``; it frees itself when
  the holder dies.
* **Privacy.** ``user_id`` is replaced by a salted HMAC before anything is
  written; prompt text never reaches this module.

Tools that glob ``requests/**/*.parquet`` while an ingest is running may see
a batch's files a moment before its manifest entry; use :meth:`Store.data_files`
(or read the manifest) for a consistent snapshot.

>>> store = Store.open("census", create=True)                     # doctest: +SKIP
>>> with store.batch(source_path="logs.jsonl", fmt="openrouter") as b:  # doctest: +SKIP
...     b.add_rows(record_batch)
>>> b.summary.stored                                               # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tokencensus import schema
from tokencensus.errors import StoreError, StoreLockedError, StoreVersionError

MANIFEST = "manifest.json"
FOLDERS = ("requests", "labels", "quarantine")
_STAGING = ".staging"
_JOURNAL = "COMMIT.json"
_SEQ = "_seq"
COMMIT_MEMORY_LIMIT = "256MB"
STAGE_PART_ROWS = 1_000_000
#: Rows buffered before they are written to staging as one row group.
STAGE_WRITE_ROWS = 32_768


@dataclass
class BatchSummary:
    """What one ingest batch did; read = stored + duplicate + quarantined."""

    batch: str
    source_path: str
    format: str
    sha256: str | None
    read: int = 0
    stored: int = 0
    duplicate: int = 0
    quarantined: int = 0
    labels: int = 0  # classifier labels committed (not part of read)
    skipped_as: str | None = None  # batch id when the file was already ingested
    started_at: str = ""
    committed_at: str = ""
    files: dict[str, list[str]] = field(default_factory=dict)
    #: The files of a batch that holds several small ones ({"path", "sha256"} each); empty
    #: when the batch is the one file ``source_path``.
    sources: list[dict[str, str]] = field(default_factory=list)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _fsync_write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class Store:
    """A census store on local disk. Open with :meth:`open`."""

    def __init__(self, root: Path, manifest: dict[str, Any]) -> None:
        self.root = root
        self._manifest = manifest

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False) -> Store:
        root = Path(path)
        manifest_path = root / MANIFEST
        if not manifest_path.exists():
            if not create:
                raise StoreError(
                    f"No census store at {root} (no {MANIFEST}). Create one with "
                    f"`tokencensus ingest LOGS --store {root}`."
                )
            root.mkdir(parents=True, exist_ok=True)
            for folder in FOLDERS:
                (root / folder).mkdir(exist_ok=True)
            manifest = {
                "format": "tokencensus-store",
                "schema_version": schema.SCHEMA_VERSION,
                "created_at": _now(),
                "batches": [],
            }
            _fsync_write(manifest_path, json.dumps(manifest, indent=1).encode())
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("schema_version") != schema.SCHEMA_VERSION:
            raise StoreVersionError(str(root), manifest.get("schema_version"),
                                    schema.SCHEMA_VERSION)
        return cls(root, manifest)

    @property
    def batches(self) -> list[dict[str, Any]]:
        return list(self._manifest["batches"])

    def data_files(self, folder: str) -> list[Path]:
        """Committed files of ``folder`` (requests, labels or quarantine), in commit order."""
        return [self.root / f for b in self._manifest["batches"]
                for f in b["files"].get(folder, [])]

    def find_ingested(self, sha256: str) -> dict[str, Any] | None:
        """The batch that already holds a file with this digest, alone or among several."""
        return self._ingested().get(sha256)

    def _ingested(self) -> dict[str, dict[str, Any]]:
        """Every ingested file's digest -> its batch (the first one, if twice)."""
        found: dict[str, dict[str, Any]] = {}
        for b in self._manifest["batches"]:
            for digest in [b.get("sha256"), *(m["sha256"] for m in b.get("sources", ()))]:
                if digest:
                    found.setdefault(digest, b)
        return found

    def _salt(self) -> bytes:
        path = self.root / ".salt"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        return path.read_bytes()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        lock_path = self.root / ".lock"
        with open(lock_path, "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.seek(0)
                raise StoreLockedError(str(self.root), lock.read().strip() or "unknown") from None
            lock.seek(0)
            lock.truncate()
            lock.write(f"pid {os.getpid()}")
            lock.flush()
            try:
                self._recover()
                # Another writer may have committed since we read the manifest.
                self._manifest = json.loads((self.root / MANIFEST).read_text())
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _recover(self) -> None:
        """Roll back whatever a crashed writer left in ``.staging``."""
        staging = self.root / _STAGING
        if not staging.exists():
            return
        committed = {b["batch"] for b in json.loads((self.root / MANIFEST).read_text())["batches"]}
        for batch_dir in staging.iterdir():
            journal = batch_dir / _JOURNAL
            if journal.exists() and batch_dir.name not in committed:
                for rel in json.loads(journal.read_text())["files"]:
                    (self.root / rel).unlink(missing_ok=True)
            shutil.rmtree(batch_dir, ignore_errors=True)

    @contextlib.contextmanager
    def batch(
        self, *, source_path: str, fmt: str, sha256: str | None = None,
        sources: list[tuple[str, str]] | None = None,
    ) -> Iterator[BatchWriter]:
        """Stage one batch; it commits when the block exits cleanly, else rolls back.

        ``sources`` makes one batch of several small files ((path, sha256) each): those
        already in the store are left out (``writer.already``), the rest are listed in
        the summary's ``sources``, and the batch is skipped when none is left. One commit
        for many files is what keeps a directory of session transcripts fast: every
        commit checks its ids against every earlier file of the store.
        """
        with self._locked():
            writer = BatchWriter(self, source_path=source_path, fmt=fmt, sha256=sha256)
            ingested = self._ingested()  # one pass over the manifest, not one per file
            previous = ingested.get(sha256) if sha256 else None
            for path, digest in sources or ():
                earlier = ingested.get(digest)
                if earlier is not None:  # in the store, or earlier in this batch
                    writer.already.append((path, earlier["batch"]))
                else:
                    writer.summary.sources.append({"path": path, "sha256": digest})
                    ingested[digest] = {"batch": writer.summary.batch}
            if sources and not writer.summary.sources:
                previous = {"batch": writer.already[0][1]}
            try:
                if previous is not None:
                    writer.summary.skipped_as = previous["batch"]
                    writer.closed = True
                    yield writer
                    return
                yield writer
                writer._commit()
            finally:
                writer._discard_staging()

    def _append_manifest(self, summary: BatchSummary) -> None:
        entry = asdict(summary)
        entry.pop("skipped_as")
        manifest = dict(self._manifest)
        manifest["batches"] = [*self._manifest["batches"], entry]
        _fsync_write(self.root / MANIFEST, json.dumps(manifest, indent=1).encode())
        self._manifest = manifest


class BatchWriter:
    """Receives canonical rows and rejected records for one batch (see :meth:`Store.batch`)."""

    def __init__(self, store: Store, *, source_path: str, fmt: str, sha256: str | None) -> None:
        self.store = store
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        batch_id = f"{stamp}-{secrets.token_hex(4)}"
        self.summary = BatchSummary(batch=batch_id, source_path=source_path, format=fmt,
                                    sha256=sha256, started_at=_now())
        self.dir = store.root / _STAGING / batch_id
        self.dir.mkdir(parents=True)
        self.closed = False
        self._rows: pq.ParquetWriter | None = None
        self._rows_schema = schema.REQUESTS.append(pa.field(_SEQ, pa.int64(), nullable=False))
        self._staged = 0
        self._parts = 0  # staged rows go to rows-00000.parquet, rows-00001.parquet, ...
        self._part_rows = 0
        self._pending: list[pa.Table] = []  # rows not yet written (see _write_pending)
        self._pending_rows = 0
        self._labels: pq.ParquetWriter | None = None
        self._labels_schema = schema.LABELS.append(pa.field(_SEQ, pa.int64(), nullable=False))
        self._labels_staged = 0
        self._quarantine: list[dict[str, Any]] = []
        self._quarantine_writer: pq.ParquetWriter | None = None
        self._hmac_key = store._salt()
        #: (path, batch) of the files of ``Store.batch(sources=...)`` already ingested.
        self.already: list[tuple[str, str]] = []

    def add_rows(self, rows: pa.RecordBatch | pa.Table) -> None:
        """Stage canonical rows (schema.REQUESTS; the ``batch`` column is overwritten)."""
        if self.closed:
            return
        table = pa.Table.from_batches([rows]) if isinstance(rows, pa.RecordBatch) else rows
        if table.num_rows == 0:
            return
        table = table.select(schema.REQUESTS.names).cast(schema.REQUESTS)
        n = table.num_rows
        table = table.set_column(table.schema.get_field_index(schema.BATCH), schema.BATCH,
                                 pa.array([self.summary.batch] * n, pa.string()))
        table = self._pseudonymize(table)
        seq = pa.array(np.arange(self._staged, self._staged + n, dtype=np.int64))
        self._pending.append(pa.Table.from_arrays([*table.columns, seq],
                                                  schema=self._rows_schema))
        self._staged += n
        self._pending_rows += n
        if self._pending_rows >= STAGE_WRITE_ROWS:
            self._write_pending()

    def _write_pending(self) -> None:
        """Write the buffered rows as one row group: a directory of small session files
        hands over a few hundred rows per file, and a row group each made staging (and
        the commit's reading of it) several times slower."""
        if not self._pending:
            return
        table = pa.concat_tables(self._pending)
        n = table.num_rows
        self._pending, self._pending_rows = [], 0
        if self._rows is not None and self._part_rows >= STAGE_PART_ROWS:
            # A Parquet writer's memory grows with its row groups until it closes (about
            # 40 MB per million rows here): staging in parts keeps a 5 GB ingest's flat.
            self._rows.close()
            self._rows = None
        if self._rows is None:
            # Staging is read once and deleted: cheap compression beats small files here.
            self._rows = pq.ParquetWriter(self.dir / f"rows-{self._parts:05d}.parquet",
                                          self._rows_schema, compression="snappy")
            self._parts += 1
            self._part_rows = 0
        self._rows.write_table(table)
        self._part_rows += n

    def add_labels(self, labels: pa.RecordBatch | pa.Table) -> None:
        """Stage classifier labels (schema.LABELS); never text, only what the classifier said.

        A label for a (request_id, classifier) pair already in the store is a duplicate
        and is dropped, so re-classifying with the same classifier version changes nothing.
        """
        if self.closed:
            return
        table = pa.Table.from_batches([labels]) if isinstance(labels, pa.RecordBatch) else labels
        if table.num_rows == 0:
            return
        table = table.select(schema.LABELS.names).cast(schema.LABELS)
        n = table.num_rows
        seq = pa.array(np.arange(self._labels_staged, self._labels_staged + n, dtype=np.int64))
        table = pa.Table.from_arrays([*table.columns, seq], schema=self._labels_schema)
        if self._labels is None:
            self._labels = pq.ParquetWriter(self.dir / "labels.parquet", self._labels_schema,
                                            compression="snappy")
        self._labels.write_table(table)
        self._labels_staged += n

    def add_quarantine(self, file: str, line: int, reason: str, record_sha256: str | None) -> None:
        """Record a rejected record by where it is, never by what it says."""
        if self.closed:
            return
        self._quarantine.append({schema.BATCH: self.summary.batch, schema.FILE: file,
                                 schema.LINE: line, schema.REASON: reason,
                                 schema.RECORD_SHA256: record_sha256})
        self.summary.quarantined += 1
        if len(self._quarantine) >= 50_000:
            self._flush_quarantine()

    def _flush_quarantine(self) -> None:
        if not self._quarantine:
            return
        table = pa.Table.from_pylist(self._quarantine, schema=schema.QUARANTINE)
        if self._quarantine_writer is None:
            self._quarantine_writer = pq.ParquetWriter(self.dir / "quarantine.parquet",
                                                       schema.QUARANTINE)
        self._quarantine_writer.write_table(table)
        self._quarantine = []

    def _pseudonymize(self, table: pa.Table) -> pa.Table:
        users = table[schema.USER_ID]
        if users.null_count == len(users):
            return table
        # Hash each distinct user once; a batch has far fewer users than rows.
        distinct = pc.unique(users).drop_null()
        hashed = pa.array([
            hmac.new(self._hmac_key, u.encode(), hashlib.sha256).hexdigest()[:32]
            for u in distinct.to_pylist()
        ], pa.string())
        mapped = pc.take(hashed, pc.index_in(users, value_set=distinct))
        return table.set_column(table.schema.get_field_index(schema.USER_ID), schema.USER_ID,
                                mapped)

    def _commit(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._write_pending()
        self._flush_quarantine()
        if self._quarantine_writer is not None:
            self._quarantine_writer.close()
        for writer in (self._rows, self._labels):
            if writer is not None:
                writer.close()
        store, s = self.store, self.summary
        moves: list[tuple[Path, str]] = []
        if self._staged:
            out = self.dir / "out"
            s.stored = self._dedupe_and_partition(self.dir / "rows-*.parquet", "requests",
                                                  schema.REQUESTS, [schema.REQUEST_ID], out)
            s.duplicate = self._staged - s.stored
            moves += [(f, str(Path("requests") / f.relative_to(out)))
                      for f in sorted(out.rglob("*.parquet"))]
        if self._labels_staged:
            out = self.dir / "labels_out"
            s.labels = self._dedupe_and_partition(
                self.dir / "labels.parquet", "labels", schema.LABELS,
                [schema.REQUEST_ID, schema.CLASSIFIER], out)
            moves += [(f, str(Path("labels") / f.relative_to(out)))
                      for f in sorted(out.rglob("*.parquet"))]
        if (self.dir / "quarantine.parquet").exists():
            moves.append((self.dir / "quarantine.parquet", f"quarantine/{s.batch}.parquet"))
        s.read = s.stored + s.duplicate + s.quarantined
        s.files = {folder: [m[1] for m in moves if m[1].startswith(folder + "/")]
                   for folder in FOLDERS}
        # The journal lets a later writer undo a half-finished move (see Store._recover).
        _fsync_write(self.dir / _JOURNAL, json.dumps({"files": [m[1] for m in moves]}).encode())
        for src, rel in moves:
            dest = store.root / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest)
        s.committed_at = _now()
        store._append_manifest(s)

    def _dedupe_and_partition(
        self, staged: Path, folder: str, target: pa.Schema, key: list[str], out: Path
    ) -> int:
        """Drop duplicates by ``key`` (in batch, then against ``folder``); write months to ``out``.

        Returns how many rows were kept.
        """
        # A bounded memory limit makes DuckDB spill the dedupe of a multi-GB batch to disk
        # instead of holding it: ingest's peak memory must not grow with the file.
        con = duckdb.connect(config={
            "temp_directory": str(self.dir / "spill"),
            "memory_limit": COMMIT_MEMORY_LIMIT,
            "preserve_insertion_order": False,  # row order in a month file is not layout
        })
        try:
            con.execute("SET TimeZone = 'UTC'")
            existing = [str(p) for p in self.store.data_files(folder)]
            keys = ", ".join(key)
            params: dict[str, object] = {"staged": str(staged)}
            (staged_rows, distinct) = con.execute(
                f"SELECT count(*), count(DISTINCT ({keys})) FROM read_parquet($staged)",
                params).fetchone() or (0, 0)
            if distinct < staged_rows or existing:
                # Keep first occurrences that are new to the store, once, in one file; the
                # window is the costly step, and most batches have no internal duplicate.
                source = (f"""(SELECT * FROM read_parquet($staged)
                             QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {_SEQ}) = 1)"""
                          if distinct < staged_rows else "read_parquet($staged)")
                anti = ""
                if existing:
                    params["existing"] = existing
                    anti = f"ANTI JOIN read_parquet($existing) e USING ({keys})"
                kept = self.dir / f"{folder}-kept.parquet"
                con.execute(f"COPY (SELECT s.* FROM {source} s {anti}) TO '{kept}' "
                            "(FORMAT parquet, COMPRESSION snappy)", params)
                params = {"staged": str(kept)}
            return self._write_months(con, params, target, out)
        finally:
            con.close()

    def _write_months(self, con: duckdb.DuckDBPyConnection, params: dict[str, object],
                      target: pa.Schema, out: Path) -> int:
        """One file per month of ``read_parquet($staged)`` under ``out/month=YYYY-MM/``.

        A COPY per month with a time-range filter, not one PARTITION_BY COPY: under the
        commit memory limit the partitioned writer took 3x longer (11 s against 3.4 s for
        2M rows), and logs come in time order, so each month's scan skips the row groups
        of the others.
        """
        cols = ", ".join(f'"{c}"' for c in target.names)
        months = con.execute("SELECT DISTINCT date_trunc('month', ts) AS m "
                             "FROM read_parquet($staged) ORDER BY m", params).fetchall()
        kept = 0
        for (start,) in months:
            folder = out / f"month={start:%Y-%m}"
            folder.mkdir(parents=True)
            written = con.execute(
                f"""COPY (SELECT {cols} FROM read_parquet($staged)
                          WHERE ts >= $start AND ts < $start + INTERVAL 1 MONTH)
                    TO '{folder / f"{self.summary.batch}-0.parquet"}'
                    (FORMAT parquet, COMPRESSION zstd)""",
                {**params, "start": start},
            ).fetchone()
            kept += int(written[0]) if written else 0
        return kept

    def _discard_staging(self) -> None:
        for w in (self._rows, self._labels, self._quarantine_writer):
            if w is not None:
                with contextlib.suppress(Exception):
                    w.close()
        shutil.rmtree(self.dir, ignore_errors=True)
