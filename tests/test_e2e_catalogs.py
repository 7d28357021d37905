"""A real shop's own catalog end to end, over REST on the real stack (action
server, Rasa with the trained model, SQLite): once with a shared Shopify export
and once with a shared Google Merchant feed as CATALOG_PATH. What the tests ask
for is chosen from the imported catalog (a kind, colour and size the shop really
has), never from hard-coded results."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from embeddings.catalog import load_catalog
from embeddings.colours import matches
from embeddings.filters import SearchFilters, size_key
from embeddings.services import ServiceCatalog
from tests.conftest import RestClient, first_products, products_in, services_in, sqlite_overrides, start_stack, text_of

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".." / "shared" / "data"
SERVICES = ROOT / "docs" / "examples" / "services-lifemademagic.yml"
COMPLEMENTS = ROOT / "docs" / "examples" / "complements-lifemademagic.yml"
SHOPS = {"shopify": DATA / "shopify_export_lifemademagic.csv", "merchant": DATA / "google_merchant_hardlife.xml"}


def a_kind_in_colour_and_size(products):
    """(kind word, colour, size, second colour): a category, with a colour and size one
    of its products has together in stock, and another colour the category also has."""
    by_kind = {}
    for product in products:
        if len(product.category_path) and product.sizes and product.colours:
            by_kind.setdefault(product.category_path[-1], []).append(product)
    for kind, members in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        for colour in ("black", "white", "navy", "grey"):
            for size in ("XL", "L", "M"):
                filters = SearchFilters(colours=(colour,), sizes=(size,), in_stock=True)
                if sum(filters.allows(p) for p in members) >= 2:
                    for other in ("red", "blue", "green", "pink", "white", "black"):
                        if other != colour and any(SearchFilters(colours=(other,), in_stock=True).allows(p)
                                                   for p in members):
                            return kind.lower(), colour, size, other
    raise AssertionError("no kind with a colour and size in stock")


@pytest.fixture(scope="module", params=sorted(SHOPS))
def shop(request, tmp_path_factory):
    path = SHOPS[request.param]
    var = tmp_path_factory.mktemp(f"shop-{request.param}")
    running = start_stack(var, {**sqlite_overrides(var), "CATALOG_PATH": str(path), "SHOP_CURRENCY": "USD",
                                "SERVICES_PATH": str(SERVICES), "COMPLEMENTS_PATH": str(COMPLEMENTS)})
    products = load_catalog(path, "USD").products
    yield running, RestClient(running), {p.id: p for p in products}
    running.stop()


def sender():
    return f"shop-{uuid.uuid4().hex[:10]}"


def test_colour_size_budget_refinement_cart_and_checkout(shop):
    stack, rest, catalog = shop
    kind, colour, size, other = a_kind_in_colour_and_size(catalog.values())
    who = sender()

    replies = rest.say(who, f"a {colour} {kind} in {size}")
    cards = first_products(replies)
    assert cards, text_of(replies)
    assert len({c["id"] for c in cards}) == len(cards)
    for card in cards:
        product = catalog[card["id"]]
        variant = product.find_variant(card["variant_id"])
        assert variant is not None and variant.in_stock
        assert matches(colour, variant.colour) and size_key(variant.size) == size_key(size)
        assert card["colour"] == variant.colour and card["price"] == variant.price and card["currency"] == "USD"
    assert "€" not in text_of(replies)

    # "in <another colour>" keeps the kind of product being discussed
    refined = first_products(rest.say(who, f"in {other}"))
    assert refined
    kinds = {catalog[c["id"]].category for c in cards}
    for card in refined:
        assert catalog[card["id"]].category in kinds
        assert matches(other, catalog[card["id"]].find_variant(card["variant_id"]).colour)

    # add to cart and checkout carry the variant shown
    shown = refined[0]
    added = rest.say(who, "add the first one to my cart")
    assert "Added" in text_of(added) and shown["colour"] in text_of(added)
    services = ServiceCatalog.load(SERVICES, COMPLEMENTS, "USD")
    for offer in services_in(added):
        product = catalog[offer["for_product"]]
        assert all(services.by_id[s["id"]].applies_to(product) for s in offer["services"])
        assert all(s["currency"] == "USD" for s in offer["services"])
    checkout = [r for r in rest.say(who, "checkout") if (r.get("custom") or {}).get("type") == "checkout"]
    assert checkout and checkout[0]["custom"]["currency"] == "USD"
    from bot.checkout_links import CheckoutSigner, link_secret

    link = CheckoutSigner(link_secret(stack.settings)).verify(checkout[0]["custom"]["url"].rsplit("/", 1)[1])
    assert [(l.product_id, l.variant_id) for l in link.lines] == [(shown["id"], shown["variant_id"])]


def test_budget_is_never_exceeded_in_the_shops_currency(shop):
    _, rest, catalog = shop
    prices = sorted(p.price for p in catalog.values() if p.in_stock)
    budget = prices[len(prices) // 3]
    who = sender()
    for message in [f"something under {budget:g}", "show more", "in black", "cheaper"]:
        replies = rest.say(who, message)
        for card in products_in(replies):
            assert card["price"] <= budget and card["currency"] == "USD", (message, card)
        assert "€" not in text_of(replies)
        for reply in replies:
            cards = (reply.get("custom") or {}).get("products") or []
            assert len({c["id"] for c in cards}) == len(cards)


def test_a_kind_the_shop_does_not_carry(shop):
    _, rest, _ = shop
    replies = rest.say(sender(), "I am looking for a sofa")
    assert not products_in(replies)
    text = text_of(replies)
    assert "don't carry" in text and "closest kinds" in text and "loosen" not in text
