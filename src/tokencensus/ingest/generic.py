"""Generic CSV / JSONL / Parquet logs, mapped onto canonical columns by a small TOML file.

Never detected by sniffing: use ``tokencensus ingest --format generic
--mapping FILE``. The mapping::

    [columns]                 # canonical column = your column (dotted path in JSONL)
    request_id = "id"
    ts = "created"
    model_raw = "model"
    input_tokens = "usage.prompt_tokens"
    output_tokens = "usage.completion_tokens"

    [options]
    format = "csv"            # csv | jsonl | parquet; default: from the file name
    ts_format = "iso"         # iso | unix_s | unix_ms | a strptime pattern
    input_includes_cached = true      # false: cached + cache_write are added to input
    output_includes_reasoning = true  # false: reasoning is added to output

    [constants]               # a fixed value for every row
    provider = "openai"

Token rules are the user's to declare: by default the mapped input already
includes cached tokens and output includes reasoning (OpenAI's convention);
set the options to false for Anthropic-style exclusive counts. Finish reasons
are mapped onto the canonical vocabulary. Rows without a request id column
get a hash of the row. An empty value in a number, flag or time column is
unknown (null), never 0. The mapping is validated up front; each error names
the key and the fix.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import orjson

from tokencensus import schema
from tokencensus.errors import InputError
from tokencensus.ingest.base import RecordError, TextFilter, record_id
from tokencensus.ingest.sources import SourceFile
from tokencensus.ingest.spans import Item, StreamReader, finish_reason, load_json
from tokencensus.ingest.tabular import BadRecord, csv_records
from tokencensus.ingest.validate import get_bool, get_float, get_int, get_str, get_ts

_INTS = {schema.INPUT_TOKENS, schema.CACHED_TOKENS, schema.CACHE_WRITE_TOKENS,
         schema.OUTPUT_TOKENS, schema.REASONING_TOKENS, schema.TOOL_CALLS,
         schema.REQUESTS_COUNT}
_FLOATS = {schema.COST_USD, schema.LATENCY_MS, schema.TTFT_MS}
_BOOLS = {schema.TOOLS_DECLARED, schema.IS_BYOK, schema.STREAMED, schema.CANCELLED,
          schema.TOKENS_ESTIMATED}
_DERIVED = {schema.MODEL, schema.SOURCE, schema.BATCH}
_STRINGS = {schema.REQUEST_ID, schema.USER_ID, schema.SESSION_ID, schema.APP, schema.MODEL_RAW,
            schema.PROVIDER, schema.COUNTRY, schema.STATUS, schema.COST_SOURCE}
MAPPABLE = tuple(n for n in schema.REQUESTS.names if n not in _DERIVED)
_OPTIONS = {"format", "ts_format", "input_includes_cached", "output_includes_reasoning"}
_FORMATS = ("csv", "jsonl", "parquet")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


class MappingError(InputError):
    def __init__(self, path: str, key: str, fix: str) -> None:
        self.path = path
        self.key = key
        super().__init__(f"Mapping {path}: {key}: {fix}")


class Mapping:
    """A validated mapping file."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            doc = tomllib.loads(Path(path).read_text())
        except OSError as e:
            raise MappingError(self.path, "file", f"cannot read it ({e.strerror}); "
                               "check the path given to --mapping") from e
        except tomllib.TOMLDecodeError as e:
            raise MappingError(self.path, "file", f"not valid TOML ({e})") from e
        unknown = set(doc) - {"columns", "options", "constants"}
        if unknown:
            raise self._err(", ".join(sorted(unknown)),
                            "unknown table; use [columns], [options] and [constants]")
        self.columns: dict[str, str] = self._table(doc, "columns", str)
        self.constants: dict[str, Any] = self._table(doc, "constants", object)
        options = doc.get("options", {})
        for key in options:
            if key not in _OPTIONS:
                raise self._err(f"options.{key}", f"unknown option; known: {sorted(_OPTIONS)}")
        for key in self.columns.keys() & self.constants.keys():
            raise self._err(key, "mapped both as a column and as a constant; keep one")
        if schema.TS not in self.columns and schema.TS not in self.constants:
            raise self._err("columns.ts", 'missing; name the timestamp column, e.g. ts = "created"')
        self.format: str | None = options.get("format")
        if self.format is not None and self.format not in _FORMATS:
            raise self._err("options.format", f"{self.format!r} is not one of {_FORMATS}")
        self.ts_format: str = options.get("ts_format", "iso")
        if not isinstance(self.ts_format, str):
            raise self._err("options.ts_format", 'expected "iso", "unix_s", "unix_ms" or a '
                            "strptime pattern")
        self.input_includes_cached = self._flag(options, "input_includes_cached")
        self.output_includes_reasoning = self._flag(options, "output_includes_reasoning")

    def _err(self, key: str, fix: str) -> MappingError:
        return MappingError(self.path, key, fix)

    def _table(self, doc: dict[str, Any], name: str, kind: type) -> dict[str, Any]:
        table = doc.get(name, {})
        if not isinstance(table, dict):
            raise self._err(name, f"expected a table [{name}]")
        for key, value in table.items():
            if key not in MAPPABLE:
                raise self._err(f"{name}.{key}", "not a canonical column; known: "
                                + ", ".join(MAPPABLE))
            if kind is str and (not isinstance(value, str) or not value):
                raise self._err(f"{name}.{key}", "expected the name of your column as a string")
        return dict(table)

    def _flag(self, options: dict[str, Any], key: str) -> bool:
        value = options.get(key, True)
        if not isinstance(value, bool):
            raise self._err(f"options.{key}", "expected true or false")
        return value


