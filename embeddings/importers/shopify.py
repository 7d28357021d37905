"""Shopify product CSV export (the older and the current column sets).

Rows are grouped by Handle: the first row of a handle carries the product, the
following rows more variants or only more images. Draft, archived and
unpublished products are left out and counted. Shopify exports carry no
currency: the shop's SHOP_CURRENCY applies.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

from embeddings.products import Product, Variant
from embeddings.importers.common import (
    LOW_STOCK_UNITS, ImportReport, RowError, audience_of, clean_text, delimited_records, parse_price,
    split_path, text_lines, title_type,
)
from embeddings.importers.html_text import html_to_text

REQUIRED = ("Handle", "Title", "Variant Price")
NOT_A_CATEGORY = {"", "uncategorized", "uncategorised", "other", "misc"}
Row = Dict[str, str]


def looks_like(header: List[str]) -> bool:
    return "Handle" in header and "Variant Price" in header


def _rows(lines: Iterable[str]) -> Iterator[Tuple[int, Row]]:
    return delimited_records(lines, ",", str.strip, REQUIRED, "a Shopify product export")


def _groups(rows: Iterator[Tuple[int, Row]], report: ImportReport) -> Iterator[Tuple[int, List[Tuple[int, Row]]]]:
    """Consecutive rows of one handle; a handle that comes back later is a duplicate."""
    seen: Dict[str, int] = {}
    current: Optional[str] = None
    group: List[Tuple[int, Row]] = []
    for line, row in rows:
        handle = row["Handle"].strip()
        if not handle:
            report.skip(line, "no Handle")
            continue
        if handle != current:
            if group:
                yield group[0][0], group
            group = []
            current = handle
            if handle in seen:
                report.skip(line, f"duplicate handle {handle!r} (first on line {seen[handle]})")
                current = None
                continue
            seen[handle] = line
        if current is not None:
            group.append((line, row))
    if group:
        yield group[0][0], group


def _availability(row: Row) -> str:
    tracker = row.get("Variant Inventory Tracker", "").strip()
    policy = row.get("Variant Inventory Policy", "").strip().lower()
    raw = row.get("Variant Inventory Qty", "").strip()
    if (not tracker and "Variant Inventory Tracker" in row) or policy == "continue" or not raw:
        return "in_stock"          # not tracked, or sold when out of stock
    try:
        units = int(float(raw))
    except ValueError:
        raise RowError(f"'Variant Inventory Qty' must be a number, got {raw!r}") from None
    if units <= 0:
        return "out_of_stock"
    return "low_stock" if units <= LOW_STOCK_UNITS else "in_stock"


def _option_roles(first: Row) -> Dict[int, str]:
    """Which option is the colour and which the size, from the option names."""
    roles: Dict[int, str] = {}
    for number in (1, 2, 3):
        name = first.get(f"Option{number} Name", "").strip().lower()
        if "colo" in name and "colour" not in roles.values():
            roles[number] = "colour"
        elif "size" in name and "size" not in roles.values():
            roles[number] = "size"
    return roles


def _category(first: Row, title: str) -> Tuple[str, ...]:
    kind = first.get("Type", "").strip()
    if kind.lower() not in NOT_A_CATEGORY:
        # Shops write their own levels as "Mens - Tees" or "Apparel > Hoodies".
        return split_path(kind, (">", " / ", " - "))
    for column in ("Product Category", "Google Shopping / Google Product Category"):
        value = first.get(column, "").strip()
        if value.lower() not in NOT_A_CATEGORY and not value.isdigit():
            return split_path(value)
    return title_type(title)


def _product(group: List[Tuple[int, Row]], report: ImportReport) -> Optional[Product]:
    line, first = group[0]
    status = first.get("Status", "").strip().lower()
    if status in ("draft", "archived"):
        report.left_out[status] += 1
        return None
    if first.get("Published", "").strip().lower() == "false":
        report.left_out["unpublished"] += 1
        return None
    handle = first["Handle"].strip()
    title = html_to_text(first.get("Title", ""))
    if not title:
        raise RowError(f"handle {handle!r} has no Title on its first row")
    roles = _option_roles(first)
    images = [r.get("Image Src", "").strip() for _, r in group if r.get("Image Src", "").strip()]
    variants: List[Variant] = []
    for row_line, row in group:
        has_option = any(row.get(f"Option{n} Value", "").strip() for n in (1, 2, 3))
        if not row.get("Variant Price", "").strip():
            if has_option or row.get("Variant SKU", "").strip():
                raise RowError(f"the variant on line {row_line} has no price")
            continue   # a row that only adds an image
        try:
            price, _ = parse_price(row["Variant Price"], "Variant Price")
            compare_raw = row.get("Variant Compare At Price", "").strip()
            compare_at = parse_price(compare_raw, "Variant Compare At Price")[0] if compare_raw else None
            availability = _availability(row)
        except RowError as exc:
            raise RowError(f"line {row_line}: {exc}") from None
        values = {role: row.get(f"Option{n} Value", "").strip() for n, role in roles.items()}
        variants.append(Variant(
            id=f"{handle}:{len(variants) + 1}", price=price, colour=values.get("colour") or None,
            size=values.get("size") or None, compare_at=compare_at if compare_at and compare_at > price else None,
            availability=availability, image_url=row.get("Variant Image", "").strip(),
            sku=row.get("Variant SKU", "").strip(),
        ))
    if not variants:
        raise RowError(f"handle {handle!r} has no variant with a price")
    path = _category(first, title)
    tags = tuple(t.strip() for t in first.get("Tags", "").split(",") if t.strip())
    audience = audience_of(
        [first.get("Google Shopping / Gender", ""), first.get("Google Shopping / Age Group", ""),
         first.get("Target gender (product.metafields.shopify.target-gender)", "")],
        [" ".join(path), title])
    return Product(
        id=handle, title=clean_text(title, "Title", 300), description=html_to_text(first.get("Body (HTML)", "")),
        brand=clean_text(first.get("Vendor", ""), "Vendor", 200), currency="", category_path=path,
        variants=tuple(variants),
        google_category=(first.get("Product Category", "") or first.get("Google Shopping / Google Product Category", "")).strip(),
        audience=audience, url=f"/products/{handle}", image_url=images[0] if images else "", tags=tags,
    )


def read_lines(lines: Iterable[str], report: ImportReport) -> Tuple[List[Product], Dict[str, str]]:
    products: List[Product] = []
    for line, group in _groups(_rows(lines), report):
        try:
            product = _product(group, report)
        except RowError as exc:
            report.skip(line, str(exc))
            continue
        if product is not None:
            products.append(product)
    return products, {}


def read(path: Path, report: ImportReport) -> Tuple[List[Product], Dict[str, str]]:
    return read_lines(text_lines(path), report)
