"""BM25 over product fields (bm25s), one index per field, scores summed with weights.

bm25s keeps each term's BM25 contributions precomputed in a sparse matrix, so a
query's scores for every product are a handful of column sums: a dense numpy
array that the exact hard filters mask like the FAISS side (README "Product search").
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Dict, List, Mapping, Sequence

import bm25s
import numpy as np

from embeddings.catalog import Product
from embeddings.search_fields import FIELDS, search_fields
from embeddings.tokens import code_terms, tokenize

logger = logging.getLogger(__name__)

CODE_FIELDS = ("title", "sku", "options")   # where a model number or SKU is exact


class LexicalIndex:
    def __init__(self, fields: Dict[str, bm25s.BM25], size: int) -> None:
        self.fields = fields
        self.size = size

    @classmethod
    def build(cls, products: Sequence[Product], k1: float, b: float, progress: bool = False) -> "LexicalIndex":
        texts = [search_fields(p) for p in products]
        fields: Dict[str, bm25s.BM25] = {}
        for name in FIELDS:
            corpus = [tokenize(t[name]) for t in texts]
            if not any(corpus):
                continue            # a field no product fills (titles-only catalogs) scores nothing
            model = bm25s.BM25(k1=k1, b=b)
            model.index(corpus, show_progress=progress, create_empty_token=True)
            fields[name] = model
        return cls(fields, len(products))

    def save(self, directory: Path) -> None:
        for name, model in self.fields.items():
            model.save(str(directory / name))
        (directory / "lexical.json").write_text(json.dumps({"size": self.size, "fields": list(self.fields)}))

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        meta = json.loads((directory / "lexical.json").read_text())
        fields = {name: bm25s.BM25.load(str(directory / name)) for name in meta["fields"]}
        return cls(fields, int(meta["size"]))

    def scores(self, tokens: List[str], weights: Mapping[str, float]) -> np.ndarray:
        """Weighted BM25 of the query in every product (0 where nothing matches)."""
        total = np.zeros(self.size, dtype=np.float32)
        for name, model in self.fields.items():
            weight = float(weights.get(name, 0.0))
            if weight <= 0:
                continue
            ids = [i for i in model.get_tokens_ids(tokens) if i != model.vocab_dict.get("")]
            if ids:
                total += weight * model.get_scores_from_ids(ids).astype(np.float32)
        return total

    def exact_code_matches(self, tokens: List[str]) -> np.ndarray:
        """Positions of products carrying one of the query's model numbers / SKUs verbatim."""
        found: List[np.ndarray] = []
        for term in set(code_terms(tokens)):
            for name in CODE_FIELDS:
                model = self.fields.get(name)
                token_id = model.vocab_dict.get(term) if model else None
                if token_id is None:
                    continue
                indptr, indices = model.scores["indptr"], model.scores["indices"]
                found.append(np.asarray(indices[indptr[token_id]:indptr[token_id + 1]]))
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def vocabulary(self) -> Dict[str, int]:
        """Index terms and in how many products they occur (what spelling corrects towards)."""
        counts: Dict[str, int] = {}
        for model in self.fields.values():
            indptr = np.asarray(model.scores["indptr"])
            for term, token_id in model.vocab_dict.items():
                if term:
                    counts[term] = counts.get(term, 0) + int(indptr[token_id + 1] - indptr[token_id])
        return counts
