"""Accuracy and speed of a classifier on labelled prompts.

- :func:`score` gives per-category precision / recall / F1, macro-F1 over the study's
  12 categories (``other`` is reported but not averaged, as in the targets) and a
  confusion matrix; :func:`markdown` renders them for the docs.
- :func:`benchmark` measures prompts per second on one core over a realistic mix of
  prompt lengths (short questions to agent-sized transcripts); ``make bench`` calls it.
  Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tokencensus.classify.base import Classifier
from tokencensus.classify.taxonomy import NAMES, STUDY_CATEGORIES


@dataclass
class Scores:
    labels: tuple[str, ...]
    precision: dict[str, float]
    recall: dict[str, float]
    f1: dict[str, float]
    support: dict[str, int]
    confusion: np.ndarray  # rows: true, columns: predicted, in ``labels`` order
    accuracy: float
    macro_f1: float  # over the study's 12 categories
    extra: dict[str, float] = field(default_factory=dict)


def score(truth: Sequence[str], predicted: Sequence[str]) -> Scores:
    labels = NAMES
    index = {c: i for i, c in enumerate(labels)}
    m = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(truth, predicted, strict=True):
        m[index[t], index.get(p, index["other"])] += 1
    tp = np.diag(m).astype(float)
    col, row = m.sum(axis=0).astype(float), m.sum(axis=1).astype(float)
    prec = np.divide(tp, col, out=np.zeros_like(tp), where=col > 0)
    rec = np.divide(tp, row, out=np.zeros_like(tp), where=row > 0)
    f1 = np.divide(2 * prec * rec, prec + rec, out=np.zeros_like(tp), where=(prec + rec) > 0)
    study = [index[c] for c in STUDY_CATEGORIES if row[index[c]] > 0]
    return Scores(
        labels=labels,
        precision=dict(zip(labels, prec.round(4).tolist(), strict=True)),
        recall=dict(zip(labels, rec.round(4).tolist(), strict=True)),
        f1=dict(zip(labels, f1.round(4).tolist(), strict=True)),
        support=dict(zip(labels, row.astype(int).tolist(), strict=True)),
        confusion=m,
        accuracy=float(tp.sum() / max(m.sum(), 1)),
        macro_f1=float(f1[study].mean()) if study else 0.0,
    )


def evaluate(classifier: Classifier, texts: Sequence[str], truth: Sequence[str]) -> Scores:
    return score(truth, [label.category for label in classifier.classify(texts)])


def markdown(s: Scores, title: str) -> str:
    """Per-category table, macro-F1 and confusion matrix as Markdown."""
    lines = [f"### {title}", "", "| category | precision | recall | F1 | n |",
             "|---|---|---|---|---|"]
    for c in s.labels:
        if s.support[c] or s.precision[c]:
            lines.append(f"| {c} | {s.precision[c]:.2f} | {s.recall[c]:.2f} | "
                         f"{s.f1[c]:.2f} | {s.support[c]} |")
    lines += ["", f"Macro-F1 over the 12 study categories: **{s.macro_f1:.3f}**; "
              f"accuracy {s.accuracy:.3f}.", "", "Confusion matrix (rows true, columns "
              "predicted):", "", "| true \\ pred | " + " | ".join(_short(c) for c in s.labels)
              + " |", "|---" * (len(s.labels) + 1) + "|"]
    for i, c in enumerate(s.labels):
        lines.append(f"| {_short(c)} | " + " | ".join(str(v) for v in s.confusion[i]) + " |")
    return "\n".join(lines) + "\n"


def _short(c: str) -> str:
    return {"marketing/seo": "seo", "programming": "prog", "technology": "tech",
            "translation": "transl"}.get(c, c[:6])


_BENCH_WORDS = ("the model function error please explain write story translate into french "
                "patient contract market keyword data tree python class return value user "
                "cell energy bank loan essay chapter character")


def benchmark_texts(n: int = 2000, seed: int = 0) -> list[str]:
    """A length mix like real traffic: mostly short prompts, some code, a few transcripts."""
    rng = np.random.default_rng(seed)
    words = np.array(_BENCH_WORDS.split())
    out = []
    for i in range(n):
        kind = i % 20
        size = 12 if kind < 12 else 120 if kind < 17 else 900 if kind < 19 else 6000
        body = " ".join(rng.choice(words, size=size))
        if kind == 19:
            body = "You are Claude Code.\n```python\ndef f(x):\n    return x\n```\n" + body
        out.append(body)
    return out


def benchmark(classifier: Classifier | None = None, n: int = 2000) -> dict[str, float]:
    """Prompts per second (single process, one core) over :func:`benchmark_texts`."""
    if classifier is None:
        from tokencensus.classify.builtin import BuiltinClassifier

        classifier = BuiltinClassifier()
    texts = benchmark_texts(n)
    classifier.classify(texts[:20])  # load the model and language detector first
    start = time.perf_counter()
    classifier.classify(texts)
    seconds = time.perf_counter() - start
    return {"prompts": float(n), "seconds": round(seconds, 3),
            "prompts_per_second": round(n / seconds, 1)}
