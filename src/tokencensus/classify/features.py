"""Hashed features of a prompt, shared by training (scripts/train_classifier.py) and scoring.

Rules:
- Long prompts (agent transcripts, pasted code) are cut to their head and tail: the
  head holds the system prompt and the task, the tail the latest turn.
- Character n-grams (2-4) of the lower-cased text cover every script, CJK included;
  word unigrams and bigrams add topic words. All are hashed with a fixed polynomial
  hash on Unicode code points (never Python's salted ``hash``), so training and
  scoring agree on every machine. Each kind is weighted on its own (``CHAR_WEIGHT``,
  ``WORD_WEIGHT``) and the two are added where they share a column.
- High-precision signals (``signals.py``) get their own reserved columns, and so does
  each category's list of topic words (``TOPIC_TERMS``, matched through the same hashes).
- Weights: 1 + log(count) times the kind's weight, then L2-normalised per prompt.
- :func:`featurize_batch` lays a batch's prompts end to end and hashes them in one pass
  (per-prompt numpy calls on short prompts cost more than the arithmetic); n-grams that
  would cross from one prompt into the next are dropped, so every prompt gets exactly
  the columns and weights :func:`featurize` gives it alone.
- Dense meaning (``embeddings.py``): the L2-normalised sum of the clipped prompt's
  static token embeddings (distilled from all-MiniLM-L6-v2) fills the last
  ``EMBEDDING_DIMS`` columns, scaled by ``EMBEDDING_WEIGHT``. Hashed n-grams learn the
  wording of the sources the model was trained on; the embedding carries what a prompt
  is about to sources it never saw (source-held-out macro-F1 0.433 without it, see
  ``data/classifier/evaluation.md`` for the figure with it).
numpy and ``tokenizers`` (for the WordPiece split) are needed; nothing is written anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, NamedTuple

import numpy as np

from tokencensus.classify.embeddings import EMBEDDING_DIMS, embed_batch
from tokencensus.classify.signals import SIGNAL_NAMES, TOPIC_TERMS, scan, vector

HASH_BITS: Final = 18
N_HASHED: Final = 1 << HASH_BITS
TOPICS: Final = tuple(TOPIC_TERMS)
TOPIC_WEIGHT: Final = 1.0
# N-grams at full weight learn each training source's wording: character n-grams its
# style (punctuation, layout, script) most of all. Down-weighted beside the signal, topic
# and embedding columns, the model leans on what carries across sources: macro-F1 on
# sources held out whole rose from 0.490 (both at 1, C=10) to 0.540 (0.2 and 0.5, C=2),
# while on held-back prompts of seen sources it stayed at 0.81 (0.82 before). Dropping
# character n-grams outright scored 0.543 held out but 0.787 on seen sources (every
# variant: data/classifier/experiments.md).
CHAR_WEIGHT: Final = 0.2
WORD_WEIGHT: Final = 0.5
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
# M^i and M^-i (mod 2^64) for every position inside a clipped prompt; the
# +8 covers the separator ``clip`` inserts and whitespace collapsing never grows text.
_MAX_LEN: Final = HEAD_CHARS + TAIL_CHARS + 8
_POWERS: Final = np.cumprod(np.concatenate(([np.uint64(1)], np.full(_MAX_LEN, _MULT))))
_INVERSE: Final = np.cumprod(np.concatenate(([np.uint64(1)], np.full(_MAX_LEN, _MULT_INV))))


def clip(text: str) -> str:
    """Head and tail of a long prompt (the part the model reads)."""
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return text[:HEAD_CHARS] + "\n" + text[-TAIL_CHARS:]


def _codepoints(text: str) -> bytes:
    """UTF-32 of the lower-cased, whitespace-collapsed clipped prompt."""
    # errors="replace": lone surrogates (bytes decoded with surrogateescape) become "?"
    raw = " ".join(text.lower().split()).encode("utf-32-le", errors="replace")
    # Lower-casing can lengthen a few characters; cap at the precomputed powers.
    return raw[: 4 * _MAX_LEN]


class _Layout(NamedTuple):
    """Code points of several prompts laid end to end."""

    cp: np.ndarray  # uint64
    owner: np.ndarray  # index of the prompt each code point belongs to
    local: np.ndarray  # its position inside that prompt
    room: np.ndarray  # code points from it to the end of its prompt, itself included


def _layout(raws: Sequence[bytes]) -> _Layout:
    lengths = np.fromiter((len(r) // 4 for r in raws), np.int64, len(raws))
    cp = np.frombuffer(b"".join(raws), dtype="<u4").astype(np.uint64)
    owner = np.repeat(np.arange(len(raws)), lengths)
    local = np.arange(len(cp)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return _Layout(cp, owner, local, lengths[owner] - local)


def _finish(h: np.ndarray) -> np.ndarray:
    """Mix raw (salted) polynomial hashes into column numbers."""
    h = h * _MIX
    return (h ^ (h >> np.uint64(29))) & _MASK


_Part = tuple[np.ndarray, np.ndarray]  # raw hashes and the prompt each one came from


def _char_ngrams(lay: _Layout) -> list[_Part]:
    out = []
    cp = lay.cp
    for n in _CHAR_ORDERS:
        m = len(cp) - n + 1
        if m <= 0:
            break
        h = cp[:m].copy()
        for k in range(1, n):
            h = h * _MULT + cp[k : k + m]
        inside = lay.room[:m] >= n  # not running into the next prompt
        out.append((h[inside] + _ORDER_SALTS[n], lay.owner[:m][inside]))
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


def _word_ngrams(lay: _Layout) -> list[_Part]:
    n = len(lay.cp)
    if n == 0:
        return []
    word = _is_word(lay.cp)
    # A word starts (ends) where the previous (next) code point of its prompt is no word char.
    before = np.zeros(n, bool)
    before[1:] = word[:-1]
    after = np.zeros(n, bool)
    after[:-1] = word[1:]
    starts = np.flatnonzero(word & ~(before & (lay.local > 0)))
    ends = np.flatnonzero(word & ~(after & (lay.room > 1))) + 1
    keep = (ends - starts) <= 30
    starts, ends = starts[keep], ends[keep]
    if len(starts) == 0:
        return []
    # Prefix sums of cp[j] * M^j (j inside its prompt) give any span's hash as
    # M^start * H(word); M is odd, so it has an inverse mod 2^64 and M^-start removes the
    # position (wrapping uint64).
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(lay.cp * _POWERS[lay.local], out=prefix[1:])
    words = (prefix[ends] - prefix[starts]) * _INVERSE[lay.local[starts]]
    owner = lay.owner[starts]
    pair = owner[:-1] == owner[1:]  # bigrams stay inside one prompt
    return [(words + _WORD_SALT, owner),
            ((words[:-1] * _MULT + words[1:])[pair] + _BIGRAM_SALT, owner[:-1][pair])]


def _topic_keys() -> tuple[np.ndarray, np.ndarray]:
    """Sorted raw (salted, unfinished) hashes of every topic term, and their topic index."""
    keys: dict[int, int] = {}
    for t, (_, terms) in enumerate(TOPIC_TERMS.items()):
        for term in terms:
            lay = _layout([_codepoints(term)])
            if bool(_is_word(lay.cp).all()) and all(ord(c) >= 0x3000 for c in term):
                key = _char_ngrams(lay)[len(lay.cp) - 2][0][0]  # CJK: its own char n-gram
            else:
                unigrams, bigrams = (h for h, _ in _word_ngrams(lay))
                key = bigrams[0] if len(bigrams) else unigrams[0]
            keys.setdefault(int(key), t)
    order = sorted(keys)
    return np.array(order, np.uint64), np.array([keys[k] for k in order], np.int64)


_TOPIC_KEYS, _TOPIC_OF = _topic_keys()
# Low 16 bits of every topic key: a hash can only be a key if its low bits are here, which
# rules out all but ~1% of a batch's hashes before the exact search.
_TOPIC_LOW: Final = np.zeros(1 << 16, bool)
_TOPIC_LOW[(_TOPIC_KEYS & np.uint64(0xFFFF)).astype(np.intp)] = True


def _topic_counts(raw: np.ndarray, owner: np.ndarray, prompts: int) -> np.ndarray:
    """Hits of each prompt (rows) on each topic's terms (columns)."""
    maybe = np.flatnonzero(_TOPIC_LOW[(raw & np.uint64(0xFFFF)).astype(np.intp)])
    raw, owner = raw[maybe], owner[maybe]
    at = np.minimum(np.searchsorted(_TOPIC_KEYS, raw), len(_TOPIC_KEYS) - 1)
    hit = _TOPIC_KEYS[at] == raw
    flat = np.bincount(owner[hit] * len(TOPICS) + _TOPIC_OF[at[hit]],
                       minlength=prompts * len(TOPICS))
    return flat.reshape(prompts, len(TOPICS)).astype(np.float32)


