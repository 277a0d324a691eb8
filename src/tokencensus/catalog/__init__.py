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

from functools import cache
from importlib import resources

import pyarrow as pa
import pyarrow.csv as pv

from tokencensus import schema
from tokencensus.catalog.resolve import Names, bundled_names, is_free_variant, resolve

__all__ = [
    "Names",
    "bundled_names",
    "countries_table",
    "is_free_variant",
    "models_table",
    "resolve",
]


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
def models_table() -> pa.Table:
    """One row per canonical model, exactly :data:`tokencensus.schema.MODELS`.

    Prices are USD per token as listed at build time; ``open_weights`` is null
    where no source says, and ``params_b``/``size_bucket`` are set for open
    models whose total parameter count is documented.
    """
    return _read("models.csv", schema.MODELS, strings_can_be_null=True)


@cache
def countries_table() -> pa.Table:
    """ISO 3166-1 alpha-2 codes with names and continents, exactly ``schema.COUNTRIES``."""
    return _read("countries.csv", schema.COUNTRIES, strings_can_be_null=False)
