"""The project's own format, as JSON Lines or CSV (one product a line / row).

JSON Lines: {"id", "title", "description", "category", "brand", "currency"?,
"variants": [{"id", "price", "colour", "size", "compare_at", "availability",
"image_url", "sku"}], "for", "material", "rating", "url", "image_url", "features"}.
`category` is a path: a list, or text with ">" or "/" between levels. A product
without "variants" gives "price", "availability", "colours" and "sizes", and has
one variant per colour and size. CSV has the same columns (lists as "a|b"); rows
with the same `product_id` are the variants of one product (columns `variant_id`,
`colour`, `size`, `price`, `compare_at`, `availability`, `variant_image_url`, `sku`).
`currency` may be left out when SHOP_CURRENCY is set.
"""
from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

from embeddings.products import AVAILABILITY, Product, Variant, category_slug
from embeddings.importers.common import (
    MAX_TEXT, CatalogError, ImportReport, RowError, audience_of, checked_header, clean_text, parse_price, split_path,
    text_lines,
)
from embeddings.importers.html_text import html_to_text

REQUIRED = ("id", "title", "description", "category", "brand")
CSV_REQUIRED = REQUIRED + ("price",)
LIST_FIELDS = ("colours", "sizes", "features", "for", "tags")


def _text(row: Dict[str, Any], key: str, required: bool = True) -> str:
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RowError(f"missing '{key}'")
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise RowError(f"'{key}' must be text")
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise RowError(f"'{key}' is longer than {MAX_TEXT} characters")
    return text


