"""Product catalog: the model, import from any supported file, and the command
line check / convert.

    python -m embeddings.catalog FILE [--currency USD] [--out clean.jsonl]

prints the import report (products, variants, skipped rows with their line or
item number and reason, products left out as draft / archived / unpublished,
warnings) and, with --out, writes the products in the generic JSON Lines form.
Exit status: 0 with products, 1 when nothing loads, 2 when the file is refused.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Iterable, List, Optional

from embeddings.products import AVAILABILITY, Product, Variant, category_key  # noqa: F401 (re-exported)
from embeddings.importers import CatalogError, ImportReport, RowError, detect_format  # noqa: F401
from embeddings.importers import load_catalog as _load, parse_lines
from embeddings.importers.generic import product_from_row as _product_from_row


def shop_currency_setting(value: Optional[str] = None) -> Optional[str]:
    return value if value is not None else (os.environ.get("SHOP_CURRENCY") or None)


def load_catalog(path: Path | str, shop_currency: Optional[str] = None) -> ImportReport:
    """Import a catalog file. SHOP_CURRENCY (argument or environment) prices a
    file that carries no currency. Raises CatalogError when the file is refused."""
    return _load(path, shop_currency_setting(shop_currency))


def parse_catalog(text: str, fmt: str, shop_currency: Optional[str] = None) -> ImportReport:
    return parse_lines(text, fmt, shop_currency_setting(shop_currency))


def product_from_row(row) -> Product:
    """One product from its canonical (or generic) JSON form; RowError when invalid."""
    product = _product_from_row(row)
    if not product.currency:
        raise RowError("missing 'currency'")
    return product


def catalog_fingerprint(products: Iterable[Product]) -> str:
    digest = hashlib.sha256()
    for product in products:
        digest.update(json.dumps(product.to_dict(), sort_keys=True).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def write_jsonl(products: Iterable[Product], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for product in products:
            handle.write(json.dumps(product.to_dict(), ensure_ascii=False) + "\n")


def refusal(path: Path | str, report: Optional[ImportReport], error: Optional[Exception]) -> Optional[str]:
    """Why the assistant must not start on this catalog (None: it may)."""
    if error is not None:
        return f"catalog {path} refused: {error}"
    if report is not None and not report.products:
        return f"catalog {path} has no products the assistant can offer:\n{report.summary()}"
    return None


def catalog_for_start(path: Path | str, shop_currency: Optional[str]) -> ImportReport:
    """The catalog an assistant starts on, or RuntimeError with the reason and the
    import report: a refused file or a catalog with no products stops the start."""
    try:
        report = load_catalog(path, shop_currency or None)
    except (OSError, CatalogError) as exc:
        raise RuntimeError(refusal(path, None, exc)) from None
    problem = refusal(path, report, None)
    if problem:
        raise RuntimeError(problem)
    return report


def main(argv: List[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m embeddings.catalog")
    parser.add_argument("file", help="Shopify export (.csv), Merchant feed (.xml, .tsv) or generic .csv / .jsonl")
    parser.add_argument("--currency", help="the shop's currency when the file carries none (default: SHOP_CURRENCY)")
    parser.add_argument("--out", help="write the products here in the generic JSON Lines form")
    args = parser.parse_args(argv)
    try:
        report = load_catalog(args.file, args.currency)
    except (OSError, CatalogError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.file}: {report.format}")
    print(report.summary())
    if args.out:
        write_jsonl(report.products, Path(args.out))
        print(f"wrote {args.out}")
    return 0 if report.loaded else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
