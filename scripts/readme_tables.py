"""Regenerate the formats and analyses tables of README.md from the registries.

    python scripts/readme_tables.py          # rewrite README.md in place
    python scripts/readme_tables.py --check  # exit 1 when README.md is stale

The tables sit between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers, so
the README cannot drift from what ``tokencensus formats`` and ``analyze --list`` show.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tokencensus.analyses.base import all_analyses  # noqa: E402
from tokencensus.ingest.base import readers  # noqa: E402

README = REPO / "README.md"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def formats_table() -> str:
    lines = ["| name | what | provides |", "|---|---|---|"]
    for name, reader in sorted(readers().items()):
        provides = ", ".join(f"`{c}`" for c in sorted(reader.provides))
        lines.append(f"| `{name}` | {_cell(reader.description)} | {provides} |")
    return "\n".join(lines)


def analyses_table() -> str:
    lines = ["| name | study figure | what |", "|---|---|---|"]
    for a in sorted(all_analyses(), key=lambda a: (min(a.study_figures or [999]), a.name)):
        figures = ", ".join(map(str, a.study_figures))
        lines.append(f"| `{a.name}` | {figures} | {_cell(a.description)} |")
    return "\n".join(lines)


TABLES = {"formats": formats_table, "analyses": analyses_table}


def render(text: str) -> str:
    for name, build in TABLES.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            sys.exit(f"README.md has no <!-- {name}:start --> ... <!-- {name}:end --> block")
        text = pattern.sub(lambda m, b=build: m.group(1) + b() + "\n" + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print("README.md tables are stale: run python scripts/readme_tables.py")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
