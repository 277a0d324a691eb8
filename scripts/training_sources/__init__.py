"""Readers of the labelled prompt sources behind ``data/classifier/extra_prompts.jsonl``.

Each reader is a generator of rows (``snapshots.item``) read from a pinned git snapshot:

- ``snapshots``: pinned commits, licences and the shared helpers (``show``, ``stride``).
- ``benchmarks``: chatbot evaluation sets labelled by their own category fields.
- ``corpora``: intent, QA and task datasets labelled by intent, domain or file.
- ``libraries``: prompt libraries labelled by their sections or category fields.

``SOURCES`` is the reading order; rows are deduplicated first-seen, so new sources go at
the end to leave every earlier row unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from . import benchmarks, corpora, libraries

Reader = Callable[[], Iterator[dict[str, object]]]

SOURCES: tuple[Reader, ...] = (
    benchmarks.mt_bench,
    benchmarks.vicuna_bench,
    benchmarks.self_instruct,
    benchmarks.belle,
    libraries.marketing_guide,
    benchmarks.arena_hard,
    benchmarks.alignbench,
    corpora.clinc,
    corpora.gsm8k,
    corpora.nl2bash,
    corpora.human_eval,
    libraries.biologist_prompts,
    libraries.seo_library,
    libraries.workshop_guides,
    libraries.founder_marketing,
    # Translated MT-/Vicuna-bench questions keep the English source names, so the
    # source-held-out folds never train on one language version and test on another.
    benchmarks.japanese_mt_bench,
    corpora.stackexchange_intents,
    corpora.rolebench,
    libraries.academic_handbook,
    benchmarks.translated_mt_bench,
    benchmarks.japanese_vicuna_bench,
    # Added after the first 3,689 rows; appended so those rows stay byte-identical.
    corpora.truthfulqa,
    corpora.hwu64,
    corpora.clinc_chores,
    benchmarks.rakuda,
    benchmarks.tengu_bench,
    libraries.promptare,
)
