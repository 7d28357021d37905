"""Behaviour signals over a set of products: popularity and co-purchase.

Built from baskets (the distinct products of each order). Co-purchase counts
are normalised by cosine, count(a,b) / sqrt(count(a) * count(b)), so that
best-sellers do not co-occur with everything.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Mapping, Sequence

import numpy as np
from scipy import sparse


class PurchaseSignals:
    def __init__(self, items: Sequence[str], baskets: Iterable[Iterable[str]]) -> None:
        self.items = list(items)
        self.position: Dict[str, int] = {item: i for i, item in enumerate(self.items)}
        rows, cols = [], []
        basket_count = 0
        for basket in baskets:
            known = sorted({self.position[i] for i in basket if i in self.position})
            if not known:
                continue
            rows.extend([basket_count] * len(known))
            cols.extend(known)
            basket_count += 1
        n = len(self.items)
        incidence = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                                      shape=(basket_count, n))
        self.baskets = basket_count
        self.counts = np.asarray(incidence.sum(axis=0)).ravel().astype(np.float64)
        co = (incidence.T @ incidence).tocsr()
        co.setdiag(0)
        co.eliminate_zeros()
        self.co_counts = co
        norms = np.sqrt(np.maximum(self.counts, 1.0))
        scale = sparse.diags(1.0 / norms)
        self.cosine = (scale @ co @ scale).tocsr()

    def count(self, item: str) -> int:
        i = self.position.get(item)
        return 0 if i is None else int(self.counts[i])

    def popularity(self) -> np.ndarray:
        """log(1 + baskets containing the item), scaled to 0..1."""
        logs = np.log1p(self.counts)
        top = logs.max() if len(logs) else 0.0
        return logs / top if top > 0 else logs

    def copurchase(self, context: Mapping[str, float] | Sequence[str]) -> np.ndarray:
        """Sum of cosine co-purchase with the context items (optionally weighted)."""
        weights = context if isinstance(context, Mapping) else {item: 1.0 for item in context}
        scores = np.zeros(len(self.items))
        for item, weight in weights.items():
            i = self.position.get(item)
            if i is not None:
                row = self.cosine.getrow(i)
                scores[row.indices] += weight * row.data
        return scores

    def bought_with(self, item: str, limit: int = 5, min_count: int = 2) -> List[str]:
        """Products most often bought with this one (at least min_count times together)."""
        i = self.position.get(item)
        if i is None:
            return []
        row = self.cosine.getrow(i)
        counts = self.co_counts.getrow(i)
        together = dict(zip(counts.indices, counts.data))
        order = np.argsort(-row.data)
        return [self.items[row.indices[j]] for j in order
                if together.get(row.indices[j], 0) >= min_count][:limit]
