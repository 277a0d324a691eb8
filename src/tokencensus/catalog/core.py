"""The catalog object: bundled data plus an optional user overrides file.

A user adds or corrects models without code in a TOML file (read with
:mod:`tomllib`), passed with ``--catalog-overrides PATH`` or the environment
variable ``TOKENCENSUS_CATALOG_OVERRIDES``::

    [aliases]                      # raw name as logs spell it -> canonical slug
    "my-team-gpt" = "openai/gpt-4o"
    "acme-coder:7b" = "acme/coder-7b"

    [models."acme/coder-7b"]       # a new model, or fields that correct one
    display_name = "Acme Coder 7B"
    open_weights = true
    origin = "ROW"                 # required for a lab the catalog does not know
    params_b = 7
    reasoning = false
    release_date = 2025-03-01
    price_input = 2e-7             # USD per token
    price_output = 6e-7

Rules: a model key is an ``author/name`` slug; fields are the columns of
``schema.MODELS`` except ``model``, ``author`` and ``size_bucket`` (derived
from ``params_b``); an alias must point at a model of the catalog or the file.
Anything else is an :class:`~tokencensus.errors.InputError` naming the file,
the entry and the fix.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tokencensus import schema
from tokencensus.catalog.costs import PriceBook, compute_costs, current_prices
from tokencensus.catalog.resolve import Names, bundled_names, normalize, resolve
from tokencensus.errors import InputError

ENV_OVERRIDES = "TOKENCENSUS_CATALOG_OVERRIDES"
_DERIVED = {schema.MODEL, schema.AUTHOR, schema.SIZE_BUCKET}
_TYPES: dict[str, tuple[type, ...]] = {
    schema.DISPLAY_NAME: (str,), schema.LICENSE: (str,), schema.ORIGIN: (str,),
    schema.OPEN_WEIGHTS: (bool,), schema.REASONING: (bool,), schema.RELEASE_DATE: (dt.date,),
    schema.PARAMS_B: (int, float), schema.CONTEXT_LENGTH: (int,), schema.PRICE_INPUT: (int, float),
    schema.PRICE_OUTPUT: (int, float), schema.PRICE_CACHE_READ: (int, float),
}


@dataclass(frozen=True, eq=False)
class Catalog:
    """Models, names and prices; :meth:`resolve` is memoized per raw name."""

    names: Names
    models: pa.Table
    prices: PriceBook
    overrides: Path | None = None
    _memo: dict[str | None, str | None] = field(default_factory=dict, repr=False)

    def resolve(self, raw: str | None) -> str | None:
        """Canonical slug for a raw model name, or None (see :mod:`.resolve`)."""
        try:
            return self._memo[raw]
        except KeyError:
            hit = self._memo[raw] = resolve(raw, self.names)
            return hit

    def models_table(self) -> pa.Table:
        """One row per model, exactly :data:`tokencensus.schema.MODELS`."""
        return self.models

    def price_on(self, model: str, day: dt.date) -> Any:
        """The :class:`~tokencensus.catalog.costs.Price` valid on ``day``, or None."""
        return self.prices.price_on(model, day)

    def compute_costs(self, table: pa.Table) -> pa.Table:
        """Fill missing ``cost_usd`` from prices (see :func:`.costs.compute_costs`)."""
        return compute_costs(table, self.prices)

    def row(self, model: str) -> dict[str, Any] | None:
        rows = self.models.filter(pc.equal(self.models[schema.MODEL], model)).to_pylist()
        return rows[0] if rows else None


def _bad(path: Path, what: str) -> InputError:
    return InputError(f"catalog overrides {path}: {what}")


def _model_rows(path: Path, entries: Any, base: pa.Table) -> pa.Table:
    if not isinstance(entries, dict):
        raise _bad(path, '[models] must be tables like [models."author/name"].')
    rows = {r[schema.MODEL]: r for r in base.to_pylist()}
    origins = {r[schema.AUTHOR]: r[schema.ORIGIN] for r in rows.values()}
    for slug, fields in entries.items():
        author, sep, name = slug.partition("/")
        if not sep or not author or not name or slug != slug.strip().lower():
            raise _bad(path, f"model {slug!r} must be a lower-case 'author/name' slug.")
        if not isinstance(fields, dict):
            raise _bad(path, f"model {slug!r} must be a table of fields.")
        row = dict(rows.get(slug) or {f.name: None for f in schema.MODELS})
        for key, value in fields.items():
            if key in _DERIVED or key not in _TYPES:
                allowed = ", ".join(sorted(_TYPES))
                raise _bad(path, f"model {slug!r}: unknown field {key!r}; use one of {allowed}.")
            if not isinstance(value, _TYPES[key]) or (
                isinstance(value, bool) and bool not in _TYPES[key]
            ):
                raise _bad(path, f"model {slug!r}: {key} = {value!r} has the wrong type.")
            row[key] = value
        row[schema.MODEL], row[schema.AUTHOR] = slug, author
        row[schema.ORIGIN] = row[schema.ORIGIN] or origins.get(author)
        if row[schema.ORIGIN] not in ("CN", "ROW"):
            raise _bad(path, f"model {slug!r}: add origin = \"CN\" or \"ROW\" for lab {author!r}.")
        pb = row[schema.PARAMS_B]
        row[schema.SIZE_BUCKET] = schema.size_bucket(float(pb) if pb is not None else None)
        rows[slug] = row
    return pa.Table.from_pylist([rows[m] for m in sorted(rows)], schema=schema.MODELS)


def load(path: str | Path | None = None) -> Catalog:
    """The bundled catalog, with the overrides file at ``path`` applied when given."""
    from tokencensus.catalog import bundled_models, bundled_prices

    base = bundled_models()
    names = bundled_names()
    if path is None:
        return Catalog(names, base, PriceBook(bundled_prices(), current_prices(base)))
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(f"catalog overrides {p}: cannot read it ({e.strerror}).") from None
    except tomllib.TOMLDecodeError as e:
        raise _bad(p, f"not valid TOML ({e}).") from None
    if unknown := set(data) - {"aliases", "models"}:
        raise _bad(p, f"unknown section(s) {sorted(unknown)}; use [aliases] and [models].")
    models = _model_rows(p, data.get("models", {}), base)
    slugs = frozenset(models[schema.MODEL].to_pylist())
    aliases = dict(names.aliases)
    for raw, target in (data.get("aliases") or {}).items():
        if not isinstance(target, str) or target.strip().lower() not in slugs:
            raise _bad(p, f"alias {raw!r} points at {target!r}, which is not a catalog model; "
                          f"add it under [models].")
        aliases[normalize(raw)] = target.strip().lower()
    merged = Names(models=slugs, aliases=aliases, orgs=names.orgs)
    return Catalog(merged, models, PriceBook(bundled_prices(), current_prices(models)), p)


@cache
def _load_cached(path: str | None) -> Catalog:
    return load(path)


_active: list[tuple[str | None, Catalog]] = []


def default() -> Catalog:
    """The catalog in effect: bundled, plus ``$TOKENCENSUS_CATALOG_OVERRIDES`` when set."""
    # Called once per log record through resolve(): keep the common path to one env lookup.
    path = os.environ.get(ENV_OVERRIDES) or None
    if _active and _active[0][0] == path:
        return _active[0][1]
    cat = _load_cached(path)
    _active[:] = [(path, cat)]
    return cat


def use_overrides(path: str | Path | None) -> Catalog:
    """Make ``path`` the overrides file of :func:`default` (``--catalog-overrides``)."""
    if path is None:
        os.environ.pop(ENV_OVERRIDES, None)
    else:
        os.environ[ENV_OVERRIDES] = str(Path(path).resolve())
    return default()
