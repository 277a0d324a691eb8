"""`tokencensus classify`: label prompts with a classifier backend.

``--texts FILE.jsonl`` reads lines ``{"id": ..., "text": ...}`` and writes one JSON
line per input to stdout: ``{"id", "category", "subtag", "confidence", "language"}``,
in input order. Texts are held in memory in batches and never written anywhere.
A line that is not a JSON object with a string ``text`` is an input error naming the
line. Other sources of prompts (a store, log files) are further options of this
same command; each one only has to yield ``(id, text)`` pairs to :func:`write_labels`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

import typer

from tokencensus.classify.base import Classifier, get_classifier_class
from tokencensus.classify.sampling import DEFAULT_RATE
from tokencensus.cli import app
from tokencensus.errors import InputError, UnreadablePathError

BATCH = 256


def read_texts(path: Path) -> Iterator[tuple[object, str]]:
    """``(id, text)`` pairs of a JSONL file of ``{"id", "text"}`` objects."""
    try:
        handle = path.open(encoding="utf-8", errors="surrogateescape")
    except OSError as e:
        raise UnreadablePathError(str(path), e.strerror or str(e)) from e
    with handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                raise InputError(f"{path}:{n}: not JSON ({e}). Each line must be "
                                 '{"id": ..., "text": "..."}.') from e
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise InputError(f'{path}:{n}: expected an object with a string "text" '
                                 'field, e.g. {"id": 1, "text": "..."}.')
            yield obj.get("id"), obj["text"]


def write_labels(classifier: Classifier, items: Iterable[tuple[object, str]],
                 out: TextIO) -> int:
    """Classify in batches and write one JSON line per item; returns the count."""
    done = 0
    batch: list[tuple[object, str]] = []

    def flush() -> None:
        labels = classifier.classify([t for _, t in batch])
        for (ident, _), label in zip(batch, labels, strict=True):
            out.write(json.dumps({"id": ident, "category": label.category,
                                  "subtag": label.subtag, "confidence": label.confidence,
                                  "language": label.language}, ensure_ascii=False) + "\n")
        batch.clear()

    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            done += len(batch)
            flush()
    done += len(batch)
    if batch:
        flush()
    return done


def relabel_store(store_dir: Path, logs: list[str], classifier: str, sample_rate: float,
                  fmt: str | None, import_file: Path | None, json_out: bool) -> None:
    """Write labels into a store: from log files (re-read, sampled) or an imported JSONL."""
    import orjson
    from rich.console import Console

    from tokencensus.classify.imported import import_labels
    from tokencensus.classify.pipeline import relabel
    from tokencensus.cli.ingest import print_classification
    from tokencensus.store import Store

    store = Store.open(store_dir)
    if import_file is not None:
        result: dict[str, object] = import_labels(import_file, store).to_json()
        if not json_out:
            Console().print(f"imported {result['labels']:,} label(s) from {import_file}; "
                            f"{result['unmatched']:,} id(s) not in the store, "
                            f"{result['quarantined']:,} bad line(s) quarantined", highlight=False)
    else:
        report = relabel(logs, store, classifier, fmt=fmt, sample_rate=sample_rate)
        result = report.to_json()
        if not json_out:
            print_classification(report.classify)
            Console().print(f"committed {result['labels']:,} label(s); "
                            f"{report.already:,} sampled request(s) were already labelled",
                            highlight=False)
    if json_out:
        typer.echo(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())


@app.command()
def classify(
    logs: list[str] | None = typer.Argument(None, help="With --store: log files to re-read; "
                                            "their sampled prompts are labelled into the store."),
    store: Path | None = typer.Option(None, "--store", help="Census store whose labels to "
                                      "write (requests are never stored again)."),
    sample_rate: float = typer.Option(DEFAULT_RATE, help="Share of prompts to classify "
                                      "(with --store)."),
    fmt: str | None = typer.Option(None, "--format", help="Skip format detection of LOGS."),
    import_file: Path | None = typer.Option(None, "--import", help="With --store: a JSONL "
                                            'of {"id", "category", "subtag", "language"} '
                                            "labels to import instead of classifying."),
    json_out: bool = typer.Option(False, "--json", help="With --store: summary as JSON."),
    texts: Path | None = typer.Option(None, "--texts", help='JSONL file of {"id", "text"} '
                                      "lines; labels go to stdout as JSON lines."),
    classifier: str = typer.Option("builtin", "--classifier",
                                   help="Backend: builtin (offline, default), llm, google."),
) -> None:
    """Label prompts by task category, sub-tag and language."""
    if store is not None:
        if not logs and import_file is None:
            raise InputError("Nothing to label: pass log files after --store DIR, or "
                             "--import LABELS.jsonl.")
        relabel_store(store, logs or [], classifier, sample_rate, fmt, import_file, json_out)
        return
    if texts is None:
        raise InputError("Nothing to classify: pass --texts FILE.jsonl, or --store DIR LOGS.")
    backend = get_classifier_class(classifier)()
    write_labels(backend, read_texts(texts), sys.stdout)
