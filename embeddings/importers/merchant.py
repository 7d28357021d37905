"""Google Merchant Center items (from the XML or the tab-separated feed) grouped
into products: items with the same item_group_id are the variants of one product."""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Tuple

from embeddings.products import Product, Variant
from embeddings.importers.common import (
    ImportReport, RowError, audience_of, clean_text, parse_price, split_path, title_type,
)
from embeddings.importers.html_text import html_to_text

Item = Dict[str, str]
AVAILABILITY = {"in_stock": "in_stock", "in stock": "in_stock", "out_of_stock": "out_of_stock",
                "out of stock": "out_of_stock", "preorder": "in_stock", "backorder": "in_stock",
                "limited_availability": "low_stock", "limited availability": "low_stock"}


def field_name(raw: str) -> str:
    """'g:item_group_id', 'item group id', 'Item_Group_ID' -> 'item_group_id'."""
    name = raw.strip().lower()
    name = name.split("}", 1)[-1]
    if name.startswith("g:"):
        name = name[2:]
    return re.sub(r"[\s-]+", "_", name)


def _availability(item: Item) -> str:
    raw = item.get("availability", "").strip().lower()
    if not raw:
        return "in_stock"
    if raw not in AVAILABILITY:
        raise RowError(f"'availability' must be in_stock, out_of_stock, preorder or backorder, got {raw!r}")
    return AVAILABILITY[raw]


def _variant(item: Item, currencies: List[str]) -> Variant:
    item_id = item.get("id", "").strip()
    if not item_id:
        raise RowError("missing 'id'")
    price, currency = parse_price(item.get("price", ""), "price")
    if currency:
        currencies.append(currency)
    compare_at = None
    sale = item.get("sale_price", "").strip()
    if sale:
        sale_price, sale_currency = parse_price(sale, "sale_price")
        if sale_currency:
            currencies.append(sale_currency)
        if sale_price < price:
            price, compare_at = sale_price, price
    return Variant(id=item_id, price=price, colour=clean_text(item.get("color", ""), "color", 100) or None,
                   size=clean_text(item.get("size", ""), "size", 60) or None, compare_at=compare_at,
                   availability=_availability(item), image_url=item.get("image_link", "").strip())


def _category(item: Item, title: str) -> Tuple[str, ...]:
    kind = item.get("product_type", "").split(",")[0].strip()
    if kind:
        return split_path(kind)
    google = item.get("google_product_category", "").strip()
    if google and not google.isdigit():
        return split_path(google)
    return title_type(title)


def product_from_items(group_id: str, items: List[Tuple[int, Item]], report: ImportReport,
                       found: Dict[str, str]) -> Optional[Product]:
    number, first = items[0]
    currencies: List[str] = []
    variants = []
    for item_number, item in items:
        try:
            variants.append(_variant(item, currencies))
        except RowError as exc:
            raise RowError(f"item {item_number}: {exc}") from None
        for currency in currencies:
            found.setdefault(currency, f"{report.unit} {item_number}")
        currencies.clear()
    title = html_to_text(first.get("title", ""))
    if not title:
        raise RowError(f"item {number}: missing 'title'")
    path = _category(first, title)
    return Product(
        id=group_id, title=clean_text(title, "title", 300), description=html_to_text(first.get("description", "")),
        brand=clean_text(first.get("brand", ""), "brand", 200), currency="", category_path=path,
        variants=tuple(variants), google_category=first.get("google_product_category", "").strip(),
        audience=audience_of([first.get("gender", ""), first.get("age_group", "")], [" ".join(path), title]),
        material=clean_text(first.get("material", ""), "material", 100) or None,
        url=first.get("link", "").strip(), image_url=first.get("image_link", "").strip(),
    )


def collect(items: Iterable[Tuple[int, Item]], report: ImportReport) -> Tuple[List[Product], Dict[str, str]]:
    """Group items by item_group_id (an item without one is a product of its own)."""
    groups: Dict[str, List[Tuple[int, Item]]] = {}
    seen_ids: Dict[str, int] = {}
    for number, item in items:
        item_id = item.get("id", "").strip()
        if not item_id:
            report.skip(number, "missing 'id'")
            continue
        if item_id in seen_ids:
            report.skip(number, f"duplicate id {item_id!r} (first at {report.unit} {seen_ids[item_id]})")
            continue
        seen_ids[item_id] = number
        group = item.get("item_group_id", "").strip() or item_id
        groups.setdefault(group, []).append((number, item))
    products: List[Product] = []
    found: Dict[str, str] = {}
    for group_id, members in groups.items():
        if group_id in seen_ids and len(members) > 1 and members[0][1].get("id", "").strip() != group_id:
            # A group id that is also another item's own id would make two products share an id.
            report.skip(members[0][0], f"item_group_id {group_id!r} is also an item id")
            continue
        try:
            product = product_from_items(group_id, members, report, found)
        except RowError as exc:
            report.skip(members[0][0], str(exc))
            continue
        if product is not None:
            products.append(product)
    return products, found