def _lookup(row: dict[str, Any], column: str) -> Any:
    if column in row:
        return row[column]
    value: Any = row
    for part in column.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


class GenericReader(StreamReader):
    name: ClassVar[str] = "generic"
    description: ClassVar[str] = "CSV / JSONL / Parquet with a TOML column mapping (--mapping)"
    provides: ClassVar[frozenset[str]] = frozenset(MAPPABLE) | {schema.MODEL}

    def __init__(self, mapping: str | Path | None = None) -> None:
        self.mapping = Mapping(mapping) if mapping is not None else None

    def sniff(self, head: bytes) -> bool:
        return False  # a user's own columns cannot be recognised; --format generic only

    def _rows(self, source: SourceFile, fmt: str) -> Iterator[tuple[int, bytes, Any]]:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            line = 0
            for batch in pq.ParquetFile(source.path).iter_batches(batch_size=8192):
                for row in batch.to_pylist():
                    line += 1
                    yield line, orjson.dumps(row, default=str), row
        elif fmt == "csv":
            with source.stream() as f:
                for line, raw, row in csv_records(f):
                    yield line, raw, RecordError(row.reason) if isinstance(row, BadRecord) else row
        else:
            for line, raw in source.lines():
                if raw.strip():
                    try:
                        yield line, raw, load_json(raw)
                    except RecordError as e:
                        yield line, raw, e

    def items(self, source: SourceFile, want_text: TextFilter | None) -> Iterator[Item]:
        m = self.mapping
        if m is None:
            raise InputError("The generic format needs a mapping file: pass --mapping FILE "
                             "(see `tokencensus formats` and the generic reader's docs).")
        name = source.path.name.lower().removesuffix(".gz").removesuffix(".zst")
        fmt = m.format or next((f for f in _FORMATS if name.endswith("." + f)), None)
        if fmt is None:
            fmt = "jsonl" if name.endswith((".json", ".ndjson")) else None
        if fmt is None:
            raise InputError(f"Cannot tell the format of {source.path}: set options.format "
                             f"to one of {_FORMATS} in {m.path}.")
        for line, raw, row in self._rows(source, fmt):
            if isinstance(row, RecordError):
                yield line, raw, row, None
                continue
            try:
                if not isinstance(row, dict):
                    raise RecordError("expected an object (a row) per line")
                yield line, raw, self._map(row, m), None
            except RecordError as e:
                yield line, raw, e, None

    def _map(self, row: dict[str, Any], m: Mapping) -> dict[str, Any]:
        values = {col: _lookup(row, src) for col, src in m.columns.items()}
        values.update(m.constants)
        record: dict[str, Any] = {}
        for col, value in values.items():
            record[col] = self._convert(col, value, m.columns.get(col, col), m)
        if not m.input_includes_cached and record.get(schema.INPUT_TOKENS) is not None:
            record[schema.INPUT_TOKENS] += ((record.get(schema.CACHED_TOKENS) or 0)
                                            + (record.get(schema.CACHE_WRITE_TOKENS) or 0))
        if not m.output_includes_reasoning and record.get(schema.OUTPUT_TOKENS) is not None:
            record[schema.OUTPUT_TOKENS] += record.get(schema.REASONING_TOKENS) or 0
        if not record.get(schema.REQUEST_ID):
            record[schema.REQUEST_ID] = record_id(row)
        if record.get(schema.COST_USD) is not None and not record.get(schema.COST_SOURCE):
            record[schema.COST_SOURCE] = "reported"
        return record

    def _convert(self, col: str, value: Any, src: str, m: Mapping) -> Any:
        if value is None:
            return None
        box = {src: value}
        if isinstance(value, str):
            stripped = value.strip()
            if not stripped and col not in _STRINGS:
                return None  # an empty cell is unknown, not 0
            if col in _INTS or col in _FLOATS:
                # On failure the typed getter below names the column and the value.
                with contextlib.suppress(ValueError):
                    box[src] = float(stripped) if "." in stripped or "e" in stripped.lower() \
                        else int(stripped)
            elif col in _BOOLS and stripped.lower() in _TRUE | _FALSE:
                box[src] = stripped.lower() in _TRUE
        if col in _INTS:
            return get_int(box, src, src)
        if col in _FLOATS:
            return get_float(box, src, src)
        if col in _BOOLS:
            return get_bool(box, src, src)
        if col == schema.TS:
            return self._ts(box, src, m.ts_format)
        if col == schema.FINISH_REASON:
            return finish_reason(get_str(box, src, src))
        return get_str(box, src, src)

    def _ts(self, box: dict[str, Any], src: str, fmt: str) -> dt.datetime | None:
        value = box[src]
        if isinstance(value, dt.datetime):  # Parquet timestamp columns
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        if fmt in ("unix_s", "unix_ms"):
            number = get_float({src: float(value) if isinstance(value, str) and
                                value.replace(".", "", 1).isdigit() else value}, src, src)
            if number is None:
                return None
            return get_ts({src: number / 1000 if fmt == "unix_ms" else number}, src, src)
        if fmt == "iso":
            return get_ts(box, src, src)
        try:
            ts = dt.datetime.strptime(str(value), fmt)
        except ValueError:
            raise RecordError(f"{src}: expected a time like {fmt!r}, got {value!r:.60}") from None
        return ts if ts.tzinfo else ts.replace(tzinfo=dt.UTC)
