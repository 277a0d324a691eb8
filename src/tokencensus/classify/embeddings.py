"""Dense meaning of a prompt from static token embeddings (model2vec-style, no torch).

Rules:
- ``model/static_embeddings.npz`` holds one vector per WordPiece token of
  all-MiniLM-L6-v2 (Apache-2.0), distilled once by ``scripts/distill_embeddings.py``:
  each token run alone through the sentence model, PCA to ``EMBEDDING_DIMS`` dimensions,
  rows scaled by an SIF weight so frequent tokens count less. ``model/tokenizer.json``
  is that model's tokenizer; both ship in the package. Nothing is downloaded.
- A prompt's vector is the sum of its tokens' rows, L2-normalised; the caller passes
  the clipped text (``features.clip``), so long prompts cost no more than the hashed part.
- Token ids come from a per-process cache of whitespace-separated chunks, filled by the
  tokenizer for unseen chunks only (encoding a whole prompt was half the classifier's
  time, and prompts reuse the same few thousand chunks). This is exact, not an
  approximation: the BERT normaliser and pre-tokenizer work character by character
  and always split at a space, tab, newline or carriage return, and WordPiece never
  crosses a pre-token, so a text's ids are its chunks' ids in order.
  :func:`reference_token_ids` is the plain one-call path the tests compare it against.
  Other whitespace (no-break space, ideographic space, ``\\x0b``) is left inside chunks,
  because the normaliser deletes or keeps some of it rather than splitting there.
- Rows are summed per prompt in token order, exactly as the one-call path did, so the
  vectors are bit-for-bit the same and the shipped model needs no retraining.
- Never raises on a ``str``: lone surrogates are replaced before tokenizing.
- Texts are read in memory only and never written anywhere; the cache lives in memory,
  holds chunks up to ``CACHED_CHUNK_CHARS`` long and is emptied when it reaches
  ``CACHE_CHUNKS`` entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from itertools import chain
from typing import Final

import numpy as np
from tokenizers import Tokenizer

EMBEDDING_DIMS: Final = 128
EMBEDDING_FILE: Final = "static_embeddings.npz"
TOKENIZER_FILE: Final = "tokenizer.json"
CACHE_CHUNKS: Final = 200_000
CACHED_CHUNK_CHARS: Final = 40

_chunk_ids: dict[str, tuple[int, ...]] = {}


@lru_cache(maxsize=1)
def load_embeddings() -> tuple[Tokenizer, np.ndarray]:
    """The shipped tokenizer and token table (read once per process)."""
    base = resources.files("tokencensus.classify") / "model"
    tokenizer = Tokenizer.from_str((base / TOKENIZER_FILE).read_text(encoding="utf-8"))
    tokenizer.no_padding()  # the shipped tokenizer.json pads and truncates to 128
    tokenizer.no_truncation()
    with resources.as_file(base / EMBEDDING_FILE) as path, np.load(path,
                                                                   allow_pickle=False) as data:
        table = data["table"].astype(np.float32)
    if table.shape[1] != EMBEDDING_DIMS or table.shape[0] != tokenizer.get_vocab_size():
        raise ValueError(f"Token table has shape {table.shape}; rerun "
                         "scripts/distill_embeddings.py and scripts/train_classifier.py.")
    return tokenizer, table


def reference_token_ids(text: str) -> list[int]:
    """WordPiece ids of ``text`` from one tokenizer call (no cache)."""
    tokenizer, _ = load_embeddings()
    try:
        return tokenizer.encode(text, add_special_tokens=False).ids
    except (TypeError, UnicodeError):  # lone surrogates cannot cross into Rust
        return tokenizer.encode(text.encode("utf-8", "replace").decode("utf-8"),
                                add_special_tokens=False).ids


def _chunks(text: str) -> list[str]:
    return text.replace("\n", " ").replace("\t", " ").replace("\r", " ").split(" ")


def _chunk_token_ids(chunks: list[str]) -> list[tuple[int, ...]]:
    """Ids of each chunk, from the cache or else the tokenizer (then cached)."""
    found = list(map(_chunk_ids.get, chunks))
    if None in found:
        for k, ids in enumerate(found):
            if ids is None:
                found[k] = ids = tuple(reference_token_ids(chunks[k]))
                if len(chunks[k]) <= CACHED_CHUNK_CHARS:
                    if len(_chunk_ids) >= CACHE_CHUNKS:
                        _chunk_ids.clear()
                    _chunk_ids[chunks[k]] = ids
    return found  # type: ignore[return-value]


def token_ids(text: str) -> list[int]:
    """WordPiece ids of ``text``, chunk by chunk through the cache (same as the reference)."""
    return list(chain.from_iterable(_chunk_token_ids(_chunks(text))))


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.sqrt(np.dot(v, v)))
    return v / norm if norm > 0 else v


def embed_batch(texts: Sequence[str]) -> list[np.ndarray]:
    """L2-normalised sum of the token vectors of each text (zeros when it has none), with
    one table look-up for the whole batch."""
    _, table = load_embeddings()
    per_text = [_chunk_token_ids(_chunks(text)) for text in texts]
    ids = np.fromiter(chain.from_iterable(chain.from_iterable(per_text)), dtype=np.intp)
    rows = table[ids]
    out, start = [], 0
    for found in per_text:
        end = start + sum(map(len, found))
        # Per prompt and in token order, as the one-call path summed (reduceat rounds
        # differently).
        out.append(_unit(rows[start:end].sum(axis=0)) if end > start
                   else np.zeros(EMBEDDING_DIMS, np.float32))
        start = end
    return out
