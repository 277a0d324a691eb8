"""Hashed features of a prompt, shared by training (scripts/train_classifier.py) and scoring.

Rules:
- Long prompts (agent transcripts, pasted code) are cut to their head and tail: the
  head holds the system prompt and the task, the tail the latest turn.
- Character n-grams (2-4) of the lower-cased text cover every script, CJK included;
  word unigrams and bigrams add topic words. All are hashed with a fixed polynomial
  hash on Unicode code points (never Python's salted ``hash``), so training and
  scoring agree on every machine.
- High-precision signals (``signals.py``) get their own reserved columns, and so does
  each category's list of topic words (``TOPIC_TERMS``, matched through the same hashes).
- Weights: 1 + log(count), then L2-normalised per prompt.
- Dense meaning (``embeddings.py``): the L2-normalised sum of the clipped prompt's
  static token embeddings (distilled from all-MiniLM-L6-v2) fills the last
  ``EMBEDDING_DIMS`` columns, scaled by ``EMBEDDING_WEIGHT``. Hashed n-grams learn the
  wording of the sources the model was trained on; the embedding carries what a prompt
  is about to sources it never saw (source-held-out macro-F1 0.433 without it, see
  ``data/classifier/evaluation.md`` for the figure with it).
numpy and ``tokenizers`` (for the WordPiece split) are needed; nothing is written anywhere.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from tokencensus.classify.embeddings import EMBEDDING_DIMS, embed
from tokencensus.classify.signals import SIGNAL_NAMES, TOPIC_TERMS, signal_vector

HASH_BITS: Final = 18
N_HASHED: Final = 1 << HASH_BITS
TOPICS: Final = tuple(TOPIC_TERMS)
TOPIC_WEIGHT: Final = 1.0
EMBEDDING_WEIGHT: Final = 1.0
N_SPARSE: Final = N_HASHED + len(SIGNAL_NAMES) + len(TOPICS)
N_FEATURES: Final = N_SPARSE + EMBEDDING_DIMS
HEAD_CHARS: Final = 2000
TAIL_CHARS: Final = 600
_MULT: Final = np.uint64(0x100000001B3)
_MULT_INV: Final = np.uint64(pow(0x100000001B3, -1, 1 << 64))
_MIX: Final = np.uint64(0x9E3779B97F4A7C15)
_CHAR_ORDERS: Final = (2, 3, 4)
# Per-order salts, computed with Python ints (numpy warns on scalar uint64 overflow).
_ORDER_SALTS: Final = {n: np.uint64((n * 0x9E3779B97F4A7C15) % (1 << 64)) for n in _CHAR_ORDERS}
_WORD_SALT: Final = np.uint64(0x51ED27)
_BIGRAM_SALT: Final = np.uint64(0xB16A)
_MASK: Final = np.uint64(N_HASHED - 1)
# M^i and M^-i (mod 2^64) for every position a clipped prompt can have; the
# +8 covers the separator ``clip`` inserts and whitespace collapsing never grows text.
_MAX_LEN: Final = HEAD_CHARS + TAIL_CHARS + 8
_POWERS: Final = np.cumprod(np.concatenate(([np.uint64(1)], np.full(_MAX_LEN, _MULT))))
_INVERSE: Final = np.cumprod(np.concatenate(([np.uint64(1)], np.full(_MAX_LEN, _MULT_INV))))


def clip(text: str) -> str:
    """Head and tail of a long prompt (the part the model reads)."""
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return text[:HEAD_CHARS] + "\n" + text[-TAIL_CHARS:]


def _codepoints(text: str) -> np.ndarray:
    # errors="replace": lone surrogates (bytes decoded with surrogateescape) become "?"
    raw = " ".join(text.lower().split()).encode("utf-32-le", errors="replace")
    # Lower-casing can lengthen a few characters; cap at the precomputed powers.
    return np.frombuffer(raw, dtype="<u4")[:_MAX_LEN].astype(np.uint64)


def _finish(h: np.ndarray) -> np.ndarray:
    """Mix raw (salted) polynomial hashes into column numbers."""
    h = h * _MIX
    return (h ^ (h >> np.uint64(29))) & _MASK


def _char_ngrams(cp: np.ndarray) -> list[np.ndarray]:
    out = []
    for n in _CHAR_ORDERS:
        m = len(cp) - n + 1
        if m <= 0:
            break
        h = cp[:m].copy()
        for k in range(1, n):
            h = h * _MULT + cp[k : k + m]
        out.append(h + _ORDER_SALTS[n])
    return out


def _word_table() -> np.ndarray:
    cp = np.arange(0x10000, dtype=np.uint32)
    ascii_word = ((cp >= 48) & (cp <= 57)) | ((cp >= 97) & (cp <= 122)) | (cp == 95)
    # Non-ASCII letters count as word characters, except the common punctuation blocks.
    punct = ((cp >= 0x2000) & (cp <= 0x206F)) | ((cp >= 0x3000) & (cp <= 0x303F)) | (
        (cp >= 0xFF00) & (cp <= 0xFF0F)
    )
    return ascii_word | ((cp >= 128) & ~punct)


_WORD_TABLE: Final = _word_table()


def _is_word(cp: np.ndarray) -> np.ndarray:
    # Code points past the BMP (emoji, rare CJK) share the last table entry: a word char.
    return _WORD_TABLE[np.minimum(cp, 0xFFFF)]


def _word_ngrams(cp: np.ndarray) -> list[np.ndarray]:
    if len(cp) == 0:
        return []
    word = _is_word(cp)
    edges = np.flatnonzero(np.diff(np.concatenate(([False], word, [False])).astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    keep = (ends - starts) <= 30
    starts, ends = starts[keep], ends[keep]
    if len(starts) == 0:
        return []
    # Prefix sums of cp[j] * M^j give any span's hash as M^start * H(word); M is odd,
    # so it has an inverse mod 2^64 and M^-start removes the position (wrapping uint64).
    n = len(cp)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(cp * _POWERS[:n], out=prefix[1:])
    words = (prefix[ends] - prefix[starts]) * _INVERSE[starts]
    if len(words) < 2:
        return [words + _WORD_SALT]
    return [words + _WORD_SALT, words[:-1] * _MULT + words[1:] + _BIGRAM_SALT]


def _topic_keys() -> tuple[np.ndarray, np.ndarray]:
    """Sorted raw (salted, unfinished) hashes of every topic term, and their topic index."""
    keys: dict[int, int] = {}
    for t, (_, terms) in enumerate(TOPIC_TERMS.items()):
        for term in terms:
            cp = _codepoints(term)
            if bool(_is_word(cp).all()) and all(ord(c) >= 0x3000 for c in term):
                key = _char_ngrams(cp)[len(cp) - 2][0]  # CJK: its own char n-gram
            else:
                words = _word_ngrams(cp)
                key = words[0][0] if len(words) == 1 else words[1][0]
            keys.setdefault(int(key), t)
    order = sorted(keys)
    return np.array(order, np.uint64), np.array([keys[k] for k in order], np.int64)


_TOPIC_KEYS, _TOPIC_OF = _topic_keys()


def _topic_counts(raw: np.ndarray) -> np.ndarray:
    at = np.minimum(np.searchsorted(_TOPIC_KEYS, raw), len(_TOPIC_KEYS) - 1)
    hit = _TOPIC_KEYS[at] == raw
    return np.bincount(_TOPIC_OF[at[hit]], minlength=len(TOPICS))


def featurize(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique feature columns and their weights for one prompt."""
    clipped = clip(text)
    cp = _codepoints(clipped)
    parts = _char_ngrams(cp) + _word_ngrams(cp)
    raw = np.concatenate(parts) if parts else np.zeros(0, np.uint64)
    cols = _finish(raw).astype(np.int64)
    uniq, counts = np.unique(cols, return_counts=True)
    vals = 1.0 + np.log(counts.astype(np.float32))
    sig = signal_vector(text)
    on = np.flatnonzero(sig)
    topics = _topic_counts(raw).astype(np.float32)
    hit = np.flatnonzero(topics)
    uniq = np.concatenate((uniq, N_HASHED + on, N_HASHED + len(SIGNAL_NAMES) + hit))
    vals = np.concatenate((vals, sig[on].astype(np.float32),
                           TOPIC_WEIGHT * (1.0 + np.log(topics[hit]))))
    norm = float(np.sqrt(np.dot(vals, vals)))
    if norm > 0:
        vals = vals / norm
    dense = embed(clipped)
    on = np.flatnonzero(dense)
    uniq = np.concatenate((uniq, N_SPARSE + on))
    vals = np.concatenate((vals, EMBEDDING_WEIGHT * dense[on]))
    return uniq, vals.astype(np.float32)
