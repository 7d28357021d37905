"""services.yml / complements.yml rules on a real shop's catalog: by category path
(a node covers its subtree), by Google product category, by keyword; "all" covers
every product and a service never applies to a product its rules do not cover."""
from pathlib import Path

import pytest
import yaml

from embeddings.catalog import load_catalog
from embeddings.services import ServiceCatalog, ServicesError

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".." / "shared" / "data"
EXAMPLES = ROOT / "docs" / "examples"


def test_documented_example_on_the_shared_shopify_export():
    products = load_catalog(DATA / "shopify_export_lifemademagic.csv", "USD").products
    services = ServiceCatalog.load(EXAMPLES / "services-lifemademagic.yml", EXAMPLES / "complements-lifemademagic.yml",
                                   "USD")
    for product in products:
        ids = {s.id for s in services.for_product(product)}
        assert {"gift_wrap", "delivery_express"} <= ids
        assert ("sticker_lamination" in ids) == (product.category_path[-1] == "Sticker")
        words = set(" ".join(product.category_path + (product.title,)).lower().replace("-", " ").split())
        garment = bool(words & {"sweatshirt", "tee", "hoodie", "bodysuit"}) or {"tank", "top"} <= words
        assert ("garment_care_card" in ids) == garment
    assert any(s.id == "sticker_lamination" for p in products for s in services.for_product(p))
    assert services.complement_categories("sweatshirt") == ["sticker", "mug"]
    assert all(s.currency == "USD" for s in services.services)


def test_google_category_and_path_prefix_rules_on_a_merchant_feed(tmp_path):
    products = load_catalog(DATA / "google_merchant_hardlife.xml").products
    (tmp_path / "s.yml").write_text(yaml.safe_dump({"services": [
        {"id": "hem", "title": "Hemming", "google_categories": ["Apparel & Accessories > Clothing"], "price": 5},
        {"id": "embroidery", "title": "Name Embroidery", "categories": ["Apparel"], "price": 8},
        {"id": "mug_box", "title": "Mug Gift Box", "google_categories": ["Home & Garden"], "price": 3},
    ]}))
    (tmp_path / "c.yml").write_text(yaml.safe_dump({"complements": {"Apparel": ["Accessories > Hats"]}}))
    services = ServiceCatalog.load(tmp_path / "s.yml", tmp_path / "c.yml", "USD")
    for product in products:
        ids = {s.id for s in services.for_product(product)}
        assert ("hem" in ids) == product.google_category.startswith("Apparel & Accessories > Clothing >")
        assert ("embroidery" in ids) == (product.category_path[0] == "Apparel")
        assert ("mug_box" in ids) == product.google_category.startswith("Home & Garden")
    assert services.complement_categories("apparel/hoodies") == ["accessories/hats"]


def test_service_with_no_rule_and_other_currency_are_refused(tmp_path):
    (tmp_path / "s.yml").write_text("services:\n  - {id: x, title: X, price: 1}\n")
    (tmp_path / "c.yml").write_text("complements: {}\n")
    with pytest.raises(ServicesError, match="covers nothing"):
        ServiceCatalog.load(tmp_path / "s.yml", tmp_path / "c.yml", "USD")
    (tmp_path / "s.yml").write_text("currency: EUR\nservices:\n  - {id: x, title: X, price: 1, categories: all}\n")
    with pytest.raises(ServicesError, match="EUR but the catalog is in USD"):
        ServiceCatalog.load(tmp_path / "s.yml", tmp_path / "c.yml", "USD")
