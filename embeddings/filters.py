"""Hard filters on products: a product that breaks one is never returned.

Budget, colour, size and stock are checked on variants: a product passes when
one of its variants has the colour *and* the size asked for, in stock, within
the budget, and that variant is the one a reply shows. A category filter on a
node of the category tree includes everything below it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import FrozenSet, List, Optional, Tuple

from embeddings.colours import colour_terms, plain_colour
from embeddings.products import Product, Variant, under

_SIZE_WORDS = {"EXTRA SMALL": "XS", "X-SMALL": "XS", "XSMALL": "XS", "SMALL": "S", "MEDIUM": "M", "LARGE": "L",
               "EXTRA LARGE": "XL", "X-LARGE": "XL", "XLARGE": "XL", "XXL": "2XL", "XXXL": "3XL", "XXXXL": "4XL",
               "XX-LARGE": "2XL", "XXS": "2XS", "ONE SIZE": "OS", "ONESIZE": "OS"}


def size_key(size: str) -> str:
    """One spelling per size: 'xxl' and '2XL' are the same, so are 'Large' and 'L'."""
    text = re.sub(r"\s+", " ", str(size).strip().upper())
    return _SIZE_WORDS.get(text, text)


def _lower(values) -> Tuple[str, ...]:
    return tuple(sorted({str(v).strip().lower() for v in values if str(v).strip()}))


@dataclass(frozen=True)
class SearchFilters:
    categories: Tuple[str, ...] = ()       # any of (a node includes everything below it)
    min_price: Optional[float] = None
    max_price: Optional[float] = None
    brands: Tuple[str, ...] = ()           # only these brands
    exclude_brands: Tuple[str, ...] = ()
    colours: Tuple[str, ...] = ()          # a variant in any of these colours
    sizes: Tuple[str, ...] = ()            # a variant in any of these sizes
    in_stock: bool = False
    exclude_ids: FrozenSet[str] = field(default_factory=frozenset)
    audience: Tuple[str, ...] = ()         # women / men / kids / unisex; unknown audience passes
    only_ids: Optional[FrozenSet[str]] = None   # only among these products (None: any)

    def normalized(self) -> "SearchFilters":
        return replace(
            self,
            categories=_lower(self.categories),
            brands=_lower(self.brands),
            exclude_brands=_lower(self.exclude_brands),
            colours=tuple(sorted({plain_colour(c) for c in self.colours if str(c).strip()})),
            sizes=tuple(sorted({size_key(s) for s in self.sizes if str(s).strip()})),
            exclude_ids=frozenset(self.exclude_ids),
            audience=_lower(self.audience),
            only_ids=None if self.only_ids is None else frozenset(self.only_ids),
        )

    def allows(self, product: Product) -> bool:
        """The definitive check, applied to every result whatever index served it."""
        return self.normalized().check(product)

    @property
    def on_variants(self) -> bool:
        return bool(self.min_price is not None or self.max_price is not None or self.colours or self.sizes
                    or self.in_stock)

    def check(self, product: Product) -> bool:
        """`allows` for filters that are already normalized."""
        f = self
        if f.categories and not any(under(product.category, c) for c in f.categories):
            return False
        brand = product.brand.lower()
        if f.brands and brand not in f.brands:
            return False
        if brand in f.exclude_brands:
            return False
        if product.id in f.exclude_ids:
            return False
        if f.only_ids is not None and product.id not in f.only_ids:
            return False
        if f.audience and not audience_fits(product.audience, f.audience):
            return False
        return not f.on_variants or any(f.variant_fits(v) for v in product.variants)

    def variant_fits(self, variant: Variant) -> bool:
        """For normalized filters: does this variant meet budget, colour, size and stock?"""
        f = self
        if f.min_price is not None and variant.price < f.min_price:
            return False
        if f.max_price is not None and variant.price > f.max_price:
            return False
        if f.colours and not (variant.colour and set(f.colours) & colour_terms(variant.colour)):
            return False
        if f.sizes and not (variant.size and size_key(variant.size) in f.sizes):
            return False
        if f.in_stock and not variant.in_stock:
            return False
        return True

    def matching_variants(self, product: Product) -> List[Variant]:
        f = self.normalized()
        return [v for v in product.variants if f.variant_fits(v)]

    @property
    def is_empty(self) -> bool:
        return self == SearchFilters()


def audience_fits(audience: Tuple[str, ...], wanted: Tuple[str, ...]) -> bool:
    """A product for nobody in particular fits everyone; a unisex one fits adults."""
    if not audience:
        return True
    allowed = set(wanted) | ({"unisex"} if set(wanted) & {"women", "men"} else set())
    return bool(allowed & set(audience))
