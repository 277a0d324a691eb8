"""Prompt language (ISO 639-1) with py3langid, whose model ships inside its wheel.

Rules:
- Code blocks and markup are removed first, so a Python question asked in Spanish
  is Spanish; a prompt that is only code or symbols is ``und``.
- Scripts that name one language decide alone (Thai, Hangul, Kana, Greek, Hebrew,
  Georgian, Armenian, Devanagari→hi); Han without Kana is ``zh``.
- Short prompts (< 40 letters) are scored only against the languages of figure 33
  and their close neighbours (langid's full 97-language set guesses wildly on a few
  words); under 3 letters is ``und``.
- Mixed-language prompts get their dominant language; at most the first 1,500
  characters are read
  (langid scores the first 240, plenty for a language).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import numpy as np

from tokencensus.classify.base import UNDETERMINED_LANGUAGE

SHORT_LETTERS: Final = 40
MIN_LETTERS: Final = 3
READ_CHARS: Final = 1_500
LANGID_CHARS: Final = 240
# Figure 33's languages and the other large ones users write in.
COMMON: Final = ("en", "zh", "ru", "es", "th", "fr", "de", "pt", "it", "ja", "ko", "tr",
                 "vi", "id", "pl", "nl", "uk", "ar", "fa", "hi")

_CODE = re.compile(r"```.*?(?:```|$)|`[^`\n]*`|<[^>\n]{1,200}>|https?://\S+|\S+@\S+", re.S)
# (first, last) code point of a script that names one language on its own.
_SCRIPTS: Final = (
    (0x0E00, 0x0E7F, "th"),
    (0x3040, 0x30FF, "ja"),
    (0xAC00, 0xD7AF, "ko"),
    (0x0370, 0x03FF, "el"),
    (0x0590, 0x05FF, "he"),
    (0x10A0, 0x10FF, "ka"),
    (0x0530, 0x058F, "hy"),
    (0x0900, 0x097F, "hi"),
    (0x4E00, 0x9FFF, "zh"),
)


@lru_cache(maxsize=2)
def _identifier(restricted: bool):  # -> py3langid.langid.LanguageIdentifier
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if restricted:
        ident.set_languages(list(COMMON))
    return ident


def _letters(prose: str) -> np.ndarray:
    """Code points of the letters in ``prose`` (ASCII letters and non-ASCII word characters)."""
    cp = np.frombuffer(prose.encode("utf-32-le", errors="replace"), dtype="<u4")
    ascii_letter = ((cp | 32) >= 97) & ((cp | 32) <= 122)
    # Non-ASCII outside Latin-1 symbols and the general / CJK / full-width punctuation blocks.
    other = (cp >= 0xC0) & ~((cp >= 0x2000) & (cp <= 0x2BFF)) & ~(
        (cp >= 0x3000) & (cp <= 0x303F)) & ~((cp >= 0xFF00) & (cp <= 0xFF20)) & ~(
        (cp >= 0xD800) & (cp <= 0xDFFF)) & ~(cp >= 0x1F000)
    return cp[ascii_letter | other]


def _script_language(letters: np.ndarray) -> str | None:
    """A language named by its script when that script holds enough of the letters."""
    for first, last, lang in _SCRIPTS:
        hits = int(np.count_nonzero((letters >= first) & (letters <= last)))
        # Japanese mixes Kanji with Kana: a tenth of Kana is enough to say "ja".
        share = 10 if lang == "ja" else 2
        if hits and hits * share >= len(letters):
            return lang
    return None


def detect_language(text: str) -> str:
    """ISO 639-1 code of the prompt's dominant language, or ``und``."""
    prose = _CODE.sub(" ", text[:READ_CHARS])
    letters = _letters(prose)
    if len(letters) < MIN_LETTERS:
        return UNDETERMINED_LANGUAGE
    by_script = _script_language(letters)
    if by_script:
        return by_script
    ident = _identifier(len(letters) < SHORT_LETTERS)
    lang, _prob = ident.classify(prose[:LANGID_CHARS])
    return str(lang)


def detect_languages(texts: list[str]) -> list[str]:
    return [detect_language(t) for t in texts]
