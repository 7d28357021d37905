"""Promotions per customer type (bot/behaviour.yml `promotions:`).

At most one per conversation, only when relevant to what is being shown, and
never to a customer who opted out of offers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, List, Mapping, Optional, Sequence

from actions.behaviour.customer_types import History


@dataclass(frozen=True)
class Promotion:
    id: str
    customer_type: str
    text: str
    first: List[str] = field(default_factory=list)   # product ids to show first


@dataclass
class Moment:
    """What is on screen when a promotion could be shown."""
    results: Sequence[Any]                              # Products, in the order shown
    category: Optional[str] = None
    price_drop: Callable[[str], bool] = lambda product_id: False
    neighbours: Callable[[str], List[str]] = lambda category: []
    category_name: Callable[[str], str] = lambda category: category.rsplit("/", 1)[-1].replace("_", " ")


def choose_promotion(customer_type: str, history: History, moment: Moment, config: Mapping[str, Any],
                     opted_out: bool, shown_this_conversation: Optional[str]) -> Optional[Promotion]:
    if opted_out or shown_this_conversation:
        return None
    rule = (config.get("promotions") or {}).get(customer_type)
    if not rule or not moment.results:
        return None
    needs = rule.get("needs", "nothing")
    values = {"brand": history.top_brand, "category": "", "neighbour": "", "count": 0}
    first: List[str] = []
    if needs == "price_drops":
        first = [p.id for p in moment.results if moment.price_drop(p.id)]
        if not first:
            return None
        values["count"] = len(first)
    elif needs == "favourite_brand_shown":
        if not history.top_brand or not any(p.brand == history.top_brand for p in moment.results):
            return None
    elif needs == "favourite_category_shown":
        favourite = history.top_category
        neighbours = moment.neighbours(favourite) if favourite else []
        if not neighbours or moment.category not in (None, favourite):
            return None
        values["category"], values["neighbour"] = (moment.category_name(favourite),
                                                   moment.category_name(neighbours[0]))
    elif needs != "nothing":
        raise ValueError(f"promotion for {customer_type} needs unknown condition {needs!r}")
    return Promotion(str(rule["id"]), customer_type, str(rule["text"]).format(**values), first)
