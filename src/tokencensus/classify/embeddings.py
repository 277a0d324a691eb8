"""Dense meaning of a prompt from static token embeddings (model2vec-style, no torch).

Rules:
- ``model/static_embeddings.npz`` holds one vector per WordPiece token of
  all-MiniLM-L6-v2 (Apache-2.0), distilled once by ``scripts/distill_embeddings.py``:
  each token run alone through the sentence model, PCA to ``EMBEDDING_DIMS`` dimensions,
  rows scaled by an SIF weight so frequent tokens count less. ``model/tokenizer.json``
  is that model's tokenizer; both ship in the package. Nothing is downloaded.
- A prompt's vector is the sum of its tokens' rows, L2-normalised; the caller passes
  the clipped text (``features.clip``), so long prompts cost no more than the hashed part.
- Never raises on a ``str``: lone surrogates are replaced before tokenizing.
- Texts are read in memory only and never written anywhere.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Final

import numpy as np
from tokenizers import Tokenizer

EMBEDDING_DIMS: Final = 128
EMBEDDING_FILE: Final = "static_embeddings.npz"
TOKENIZER_FILE: Final = "tokenizer.json"


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


def embed(text: str) -> np.ndarray:
    """L2-normalised sum of the token vectors of ``text`` (zeros when it has no tokens)."""
    tokenizer, table = load_embeddings()
    try:
        ids = tokenizer.encode(text, add_special_tokens=False).ids
    except (TypeError, UnicodeError):  # lone surrogates cannot cross into Rust
        ids = tokenizer.encode(text.encode("utf-8", "replace").decode("utf-8"),
                               add_special_tokens=False).ids
    if not ids:
        return np.zeros(EMBEDDING_DIMS, np.float32)
    v = table[ids].sum(axis=0)
    norm = float(np.sqrt(np.dot(v, v)))
    return v / norm if norm > 0 else v
