"""The product text the lexical index sees, field by field: the one place to
change when products gain fields (variants, a category path, attributes).

Each field gets its own BM25 statistics and its own weight (bot/settings.yml
`search_field_weights`), so a word in the title counts for more than the same
word deep in a description.
"""
from __future__ import annotations

from typing import Dict

from embeddings.catalog import Product

FIELDS = ("title", "sku", "category", "brand", "options", "description")


def search_fields(product: Product) -> Dict[str, str]:
    options = [*product.colours, *product.sizes, *product.features, *product.audience, *product.tags]
    if product.material:
        options.append(product.material)
    codes = dict.fromkeys([product.id, *(v.sku for v in product.variants if v.sku)])
    return {
        "title": product.title,
        "sku": " ".join(codes),
        "category": " ".join(product.category_path).replace("_", " "),
        "brand": product.brand,
        "options": " | ".join(options),
        "description": product.description,
    }
