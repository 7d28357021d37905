"""Cart: add, remove, show, services on items, and the checkout link."""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from bot.checkout_links import CheckoutLine, CheckoutSigner, link_secret, public_web_url
from embeddings.catalog import Product
from embeddings.filters import SearchFilters
from actions import messages, state as slots
from actions.base import ProductAction, ShopAction
from actions.offers import offer_for
from actions.behaviour.config import behaviour_config
from actions.behaviour.experiments import record_goal
from actions.recommender import shown_variant, taste_from_profile
from actions.references import resolve


def cart_lines(runtime, profile) -> List[Tuple[Product, int, List[str]]]:
    lines = []
    for line in (profile.cart if profile else []):
        product = runtime.product(line.product_id)
        if product is not None:   # a product dropped from the catalog leaves the cart quietly
            lines.append((product, line.quantity, line.services))
    return lines


def cart_key(product: Product) -> str:
    """A cart line names the variant bought (the product id when there is only one)."""
    return product.variant.id if product.has_options else product.id


def line_key(lines, product: Product) -> str:
    """The cart key of the line holding this product (its variant if one is named)."""
    for line_product, _, _ in lines:
        if line_product.id == product.id and (product.selected is None or line_product.selected == product.selected):
            return cart_key(line_product)
    return cart_key(product)


def variant_for_cart(product: Product, state, parsed) -> Product:
    """The variant to add: the one the button named, else the one with the colour
    and size the customer asked for, else the product's default (cheapest in stock);
    the confirmation names it."""
    if product.selected is not None or not product.has_options:
        return product
    colours = list(parsed.colours or (state.colours if state else []))
    size = parsed.size or (state.size if state else None)
    chosen = shown_variant(product, SearchFilters(colours=tuple(colours), sizes=(size,) if size else (),
                                                  in_stock=True))
    return chosen if chosen.selected is not None else product.with_variant(product.default_variant)


def cart_total(runtime, lines) -> float:
    total = 0.0
    for product, quantity, services in lines:
        total += product.price * quantity
        for service_id in services:
            service = runtime.services.by_id.get(service_id)
            if service is not None and service.billing == "one_off":
                total += service.price_for(product)
    return round(total, 2)


def cart_summary(runtime, lines) -> str:
    if not lines:
        return "Your cart is empty."
    text = ["Your cart:"]
    for number, (product, quantity, services) in enumerate(lines, start=1):
        label = messages.variant_label(product)
        row = (f"{number}. {product.title}" + (f" ({label})" if label else "")
               + f" x{quantity} - {messages.money(product.price * quantity, product.currency)}")
        names = [runtime.services.by_id[s].title for s in services if s in runtime.services.by_id]
        if names:
            row += " + " + ", ".join(names)
        text.append(row)
    currency = lines[0][0].currency
    text.append(f"Total: {messages.money(cart_total(runtime, lines), currency)}")
    return "\n".join(text)


def cart_payload(runtime, lines):
    items = [(p, f"In your cart (x{q})") for p, q, _ in lines]
    return messages.products_payload(items, runtime.settings.shop_base_url)


class ActionAddToCart(ProductAction):
    NAME = "action_add_to_cart"
    INTENT = "add_to_cart"

    def handle(self, runtime, dispatcher, tracker, domain):
        from actions.references import choice_buttons, resolve_in_conversation

        parsed = runtime.parser.parse(slots.latest_text(tracker))
        if not (parsed.several or len(parsed.references) > 1):
            return super().handle(runtime, dispatcher, tracker, domain)
        # "both", "the first two", "#1 and #3": each of them, or a question - never a guess.
        wanted = len(parsed.references) if len(parsed.references) > 1 else len(slots.shown(tracker))
        resolved = resolve_in_conversation(runtime, tracker, parsed, wanted=max(2, wanted))
        if not resolved.products:
            dispatcher.utter_message(text=resolved.problem, buttons=choice_buttons(resolved, self.INTENT) or None)
            return []
        events = []
        for product in resolved.products:
            events = self.handle_product(runtime, dispatcher, tracker, product, parsed)
        return events

    def handle_product(self, runtime, dispatcher, tracker, product, parsed):
        product = variant_for_cart(product, slots.search_state(tracker), parsed)
        if not product.in_stock:
            dispatcher.utter_message(text=f"Sorry, the {product.title} is out of stock right now, "
                                          "so I can't add it. Want me to find something similar?")
            return [slots.set_focus(product.id)]
        customer = slots.customer_id(tracker)
        quantity = runtime.store.add_to_cart(customer, cart_key(product), parsed.quantity)
        profile = runtime.store.get(customer)
        lines = cart_lines(runtime, profile)
        label = messages.variant_label(product)
        dispatcher.utter_message(
            text=f"Added the {product.title}" + (f" ({label})" if label else "")
                 + f" to your cart (quantity {quantity}).\n" + cart_summary(runtime, lines),
            buttons=[messages.payload_button("Checkout", "checkout"),
                     messages.payload_button("Keep shopping", "show_more")],
        )
        taste = taste_from_profile(profile)
        exclude = [p.id for p, _, _ in lines]
        return [slots.set_focus(product.id)] + offer_for(runtime, dispatcher, product, taste,
                                                          slots.offered(tracker), exclude)


