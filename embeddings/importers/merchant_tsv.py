"""Google Merchant Center feed as delimited text (tab-separated, as Merchant
Center takes it; comma-separated also read). The header names the attributes
(`id`, `title`, `price`, `item_group_id`, ..., with or without a `g:` prefix)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Tuple

from embeddings.products import Product
from embeddings.importers.common import ImportReport, delimited_records, text_lines
from embeddings.importers.merchant import Item, collect, field_name

REQUIRED = ("id", "title", "price")
# Attributes only a Merchant feed has (a generic catalog file has none of them).
MARKERS = ("item_group_id", "image_link", "google_product_category", "gtin", "mpn", "sale_price")


def looks_like(header: List[str]) -> bool:
    names = {field_name(h) for h in header}
    return all(r in names for r in REQUIRED) and any(m in names for m in MARKERS)


def _items(lines: Iterable[str], delimiter: str) -> Iterator[Tuple[int, Item]]:
    for line, row in delimited_records(lines, delimiter, field_name, REQUIRED, "a Merchant feed"):
        yield line, {k: v for k, v in row.items() if v.strip()}


def read_lines(lines: Iterable[str], report: ImportReport, delimiter: str = "\t") -> Tuple[List[Product], Dict[str, str]]:
    return collect(_items(lines, delimiter), report)


def read(path: Path, report: ImportReport, delimiter: str = "\t") -> Tuple[List[Product], Dict[str, str]]:
    return read_lines(text_lines(path), report, delimiter)
