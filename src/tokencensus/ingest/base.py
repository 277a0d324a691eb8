"""The Reader protocol, the reader registry and the helpers every reader shares.

A reader turns one source file into canonical rows. It never writes: it yields
:class:`Chunk` objects (Arrow rows, rejected records with their line numbers
and reasons, and in-memory prompt texts for the classification sample), and
the pipeline hands them to the store. Built-in readers register through the
``tokencensus.readers`` entry point group, exactly as a plugin would::

    [project.entry-points."tokencensus.readers"]
    myformat = "my_package.reader:MyReader"

A line-oriented JSON format only implements :meth:`JsonLinesReader.map_record`.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import operator
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import orjson
import pyarrow as pa

from tokencensus import catalog, schema
from tokencensus.errors import UnknownNameError
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.validate import epoch_micros

TextFilter = Callable[[str], bool]


class RecordError(ValueError):
    """A record that cannot be mapped; its message becomes the quarantine reason."""


@dataclass(frozen=True)
class Reject:
    line: int
    reason: str
    record_sha256: str


@dataclass
class Chunk:
    """What a reader yields: rows, rejects, and prompt texts (never persisted)."""

    rows: pa.RecordBatch | None
    rejects: list[Reject] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (request_id, text)
    lines_read: int = 0


class Reader(ABC):
    """One log format."""

    name: ClassVar[str]
    description: ClassVar[str]
    #: Canonical columns this source can fill (shown by `tokencensus formats`).
    provides: ClassVar[frozenset[str]]

    @abstractmethod
    def sniff(self, head: bytes) -> bool:
        """True when the first bytes of a (decompressed) file look like this format."""

    @abstractmethod
    def read(self, source: SourceFile, want_text: TextFilter | None = None) -> Iterator[Chunk]:
        """Yield chunks of canonical rows; ``want_text(request_id)`` selects prompts to keep."""

    # URL sources (a database rather than a file). A reader that reads one overrides both:
    # ``ingest`` hands it the object ``open_url`` returns instead of a SourceFile.
    @classmethod
    def opens_url(cls, url: str) -> bool:
        """True when this reader reads ``url`` (e.g. ``postgresql://...``) itself."""
        return False

    def open_url(self, url: str) -> Any:
        """The source for ``url``: like a SourceFile it has ``path`` (shown in reports; no
        credentials), ``explicit`` and ``sha256()`` (same data, same digest)."""
        raise NotImplementedError(f"{self.name} does not read URLs")


class RowBuilder:
    """Collects canonical records and emits them as schema.REQUESTS batches.

    Columns are built at :meth:`flush`, one list comprehension per column: cheaper than
    appending every field of every record as it arrives (this is ingest's hottest loop).
    Two columns are derived here, once for every reader:

    * ``model``: the catalog in effect resolves each *distinct* ``model_raw`` of the
      batch once (a log repeats a few hundred names millions of times).
    * ``ts``: datetimes become integer microseconds before Arrow sees them (a reader
      with an integer clock, OTLP's nanoseconds, gives microseconds already). Handing
      Arrow datetime objects makes it import pandas (a third of a second in every
      ingest worker) to check for pandas timestamps. A naive datetime is UTC.
    """

    _DEFAULTS: ClassVar[dict[str, Any]] = {
        schema.REQUESTS_COUNT: 1, schema.TOKENS_ESTIMATED: False, schema.BATCH: "",
    }

    def __init__(self) -> None:
        self._records: list[dict[str, Any]] = []
        self.add = self._records.append

    @property
    def size(self) -> int:
        return len(self._records)

    def flush(self) -> pa.RecordBatch | None:
        records = self._records
        if not records:
            return None
        n = len(records)
        columns: dict[str, Any] = _uniform_columns(records) or _columns_by_name(records)
        raw = columns.get(schema.MODEL_RAW) or [None] * n  # a generic mapping may have none
        resolved = {name: catalog.resolve(name) for name in set(raw)}
        columns[schema.MODEL] = [resolved[name] for name in raw]
        columns[schema.TS] = pa.array(
            [ts if type(ts) is int else epoch_micros(ts) for ts in columns[schema.TS]],
            pa.int64())
        records.clear()
        return pa.RecordBatch.from_arrays(
            [self._array(columns.get(f.name), f, n) for f in schema.REQUESTS],
            schema=schema.REQUESTS)

    def _array(self, values: Any, f: pa.Field, n: int) -> pa.Array:
        if isinstance(values, pa.Array):
            return values.cast(f.type)
        default = self._DEFAULTS.get(f.name)
        if values is None:
            values = [default] * n
        elif default is not None:
            values = [v if v is not None else default for v in values]
        return pa.array(values, f.type)


def _uniform_columns(records: list[dict[str, Any]]) -> dict[str, list[Any]] | None:
    """Columns of records that all have the first one's keys, each read in C (twice as
    fast as transposing rows with ``zip``); None when they differ (then
    :func:`_columns_by_name` reads them key by key).

    Every record holding the first record's keys and the key counts summing to
    ``n × keys`` means no record has a key more: the mappers build one shape per format.
    """
    keys = tuple(records[0])
    if sum(map(len, records)) != len(keys) * len(records):
        return None
    try:
        return {key: list(map(operator.itemgetter(key), records)) for key in keys}
    except KeyError:
        return None


def _columns_by_name(records: list[dict[str, Any]]) -> dict[str, list[Any]]:
    names = {name for record in records for name in record}
    return {name: [r.get(name) for r in records] for name in names}


def record_id(obj: Any) -> str:
    """Stable id for a record that has none: sha256 of its canonical JSON."""
    return "sha256:" + hashlib.sha256(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)).hexdigest()


