"""Ranking metrics for offline evaluation (binary relevance)."""
from __future__ import annotations

import math
from typing import Collection, Sequence


def hit_at_k(ranked: Sequence[str], relevant: Collection[str], k: int = 10) -> float:
    """1 when any relevant item is in the top k."""
    return 1.0 if any(item in relevant for item in ranked[:k]) else 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: Collection[str], k: int = 10) -> float:
    """DCG of the top k over the best possible DCG for this many relevant items."""
    if not relevant:
        return 0.0
    dcg = sum(1.0 / math.log2(rank + 2) for rank, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return dcg / ideal