class ActionRemoveFromCart(ShopAction):
    NAME = "action_remove_from_cart"

    def handle(self, runtime, dispatcher, tracker, domain):
        customer = slots.customer_id(tracker)
        lines = cart_lines(runtime, runtime.store.get(customer))
        if not lines:
            dispatcher.utter_message(text="Your cart is already empty.")
            return []
        target = self._which(runtime, tracker, lines)
        if target is None:
            dispatcher.utter_message(text="Which item should I remove?\n" + cart_summary(runtime, lines))
            return []
        runtime.store.remove_from_cart(customer, line_key(lines, target))
        remaining = cart_lines(runtime, runtime.store.get(customer))
        dispatcher.utter_message(text=f"Removed the {target.title}.\n" + cart_summary(runtime, remaining))
        return []

    @staticmethod
    def _which(runtime, tracker, lines) -> Optional[Product]:
        explicit = runtime.product(slots.entity(tracker, "product_id"))
        if explicit is not None:
            return explicit
        text = slots.latest_text(tracker).lower()
        parsed = runtime.parser.parse(text)
        in_cart = [p for p, _, _ in lines]
        if parsed.category:
            matches = [p for p in in_cart if p.category == parsed.category]
            if len(matches) == 1:
                return matches[0]
        brands = [p for p in in_cart if p.brand.lower() in text]
        if len(brands) == 1:
            return brands[0]
        if re.search(r"\b(cart|basket)\b", text) and parsed.references:
            position = parsed.references[0]
            index = len(in_cart) - 1 if position == -1 else position - 1
            if 0 <= index < len(in_cart):
                return in_cart[index]
        if parsed.references:
            resolved = resolve(runtime, parsed, slots.shown(tracker), None)
            if resolved.first is not None and resolved.first in in_cart:
                return resolved.first
        focus = runtime.product(slots.focus(tracker))
        if focus in in_cart and not parsed.references:
            return focus
        if len(in_cart) == 1:
            return in_cart[0]
        return None


class ActionShowCart(ShopAction):
    NAME = "action_show_cart"

    def handle(self, runtime, dispatcher, tracker, domain):
        lines = cart_lines(runtime, runtime.store.get(slots.customer_id(tracker)))
        if not lines:
            dispatcher.utter_message(text="Your cart is empty. Tell me what you're looking for and I'll find it.")
            return []
        dispatcher.utter_message(text=cart_summary(runtime, lines), json_message=cart_payload(runtime, lines),
                                 buttons=[messages.payload_button("Checkout", "checkout")])
        return []


class ActionAddService(ShopAction):
    NAME = "action_add_service"

    def handle(self, runtime, dispatcher, tracker, domain):
        customer = slots.customer_id(tracker)
        service = runtime.services.by_id.get(slots.entity(tracker, "service_id") or "")
        product = runtime.product(slots.entity(tracker, "product_id")) or runtime.product(slots.focus(tracker))
        if service is None:
            service = self._by_words(runtime, slots.latest_text(tracker), product)
        if product is None or service is None:
            dispatcher.utter_message(text="Which service would you like, and for which product? "
                                          "Pick one from the list I showed you.")
            return []
        if not service.applies_to(product):
            dispatcher.utter_message(text=f"{service.title} isn't available for the {product.title}.")
            return []
        key = line_key(cart_lines(runtime, runtime.store.get(customer)), product)
        if not runtime.store.add_service(customer, key, service.id):
            runtime.store.add_to_cart(customer, key, 1)
            runtime.store.add_service(customer, key, service.id)
        price = messages.service_price_label(service, service.price_for(product))
        lines = cart_lines(runtime, runtime.store.get(customer))
        dispatcher.utter_message(text=f"Added {service.title} ({price}) for the {product.title}.\n"
                                      + cart_summary(runtime, lines))
        return [slots.set_focus(product.id)]

    @staticmethod
    def _by_words(runtime, text: str, product):
        words = set(re.findall(r"[a-z]{4,}", text.lower()))
        best, best_overlap = None, 0
        for service in runtime.services.services:
            if product is not None and not service.applies_to(product):
                continue
            overlap = len(words & set(re.findall(r"[a-z]{4,}", (service.title + " " + service.kind).lower())))
            if overlap > best_overlap:
                best, best_overlap = service, overlap
        return best


class ActionCheckout(ShopAction):
    NAME = "action_checkout"

    def handle(self, runtime, dispatcher, tracker, domain):
        customer = slots.customer_id(tracker)
        lines = cart_lines(runtime, runtime.store.get(customer))
        if not lines:
            dispatcher.utter_message(text="Your cart is empty, so there's nothing to check out yet.")
            return []
        # the goal of experiments measured by checkouts (bot/behaviour.yml)
        record_goal(runtime.store, behaviour_config(runtime.settings), customer, "checkout")
        link = checkout_link(runtime, customer, lines)
        dispatcher.utter_message(
            text=cart_summary(runtime, lines) + f"\nReady when you are - check out here: {link}",
            json_message={"type": "checkout", "url": link, "total": cart_total(runtime, lines),
                          "currency": lines[0][0].currency},
        )
        return []


def checkout_link(runtime, customer: str, lines) -> str:
    """A signed link to the web process, which records the purchase when it is
    followed and sends the customer on to the shop's checkout (bot/checkout_links.py)."""
    settings = runtime.settings
    signer = CheckoutSigner(link_secret(settings), float(settings.checkout_link_hours))
    token = signer.sign(customer, [CheckoutLine(p.id, q, p.price, p.currency,
                                                p.variant.id if p.has_options else "") for p, q, _ in lines],
                        [(s, p.id) for p, _, chosen in lines for s in chosen])
    return f"{public_web_url(settings)}/checkout/{token}"
