"""Build ``catalog/data/countries.csv`` (ISO 3166-1 alpha-2 -> continent).

Reads the bundled raw copy ``catalog/data/iso3166_regions.csv`` (lukes/
ISO-3166-Countries-with-Regional-Codes, ``all/all.csv``; provenance in
``catalog/data/SOURCES.md``) and maps its UN M49 regions to the study's
continents. Deterministic: the output is sorted by country code.

Usage::

    python scripts/build_countries.py [--out DIR]

Mapping: Africa, Europe, Asia and Oceania are taken as they are. The UN region
"Americas" is split the way the study's continent table splits it: sub-region
"Northern America" and intermediate regions "Central America" and "Caribbean"
are North America, intermediate region "South America" is South America. The
source leaves two codes without a region: AQ is Antarctica, and TW is placed in
Asia (UN M49 omits it for political reasons, not geographic ones).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "src" / "tokencensus" / "catalog" / "data"
RAW = "iso3166_regions.csv"

AS_IS = frozenset({"Africa", "Europe", "Asia", "Oceania"})
NORTH_AMERICA = frozenset({"Central America", "Caribbean"})
NO_REGION = {"AQ": "Antarctica", "TW": "Asia"}


def continent(row: dict[str, str]) -> str:
    """The study's continent for one row of the raw ISO 3166 / M49 table."""
    region, sub, inter = row["region"], row["sub-region"], row["intermediate-region"]
    if region in AS_IS:
        return region
    if region == "Americas":
        if sub == "Northern America" or inter in NORTH_AMERICA:
            return "North America"
        if inter == "South America":
            return "South America"
    if not region and row["alpha-2"] in NO_REGION:
        return NO_REGION[row["alpha-2"]]
    raise ValueError(f"No continent rule for {row['alpha-2']} ({region!r}, {sub!r}, {inter!r})")


def build(raw: Path, out: Path) -> None:
    """Write ``countries.csv`` into ``out`` from the raw copy at ``raw``."""
    with raw.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["country", "country_name", "continent"])
    for r in sorted(rows, key=lambda r: r["alpha-2"]):
        w.writerow([r["alpha-2"], r["name"], continent(r)])
    out.mkdir(parents=True, exist_ok=True)
    (out / "countries.csv").write_text(buf.getvalue(), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA, help="where to write countries.csv")
    args = parser.parse_args(argv)
    try:
        build(DATA / RAW, args.out)
    except ValueError as e:
        sys.exit(str(e))


if __name__ == "__main__":
    main()
