"""Each customer's type, kept in the profile store whenever it is computed - on a
recommendation turn (promote.py) and after an order import - so the support
console can list customers by type. The assistant itself always recomputes it
from the current history (customer_types.py)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, Iterable, Mapping, Optional

from actions.behaviour.customer_types import History, classify, history_from_store
from actions.profiles.models import utcnow


def remember(runtime, customer_id: str, history: History, config: Mapping[str, Any],
             now: Optional[datetime] = None) -> str:
    """Classify from this history and keep the result; returns the type."""
    customer_type = classify(history, config, now or utcnow())
    runtime.store.set_customer_type(customer_id, customer_type)
    return customer_type


@dataclass
class StoreView:
    """What history_from_store needs, without the index and encoder of the action server."""
    settings: Any
    store: Any
    products: Dict[str, Any]
    behaviour_cache: Dict[str, object] = field(default_factory=dict)


def classify_customers(settings, store, products: Dict[str, Any], customer_ids: Iterable[str],
                       config: Mapping[str, Any], now: Optional[datetime] = None) -> Counter:
    """Compute and keep the type of each customer; how many of each type."""
    view = StoreView(settings, store, products)
    counts: Counter = Counter()
    for customer_id in sorted(set(customer_ids)):
        counts[remember(view, customer_id, history_from_store(view, customer_id), config, now)] += 1
    return counts
