"""Questions about a shown product, comparisons, and the services around one."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from embeddings.catalog import Product
from actions import messages, state as slots
from actions.base import ProductAction, ShopAction
from actions.description_answers import answer_from_description
from actions.offers import offer_for, send_services
from actions.recommender import taste_from_profile
from actions.references import resolve_in_conversation
from actions.understanding import Parsed

AVAILABILITY_TEXT = {"in_stock": "in stock", "low_stock": "in stock, only a few left",
                     "out_of_stock": "out of stock at the moment"}
# Words that are about the product itself, not a feature to look up.
QUESTION_NOISE = {"is", "it", "the", "a", "an", "one", "does", "do", "can", "this", "that", "tell", "me",
                  "more", "about", "what", "whats", "how", "which", "of", "on", "in", "to", "for", "and",
                  "details", "detail", "first", "second", "third", "fourth", "fifth", "last", "number", "item",
                  "please", "show", "info", "information", "there", "its", "you", "with", "have", "has", "come",
                  "comes", "any", "i", "my", "are", "be", "product", "option", "some", "they", "them", "like",
                  "specs", "spec", "specifications", "give", "describe", "explain", "know", "want", "would"}


def describe_product(product: Product) -> str:
    parts = [f"{product.title} by {product.brand} - {messages.money(product.price, product.currency)}, "
             f"{AVAILABILITY_TEXT.get(product.availability, product.availability)}."]
    parts.append(product.description)
    facts = []
    if product.colours:
        facts.append("colours: " + ", ".join(product.colours))
    if product.sizes:
        facts.append("sizes: " + ", ".join(product.sizes))
    if product.material:
        facts.append("material: " + product.material)
    if product.features:
        facts.append("features: " + ", ".join(product.features))
    if product.rating is not None:
        facts.append(f"rated {product.rating:.1f}/5")
    if facts:
        parts.append("(" + "; ".join(facts) + ")")
    return " ".join(parts)


def answer_question(product: Product, question: str, parsed) -> Optional[str]:
    """A direct yes/no answer when the question names a feature, colour or size."""
    text = question.lower()
    features = [f for f in product.features if f in text]
    if parsed.features:
        missing = [f for f in parsed.features if f not in product.features]
        if missing and not features:
            return f"No - the {product.title} isn't listed as {missing[0]}."
    if features:
        return f"Yes - the {product.title} is {features[0]}."
    if parsed.colours:
        colour = parsed.colours[0]
        if colour in product.colours:
            return f"Yes, it comes in {colour}."
        return f"It doesn't come in {colour}; it's available in {', '.join(product.colours) or 'one colour'}."
    if parsed.size:
        if parsed.size.upper() in {s.upper() for s in product.sizes}:
            return f"Yes, size {parsed.size} is available."
        if product.sizes:
            return f"Size {parsed.size} isn't available; it comes in {product.sizes[0]} to {product.sizes[-1]}."
    if re.search(r"\b(in stock|available|availability)\b", text):
        return f"It's {AVAILABILITY_TEXT.get(product.availability, product.availability)}."
    if re.search(r"\b(made of|material)\b", text) and product.material:
        return f"It's made of {product.material}."
    words = [w for w in re.findall(r"[a-z][a-z-]{2,}", text) if w not in QUESTION_NOISE]
    unknown = [w for w in words if w not in product.description.lower() and w not in product.title.lower()]
    if words and unknown == words and re.search(r"^\s*(is|does|can|has|will|are)\b", text):
        return NO_DETAIL
    return None


# answer_question's verdict for a question that names nothing the attributes know.
NO_DETAIL = "no detail"


def is_open_question(text: str) -> bool:
    """A question (not "tell me more about it"): worth looking up in the description."""
    return bool(re.search(r"\?\s*$|^\s*(is|does|can|has|will|are|do|how|what|which|would|could|should)\b",
                          text.lower()))


class ActionProductDetails(ProductAction):
    NAME = "action_product_details"
    INTENT = "ask_product_detail"

    def handle_product(self, runtime, dispatcher: CollectingDispatcher, tracker: Tracker,
                       product: Product, parsed: Parsed) -> List[Dict[Text, Any]]:
        answer = answer_question(product, parsed.text, parsed)
        if answer == NO_DETAIL or (answer is None and is_open_question(parsed.text)
                                   and not _asks_for_overview(parsed.text)):
            answer = answer_from_description(runtime, product, parsed.text) or \
                f"I don't have that detail for the {product.title}; here's what I know:"
        body = describe_product(product)
        dispatcher.utter_message(
            text=(answer + "\n" if answer else "") + body,
            json_message=messages.products_payload([(product, answer or "You asked about this one")],
                                                   runtime.settings.shop_base_url),
            buttons=[messages.payload_button("Add to cart", "add_to_cart", {"product_id": product.id}),
                     messages.payload_button("More like this", "more_like", {"product_id": product.id})],
        )
        taste = taste_from_profile(runtime.store.get(slots.customer_id(tracker)))
        events = offer_for(runtime, dispatcher, product, taste, slots.offered(tracker), slots.shown(tracker))
        return [slots.set_focus(product.id)] + events


class ActionCompareProducts(ShopAction):
    NAME = "action_compare_products"

    def handle(self, runtime, dispatcher, tracker, domain):
        parsed = runtime.parser.parse(slots.latest_text(tracker))
        resolved = resolve_in_conversation(runtime, tracker, parsed, wanted=2)
        if resolved.problem or len(resolved.products) < 2:
            dispatcher.utter_message(text=resolved.problem or
                                     "Which two should I compare? For example: \"compare 1 and 3\".")
            return []
        if len(resolved.products) > 2:
            dispatcher.utter_message(text="I can compare two at a time - here are the first two you meant.")
        first, second = resolved.products[:2]
        if first.id == second.id:
            dispatcher.utter_message(text="Those are the same product - pick two different numbers.")
            return []
        lines = [f"{first.title} vs {second.title}:"]
        cheaper = first if first.price <= second.price else second
        lines.append(f"- Price: {messages.money(first.price, first.currency)} vs "
                     f"{messages.money(second.price, second.currency)} "
                     f"(the {cheaper.brand} is {messages.money(abs(first.price - second.price), first.currency)} cheaper)")
        if first.rating is not None and second.rating is not None:
            lines.append(f"- Rating: {first.rating:.1f} vs {second.rating:.1f}")
        only_first = [f for f in first.features if f not in second.features]
        only_second = [f for f in second.features if f not in first.features]
        if only_first:
            lines.append(f"- Only the {first.brand} has: {', '.join(only_first)}")
        if only_second:
            lines.append(f"- Only the {second.brand} has: {', '.join(only_second)}")
        if first.material or second.material:
            lines.append(f"- Material: {first.material or 'n/a'} vs {second.material or 'n/a'}")
        lines.append(f"- Colours: {', '.join(first.colours) or 'n/a'} vs {', '.join(second.colours) or 'n/a'}")
        if first.sizes or second.sizes:
            lines.append(f"- Sizes: {_span(first.sizes)} vs {_span(second.sizes)}")
        lines.append(f"- Availability: {AVAILABILITY_TEXT[first.availability]} vs {AVAILABILITY_TEXT[second.availability]}")
        items = [(first, "First in the comparison"), (second, "Second in the comparison")]
        dispatcher.utter_message(text="\n".join(lines),
                                 json_message=messages.products_payload(items, runtime.settings.shop_base_url))
        return []


def _asks_for_overview(text: str) -> bool:
    """"Tell me more about it", "what is the second one": the whole description answers."""
    return bool(re.search(r"\b(tell me|more about|details|info|what is (it|that|this|the \w+ one)\??$|"
                          r"what's (it|that|this)\??$|describe)\b", text.lower()))


def _span(sizes) -> str:
    return f"{sizes[0]}-{sizes[-1]}" if len(sizes) > 1 else (sizes[0] if sizes else "n/a")


class ActionOfferServices(ShopAction):
    """The customer asks about installation, delivery, gift wrap, warranties..."""
    NAME = "action_offer_services"

    def handle(self, runtime, dispatcher, tracker, domain):
        parsed = runtime.parser.parse(slots.latest_text(tracker))
        resolved = resolve_in_conversation(runtime, tracker, parsed)
        product = resolved.first
        if product is None:
            cart = (runtime.store.get(slots.customer_id(tracker)) or None)
            if cart and cart.cart:
                product = runtime.product(cart.cart[-1].product_id)
        if product is None:
            kinds = sorted({s.kind.replace("_", " ") for s in runtime.services.services})
            dispatcher.utter_message(text="We offer " + ", ".join(kinds) + " services. Which product are they for? "
                                     "Show me a product and I'll list exactly what applies to it.")
            return []
        if not send_services(runtime, dispatcher, product):
            dispatcher.utter_message(text=f"There are no extra services for the {product.title}.")
        return [slots.set_focus(product.id)]
