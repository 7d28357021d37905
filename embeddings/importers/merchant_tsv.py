"""Google Merchant Center feed as delimited text (tab-separated, as Merchant
Center takes it; comma-separated also read). The header names the attributes
(`id`, `title`, `price`, `item_group_id`, ..., with or without a `g:` prefix)."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Tuple

from embeddings.products import Product
from embeddings.importers.common import CatalogError, ImportReport, text_lines
from embeddings.importers.merchant import Item, collect, field_name

REQUIRED = ("id", "title", "price")
# Attributes only a Merchant feed has (a generic catalog file has none of them).
MARKERS = ("item_group_id", "image_link", "google_product_category", "gtin", "mpn", "sale_price")


def looks_like(header: List[str]) -> bool:
    names = {field_name(h) for h in header}
    return all(r in names for r in REQUIRED) and any(m in names for m in MARKERS)


def _items(lines: Iterable[str], delimiter: str) -> Iterator[Tuple[int, Item]]:
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = [field_name(h) for h in next(reader)]
    except StopIteration:
        raise CatalogError("the file is empty") from None
    except csv.Error as exc:
        raise CatalogError(f"line 1: malformed header ({exc})") from None
    missing = [r for r in REQUIRED if r not in header]
    if missing:
        raise CatalogError(f"not a Merchant feed: header lacks {', '.join(missing)}")
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CatalogError(f"line {start}: malformed row ({exc}); the file looks truncated or damaged") from None
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise CatalogError(f"line {start}: {len(values)} values for {len(header)} columns; "
                               "the file looks truncated or damaged")
        yield start, {k: v for k, v in zip(header, values) if v.strip()}


def read_lines(lines: Iterable[str], report: ImportReport, delimiter: str = "\t") -> Tuple[List[Product], Dict[str, str]]:
    return collect(_items(lines, delimiter), report)


def read(path: Path, report: ImportReport, delimiter: str = "\t") -> Tuple[List[Product], Dict[str, str]]:
    return read_lines(text_lines(path), report, delimiter)
