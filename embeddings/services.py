"""Services around products (protection, delivery, assembly, ...) and the map
of complementary categories. Both are plain YAML a shop edits.

Which products a service covers (any rule that matches):
  categories: all                      every product
  categories: [apparel, "Home & Garden > Kitchen"]   a category and everything below it
                                       (the catalog's own path, "A > B", or its key "a/b")
  google_categories: ["Apparel & Accessories > Clothing"]   the start of the product's
                                       Google product category (name path or numeric id)
  keywords: [mug, hoodie]              a whole word of the product's category path or title
A service never applies to a product none of its rules covers. Complements map a
category (path or key; the most specific that contains the product's category wins)
to the categories worth suggesting next to it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from embeddings.catalog import Product
from embeddings.products import key_of as rule_key, under


class ServicesError(ValueError):
    pass


@dataclass(frozen=True)
class Service:
    id: str
    title: str
    kind: str
    description: str
    categories: Tuple[str, ...]          # category keys (a node covers its subtree)
    price: Optional[float]
    price_bands: Tuple[Tuple[Optional[float], float], ...]
    billing: str
    currency: str
    for_all: bool = False
    google_categories: Tuple[str, ...] = ()
    keywords: Tuple[str, ...] = ()

    def applies_to(self, product: Product) -> bool:
        if self.for_all:
            return True
        if any(under(product.category, c) for c in self.categories):
            return True
        google = product.google_category.lower()
        if google and any(google == g or google.startswith(g + " >") for g in self.google_categories):
            return True
        if self.keywords:
            words = set(re.findall(r"[a-z0-9]+", (" ".join(product.category_path) + " " + product.title).lower()))
            return any(set(k.split()) <= words for k in self.keywords)
        return False

    def price_for(self, product: Product) -> float:
        if self.price is not None:
            return self.price
        for upper, price in self.price_bands:
            if upper is None or product.price <= upper:
                return price
        return self.price_bands[-1][1]


def _service_from(entry: dict, currency: str) -> Service:
    try:
        categories = entry.get("categories", ())
        google = tuple(" > ".join(p.strip() for p in str(g).lower().split(">"))
                       for g in entry.get("google_categories") or ())
        keywords = tuple(" ".join(re.findall(r"[a-z0-9]+", str(k).lower())) for k in entry.get("keywords") or ())
        if categories != "all" and not (categories or google or keywords):
            raise ServicesError(f"service {entry.get('id')!r} covers nothing: give categories, "
                                "google_categories or keywords (or categories: all)")
        bands = tuple((band.get("max"), float(band["price"])) for band in entry.get("price_bands") or ())
        price = entry.get("price")
        if price is None and not bands:
            raise ServicesError(f"service {entry.get('id')!r} has neither price nor price_bands")
        return Service(
            id=str(entry["id"]), title=str(entry["title"]), kind=str(entry.get("kind", "other")),
            description=str(entry.get("description", "")),
            categories=() if categories == "all" else tuple(rule_key(c) for c in categories),
            price=None if price is None else float(price), price_bands=bands,
            billing=str(entry.get("billing", "one_off")), currency=currency,
            for_all=categories == "all", google_categories=google, keywords=keywords,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ServicesError(f"bad service entry {entry!r}: {exc}") from exc


class ServiceCatalog:
    def __init__(self, services: List[Service], complements: Dict[str, List[str]]) -> None:
        self.services = services
        self.by_id = {s.id: s for s in services}
        self.complements = complements

    @classmethod
    def load(cls, services_path: Path, complements_path: Path, catalog_currency: str = "EUR") -> "ServiceCatalog":
        data = yaml.safe_load(Path(services_path).read_text(encoding="utf-8")) or {}
        # Services are priced in the catalog's currency; a file that names another is refused.
        currency = str(data.get("currency") or catalog_currency).upper()
        if currency != catalog_currency.upper():
            raise ServicesError(f"{services_path} prices services in {currency} but the catalog is in "
                                f"{catalog_currency}")
        services = [_service_from(entry, currency) for entry in data.get("services", [])]
        mapping = yaml.safe_load(Path(complements_path).read_text(encoding="utf-8")) or {}
        complements = {rule_key(k): [rule_key(c) for c in v] for k, v in (mapping.get("complements") or {}).items()}
        return cls(services, complements)

    def for_product(self, product: Product) -> List[Service]:
        """Only services that apply to this product's category, in file order."""
        return [s for s in self.services if s.applies_to(product)]

    def complement_categories(self, category: str) -> List[str]:
        """What goes with a category: the entry of the most specific node containing it."""
        nodes = [node for node in self.complements if under(category, node)]
        if not nodes:
            return []
        best = max(nodes, key=lambda node: node.count("/"))
        return [c for c in self.complements[best] if c != category and not under(category, c)]
