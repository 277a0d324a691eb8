"""High-precision signals: patterns that name a category almost on their own.

Each signal is a reserved feature column the linear model learns a weight for, and
the strongest (``RULES``) also override the model: a Python traceback is programming,
a ``{{char}}`` card is roleplay and "translate the following into French" is
translation, whatever the rest of the prompt says. Patterns are multilingual where
users are (figure 33: English, Chinese, Russian, Spanish, Thai and others). Only the
first ``SCAN_CHARS`` characters are scanned, so a 2 MB prompt costs no more than a long one.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np

SCAN_CHARS: Final = 20_000

_LANGS = (
    r"english|chinese|mandarin|cantonese|japanese|korean|russian|spanish|french|german|"
    r"italian|portuguese|arabic|hindi|thai|vietnamese|indonesian|turkish|dutch|polish|"
    r"swedish|ukrainian|hebrew|greek|persian|czech|romanian|hungarian|malay|bengali|urdu"
)
# name -> (cheap lower-case substrings, one of which must occur; then the regex, if any).
# The substring test is C-fast and skips the regex for almost every prompt.
_SIGNALS: Final[dict[str, tuple[tuple[str, ...], re.Pattern[str] | None]]] = {
    "code_fence": (("```", "~~~"), None),
    "traceback": (
        ("traceback", "exception", "error", "panic: ", "segmentation fault", "file \""),
        re.compile(
            r"Traceback \(most recent call last\)|Exception in thread|"
            r"^\s+at [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)|"
            r"\w+Error: .+\n|error\[E\d{4}\]|panic: |Segmentation fault|"
            r"npm ERR!|Uncaught \w*Error|at Object\.<anonymous>|File \".+\", line \d+",
            re.M,
        ),
    ),
    "code_syntax": (
        ("def ", "class ", "import ", "#include", "public ", "function", "const ", "let ",
         "var ", "select ", "package ", "fn ", "func ", "<?php", "<div", "<html", "$ "),
        re.compile(
            r"^\s*(?:def |class |import |from \S+ import |#include|public (?:static )?\w+|"
            r"function\s*\w*\(|const \w+ = |let \w+ = |var \w+ = |SELECT .+ FROM|"
            r"package \w+|fn \w+\(|func \w+\(|<\?php|<div|<html|\$ (?:pip|npm|git|cd) )",
            re.M | re.I,
        ),
    ),
    "code_punct": (
        (";", "{", "=>", "->", "::", "==="),
        re.compile(r"[;{}][ \t]*\n(?:.*[;{}][ \t]*\n){2}|\)\s*\{|=>|->|::|!==|==="),
    ),
    "agent_tools": (
        ("<tool_call>", "<function_calls>", '"tool_calls"', "<invoke ", "tool_use",
         "you are claude code", "you are an interactive cli tool", "apply_patch",
         "str_replace_editor"),
        None,
    ),
    "persona_card": (
        ("{{char}}", "{{user}}", "<start>", "first_mes", "character", "personality",
         "scenario", "roleplay", "role-play", "role play", "扮演", "ролев"),
        re.compile(
            r"\{\{char\}\}|\{\{user\}\}|<START>|\bfirst_mes\b|character card|"
            r"\b(?:personality|scenario)\s*:|\[character|\bin[- ]character\b|"
            r"\bstay in character\b|\broleplay\b|\brole[- ]play\b|扮演|ролев",
            re.I,
        ),
    ),
    "persona_you_are": (
        ("you", "act as", "pretend", "imagine", "embody", "role", "你", "ты", "eres"),
        re.compile(
            r"\s*(?:you are|you're|you will (?:be|play)|pretend (?:to be|you are)|"
            r"imagine you are|act as|embody|take on the role|assume the role|你是|你现在是|"
            r"ты\s|eres\s|tú eres)",
            re.I,
        ),
    ),
    "action_asterisks": (("*",), re.compile(r"\*[a-z][^*\n]{2,60}\*", re.I)),
    "story_request": (
        ("story", "tale", "poem", "fanfic", "fan fiction", "scene", "chapter", "narrative",
         "[wp]", "故事", "小说", "诗", "续写"),
        re.compile(
            r"\b(?:write|continue|tell) (?:me )?(?:a |an |the )?(?:short )?"
            r"(?:story|tale|poem|fanfic|fan fiction|scene|chapter|narrative)|"
            r"\[WP\]|写(?:一个|一篇)?(?:故事|小说|诗)|续写",
            re.I,
        ),
    ),
    "translate": (
        ("translat", "翻译", "翻譯", "翻訳", "번역", "перев", "tradu", "übersetz", "vertaal",
         "tłumacz", "แปล", "dịch"),
        re.compile(
            r"\btranslat(?:e|ion|ing)\b[^\n]{0,80}\b(?:into|to|from)\s+(?:" + _LANGS + r")\b|"
            r"^\s*translate\b|\bin (?:" + _LANGS + r")\b[^\n]{0,40}\btranslat|"
            r"翻译|翻譯|翻訳|번역|перев(?:еди|ести|од)|traduc[ei]|tradu(?:is|ire|za|zca)|"
            r"übersetz|vertaal|tłumacz|แปล|dịch",
            re.I | re.M,
        ),
    ),
    "seo": (
        ("seo", "meta description", "keyword", "backlink", "search engine", "serp",
         "title tag"),
        re.compile(
            r"\bSEO\b|meta description|keyword research|backlinks?|search engine|SERP|"
            r"long[- ]tail keywords?|title tags?",
            re.I,
        ),
    ),
    "choices": (("a. ", "a) "), re.compile(r"^\s*[A-D][.)]\s", re.M)),
}
SIGNAL_NAMES: Final = tuple(_SIGNALS)

# Signals strong enough to decide the category by themselves (checked in this order).
RULES: Final[tuple[tuple[str, str, str], ...]] = (
    ("traceback", "programming", "Programming"),
    ("agent_tools", "programming", "Development Tools"),
)
# A translation request must also be short relative to what it translates; checked
# separately because a long agent prompt may mention translation in passing.
_TRANSLATE_HEAD: Final = re.compile(
    r"^\s*(?:please\s+)?(?:translate|translation)\b|^\s*(?:请|請)?(?:将|把)?.{0,20}翻译|"
    r"^\s*(?:переведи|traduce|traduis|traduza|übersetze|แปล)",
    re.I,
)
_CARD: Final = re.compile(r"\{\{char\}\}|\{\{user\}\}|\bfirst_mes\b|<START>", re.I)


def _fires(name: str, head: str, low: str) -> bool:
    needles, pattern = _SIGNALS[name]
    if not any(n in low for n in needles):
        return False
    if pattern is None:
        return True
    # persona_you_are is anchored at the start of the prompt.
    return bool(pattern.match(head) if name == "persona_you_are" else pattern.search(head))


def signal_vector(text: str) -> np.ndarray:
    """1.0 where a signal fires, else 0.0 (same order as ``SIGNAL_NAMES``)."""
    head = text[:SCAN_CHARS]
    low = head.lower()
    return np.array([1.0 if _fires(n, head, low) else 0.0 for n in SIGNAL_NAMES], np.float32)


def rule(text: str) -> tuple[str, str] | None:
    """(category, subtag) when a high-precision rule decides, else None."""
    head = text[:SCAN_CHARS]
    if _CARD.search(head):
        return "roleplay", "Roleplaying Games"
    low = head.lower()
    for name, category, subtag in RULES:
        if _fires(name, head, low):
            return category, subtag
    if _TRANSLATE_HEAD.search(head) and len(text) < 8_000:
        return "translation", "Foreign Language Resources"
    return None
