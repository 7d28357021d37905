"""The services catalog and the map of complementary categories a shop edits."""
import pytest

from bot.settings import load_settings
from embeddings.catalog import load_catalog
from embeddings.services import ServiceCatalog, ServicesError, _service_from




@pytest.fixture(scope="module")
def catalog():
    settings = load_settings()
    services = ServiceCatalog.load(settings.services_path, settings.complements_path)
    products = load_catalog(settings.catalog_path).products
    return services, products


def test_at_least_fifteen_services_covering_every_kind(catalog):
    services, products = catalog
    assert len(services.services) >= 15
    kinds = {s.kind for s in services.services}
    assert {"protection", "delivery", "assembly", "installation", "gift", "trade_in", "care"} <= kinds, kinds
    assert "subscription" in kinds and any("setup" in s.title.lower() for s in services.services)
    assert any("refill" in s.title.lower() for s in services.services)
    deliveries = " ".join(s.title.lower() for s in services.services if s.kind == "delivery")
    assert "express" in deliveries and "scheduled" in deliveries and "white-glove" in deliveries
    known = {p.category for p in products}
    for service in services.services:
        assert set(service.categories) <= known, service.id        # no typo'd category slugs


def test_protection_is_priced_by_the_products_price_band(catalog):
    services, products = catalog
    plan = services.by_id["protect_2y"]
    laptops = sorted((p for p in products if p.category == "laptops"), key=lambda p: p.price)
    cheap, dear = laptops[0], laptops[-1]
    assert plan.price_for(cheap) < plan.price_for(dear)
    for product in laptops:
        upper = next(u for u, _ in plan.price_bands if u is None or product.price <= u)
        assert upper is None or product.price <= upper


def test_offers_only_what_applies(catalog):
    services, products = catalog
    for product in products:
        for service in services.for_product(product):
            assert not service.categories or product.category in service.categories
    tent = next(p for p in products if p.category == "tents")
    assert all(s.kind != "installation" or "tents" in s.categories for s in services.for_product(tent))
    assert "protect_2y" not in {s.id for s in services.for_product(tent)}


def test_complementary_categories(catalog):
    services, _ = catalog
    assert {"laptop_bags", "computer_mice"} <= set(services.complement_categories("laptops"))
    assert "sleeping_bags" in services.complement_categories("tents")
    assert {"coffee_beans", "coffee_grinders"} <= set(services.complement_categories("coffee_machines"))
    assert services.complement_categories("no_such_category") == []


@pytest.mark.parametrize("entry", [{"title": "no id", "categories": "all", "price": 1},
                                   {"id": "x", "title": "no price", "categories": "all"},
                                   {"id": "x", "title": "bad band", "categories": "all",
                                    "price_bands": [{"max": 10}]}])
def test_bad_service_entries_are_refused_clearly(entry):
    with pytest.raises(ServicesError):
        _service_from(entry, "EUR")
