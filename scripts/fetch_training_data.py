"""Rebuild ``data/classifier/extra_prompts.jsonl``: labelled prompts that fill the gaps
of the starting corpus (``data/upstream/prompts/train_prompts.jsonl``).

usage: python scripts/fetch_training_data.py SNAPSHOT_DIR [OUT_JSONL]

SNAPSHOT_DIR holds one folder per repository named ``owner+name`` with a bare git
directory in ``owner+name/repo`` (what the search tool's ``fetch`` leaves). Every file
is read with ``git show <pinned commit>:<path>``; nothing is downloaded, and the
selection is rule-based and deterministic, so reruns give the same file.
The readers live in ``scripts/training_sources/`` (pinned commits and licences in its
``snapshots`` module); sources, licences and mapping rules: ``data/classifier/SOURCES.md``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from training_sources import SOURCES
from training_sources.snapshots import use_snapshots


def json_line(row: dict) -> str:
    """One JSON line that ``str.splitlines`` cannot break (U+2028, U+2029, U+0085 escaped)."""
    text = json.dumps(row, ensure_ascii=False)
    for ch in ("\u2028", "\u2029", "\x85"):
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text + "\n"


def main(argv: list[str]) -> None:
    use_snapshots(Path(argv[1]))
    root = Path(__file__).resolve().parents[1]
    out = Path(argv[2]) if len(argv) > 2 else root / "data/classifier/extra_prompts.jsonl"
    seen: set[str] = set()
    with out.open("w", encoding="utf-8") as f:
        for read in SOURCES:
            for row in read():
                key = re.sub(r"\W+", " ", str(row["text"]).lower()).strip()
                if len(key) < 8 or key in seen:
                    continue
                seen.add(key)
                f.write(json_line(row))
    print(f"wrote {len(seen)} items to {out}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv)
