"""Which product "the second one", "#3", "the blue and white one", "that hoodie",
"the Nike ones", "the cheaper one", "both", "the first two" or "it" means.

Resolved against the products on screen (or, for "the one you showed me before",
the results shown before them). When a description fits several products the
answer is a short question with a button for each: nothing is done on a guess.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from embeddings.catalog import Product
from actions.understanding import Parsed


@dataclass
class Resolved:
    products: List[Product]
    problem: Optional[str] = None   # a polite sentence when the reference fails
    choices: List[Product] = field(default_factory=list)   # candidates to offer as buttons

    @property
    def first(self) -> Optional[Product]:
        return self.products[0] if self.products else None


def _out_of_range(count: int) -> str:
    if count == 0:
        return "I haven't shown you any products yet - tell me what you're looking for and I'll find some."
    if count == 1:
        return "I only showed you one product, so I'm not sure which one you mean."
    return f"I only showed you {count} products - which one do you mean, 1 to {count}?"


def _described(parsed: Parsed) -> bool:
    return bool(parsed.colours or parsed.category or parsed.brands or parsed.price_reference)


def _matching(parsed: Parsed, products: List[Product]) -> List[Product]:
    """Products on screen that fit every attribute the message names."""
    found = products
    if parsed.category:
        found = [p for p in found if p.category == parsed.category]
    if parsed.brands:
        found = [p for p in found if p.brand in parsed.brands]
    if parsed.colours:
        found = [p for p in found if all(c in p.colours for c in parsed.colours)]
    if parsed.price_reference and found:
        price = min(p.price for p in found) if parsed.price_reference == "cheapest" else max(p.price for p in found)
        found = [p for p in found if p.price == price]
    return found


def _by_description(parsed: Parsed, products: List[Product], wanted: int, focus: Optional[Product]) -> Resolved:
    found = _matching(parsed, products)
    if not found:
        return Resolved([], "None of the products I showed you fits that description - which one do you mean?",
                        choices=products)
    if parsed.several and len(found) >= 2:
        return Resolved(found)
    if len(found) == wanted:
        return Resolved(found)
    if len(found) < wanted:
        return Resolved([], f"Which {wanted} do you mean?", choices=products)
    only_kind = not (parsed.colours or parsed.brands or parsed.price_reference)
    if wanted == 1 and only_kind and focus in found:
        return Resolved([focus])     # "that hoodie" right after talking about one
    return Resolved([], "More than one fits that - which one do you mean?", choices=found)


def resolve(runtime, parsed: Parsed, shown_ids: List[str], focus_id: Optional[str],
            product_id: Optional[str] = None, wanted: int = 1,
            previous_ids: Optional[List[str]] = None) -> Resolved:
    """Resolve up to `wanted` products from a message, most explicit signal first."""
    if product_id:
        product = runtime.product(product_id)
        return Resolved([product]) if product else Resolved([], "I couldn't find that product any more.")
    if parsed.earlier and previous_ids:
        shown_ids = previous_ids
    shown_products = [p for p in (runtime.product(i) for i in shown_ids) if p is not None]
    if parsed.references:
        chosen: List[Product] = []
        for position in parsed.references[:max(wanted, 1)]:
            index = len(shown_products) + position if position < 0 else position - 1
            if not 0 <= index < len(shown_products):
                return Resolved([], _out_of_range(len(shown_products)))
            chosen.append(shown_products[index])
        return Resolved(chosen)
    if parsed.brand_reference:
        matches = [p for p in shown_products if p.brand == parsed.brand_reference]
        if len(matches) > wanted and not parsed.several:
            return Resolved([], f"I showed you {len(matches)} from {parsed.brand_reference} - which one do you mean?",
                            choices=matches)
        if matches:
            return Resolved(matches[:wanted] if not parsed.several else matches)
        return Resolved([], f"I didn't show you anything from {parsed.brand_reference} just now.")
    if shown_products and _described(parsed):
        return _by_description(parsed, shown_products, wanted, runtime.product(focus_id))
    if parsed.several and len(shown_products) >= 2:
        if len(shown_products) == 2 or parsed.several == "all":
            return Resolved(shown_products)
        return Resolved([], f"I showed you {len(shown_products)} - which ones do you mean?", choices=shown_products)
    focus = runtime.product(focus_id)
    if focus is not None and wanted == 1:
        return Resolved([focus])
    if len(shown_products) == 1 and wanted == 1:
        return Resolved(shown_products)
    if wanted == 2 and len(shown_products) == 2:
        return Resolved(shown_products)
    if not shown_products:
        return Resolved([], _out_of_range(0))
    return Resolved([], f"Which one do you mean? Say a number from 1 to {len(shown_products)}.",
                    choices=shown_products)


def resolve_in_conversation(runtime, tracker, parsed: Optional[Parsed] = None, wanted: int = 1) -> Resolved:
    """The product(s) the latest message points at: a button's product id, a
    position, colour, kind, brand or price among the products on screen, or the
    one in focus."""
    from actions import state as slots

    parsed = parsed or runtime.parser.parse(slots.latest_text(tracker))
    return resolve(runtime, parsed, slots.shown(tracker), slots.focus(tracker),
                   product_id=slots.entity(tracker, "product_id") if wanted == 1 else None, wanted=wanted,
                   previous_ids=slots.previous(tracker))


def choice_buttons(resolved: Resolved, intent: str, quantity: int = 1):
    """One button per candidate, carrying its product id (and the quantity asked for)."""
    from actions import messages

    buttons = []
    for product in resolved.choices[:6]:
        entities: dict = {"product_id": product.id}
        if quantity > 1:
            entities["quantity"] = quantity
        label = product.title if len(product.title) <= 40 else product.title[:37] + "..."
        buttons.append(messages.payload_button(label, intent, entities))
    return buttons
