"""Customer types from purchase history and engagement, by rules in
bot/behaviour.yml (`customer_types:`). Computed from the current history each
time they are asked for, so a type follows the customer as history grows."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence

TYPES = ("brand_advocate", "multi_category_buyer", "single_category_regular", "deal_seeker",
         "disengaged", "lapsed")


@dataclass(frozen=True)
class Bought:
    """One purchased product: what it is and what was paid against its usual price."""
    product_id: str
    order: str
    at: datetime
    paid: float
    usual_price: Optional[float] = None
    brand: str = ""
    category: str = ""


@dataclass
class History:
    bought: List[Bought] = field(default_factory=list)
    sessions: int = 0
    feedback: int = 0
    last_seen: Optional[datetime] = None

    @property
    def top_brand(self) -> str:
        shares = _shares([b.brand for b in self.bought if b.brand])
        return max(sorted(shares), key=shares.get) if shares else ""

    @property
    def top_category(self) -> str:
        shares = _shares([b.category for b in self.bought if b.category])
        return max(sorted(shares), key=shares.get) if shares else ""


def features(history: History, now: datetime, deal_discount: float) -> Dict[str, float]:
    bought = history.bought
    orders = {b.order for b in bought}
    brands = _shares([b.brand for b in bought if b.brand])
    categories = _shares([b.category for b in bought if b.category])
    deals = [b for b in bought if b.usual_price and b.paid <= b.usual_price * (1 - deal_discount)]
    last_order = max((b.at for b in bought), default=None)
    return {
        "orders": len(orders), "items": len(bought), "sessions": history.sessions, "feedback": history.feedback,
        "days_since_last_order": (now - last_order).days if last_order else 10 ** 6,
        "days_since_last_seen": (now - history.last_seen).days if history.last_seen else 10 ** 6,
        "top_brand_share": max(brands.values(), default=0.0), "categories": len(categories),
        "top_category_share": max(categories.values(), default=0.0),
        "deal_share": len(deals) / len(bought) if bought else 0.0,
    }


def _shares(values: Sequence[str]) -> Dict[str, float]:
    counts: Dict[str, float] = {}
    for value in values:
        counts[value] = counts.get(value, 0.0) + 1.0
    return {k: v / len(values) for k, v in counts.items()}


def _holds(value: float, bounds: Mapping[str, float]) -> bool:
    return ("min" not in bounds or value >= bounds["min"]) and ("max" not in bounds or value <= bounds["max"])


def classify(history: History, config: Mapping[str, Any], now: datetime) -> str:
    rules = config["customer_types"]
    values = features(history, now, float(rules.get("deal_discount", 0.1)))
    for rule in rules["rules"]:
        if all(_holds(values[name], bounds) for name, bounds in rule["when"].items()):
            return rule["type"]
    return rules.get("default", "occasional_buyer")


def history_from_store(runtime, customer_id: str, profile=None) -> History:
    """Imported orders and chat purchases, priced against the catalog (else the median paid).
    `profile`: the customer's profile when the caller has just read it."""
    from actions.behaviour.live import live_behaviour

    store, products = runtime.store, runtime.products
    lines = store.order_lines(customer_id)
    paid = live_behaviour(runtime).paid   # every customer's prices, refreshed now and then
    history = History()
    net: Dict[str, float] = {}
    for line in lines:
        if line.customer_id == customer_id:
            net[line.stock_code] = net.get(line.stock_code, 0) + line.quantity
    for line in lines:
        if line.customer_id != customer_id or line.quantity <= 0 or net.get(line.stock_code, 0) <= 0:
            continue   # a fully cancelled product was not really bought
        product = products.get(line.stock_code)
        usual = product.price if product else statistics.median(paid.get(line.stock_code) or [line.unit_price])
        history.bought.append(Bought(line.stock_code, line.invoice, line.ordered_at, line.unit_price, usual,
                                     product.brand if product else "", product.category if product else ""))
    profile = profile or store.get(customer_id)
    if profile is not None:
        for purchase in profile.purchases:
            product = products.get(purchase["product_id"])
            at = datetime.fromisoformat(purchase["purchased_at"])
            history.bought.append(Bought(purchase["product_id"], "chat:" + at.strftime("%Y-%m-%d %H:%M"), at,
                                         purchase["unit_price"], product.price if product else None,
                                         product.brand if product else "", product.category if product else ""))
        history.sessions = profile.sessions
        history.feedback = len(profile.liked) + len(profile.disliked)
        history.last_seen = profile.last_seen_at
    return history


def customer_type(runtime, customer_id: str, config: Mapping[str, Any], now: Optional[datetime] = None) -> str:
    from actions.profiles.models import utcnow

    return classify(history_from_store(runtime, customer_id), config, now or utcnow())
