"""What only the lexical side of search can answer, end to end over REST with the
real Rasa server and action server: a model number, a misspelt brand."""
import uuid

import pytest

from tests.conftest import first_products, text_of

pytestmark = pytest.mark.e2e


def catalog():
    from bot.settings import load_settings
    from embeddings.catalog import load_catalog

    return load_catalog(load_settings().catalog_path).products


def test_a_model_number_gets_its_product(rest):
    products = sorted(catalog(), key=lambda p: p.id)
    for product in (products[len(products) // 4], products[3 * len(products) // 4]):
        shown = first_products(rest.say(f"sku-{uuid.uuid4().hex[:8]}", f"I'm looking for {product.id}"))
        assert shown and shown[0]["id"] == product.id, product.id


def test_a_misspelt_brand_gets_that_brand_and_says_so(rest):
    products = catalog()
    brands = sorted({p.brand for p in products if p.brand.isalpha() and len(p.brand) >= 7})
    brand = brands[len(brands) // 2]
    category = next(p.category_name for p in products if p.brand == brand)
    typo = (brand[:2] + brand[3:]).lower()
    replies = rest.say(f"typo-{uuid.uuid4().hex[:8]}", f"I'm looking for {typo} {category}")
    shown = first_products(replies)
    assert shown and shown[0]["brand"] == brand, text_of(replies)
    assert f"Showing results for *I'm looking for {brand.lower()} {category}*" in text_of(replies)
