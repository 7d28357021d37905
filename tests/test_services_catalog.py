"""The services catalog and the map of complementary categories a shop edits."""
import pytest

from bot.settings import load_settings
from embeddings.catalog import load_catalog
from embeddings.products import under
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
        # no typo'd category paths: every node holds products of the catalog
        assert all(any(under(key, node) for key in known) for node in service.categories), service.id


def test_protection_is_priced_by_the_products_price_band(catalog):
    services, products = catalog
    plan = services.by_id["protect_2y"]
    laptops = sorted((p for p in products if p.category == "electronics/computers/laptops"), key=lambda p: p.price)
    cheap, dear = laptops[0], laptops[-1]
    assert plan.price_for(cheap) < plan.price_for(dear)
    for product in laptops:
        upper = next(u for u, _ in plan.price_bands if u is None or product.price <= u)
        assert upper is None or product.price <= upper


def test_offers_only_what_applies(catalog):
    services, products = catalog
    for product in products:
        for service in services.for_product(product):
            assert service.for_all or any(under(product.category, node) for node in service.categories)
    tent = next(p for p in products if p.category == "outdoor/camping/tents")
    assert all(s.kind != "installation" or "outdoor/camping/tents" in s.categories for s in services.for_product(tent))
    assert "protect_2y" not in {s.id for s in services.for_product(tent)}


def test_complementary_categories(catalog):
    services, _ = catalog
    assert {"electronics/computers/laptop_bags", "electronics/computers/computer_mice"} <= set(
        services.complement_categories("electronics/computers/laptops"))
    assert "outdoor/camping/sleeping_bags" in services.complement_categories("outdoor/camping/tents")
    assert {"kitchen/coffee/coffee_beans", "kitchen/coffee/coffee_grinders"} <= set(
        services.complement_categories("kitchen/coffee/coffee_machines"))
    assert services.complement_categories("no_such_category") == []


@pytest.mark.parametrize("entry", [{"title": "no id", "categories": "all", "price": 1},
                                   {"id": "x", "title": "no price", "categories": "all"},
                                   {"id": "x", "title": "bad band", "categories": "all",
                                    "price_bands": [{"max": 10}]}])
def test_bad_service_entries_are_refused_clearly(entry):
    with pytest.raises(ServicesError):
        _service_from(entry, "EUR")
