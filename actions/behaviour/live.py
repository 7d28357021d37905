"""Behaviour in the live assistant: co-purchase, popularity and the customer's
own brand and price habits, as score boosts and one-line reasons for the
recommender.

Signals come from the profile store: imported order lines whose stock code is
a catalog product, and purchases made through the assistant. They are rebuilt
every `refresh_seconds`, so they grow with the history without a restart.
"""
from __future__ import annotations

import math
import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from actions.behaviour.config import behaviour_config
from actions.behaviour.signals import PurchaseSignals

_lock = threading.Lock()


@dataclass(frozen=True)
class LiveWeights:
    copurchase_weight: float = 0.10
    popularity_weight: float = 0.03
    brand_affinity_weight: float = 0.06
    price_affinity_weight: float = 0.04
    min_baskets_for_popularity: int = 20
    min_together: int = 2
    refresh_seconds: float = 300

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "LiveWeights":
        values = config.get("live", {})
        return cls(**{k: type(getattr(cls, k))(v) for k, v in values.items() if k in cls.__dataclass_fields__})


@dataclass
class Boosts:
    """Per-product boosts for one customer, and the behaviour behind them."""
    scores: Dict[str, float]
    reasons: Dict[str, str]

    def score(self, product_id: str) -> float:
        return self.scores.get(product_id, 0.0)

    def reason(self, product_id: str) -> Optional[str]:
        return self.reasons.get(product_id)


class LiveBehaviour:
    def __init__(self, products: Mapping[str, Any], baskets: Sequence[Sequence[str]],
                 bought: Mapping[str, Dict[str, float]], weights: LiveWeights,
                 paid: Optional[Mapping[str, List[float]]] = None) -> None:
        self.products = products
        self.paid = paid or {}
        self.weights = weights
        self.signals = PurchaseSignals(sorted(products), baskets)
        self.bought = bought
        popular = self.signals.baskets >= weights.min_baskets_for_popularity
        self.popularity = self.signals.popularity() if popular else np.zeros(len(self.signals.items))

    def owned(self, customer_id: Optional[str], extra: Sequence[str] = ()) -> Dict[str, float]:
        """What the customer bought (orders and chat) plus what is in the cart."""
        owned = dict(self.bought.get(customer_id or "", {}))
        for product_id in extra:
            if product_id in self.products:
                owned[product_id] = owned.get(product_id, 0.0) + 1.0
        return owned

    def boosts(self, customer_id: Optional[str], candidates: Sequence[str],
               extra_owned: Sequence[str] = ()) -> Boosts:
        """Boosts and behaviour reasons for the candidate products."""
        w = self.weights
        owned = self.owned(customer_id, extra_owned)
        position = self.signals.position
        candidates = [c for c in dict.fromkeys(candidates) if c in position]
        scores = {c: w.popularity_weight * float(self.popularity[position[c]]) for c in candidates}
        reasons: Dict[str, str] = {}
        if owned:
            co = self.signals.copurchase(owned)
            top = co.max() if len(co) else 0.0
            if top > 0:
                for c in candidates:
                    scores[c] += w.copurchase_weight * float(co[position[c]] / top)
            partners = self._partners(owned)
            for c in candidates:
                if c in partners:
                    reasons[c] = f"often bought with your {self.products[partners[c]].title}"
            brands, prices = self._habits(owned)
            for product_id in candidates:
                product = self.products[product_id]
                extra = w.brand_affinity_weight * brands.get(product.brand, 0.0)
                if prices:
                    extra += w.price_affinity_weight * _price_closeness(product.price, prices)
                scores[product_id] += extra
                if brands.get(product.brand, 0.0) >= 0.5 and product_id not in reasons:
                    reasons[product_id] = f"from {product.brand}, a brand you often buy"
        return Boosts(scores, reasons)

    def _partners(self, owned: Mapping[str, float]) -> Dict[str, str]:
        """For each product bought together with an owned one at least min_together times, that owned one."""
        best: Dict[str, Tuple[float, str]] = {}
        for partner in owned:
            i = self.signals.position.get(partner)
            if i is None:
                continue
            row = self.signals.co_counts.getrow(i)
            for j, together in zip(row.indices, row.data):
                item = self.signals.items[j]
                if together >= self.weights.min_together and item not in owned \
                        and together > best.get(item, (0.0, ""))[0]:
                    best[item] = (float(together), partner)
        return {item: partner for item, (_, partner) in best.items()}

    def _habits(self, owned: Mapping[str, float]) -> Tuple[Dict[str, float], List[float]]:
        brands: Dict[str, float] = {}
        prices: List[float] = []
        for product_id, weight in owned.items():
            product = self.products[product_id]
            brands[product.brand] = brands.get(product.brand, 0.0) + weight
            prices.append(product.price)
        total = sum(brands.values())
        return {b: c / total for b, c in brands.items()}, prices

    def price_drop(self, product_id: str, discount: float) -> bool:
        """The catalog price is now at least `discount` below the median price customers paid."""
        paid = self.paid.get(product_id)
        product = self.products.get(product_id)
        return bool(paid and product) and product.price <= statistics.median(paid) * (1 - discount)

    def bought_with(self, product_id: str, limit: int = 5) -> List[str]:
        return self.signals.bought_with(product_id, limit, self.weights.min_together)


def _price_closeness(price: float, prices: Sequence[float]) -> float:
    """1 at the customer's median price, 0 at half or double it."""
    median = statistics.median(prices)
    if price <= 0 or median <= 0:
        return 0.0
    return max(0.0, 1.0 - abs(math.log2(price / median)))


def build_live_behaviour(runtime) -> LiveBehaviour:
    products = runtime.products
    baskets: Dict[Tuple[str, str], List[str]] = {}
    bought: Dict[str, Dict[str, float]] = {}
    paid: Dict[str, List[float]] = {}

    def add(customer: str, basket: Tuple[str, str], product_id: str, quantity: float, price: float) -> None:
        if quantity > 0:   # every product's prices, for price drops and deal seekers
            paid.setdefault(product_id, []).append(price)
        if product_id not in products:
            return
        mine = bought.setdefault(customer, {})
        mine[product_id] = mine.get(product_id, 0.0) + (1.0 if quantity > 0 else -1.0)
        if quantity > 0:
            baskets.setdefault(basket, []).append(product_id)

    for line in runtime.store.order_lines():
        add(line.customer_id, ("order", line.invoice), line.stock_code, line.quantity, line.unit_price)
    for purchase in runtime.store.all_purchases():
        # one checkout = the purchases of one customer within the same minute
        minute = purchase.purchased_at.strftime("%Y-%m-%d %H:%M")
        add(purchase.customer_id, ("chat", purchase.customer_id + minute), purchase.product_id, purchase.quantity,
            purchase.unit_price)
    # a cancelled product is no longer owned
    bought = {c: {p: n for p, n in items.items() if n > 0} for c, items in bought.items()}
    weights = LiveWeights.from_config(behaviour_config(runtime.settings))
    return LiveBehaviour(products, list(baskets.values()), bought, weights, paid)


def live_behaviour(runtime, refresh: bool = False) -> LiveBehaviour:
    """The runtime's behaviour signals, rebuilt when older than refresh_seconds."""
    cache = runtime.behaviour_cache
    with _lock:
        current = cache.get("live")
        if refresh or current is None or time.monotonic() - cache["built_at"] > current.weights.refresh_seconds:
            current = build_live_behaviour(runtime)
            cache["live"], cache["built_at"] = current, time.monotonic()
        return current
