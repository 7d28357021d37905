"""Four ways to score every product for a context (the items in a basket or a
customer's history): popularity, co-purchase, embedding similarity, hybrid.

The hybrid adds, with weights from bot/behaviour.yml (`hybrid:`):
co-purchase with the context, embedding similarity to the context,
log-popularity, and the customer's own earlier purchases (people re-order
what they liked) with co-purchase around them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

import numpy as np

from actions.behaviour.signals import PurchaseSignals

METHODS = ("popularity", "co-purchase", "embedding similarity", "hybrid")


@dataclass(frozen=True)
class HybridWeights:
    copurchase: float = 1.0
    similarity: float = 1.0
    popularity: float = 0.3
    repeat: float = 0.0
    history_copurchase: float = 0.0
    history_similarity: float = 0.0
    similarity_to: str = "max"   # "max" (closest context item) or "mean" (mean vector)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "HybridWeights":
        hybrid = config.get("hybrid", {})
        values = {k: float(v) for k, v in dict(hybrid.get("weights", {})).items() if k in cls.__dataclass_fields__}
        similarity_to = str(hybrid.get("similarity_to", "max"))
        if similarity_to not in ("max", "mean"):
            raise ValueError(f"hybrid.similarity_to must be max or mean, got {similarity_to!r}")
        return cls(**values, similarity_to=similarity_to)


class Scorer:
    def __init__(self, signals: PurchaseSignals, vectors: np.ndarray, weights: HybridWeights) -> None:
        self.signals = signals
        self.vectors = vectors
        self.weights = weights
        self.popularity = signals.popularity()
        self.position = signals.position

    def similarity(self, context: Mapping[str, float]) -> np.ndarray:
        """Each product's cosine similarity to the context: to its closest item
        ("max": a basket mixes unrelated things) or to the weighted mean vector ("mean")."""
        rows = [self.position[i] for i in context if i in self.position]
        if not rows:
            return np.zeros(len(self.signals.items))
        if self.weights.similarity_to == "max":
            return (self.vectors @ self.vectors[rows].T).max(axis=1)
        weights = np.array([context[self.signals.items[r]] for r in rows], dtype=np.float32)
        centre = (weights[:, None] * self.vectors[rows]).sum(axis=0) / weights.sum()
        return self.vectors @ centre

    def repeat(self, history: Mapping[str, float]) -> np.ndarray:
        scores = np.zeros(len(self.signals.items))
        for item, weight in history.items():
            i = self.position.get(item)
            if i is not None:
                scores[i] += weight
        return scores

    def score(self, method: str, context: Mapping[str, float],
              history: Optional[Mapping[str, float]] = None) -> np.ndarray:
        history = history or {}
        tiebreak = 1e-6 * self.popularity
        if method == "popularity":
            return self.popularity.copy()
        if method == "co-purchase":
            return self.signals.copurchase(context) + tiebreak
        if method == "embedding similarity":
            return self.similarity(context) + tiebreak
        if method == "hybrid":
            return self.hybrid(context, history)
        raise ValueError(f"unknown method {method!r}")

    def hybrid(self, context: Mapping[str, float], history: Mapping[str, float]) -> np.ndarray:
        w = self.weights
        scores = w.popularity * self.popularity
        if context:
            scores = scores + w.copurchase * _unit(self.signals.copurchase(context)) \
                + w.similarity * self.similarity(context)
        if history:
            scores = scores + w.repeat * _unit(self.repeat(history)) \
                + w.history_copurchase * _unit(self.signals.copurchase(history))
            if w.history_similarity:
                scores = scores + w.history_similarity * self.similarity(history)
        return scores


def _unit(scores: np.ndarray) -> np.ndarray:
    """Scale to a maximum of 1 so a weight means the same for every context."""
    top = scores.max() if len(scores) else 0.0
    return scores / top if top > 0 else scores
