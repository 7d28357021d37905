"""Surround a product the customer is interested in with services and
complementary products - only services that apply to its category."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk.executor import CollectingDispatcher

from embeddings.catalog import Product
from actions import messages
from actions.recommender import Taste, complementary_products
from actions.state import OFFERED
from rasa_sdk.events import SlotSet


def send_services(runtime, dispatcher: CollectingDispatcher, product: Product, intro: str = "") -> bool:
    services = runtime.services.for_product(product)
    if not services:
        return False
    text = messages.services_text(product, services)
    if intro:
        text = intro + "\n" + text
    buttons = [messages.payload_button(f"Add {s.title}", "add_service",
                                       {"service_id": s.id, "product_id": product.id}) for s in services]
    dispatcher.utter_message(text=text, json_message=messages.services_payload(product, services),
                             buttons=buttons)
    return True


def offer_for(runtime, dispatcher: CollectingDispatcher, product: Product, taste: Taste,
              already_offered: List[str], exclude: List[str] = ()) -> List[Dict[str, Any]]:
    """Services and 1-3 complementary products, once per product per conversation."""
    if product.id in already_offered:
        return []
    send_services(runtime, dispatcher, product, intro="To go with it, we can help with:")
    limit = max(1, min(3, int(runtime.settings.complement_products)))
    extras = complementary_products(runtime, product, taste, limit, exclude=list(exclude) + [product.id])
    if extras:
        base = runtime.settings.shop_base_url
        dispatcher.utter_message(
            text=messages.products_text(extras, intro="Customers often pair it with:", numbered=False),
            json_message=messages.products_payload(extras, base),
        )
    return [SlotSet(OFFERED, (already_offered + [product.id])[-50:])]