class JsonLinesReader(Reader):
    """Base for formats with one JSON object per line."""

    @abstractmethod
    def map_record(
        self, obj: Any, want_text: TextFilter | None
    ) -> tuple[dict[str, Any], str | None]:
        """Canonical record (schema.REQUESTS names) and, if wanted, its prompt text.

        Raise :class:`RecordError` with a reason a user can act on.
        """

    def read(self, source: SourceFile, want_text: TextFilter | None = None) -> Iterator[Chunk]:
        from tokencensus.ingest.parallel import map_blocks

        yield from map_blocks(self.map_block, source, want_text)

    def map_fast(self, raw: bytes,
                 want_text: TextFilter | None) -> tuple[dict[str, Any], str | None] | None:
        """Optional fast path: exactly ``map_record`` of the parsed line, for the plain,
        well-formed lines it recognises, and None for any other line (``map_record``
        then decides, so quarantine reasons have one source). A reader that overrides
        this proves the equivalence in its tests."""
        return None

    def map_block(self, lines: list[tuple[int, bytes]], want_text: TextFilter | None) -> Chunk:
        """Map one block of (line number, raw line): runs in a worker process for big files."""
        from tokencensus.ingest.validate import loads, validate

        builder = RowBuilder()
        chunk = Chunk(rows=None)
        fast = self.map_fast if type(self).map_fast is not JsonLinesReader.map_fast else None
        for line_no, raw in lines:
            if not raw.strip():
                continue
            chunk.lines_read += 1
            try:
                mapped = fast(raw, want_text) if fast is not None else None
                if mapped is None:
                    mapped = self.map_record(loads(raw), want_text)
                record, text = mapped
                record[schema.SOURCE] = self.name
                validate(record)
            except orjson.JSONDecodeError as e:
                chunk.rejects.append(_reject(line_no, f"invalid JSON: {e}", raw))
                continue
            except RecordError as e:
                chunk.rejects.append(_reject(line_no, str(e), raw))
                continue
            builder.add(record)
            if text is not None:
                chunk.texts.append((record[schema.REQUEST_ID], text))
        chunk.rows = builder.flush()
        return chunk


def _reject(line: int, reason: str, raw: bytes) -> Reject:
    return Reject(line=line, reason=reason, record_sha256=hashlib.sha256(raw).hexdigest())


_REGISTRY: dict[str, type[Reader]] = {}
_loaded = False


def register(cls: type[Reader]) -> type[Reader]:
    """Class decorator adding a reader; names must be unique."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"Reader name {cls.name!r} is registered twice; rename one.")
    _REGISTRY[cls.name] = cls
    return cls


def readers() -> dict[str, Reader]:
    """Every registered reader by name (entry points loaded on first use)."""
    global _loaded
    if not _loaded:
        _loaded = True
        for ep in importlib.metadata.entry_points(group="tokencensus.readers"):
            register(ep.load())
    return {name: cls() for name, cls in sorted(_REGISTRY.items())}


def get_reader(name: str) -> Reader:
    found = readers()
    if name not in found:
        raise UnknownNameError("format", name, found)
    return found[name]
