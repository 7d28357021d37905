"""Catalog import from the formats shops have, recognised from the file itself.

| format          | recognised by                                                |
|-----------------|--------------------------------------------------------------|
| shopify         | .csv whose header has Handle and Variant Price               |
| merchant_xml    | .xml/.rss/.atom whose root element is <rss> or <feed>        |
| merchant_tsv    | .tsv/.txt/.csv whose header has id, title, price and a Merchant-only attribute |
| generic csv     | any other .csv (the project's own columns)                   |
| generic jsonl   | .jsonl/.ndjson/.json                                         |

`load_catalog` returns an ImportReport or raises CatalogError (nothing loaded).
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from embeddings.products import Product
from embeddings.importers import generic, merchant_tsv, merchant_xml, shopify
from embeddings.importers.common import (
    CatalogError, ImportReport, RowError, add_warnings, check_not_empty, settle_currency, text_lines,
)

__all__ = ["CatalogError", "ImportReport", "RowError", "detect_format", "load_catalog"]

FORMATS = ("shopify", "merchant_xml", "merchant_tsv", "merchant_csv", "csv", "jsonl")


def _header(path: Path, delimiter: str) -> List[str]:
    lines = text_lines(path)
    try:
        return next(csv.reader(lines, delimiter=delimiter))
    except (StopIteration, csv.Error):
        return []
    finally:
        lines.close()


def detect_format(path: Path | str) -> str:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".xml", ".rss", ".atom"):
        root = merchant_xml.root_name(path)
        if root in merchant_xml.ROOTS:
            return "merchant_xml"
        raise CatalogError(f"unsupported XML catalog: root element <{root}>, expected a Merchant feed "
                           "(<rss> or <feed>)" if root else "the XML is not well-formed or is empty")
    if suffix in (".tsv", ".txt"):
        if merchant_tsv.looks_like(_header(path, "\t")):
            return "merchant_tsv"
        raise CatalogError("a tab-separated catalog must be a Merchant feed (header with id, title, price "
                           "and item_group_id or image_link)")
    if suffix == ".csv":
        header = _header(path, ",")
        if shopify.looks_like(header):
            return "shopify"
        if merchant_tsv.looks_like(header):
            return "merchant_csv"
        return "csv"
    raise CatalogError(f"unsupported catalog format {suffix!r}: use a Shopify export (.csv), a Merchant feed "
                       "(.xml or .tsv), or the generic .csv / .jsonl")


def _read(path: Path, fmt: str, report: ImportReport) -> Tuple[List[Product], Dict[str, str]]:
    if fmt == "shopify":
        return shopify.read(path, report)
    if fmt == "merchant_xml":
        return merchant_xml.read(path, report)
    if fmt in ("merchant_tsv", "merchant_csv"):
        return merchant_tsv.read(path, report, "\t" if fmt == "merchant_tsv" else ",")
    return generic.read(path, fmt, report)


def finish(report: ImportReport, products: List[Product], found: Dict[str, str],
           shop_currency: Optional[str]) -> ImportReport:
    """One currency for all, duplicate variant ids refused, warnings added."""
    if products:
        currency = settle_currency(found, shop_currency)
        products = generic.with_currency(products, currency)
        report.currency = currency
    owner: Dict[str, str] = {}
    kept = []
    for product in products:
        ids = [product.id] + [v.id for v in product.variants]
        clash = next((i for i in ids if owner.get(i, product.id) != product.id), None)
        if clash is not None:
            report.skip(0, f"product {product.id!r}: id {clash!r} is already used by product {owner[clash]!r}")
            continue
        owner.update({i: product.id for i in ids})
        kept.append(product)
    report.products = kept
    add_warnings(report)
    return report


def load_catalog(path: Path | str, shop_currency: Optional[str] = None, fmt: Optional[str] = None) -> ImportReport:
    """Import a catalog file; raises CatalogError when the file as a whole is refused."""
    path = Path(path)
    check_not_empty(path)
    fmt = fmt or detect_format(path)
    report = ImportReport(source=str(path), format=fmt)
    products, found = _read(path, fmt, report)
    return finish(report, products, found, shop_currency)


def parse_lines(text: str, fmt: str, shop_currency: Optional[str] = None) -> ImportReport:
    """Import from text already in memory (tests, small uploads)."""
    report = ImportReport(source="<text>", format=fmt)
    lines = iter(text.splitlines(keepends=True))
    if fmt == "shopify":
        products, found = shopify.read_lines(lines, report)
    elif fmt in ("merchant_tsv", "merchant_csv"):
        products, found = merchant_tsv.read_lines(lines, report, "\t" if fmt == "merchant_tsv" else ",")
    else:
        products, found = generic.read_lines(lines, fmt, report)
    return finish(report, products, found, shop_currency)
