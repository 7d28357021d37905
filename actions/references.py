"""Which product "the second one", "#3", "the Trailmark one" or "it" means."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from embeddings.catalog import Product
from actions.understanding import Parsed


@dataclass
class Resolved:
    products: List[Product]
    problem: Optional[str] = None   # a polite sentence when the reference fails

    @property
    def first(self) -> Optional[Product]:
        return self.products[0] if self.products else None


def _out_of_range(count: int) -> str:
    if count == 0:
        return "I haven't shown you any products yet - tell me what you're looking for and I'll find some."
    if count == 1:
        return "I only showed you one product, so I'm not sure which one you mean."
    return f"I only showed you {count} products - which one do you mean, 1 to {count}?"


def resolve(runtime, parsed: Parsed, shown_ids: List[str], focus_id: Optional[str],
            product_id: Optional[str] = None, wanted: int = 1) -> Resolved:
    """Resolve up to `wanted` products from a message, most explicit signal first."""
    if product_id:
        product = runtime.product(product_id)
        return Resolved([product]) if product else Resolved([], "I couldn't find that product any more.")
    shown_products = [p for p in (runtime.product(i) for i in shown_ids) if p is not None]
    if parsed.references:
        chosen: List[Product] = []
        for position in parsed.references[:max(wanted, 1)]:
            index = len(shown_products) - 1 if position == -1 else position - 1
            if not 0 <= index < len(shown_products):
                return Resolved([], _out_of_range(len(shown_products)))
            chosen.append(shown_products[index])
        return Resolved(chosen)
    if parsed.brand_reference:
        matches = [p for p in shown_products if p.brand == parsed.brand_reference]
        if matches:
            return Resolved(matches[:wanted])
        return Resolved([], f"I didn't show you anything from {parsed.brand_reference} just now.")
    focus = runtime.product(focus_id)
    if focus is not None and wanted == 1:
        return Resolved([focus])
    if len(shown_products) == 1 and wanted == 1:
        return Resolved(shown_products)
    if wanted == 2 and len(shown_products) == 2:
        return Resolved(shown_products)
    if not shown_products:
        return Resolved([], _out_of_range(0))
    return Resolved([], f"Which one do you mean? Say a number from 1 to {len(shown_products)}.")


def resolve_in_conversation(runtime, tracker, parsed: Optional[Parsed] = None, wanted: int = 1) -> Resolved:
    """The product(s) the latest message points at: a button's product id, a
    position or brand among the products on screen, or the one in focus."""
    from actions import state as slots

    parsed = parsed or runtime.parser.parse(slots.latest_text(tracker))
    return resolve(runtime, parsed, slots.shown(tracker), slots.focus(tracker),
                   product_id=slots.entity(tracker, "product_id") if wanted == 1 else None, wanted=wanted)
