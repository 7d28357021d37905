"""`python -m bot import-orders`: order lines into the profile store and,
when asked, their products into a catalog file (JSON Lines, our catalog schema)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from actions.behaviour.orders import OrderLine, OrderReport
from embeddings.catalog import Product, load_catalog, product_from_row, RowError, write_jsonl


@dataclass
class CatalogAddition:
    added: int
    kept: int
    skipped: List[Tuple[str, str]] = field(default_factory=list)


def products_from_orders(lines: List[OrderLine], catalog: Dict[str, Any]) -> Tuple[List[Product], List[Tuple[str, str]]]:
    """One product per stock code: its most common description and latest price."""
    by_code: Dict[str, List[OrderLine]] = {}
    for line in lines:
        if not line.is_cancellation:
            by_code.setdefault(line.stock_code, []).append(line)
    products, skipped = [], []
    for code, group in sorted(by_code.items()):
        names: Dict[str, int] = {}
        for line in group:
            if line.description:
                names[line.description] = names.get(line.description, 0) + 1
        if not names:
            skipped.append((code, "no description in any order line"))
            continue
        name = max(names.items(), key=lambda item: (item[1], item[0]))[0]
        latest = max(group, key=lambda line: (line.ordered_at, line.line))
        try:
            products.append(product_from_row({
                "id": code, "title": name.title(), "description": name.capitalize(),
                "category": catalog.get("catalog_category", "general"),
                "brand": catalog.get("catalog_brand", "Shop"), "price": latest.unit_price,
                "currency": catalog.get("catalog_currency", "EUR"),
            }))
        except RowError as exc:
            skipped.append((code, str(exc)))
    return products, skipped


def add_products(lines: List[OrderLine], out: Path, catalog: Dict[str, Any]) -> CatalogAddition:
    """Products the file does not have yet are appended; existing ones are kept as they are."""
    existing: List[Product] = load_catalog(out).products if out.exists() else []
    known = {p.id for p in existing}
    products, skipped = products_from_orders(lines, catalog)
    new = [p for p in products if p.id not in known]
    out.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(existing + new, out)
    return CatalogAddition(added=len(new), kept=len(existing), skipped=skipped)


def import_orders(store, report: OrderReport, out: Optional[Path] = None,
                  catalog: Optional[Dict[str, Any]] = None) -> str:
    """Store the report's good lines; returns what happened, in words."""
    stored = store.replace_orders(report.lines)
    customers = len({line.customer_id for line in report.lines})
    invoices = len({line.invoice for line in report.lines})
    text = [report.summary(), f"stored {stored} order lines: {invoices} invoices, {customers} customers"]
    if out is not None:
        addition = add_products(report.lines, out, catalog or {})
        text.append(f"catalog {out}: added {addition.added} products, kept {addition.kept}")
        text += [f"  product {code} not added: {reason}" for code, reason in addition.skipped]
    return "\n".join(text)