def featurize_batch(texts: Sequence[str], fired: Sequence[frozenset[str]] | None = None,
                    ) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`featurize` of each text; ``fired`` (``signals.scan(text).fired`` of each
    text) saves scanning again when the caller already has it."""
    if fired is None:
        fired = [scan(t).fired for t in texts]
    clipped = [clip(t) for t in texts]
    lay = _layout([_codepoints(c) for c in clipped])
    char_parts = _char_ngrams(lay)
    parts = char_parts + _word_ngrams(lay)
    raw = np.concatenate([h for h, _ in parts]) if parts else np.zeros(0, np.uint64)
    owner = np.concatenate([o for _, o in parts]) if parts else np.zeros(0, np.int64)
    keys, weights = _hashed_weights(raw, owner, sum(len(h) for h, _ in char_parts),
                                    len(texts))
    bounds = np.searchsorted(keys >> HASH_BITS, np.arange(len(texts) + 1))
    topics = _topic_counts(raw, owner, len(texts))
    dense = embed_batch(clipped)
    out = []
    for i in range(len(texts)):
        lo, hi = bounds[i], bounds[i + 1]
        sig = vector(fired[i])
        on = np.flatnonzero(sig)
        hit = np.flatnonzero(topics[i])
        cols = np.concatenate((keys[lo:hi] & (N_HASHED - 1), N_HASHED + on,
                               N_HASHED + len(SIGNAL_NAMES) + hit))
        vals = np.concatenate((weights[lo:hi], sig[on],
                               TOPIC_WEIGHT * (1.0 + np.log(topics[i][hit]))))
        norm = float(np.sqrt(np.dot(vals, vals)))
        if norm > 0:
            vals = vals / norm
        on = np.flatnonzero(dense[i])
        out.append((np.concatenate((cols, N_SPARSE + on)),
                    np.concatenate((vals, EMBEDDING_WEIGHT * dense[i][on])).astype(np.float32)))
    return out


def _hashed_weights(raw: np.ndarray, owner: np.ndarray, n_char: int, n_texts: int,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (prompt, column) keys and their weights; the first ``n_char`` of ``raw`` are
    character n-grams, the rest word n-grams."""
    # (prompt, column, kind) in one integer, so one sort counts each kind per column;
    # int32 while it fits, as it sorts twice as fast.
    key_type = np.int32 if n_texts * N_HASHED * 2 < 1 << 31 else np.int64
    is_word = np.arange(len(raw)) >= n_char
    kinded, counts = np.unique((owner.astype(key_type) * key_type(N_HASHED)
                                + _finish(raw).astype(key_type)) * 2 + is_word,
                               return_counts=True)
    weights = (np.where(kinded & 1, np.float32(WORD_WEIGHT), np.float32(CHAR_WEIGHT))
               * (1.0 + np.log(counts.astype(np.float32))))
    keys = kinded >> 1
    if not len(keys):
        return keys, weights
    # A column both kinds hit comes twice in a row: add the two.
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[starts], np.add.reduceat(weights, starts)


def featurize(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique feature columns and their weights for one prompt."""
    return featurize_batch([text])[0]
