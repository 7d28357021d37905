"""Services around products (protection, delivery, assembly, ...) and the map
of complementary categories. Both are plain YAML a shop edits."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from embeddings.catalog import Product
from embeddings.products import under


class ServicesError(ValueError):
    pass


@dataclass(frozen=True)
class Service:
    id: str
    title: str
    kind: str
    description: str
    categories: Tuple[str, ...]          # empty tuple = every category
    price: Optional[float]
    price_bands: Tuple[Tuple[Optional[float], float], ...]
    billing: str
    currency: str

    def applies_to(self, product: Product) -> bool:
        return not self.categories or any(under(product.category, c) for c in self.categories)

    def price_for(self, product: Product) -> float:
        if self.price is not None:
            return self.price
        for upper, price in self.price_bands:
            if upper is None or product.price <= upper:
                return price
        return self.price_bands[-1][1]


def _service_from(entry: dict, currency: str) -> Service:
    try:
        categories = entry["categories"]
        bands = tuple((band.get("max"), float(band["price"])) for band in entry.get("price_bands") or ())
        price = entry.get("price")
        if price is None and not bands:
            raise ServicesError(f"service {entry.get('id')!r} has neither price nor price_bands")
        return Service(
            id=str(entry["id"]), title=str(entry["title"]), kind=str(entry.get("kind", "other")),
            description=str(entry.get("description", "")),
            categories=() if categories == "all" else tuple(categories),
            price=None if price is None else float(price), price_bands=bands,
            billing=str(entry.get("billing", "one_off")), currency=currency,
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
        complements = {str(k): [str(c) for c in v] for k, v in (mapping.get("complements") or {}).items()}
        return cls(services, complements)

    def for_product(self, product: Product) -> List[Service]:
        """Only services that apply to this product's category, in file order."""
        return [s for s in self.services if s.applies_to(product)]

    def complement_categories(self, category: str) -> List[str]:
        return [c for c in self.complements.get(category, []) if c != category]
