"""A census store built from hand-written rows, for analysis tests with worked answers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from tokencensus import schema
from tokencensus.analyses.base import Params, get_analysis
from tokencensus.engine import Census, connect
from tokencensus.store import Store


def hand_census(path: Path, names: Sequence[str], rows: Sequence[tuple[object, ...]]) -> Census:
    """Store ``rows`` (tuples in the order of ``names``; other columns null) and connect."""
    data = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    n = len(rows)
    cols = {f.name: pa.array(data[f.name], f.type) if f.name in data else pa.nulls(n, f.type)
            for f in schema.REQUESTS}
    cols.update(source=pa.array(["test"] * n), batch=pa.array([""] * n),
                requests=pa.array([1] * n, pa.int64()), tokens_estimated=pa.array([False] * n),
                model_raw=pa.array([m or "x/unknown" for m in data["model"]]))
    with Store.open(path, create=True).batch(source_path="hand", fmt="test") as b:
        b.add_rows(pa.table(cols, schema=schema.REQUESTS))
    return connect(path)


def run(census: Census, name: str, **params: object) -> pd.DataFrame:
    return get_analysis(name).compute(census, Params(**params)).to_pandas()  # type: ignore[arg-type]
