"""The message contract shared by every channel, the widget and the console.

Products:  {"type": "products", "products": [{"id", "title", "price", "currency",
            "category", "brand", "url", "image", "reason", "variant_id", "colour", "size",
            "colours", "sizes", "compare_at", "availability"}]}
           One card per product. `variant_id`, `colour` and `size` are the variant the
           card shows: the one with the colour / size asked for (or the only one);
           `price`, `image` and `availability` are that variant's. When the customer
           has not picked among several variants they are null and the card shows
           the product at its lowest price in stock; `colour` / `size` are also null
           when the product has no such option.
           `colours` / `sizes` list what the product comes in. `compare_at` is the
           price before a sale (null when not on sale). Add to cart and checkout use
           `variant_id`.
Services:  {"type": "services", "for_product": id, "services": [{"id", "title",
            "price", "currency"}]}
Each payload is sent together with a plain-text version of the same content.
"""
from __future__ import annotations

import json
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import urljoin

from embeddings.catalog import Product
from embeddings.services import Service

CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}
# The catalog's currency, for amounts that belong to no product (budgets);
# set once when the runtime loads the catalog.
_shop_currency = {"code": "EUR"}


def set_shop_currency(code: str) -> None:
    _shop_currency["code"] = code


def shop_currency() -> str:
    return _shop_currency["code"]


def money(amount: Optional[float], currency: Optional[str] = None) -> str:
    if amount is None:
        return ""
    currency = currency or _shop_currency["code"]
    symbol = CURRENCY_SYMBOLS.get(currency)
    text = f"{amount:,.2f}".replace(".00", "") if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def absolute(url: str, base_url: str) -> str:
    return urljoin(base_url.rstrip("/") + "/", url.lstrip("/")) if url and "://" not in url else url


def product_card(product: Product, reason: str, base_url: str) -> Dict[str, object]:
    variant = product.variant
    chosen = product.selected is not None or not product.has_options
    return {
        "id": product.id, "title": product.title, "price": product.price, "currency": product.currency,
        "category": product.category, "brand": product.brand, "url": absolute(product.url, base_url),
        "image": absolute(product.image, base_url), "reason": reason,
        "variant_id": variant.id if chosen else None,
        "colour": variant.colour if chosen else None, "size": variant.size if chosen else None,
        "colours": list(product.colours), "sizes": list(product.sizes),
        "compare_at": variant.compare_at if variant.on_sale else None, "availability": variant.availability,
    }


def variant_label(product: Product) -> str:
    """'Heather Navy, XL' for a product shown in one of several variants ('' otherwise)."""
    if product.selected is None or not product.has_options:
        return ""
    variant = product.variant
    return ", ".join(x for x in (variant.colour, variant.size) if x)


def products_payload(items: Sequence[Tuple[Product, str]], base_url: str) -> Dict[str, object]:
    return {"type": "products", "products": [product_card(p, r, base_url) for p, r in items]}


def products_text(items: Sequence[Tuple[Product, str]], intro: str = "", numbered: bool = True) -> str:
    lines = [intro] if intro else []
    for number, (product, reason) in enumerate(items, start=1):
        mark = f"{number}." if numbered else "-"
        label = variant_label(product)
        line = f"{mark} {product.title}" + (f" in {label}" if label else "") + \
            f" ({product.brand}) - {money(product.price, product.currency)}"
        if reason:
            line += f" - {reason}"
        lines.append(line)
    return "\n".join(lines)


def service_price_label(service: Service, price: float) -> str:
    if price == 0:
        return "free"
    return money(price, service.currency) + ("/month" if service.billing == "monthly" else "")


def services_payload(product: Product, services: Sequence[Service]) -> Dict[str, object]:
    return {
        "type": "services", "for_product": product.id,
        "services": [{"id": s.id, "title": s.title, "price": s.price_for(product), "currency": s.currency}
                     for s in services],
    }


def services_text(product: Product, services: Sequence[Service]) -> str:
    lines = [f"Services for the {product.title}:"]
    for service in services:
        lines.append(f"- {service.title}: {service_price_label(service, service.price_for(product))}")
    return "\n".join(lines)


def payload_button(title: str, intent: str, entities: Optional[Dict[str, object]] = None) -> Dict[str, str]:
    """A quick reply whose payload Rasa parses without the classifier."""
    payload = f"/{intent}" + (json.dumps(entities, separators=(",", ":")) if entities else "")
    return {"title": title, "payload": payload}


def searched_for(query: str) -> str:
    """Said when a typo was corrected, so the customer sees what was searched."""
    return f"Showing results for *{' '.join(query.split())[:120]}*"


# What the assistant can do, for declines and fallbacks; the example is a
# request this shop's own catalog answers (Runtime.example_request).
def capabilities(example: str) -> str:
    return (f"I can find products for you (try \"{example}\"), refine them "
            "(\"cheaper\", \"in blue\", \"not that brand\"), answer questions about them, compare two, "
            "manage your cart and checkout, suggest services like delivery, assembly or protection plans, "
            "and tell you - or forget - what I know about you.")
