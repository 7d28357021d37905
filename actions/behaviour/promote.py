"""Promotions in a live conversation: type the customer from their current
history, pick the promotion that fits what is shown, record it."""
from __future__ import annotations

from dataclasses import replace
from typing import List, Optional, Tuple

from actions.behaviour.config import behaviour_config
from actions.behaviour.customer_types import history_from_store
from actions.behaviour.known_types import remember
from actions.behaviour.live import live_behaviour
from actions.behaviour.promotions import Moment, Promotion, choose_promotion


def promotion_for(runtime, customer_id: str, items: List[Tuple[object, str]],
                  category: Optional[str], profile=None) -> Tuple[Optional[Promotion], List[Tuple[object, str]]]:
    """The promotion to show beside these results (recorded), and the results in
    the order to show them (price drops first for deal seekers). `profile`: the
    customer's profile when the caller has just read it."""
    profile = profile or runtime.store.get(customer_id)
    if profile is None:
        return None, items
    config = behaviour_config(runtime.settings)
    history = history_from_store(runtime, customer_id, profile)
    customer_type = remember(runtime, customer_id, history, config)   # kept for the console
    if profile.offers_opt_out or not (config.get("promotions") or {}).get(customer_type):
        return None, items
    shown = runtime.store.promotion_this_session(customer_id)
    if shown:
        return None, items
    discount = float(config["customer_types"].get("deal_discount", 0.1))
    behaviour = live_behaviour(runtime)
    moment = Moment(results=[p for p, _ in items], category=category,
                    price_drop=lambda product_id: behaviour.price_drop(product_id, discount),
                    neighbours=runtime.services.complement_categories,
                    category_name=runtime.categories.name)
    promotion = choose_promotion(customer_type, history, moment, config, profile.offers_opt_out, shown)
    if promotion is None:
        return None, items
    runtime.store.record_promotion(customer_id, promotion.id)
    hint = str(config.get("promotion_hint") or "").strip()
    if hint:   # how to say no (actions/offers_consent.py)
        promotion = replace(promotion, text=f"{promotion.text} {hint}")
    first = [item for item in items if item[0].id in promotion.first]
    return promotion, first + [item for item in items if item[0].id not in promotion.first]