def _number(row: Dict[str, Any], key: str) -> Optional[float]:
    value = row.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowError(f"'{key}' must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RowError(f"'{key}' must be a number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise RowError(f"'{key}' must be a finite number")
    return number


def _list(row: Dict[str, Any], key: str) -> Tuple[str, ...]:
    value = row.get(key)
    if value is None or value == "":
        return ()
    if isinstance(value, str):  # CSV: "black|blue" (commas also accepted)
        separator = "|" if "|" in value else ","
        items = value.split(separator)
    elif isinstance(value, list):
        items = value
    else:
        raise RowError(f"'{key}' must be a list")
    cleaned = []
    for item in items:
        if not isinstance(item, (str, int, float)) or isinstance(item, bool):
            raise RowError(f"'{key}' must hold text values")
        text = str(item).strip()
        if text:
            cleaned.append(text.lower() if key not in ("sizes", "colours") else text)
    return tuple(cleaned)


def _availability(row: Dict[str, Any], key: str = "availability") -> str:
    value = _text(row, key, required=False).lower().replace(" ", "_") or "in_stock"
    if value not in AVAILABILITY:
        raise RowError(f"'{key}' must be one of {', '.join(AVAILABILITY)}, got {value!r}")
    return value


def _price(row: Dict[str, Any], key: str, currencies: List[str], required: bool = True) -> Optional[float]:
    value = row.get(key)
    if value is None or value == "":
        if required:
            raise RowError(f"missing '{key}'")
        return None
    amount, currency = parse_price(value, key)
    if currency:
        currencies.append(currency)
    return amount


def _category(row: Dict[str, Any]) -> Tuple[str, ...]:
    value = row.get("category")
    if isinstance(value, list):
        path = tuple(clean_text(v, "category") for v in value if str(v).strip())
    else:
        path = split_path(_text(row, "category"), (">", "/"))
    if not path:
        raise RowError("missing 'category'")
    return path


def _variants(row: Dict[str, Any], product_id: str, currencies: List[str]) -> Tuple[Variant, ...]:
    raw = row.get("variants")
    if raw is None or raw == "":
        price = _price(row, "price", currencies)
        availability = _availability(row)
        colours = _list(row, "colours") or (None,)
        sizes = _list(row, "sizes") or (None,)
        single = len(colours) == 1 and len(sizes) == 1 and colours[0] is None and sizes[0] is None
        variants = []
        for colour in colours:
            for size in sizes:
                suffix = "-".join(category_slug(x) for x in (colour, size) if x)
                variants.append(Variant(id=product_id if single else f"{product_id}:{suffix}", price=price,
                                        colour=colour, size=size, availability=availability))
        return tuple(variants)
    if not isinstance(raw, list) or not raw:
        raise RowError("'variants' must be a non-empty list")
    variants = []
    seen = set()
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise RowError(f"variant {number} is not an object")
        variant = variant_from(entry, f"{product_id}:{number}", currencies)
        if variant.id in seen:
            raise RowError(f"variant {number}: duplicate variant id {variant.id!r}")
        seen.add(variant.id)
        variants.append(variant)
    return tuple(variants)


def variant_from(entry: Dict[str, Any], default_id: str, currencies: List[str],
                 image_key: str = "image_url") -> Variant:
    compare_at = _price(entry, "compare_at", currencies, required=False)
    return Variant(
        id=_text(entry, "id", required=False) or _text(entry, "variant_id", required=False) or default_id,
        price=_price(entry, "price", currencies), colour=_text(entry, "colour", required=False) or None,
        size=_text(entry, "size", required=False) or None, compare_at=compare_at,
        availability=_availability(entry), image_url=_text(entry, image_key, required=False),
        sku=_text(entry, "sku", required=False),
    )


def product_from_row(row: Dict[str, Any], currencies: Optional[List[str]] = None) -> Product:
    """Validate one raw row (from JSON or CSV) into a Product. Currencies found
    in it are appended to `currencies`; a row without one gets "" (set later)."""
    if not isinstance(row, dict):
        raise RowError("row is not an object")
    found: List[str] = [] if currencies is None else currencies
    product_id = _text(row, "id")
    rating = _number(row, "rating")
    if rating is not None and not 0 <= rating <= 5:
        raise RowError(f"'rating' must be between 0 and 5, got {rating}")
    currency = _text(row, "currency", required=False).upper()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        raise RowError(f"'currency' must be a 3-letter code, got {currency!r}")
    variants = _variants(row, product_id, found)
    if currency:
        found.append(currency)
    path = _category(row)
    title = html_to_text(_text(row, "title"))
    return Product(
        id=product_id, title=title, description=html_to_text(_text(row, "description")),
        brand=_text(row, "brand"), currency=currency, category_path=path, variants=variants,
        google_category=_text(row, "google_category", required=False),
        audience=audience_of(_list(row, "for")), material=_text(row, "material", required=False) or None,
        rating=rating, url=_text(row, "url", required=False), image_url=_text(row, "image_url", required=False),
        features=_list(row, "features"), tags=_list(row, "tags"),
    )


# -- files ------------------------------------------------------------------
def _jsonl_rows(lines: Iterable[str]) -> Iterator[Tuple[int, Any]]:
    previous: Optional[Tuple[int, str]] = None
    for number, line in enumerate(lines, start=1):
        if previous is not None:
            yield _json_row(*previous)
        previous = (number, line) if line.strip() else None
    if previous is not None:
        number, line = previous
        row = _json_row(number, line)
        if isinstance(row[1], RowError) and not line.endswith("\n"):
            raise CatalogError(f"line {number} is cut off (invalid JSON at the end of the file): "
                               "the file looks truncated")
        yield row


def _json_row(number: int, line: str) -> Tuple[int, Any]:
    try:
        return number, json.loads(line)
    except json.JSONDecodeError as exc:
        return number, RowError(f"invalid JSON ({exc.msg})")


def _csv_rows(lines: Iterable[str]) -> Iterator[Tuple[int, Any]]:
    reader = csv.reader(lines, strict=True)
    header = checked_header(reader, str.strip, CSV_REQUIRED, "header lacks column(s):")
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CatalogError(f"line {reader.line_num}: malformed CSV ({exc}); the file looks truncated "
                               "or damaged") from None
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            yield reader.line_num, RowError("more values than header columns")
            continue
        if len(values) < len(header):
            yield reader.line_num, RowError(f"{len(values)} values for {len(header)} columns (row cut short)")
            continue
        yield reader.line_num, dict(zip(header, values))


def _grouped(rows: Iterator[Tuple[int, Any]]) -> Iterator[Tuple[int, Any]]:
    """CSV rows sharing a product_id become one row with a variants list."""
    groups: Dict[str, Tuple[int, Dict[str, Any]]] = {}
    for line, row in rows:
        if isinstance(row, RowError) or not row.get("product_id", "").strip():
            yield line, row
            continue
        key = row["product_id"].strip()
        variant = {"id": row.get("variant_id", ""), "price": row.get("price", ""), "colour": row.get("colour", ""),
                   "size": row.get("size", ""), "compare_at": row.get("compare_at", ""),
                   "availability": row.get("availability", ""), "image_url": row.get("variant_image_url", ""),
                   "sku": row.get("sku", "")}
        if key not in groups:
            groups[key] = (line, {**row, "id": key, "variants": []})
        groups[key][1]["variants"].append(variant)
    for line, row in groups.values():
        yield line, row


def read(path: Path, fmt: str, report: ImportReport) -> Tuple[List[Product], Dict[str, str]]:
    return read_lines(text_lines(path), fmt, report)


def read_lines(lines: Iterable[str], fmt: str, report: ImportReport) -> Tuple[List[Product], Dict[str, str]]:
    rows = _jsonl_rows(lines) if fmt == "jsonl" else _grouped(_csv_rows(lines))
    return collect(rows, report)


def collect(rows, report: ImportReport) -> Tuple[List[Product], Dict[str, str]]:
    products: List[Product] = []
    seen: Dict[str, int] = {}
    found: Dict[str, str] = {}
    for line, row in rows:
        currencies: List[str] = []
        try:
            if isinstance(row, RowError):
                raise row
            product = product_from_row(row, currencies)
            if product.id in seen:
                raise RowError(f"duplicate id {product.id!r} (first on line {seen[product.id]})")
        except RowError as exc:
            report.skip(line, str(exc))
            continue
        for currency in currencies:
            found.setdefault(currency, f"line {line}")
        seen[product.id] = line
        products.append(product)
    return products, found


def with_currency(products: List[Product], currency: str) -> List[Product]:
    return [p if p.currency == currency else replace(p, currency=currency) for p in products]
