"""Hard filters on products: a product that breaks one is never returned."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import FrozenSet, Optional, Tuple

from embeddings.catalog import Product


def _lower(values) -> Tuple[str, ...]:
    return tuple(sorted({str(v).strip().lower() for v in values if str(v).strip()}))


@dataclass(frozen=True)
class SearchFilters:
    categories: Tuple[str, ...] = ()       # any of
    min_price: Optional[float] = None
    max_price: Optional[float] = None
    brands: Tuple[str, ...] = ()           # only these brands
    exclude_brands: Tuple[str, ...] = ()
    colours: Tuple[str, ...] = ()          # has any of these colours
    sizes: Tuple[str, ...] = ()            # available in any of these sizes
    in_stock: bool = False
    exclude_ids: FrozenSet[str] = field(default_factory=frozenset)
    only_ids: Optional[FrozenSet[str]] = None   # only among these products (None: any)

    def normalized(self) -> "SearchFilters":
        return replace(
            self,
            categories=_lower(self.categories),
            brands=_lower(self.brands),
            exclude_brands=_lower(self.exclude_brands),
            colours=_lower(self.colours),
            sizes=tuple(sorted({str(s).strip().upper() for s in self.sizes if str(s).strip()})),
            exclude_ids=frozenset(self.exclude_ids),
            only_ids=None if self.only_ids is None else frozenset(self.only_ids),
        )

    def allows(self, product: Product) -> bool:
        """The definitive check, applied to every result whatever index served it."""
        return self.normalized().check(product)

    def check(self, product: Product) -> bool:
        """`allows` for filters that are already normalized."""
        f = self
        if f.categories and product.category.lower() not in f.categories:
            return False
        if f.min_price is not None and product.price < f.min_price:
            return False
        if f.max_price is not None and product.price > f.max_price:
            return False
        brand = product.brand.lower()
        if f.brands and brand not in f.brands:
            return False
        if brand in f.exclude_brands:
            return False
        if f.colours and not set(f.colours) & {c.lower() for c in product.colours}:
            return False
        if f.sizes and not set(f.sizes) & {s.upper() for s in product.sizes}:
            return False
        if f.in_stock and not product.in_stock:
            return False
        if product.id in f.exclude_ids:
            return False
        if f.only_ids is not None and product.id not in f.only_ids:
            return False
        return True

    @property
    def is_empty(self) -> bool:
        return self == SearchFilters()
