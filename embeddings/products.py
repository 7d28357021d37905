"""The product model: a product with its variants, category path and audience.

Every product has at least one variant; a variant is what a customer buys (a
colour and a size at a price). A product picked for a reply can carry the
variant chosen for it (`selected`), and then its price, availability and image
are that variant's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, Optional, Tuple

AVAILABILITY = ("in_stock", "low_stock", "out_of_stock")
AUDIENCES = ("women", "men", "kids", "unisex")
_RANK = {"in_stock": 0, "low_stock": 1, "out_of_stock": 2}


def category_slug(segment: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", segment.lower()).strip("_")


def category_key(path: Tuple[str, ...]) -> str:
    """The key of a category path: "Apparel > Hoodies" -> "apparel/hoodies".
    A one-level path keeps the plain slug ("running_shoes")."""
    return "/".join(s for s in (category_slug(p) for p in path) if s)


def key_of(text: str) -> str:
    """A category named in a YAML file: the catalog's own path ("Apparel > Hoodies") or its key."""
    text = str(text).strip()
    if ">" in text:
        return category_key(tuple(p.strip() for p in text.split(">")))
    return "/".join(category_slug(part) for part in text.split("/"))


def under(key: str, node: str) -> bool:
    """Is the category `key` the node itself or below it in the tree?"""
    return key == node or key.startswith(node + "/")


@dataclass(frozen=True)
class Variant:
    id: str
    price: float
    colour: Optional[str] = None
    size: Optional[str] = None
    compare_at: Optional[float] = None
    availability: str = "in_stock"
    image_url: str = ""
    sku: str = ""

    @property
    def in_stock(self) -> bool:
        return self.availability != "out_of_stock"

    @property
    def on_sale(self) -> bool:
        return self.compare_at is not None and self.compare_at > self.price

    def to_dict(self) -> Dict[str, Any]:
        data = {"id": self.id, "price": self.price, "colour": self.colour, "size": self.size,
                "compare_at": self.compare_at, "availability": self.availability,
                "image_url": self.image_url, "sku": self.sku}
        return {k: v for k, v in data.items() if v not in (None, "")}


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    description: str
    brand: str
    currency: str
    category_path: Tuple[str, ...]
    variants: Tuple[Variant, ...]
    google_category: str = ""
    audience: Tuple[str, ...] = ()
    material: Optional[str] = None
    rating: Optional[float] = None
    url: str = ""
    image_url: str = ""
    features: Tuple[str, ...] = ()
    tags: Tuple[str, ...] = ()
    # The variant shown for this product in a reply (None: the default one).
    selected: Optional[str] = field(default=None, compare=False)

    # -- category ---------------------------------------------------------
    @property
    def category(self) -> str:
        return category_key(self.category_path)

    @property
    def category_name(self) -> str:
        return self.category_path[-1].replace("_", " ") if self.category_path else ""

    # -- variants ---------------------------------------------------------
    @property
    def variant(self) -> Variant:
        """The variant this product stands for: the selected one, else the default."""
        if self.selected is not None:
            for variant in self.variants:
                if variant.id == self.selected:
                    return variant
        return self.default_variant

    @property
    def default_variant(self) -> Variant:
        """The cheapest variant in stock (the first one when none is)."""
        in_stock = [v for v in self.variants if v.in_stock]
        return min(in_stock, key=lambda v: v.price) if in_stock else self.variants[0]

    def with_variant(self, variant: Optional[Variant]) -> "Product":
        return replace(self, selected=variant.id if variant is not None else None)

    def find_variant(self, variant_id: str) -> Optional[Variant]:
        return next((v for v in self.variants if v.id == variant_id), None)

    @property
    def has_options(self) -> bool:
        return len(self.variants) > 1

    @property
    def price(self) -> float:
        return self.variant.price

    @property
    def compare_at(self) -> Optional[float]:
        return self.variant.compare_at

    @property
    def availability(self) -> str:
        if self.selected is not None:
            return self.variant.availability
        return min((v.availability for v in self.variants), key=_RANK.__getitem__)

    @property
    def in_stock(self) -> bool:
        return self.availability != "out_of_stock"

    @property
    def image(self) -> str:
        return self.variant.image_url or self.image_url

    @property
    def colours(self) -> Tuple[str, ...]:
        return tuple(dict.fromkeys(v.colour for v in self.variants if v.colour))

    @property
    def sizes(self) -> Tuple[str, ...]:
        return tuple(dict.fromkeys(v.size for v in self.variants if v.size))

    @property
    def suits(self) -> Tuple[str, ...]:
        return self.audience

    # -- text -------------------------------------------------------------
    def embedding_text(self) -> str:
        """What the encoder sees: everything a customer might describe."""
        parts = [self.title, " > ".join(self.category_path).replace("_", " "), self.brand, self.description]
        if self.colours:
            parts.append("colours: " + ", ".join(self.colours[:12]))
        if self.material:
            parts.append("material: " + self.material)
        if self.features:
            parts.append("features: " + ", ".join(self.features))
        if self.audience:
            parts.append("for: " + ", ".join(self.audience))
        return ". ".join(p for p in parts if p)

    def to_dict(self) -> Dict[str, Any]:
        """The canonical JSON form (also the generic JSON Lines import format)."""
        data: Dict[str, Any] = {
            "id": self.id, "title": self.title, "description": self.description, "brand": self.brand,
            "currency": self.currency, "category": list(self.category_path),
            "google_category": self.google_category, "for": list(self.audience),
            "material": self.material, "rating": self.rating, "url": self.url,
            "image_url": self.image_url, "features": list(self.features), "tags": list(self.tags),
            "variants": [v.to_dict() for v in self.variants],
        }
        only = self.variants[0]
        if len(self.variants) == 1 and only.id == self.id and only.to_dict().keys() <= {"id", "price", "availability"}:
            # a product without options keeps the flat form: "price", "availability"
            del data["variants"]
            data.update(price=only.price, availability=only.availability)
        return {k: v for k, v in data.items() if v not in (None, "", [])}


def product_from_cache(row: Dict[str, Any]) -> Product:
    """The inverse of Product.to_dict, without the import's checks: cached products
    were checked when imported (and catalogs built in code, like the relevance
    command's from bare titles, may leave text fields empty)."""
    if "variants" in row:
        variants = tuple(Variant(**variant) for variant in row["variants"])
    else:
        variants = (Variant(id=row["id"], price=row["price"], availability=row.get("availability", "in_stock")),)
    return Product(
        id=row["id"], title=row.get("title", ""), description=row.get("description", ""), brand=row.get("brand", ""),
        currency=row.get("currency", ""), category_path=tuple(row.get("category", ())), variants=variants,
        google_category=row.get("google_category", ""), audience=tuple(row.get("for", ())),
        material=row.get("material"), rating=row.get("rating"), url=row.get("url", ""),
        image_url=row.get("image_url", ""), features=tuple(row.get("features", ())), tags=tuple(row.get("tags", ())))
