"""Connect a census store to a query engine and hand out Ibis tables.

The same analyses run on any Ibis backend; this module is the only place that
knows which one. DuckDB is the embedded default.

>>> census = connect("demo/store")                                  # doctest: +SKIP
>>> census.requests.count().to_pyarrow().as_py()                   # doctest: +SKIP
1000000
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from tokencensus import catalog, schema
from tokencensus.errors import UnknownNameError
from tokencensus.store import Store

ENGINES = ("duckdb",)


@dataclass(frozen=True)
class Census:
    """The tables every analysis reads, as unexecuted Ibis expressions.

    ``requests`` follows :data:`tokencensus.schema.REQUESTS`, ``labels``
    :data:`~tokencensus.schema.LABELS`, ``models``
    :data:`~tokencensus.schema.MODELS` and ``countries``
    :data:`~tokencensus.schema.COUNTRIES`.
    """

    requests: ir.Table
    labels: ir.Table
    models: ir.Table
    countries: ir.Table
    backend: ibis.BaseBackend

    def coverage(self) -> dict[str, int]:
        """Non-null count of every request column (executes one aggregate query)."""
        t = self.requests
        agg = t.aggregate(**{c: t[c].count() for c in t.columns})
        row = agg.to_pyarrow().to_pylist()[0]
        return {k: int(v or 0) for k, v in row.items()}


def _table(
    con: ibis.BaseBackend, store: Store, folder: str, schema_: pa.Schema, name: str
) -> ir.Table:
    files = store.data_files(folder)
    if not files:
        return ibis.memtable(schema_.empty_table())
    # Read exactly the committed files: a crashed writer's leftovers are never listed.
    return con.read_parquet([str(f) for f in files], table_name=name)


def connect(store_path: str | Path, engine: str = "duckdb") -> Census:
    """Open the store at ``store_path`` on ``engine`` and return its :class:`Census`."""
    if engine not in ENGINES:
        raise UnknownNameError("engine", engine, ENGINES)
    store = Store.open(store_path)
    con = ibis.duckdb.connect()
    # Weekly and monthly buckets are UTC by definition; DuckDB would otherwise
    # truncate timestamptz in the machine's local time zone.
    con.raw_sql("SET TimeZone = 'UTC'")
    return Census(
        requests=_table(con, store, "requests", schema.REQUESTS, "requests"),
        labels=_table(con, store, "labels", schema.LABELS, "labels"),
        models=ibis.memtable(catalog.models_table()),
        countries=ibis.memtable(catalog.countries_table()),
        backend=con,
    )
