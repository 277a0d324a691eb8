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
- Speed without changing an answer: letters and scripts are counted through one table
  lookup, the code-stripping regex runs only when a prompt has a backtick, ``<``, ``://``
  or ``@``, and langid's byte automaton walks cached word pieces (``_visit_counts``).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from functools import lru_cache
from typing import Any, Final

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
_CODE_MARKS: Final = ("`", "<", "://", "@")
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


_HALF: Final = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(
    np.float32)  # every float16 bit pattern as float32
# Walks of langid's byte automaton, by (start state, space-ended piece of the prompt).
_WALKS: dict[tuple[int, bytes], tuple[int, tuple[int, ...]]] = {}
CACHE_WALKS: Final = 200_000


def _visit_counts(ident: Any, data: bytes) -> Counter[int] | None:
    """py3langid's ``visit_counts`` (feature counts of a walk over the UTF-8 bytes), one
    cached piece at a time: the automaton is deterministic, so a walk is its pieces'
    walks in order, and the same words recur in prompt after prompt. Same counts, same
    order, so the scores are bit-for-bit langid's."""
    nextmove, rowbase, output = ident.tk_nextmove, ident._rowbase, ident.tk_output
    state, found = 0, []
    pieces = data.split(b" ")
    for k, piece in enumerate(pieces):
        if k < len(pieces) - 1:
            piece += b" "
        walk = _WALKS.get((state, piece))
        if walk is None:
            start, feats = state, []
            for byte in piece:
                state = nextmove[rowbase[state] + byte]
                if output[state] >= 0:
                    feats.append(output[state])
            walk = (state, tuple(feats))
            if len(_WALKS) >= CACHE_WALKS:
                _WALKS.clear()
            _WALKS[(start, piece)] = walk
        state = walk[0]
        found.extend(walk[1])
    return Counter(found) if found else None


@lru_cache(maxsize=2)
def _identifier(restricted: bool):  # -> py3langid.langid.LanguageIdentifier
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    class CachedWalks(LanguageIdentifier):  # type: ignore[misc]
        __slots__ = ()

        def _raw_score(self, text: bytes) -> np.ndarray:
            visits = _visit_counts(self, text)
            if visits:
                return self._sparse_score(visits, self.nb_ptc)
            return super()._raw_score(text)  # langid's own fill for no features

        def _sparse_score(self, visits: Counter[int], table: np.ndarray) -> np.ndarray:
            # langid's own lines, but its float16 rows are widened through a lookup table:
            # numpy's float16 cast took 15 of langid's 60 us. Same float32 values, same sum.
            idx = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
            counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
            rows = (_HALF[table.view(np.uint16)[idx]] if table.dtype == np.float16
                    else table[idx])
            return np.log1p(counts) @ rows + self.nb_pc

    if restricted:
        # A copy of the full model, not a second read of the file: loading langid's
        # lzma-packed model is about 0.7 s, once per process is enough.
        ident = copy.deepcopy(_identifier(False))
        ident.set_languages(list(COMMON))
        return ident
    return CachedWalks.from_model_file(MODEL_FILE, norm_probs=True)


def _is_letter(cp: np.ndarray) -> np.ndarray:
    """ASCII letters and non-ASCII word characters (the spec; read through ``_CLASS``)."""
    ascii_letter = ((cp | 32) >= 97) & ((cp | 32) <= 122)
    # Non-ASCII outside Latin-1 symbols and the general / CJK / full-width punctuation blocks.
    other = (cp >= 0xC0) & ~((cp >= 0x2000) & (cp <= 0x2BFF)) & ~(
        (cp >= 0x3000) & (cp <= 0x303F)) & ~((cp >= 0xFF00) & (cp <= 0xFF20)) & ~(
        (cp >= 0xD800) & (cp <= 0xDFFF)) & ~(cp >= 0x1F000)
    return ascii_letter | other


# Past _LAST every code point is a letter (until 0x1F000) of no single-language script.
_LAST: Final = 0xFFFF
_BEYOND: Final = 0x1F000


def _class_table() -> np.ndarray:
    """Per code point up to ``_LAST``: 0 no letter, 1 a letter, 2 + i a letter of
    ``_SCRIPTS[i]`` (the ranges do not overlap)."""
    cp = np.arange(_LAST + 1, dtype=np.uint32)
    table = _is_letter(cp).astype(np.uint8)
    for i, (first, last, _) in enumerate(_SCRIPTS):
        if (table[first : last + 1] > 1).any():
            raise ValueError("Script ranges overlap; _script_language counts each once.")
        table[first : last + 1] *= 2 + i
    return table


_CLASS: Final = _class_table()


def _letter_counts(prose: str) -> np.ndarray:
    """Letters of ``prose`` that are in no script of ``_SCRIPTS`` (index 1), then in each."""
    cp = np.frombuffer(prose.encode("utf-32-le", errors="replace"), dtype="<u4")
    classes = _CLASS[np.minimum(cp, _LAST)]
    classes[cp >= _BEYOND] = 0  # emoji and symbols past the last letter block
    return np.bincount(classes, minlength=2 + len(_SCRIPTS))


def _script_language(counts: np.ndarray, letters: int) -> str | None:
    """A language named by its script when that script holds enough of the letters."""
    for i, (_, _, lang) in enumerate(_SCRIPTS):
        hits = int(counts[2 + i])
        # Japanese mixes Kanji with Kana: a tenth of Kana is enough to say "ja".
        share = 10 if lang == "ja" else 2
        if hits and hits * share >= letters:
            return lang
    return None


def detect_language(text: str) -> str:
    """ISO 639-1 code of the prompt's dominant language, or ``und``."""
    head = text[:READ_CHARS]
    # Each branch of _CODE needs one of these; most prompts have none and skip the regex.
    prose = _CODE.sub(" ", head) if any(c in head for c in _CODE_MARKS) else head
    counts = _letter_counts(prose)
    letters = int(counts[1:].sum())
    if letters < MIN_LETTERS:
        return UNDETERMINED_LANGUAGE
    by_script = _script_language(counts, letters)
    if by_script:
        return by_script
    ident = _identifier(letters < SHORT_LETTERS)
    lang, _prob = ident.classify(prose[:LANGID_CHARS])
    return str(lang)


def detect_languages(texts: list[str]) -> list[str]:
    return [detect_language(t) for t in texts]
