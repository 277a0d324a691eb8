"""Identifiers: unique request ids, stable user strings, provider-style upstream ids."""

from __future__ import annotations

import numpy as np

BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                       dtype=np.uint8)
_GOLDEN = 0x9E3779B97F4A7C15


def mix64(values: np.ndarray, seed: int) -> np.ndarray:
    """A bijection of uint64 (splitmix64's finalizer after a seeded offset): distinct stays
    distinct."""
    z = values.astype(np.uint64) + np.uint64(_GOLDEN * ((seed % (1 << 64)) | 1) % (1 << 64))
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def base62(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) ASCII codes of the base-62 digits of uint64 values (width 11 holds any)."""
    out = np.empty((len(values), width), dtype=np.uint8)
    v = values.astype(np.uint64)
    for i in range(width - 1, -1, -1):
        out[:, i] = BASE62[(v % np.uint64(62)).astype(np.intp)]
        v = v // np.uint64(62)
    return out


def request_ids(index: np.ndarray, seed: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 30) ASCII of ``gen-`` + 26 base-62 chars; unique per (seed, row index)."""
    n = len(index)
    out = np.empty((n, 30), dtype=np.uint8)
    out[:, :4] = np.frombuffer(b"gen-", dtype=np.uint8)
    out[:, 4:15] = base62(mix64(index.astype(np.uint64), seed), 11)
    out[:, 15:26] = base62(rng.integers(0, 2**63, n, dtype=np.uint64), 11)
    out[:, 26:30] = base62(rng.integers(0, 62**4, n, dtype=np.uint64), 4)
    return out


def user_names(n: int, seed: int) -> list[str]:
    """Stable, distinct ``user-<16 hex>`` strings, as an app would pass in ``user``."""
    keys = mix64(np.arange(n, dtype=np.uint64), seed ^ 0x5EED)
    return [f"user-{k:016x}" for k in keys.tolist()]


def strings(codes: np.ndarray) -> list[str]:
    """Python strings from an (n, width) ASCII array."""
    return codes.view(f"S{codes.shape[1]}").ravel().astype(f"U{codes.shape[1]}").tolist()
