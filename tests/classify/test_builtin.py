"""The built-in classifier: accuracy on prompts it never trained on, rules, bad input."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokencensus.classify.base import get_classifier_class
from tokencensus.classify.builtin import BuiltinClassifier
from tokencensus.classify.evaluation import benchmark_texts, evaluate, score
from tokencensus.classify.signals import scan
from tokencensus.classify.taxonomy import BY_NAME, NAMES

HELDOUT = Path(__file__).parent / "data" / "heldout.jsonl"


@pytest.fixture(scope="module")
def clf() -> BuiltinClassifier:
    return BuiltinClassifier()


def test_registered_through_the_entry_point() -> None:
    assert get_classifier_class("builtin") is BuiltinClassifier


def test_accuracy_floor_on_held_back_prompts(clf: BuiltinClassifier) -> None:
    # Rows scripts/train_classifier.py kept out of the shipped model (by a hash of the text).
    rows = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines()]
    assert len(rows) > 300 and len(Counter(r["category"] for r in rows)) >= 12
    s = evaluate(clf, [r["text"] for r in rows], [r["category"] for r in rows])
    assert s.macro_f1 >= 0.80, s.f1
    assert s.f1["programming"] >= 0.85
    assert s.f1["roleplay"] >= 0.80


@pytest.mark.parametrize(("text", "category"), [
    ("Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n"
     "KeyError: 'user'", "programming"),
    ("{{char}} is a retired pirate captain who runs a tavern. {{user}} walks in.", "roleplay"),
    ("Translate into French: the meeting has been moved to Monday.", "translation"),
    ("请把下面这句话翻译成英文：我明天要去北京出差。", "translation"),
    ("Write a Python function that returns the n-th Fibonacci number.", "programming"),
    ("What are the common side effects of ibuprofen?", "health"),
])
def test_clear_prompts(clf: BuiltinClassifier, text: str, category: str) -> None:
    label = clf.classify([text])[0]
    assert label.category == category
    assert label.subtag in BY_NAME[category].subtags
    assert 0.5 <= label.confidence <= 1.0


def test_long_agent_transcript_is_programming(clf: BuiltinClassifier) -> None:
    transcript = ("You are Claude Code, Anthropic's official CLI.\n" + "<tool_call>{\"name\": "
                  "\"Read\", \"path\": \"src/app.py\"}</tool_call>\n" * 2000)
    label = clf.classify([transcript])[0]
    assert label.category == "programming"


@pytest.mark.parametrize(("text", "signal", "fires"), [
    ("how would I say 'more bread please' in French", "translate", True),
    ("What's the Spanish word for pasta?", "translate", True),
    ("What does 'saudade' mean in English?", "translate", True),
    ("这句话用英语怎么说？", "translate", True),
    ("¿Cómo se dice 'thank you' en japonés?", "translate", True),
    ("Write a story in English about a dragon", "translate", False),
    ("He said the meeting is on Monday.", "translate", False),
    ("How to 'say' hello in German?", "translate", True),
    ("What did Lincoln say at Gettysburg? Answer in English.", "translate", False),
    ("What does the green light mean in English literature?", "translate", False),
    ("I want you to be concise. Explain how TCP handshakes work.", "persona_you_are", False),
    ("I want you to be my Dungeon Master tonight.", "persona_you_are", True),
    ("Play the role of a financial advisor and plan my budget.", "persona_you_are", True),
    ("I want you to act as a Linux terminal.", "persona_you_are", True),
    ("Explain the role of mitochondria.", "persona_you_are", False),
])
def test_signals_fire_on_what_they_name(text: str, signal: str, fires: bool) -> None:
    assert (signal in scan(text).fired) is fires


@pytest.mark.parametrize("text", ["", " \n\t ", "???", "\x00\x01\x02", "🙂🙂🙂"])
def test_empty_or_symbol_text_is_other_with_no_confidence(clf: BuiltinClassifier,
                                                          text: str) -> None:
    label = clf.classify([text])[0]
    assert (label.category, label.confidence, label.language) == ("other", 0.0, "und")


def test_huge_text_is_classified(clf: BuiltinClassifier) -> None:
    huge = "lorem ipsum dolor sit amet " * 80_000  # > 2 MB
    label = clf.classify([huge])[0]
    assert label.category in NAMES and 0.0 <= label.confidence <= 1.0


_mixed = st.lists(st.sampled_from(["hello world ", "你好世界", "привет мир ", "สวัสดี",
                                   "def f(x): return x\n", "```", "{{char}}", "\ud800",
                                   "\u202e", "\x00", "🙂", "İ" * 30]), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=3000), _mixed,
                 st.binary(max_size=3000).map(lambda b: b.decode("utf-8", "surrogateescape")),
                 st.binary(max_size=3000).map(lambda b: b.decode("latin-1"))))
def test_never_crashes(text: str) -> None:
    label = BuiltinClassifier().classify([text])[0]
    assert label.category in NAMES
    assert 0.0 <= label.confidence <= 1.0
    assert label.language == "und" or len(label.language) in (2, 3)


def test_one_label_per_text_in_order(clf: BuiltinClassifier) -> None:
    texts = benchmark_texts(50)
    labels = clf.classify(texts)
    assert len(labels) == 50
    assert labels == [clf.classify([t])[0] for t in texts]


def test_score_counts_a_confusion_matrix() -> None:
    s = score(["programming", "roleplay", "roleplay"], ["programming", "roleplay", "health"])
    assert s.f1["programming"] == 1.0
    assert s.recall["roleplay"] == 0.5 and s.precision["roleplay"] == 1.0
    assert s.confusion.sum() == 3


def test_labels_carry_the_loaded_models_version(clf: BuiltinClassifier) -> None:
    # A retrained model gets a new tag, so its labels are not mistaken for duplicates.
    assert clf.tag == f"builtin@{clf.model.version}"
    assert clf.model.version == BuiltinClassifier.version  # the ClassVar names what ships
