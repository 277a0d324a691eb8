"""The bundled model catalog (the model dimension) and the countries table.

Both tables are read from CSV files shipped in ``catalog/data`` and built from
real public sources by ``scripts/build_catalog.py`` and
``scripts/build_countries.py`` (provenance in ``catalog/data/SOURCES.md``).
They are read once per process and returned as immutable Arrow tables that
match :data:`tokencensus.schema.MODELS` and :data:`tokencensus.schema.COUNTRIES`
exactly.

>>> from tokencensus import catalog, schema
>>> models = catalog.models_table()
>>> models.schema.equals(schema.MODELS)
True
>>> catalog.resolve("deepseek/deepseek-r1:free")
'deepseek/deepseek-r1'
>>> import pyarrow.compute as pc
>>> row = models.filter(pc.equal(models["model"], "deepseek/deepseek-r1")).to_pylist()[0]
>>> row["open_weights"], row["origin"], row["reasoning"]
(True, 'CN', True)
>>> catalog.is_free_variant("deepseek/deepseek-r1:free")
True
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa
import pyarrow.csv as pv

from tokencensus import schema
from tokencensus.catalog.core import ENV_OVERRIDES, Catalog, default, load, use_overrides
from tokencensus.catalog.costs import Price, PriceBook
from tokencensus.catalog.resolve import Names, bundled_names, is_free_variant

__all__ = [
    "ENV_OVERRIDES",
    "Catalog",
    "Names",
    "Price",
    "PriceBook",
    "bundled_names",
    "compute_costs",
    "countries_table",
    "default",
    "is_free_variant",
    "load",
    "models_table",
    "price_on",
    "resolve",
    "use_overrides",
]

PRICE_SCHEMA = pa.schema(
    [
        ("model", pa.string()),
        ("valid_from", pa.date32()),
        ("valid_to", pa.date32()),
        (schema.PRICE_INPUT, pa.float64()),
        (schema.PRICE_OUTPUT, pa.float64()),
        (schema.PRICE_CACHE_READ, pa.float64()),
        ("source", pa.string()),
    ]
)


def _read(filename: str, target: pa.Schema, *, strings_can_be_null: bool) -> pa.Table:
    """Read a bundled CSV straight into ``target`` (types, order, nullability, metadata)."""
    convert = pv.ConvertOptions(
        column_types={f.name: f.type for f in target},
        include_columns=target.names,
        # Only an empty cell is null: "NA" is Namibia, not a missing value.
        null_values=[""],
        strings_can_be_null=strings_can_be_null,
        true_values=["true"],
        false_values=["false"],
    )
    with resources.files(__package__).joinpath("data", filename).open("rb") as f:
        table = pv.read_csv(f, convert_options=convert)
    return table.cast(target)


@cache
def bundled_models() -> pa.Table:
    """The bundled ``models.csv``, exactly :data:`tokencensus.schema.MODELS` (no overrides)."""
    return _read("models.csv", schema.MODELS, strings_can_be_null=True)


@cache
def bundled_prices() -> list[dict[str, Any]]:
    """Rows of the bundled ``prices.csv``: model, valid_from, valid_to, prices, source."""
    return _read("prices.csv", PRICE_SCHEMA, strings_can_be_null=True).to_pylist()


def models_table() -> pa.Table:
    """One row per canonical model, exactly :data:`tokencensus.schema.MODELS`.

    The bundled catalog plus ``$TOKENCENSUS_CATALOG_OVERRIDES`` when set. Prices
    are USD per token as listed at build time; ``open_weights`` is null where no
    source says, and ``params_b``/``size_bucket`` are set for open models whose
    total parameter count is documented.
    """
    return default().models_table()


def resolve(raw: str | None) -> str | None:
    """Canonical ``author/name`` slug for a raw model name, or None (memoized)."""
    return default().resolve(raw)


def price_on(model: str, day: dt.date) -> Price | None:
    """The price of ``model`` valid on ``day`` (see :mod:`.costs`)."""
    return default().price_on(model, day)


def compute_costs(table: pa.Table) -> pa.Table:
    """Fill ``cost_usd``/``cost_source`` where the log has no cost (see :mod:`.costs`)."""
    return default().compute_costs(table)


@cache
def countries_table() -> pa.Table:
    """ISO 3166-1 alpha-2 codes with names and continents, exactly ``schema.COUNTRIES``."""
    return _read("countries.csv", schema.COUNTRIES, strings_can_be_null=False)
