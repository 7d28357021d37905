"""Embeddings of product texts, cached under var/ by a hash of the texts and model.

Evaluation runs repeat on the same order file; encoding 1,500 descriptions
takes ~20 s on two cores, reading the cache a few milliseconds.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

import numpy as np


def text_vectors(encoder, texts: Sequence[str], cache_dir: Path) -> np.ndarray:
    digest = hashlib.sha256(encoder.fingerprint.encode())
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    path = Path(cache_dir) / f"{digest.hexdigest()[:24]}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    vectors = encoder.encode(list(texts)) if texts else np.zeros((0, encoder.dimension), np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.npy")
    np.save(temporary, vectors)
    temporary.replace(path)   # readers never see half a file
    return vectors
