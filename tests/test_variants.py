"""Variants in results, on real shops' catalogs (the shared Merchant feed and a
shared Shopify export): one card per product, the card shows the variant with
the colour and size asked for, budgets hold on the variant shown, refinements
keep the kind of product, and the cart and checkout carry the variant."""
from __future__ import annotations

from pathlib import Path

import pytest

from actions.cart import ActionAddToCart, ActionCheckout
from actions.recommend import ActionRecommend
from embeddings.colours import colour_terms, matches
from embeddings.filters import SearchFilters, size_key
from tests.conftest import Conversation, settings_for

DATA = Path(__file__).resolve().parent.parent / ".." / "shared" / "data"


@pytest.mark.parametrize("name, plain", [
    ("Heather Navy", {"navy", "blue"}), ("Solid Baby Blue Blend", {"blue"}), ("Athletic Heather", {"grey"}),
    ("Camo", {"green"}), ("Sport Grey", {"grey"}), ("Maroon", {"red"}), ("Light Pink", {"pink"}),
    ("Forest Green", {"green"}), ("Heather True Royal", {"blue"}), ("Gray", {"grey"}),
])
def test_shop_colour_names_match_plain_colours(name, plain):
    assert plain <= colour_terms(name)
    assert all(matches(word, name) for word in plain)
    assert matches(name, name)          # the shop's own name matches itself


def test_colour_words_that_are_not_a_hue_do_not_match_everything():
    assert not matches("black", "Heather Navy")
    assert not matches("blue", "Athletic Heather")
    assert colour_terms("See product page") == {"see product page"}


def test_sizes_are_compared_in_one_spelling():
    assert size_key("xxl") == size_key("2XL") == "2XL"
    assert size_key("Large") == "L" and size_key(" xl ") == "XL"


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """The action runtime on the shared Merchant XML feed (USD)."""
    from actions import runtime as runtime_module

    previous = runtime_module._runtime
    tmp = tmp_path_factory.mktemp("merchant-shop")
    built = runtime_module.build_runtime(settings_for(tmp, CATALOG_PATH=str(DATA / "google_merchant_hardlife.xml")))
    runtime_module.reset_runtime_for_tests(built)
    yield built
    runtime_module.reset_runtime_for_tests(previous)


def cards(conversation, text, intent="request_product"):
    conversation.run(ActionRecommend, text, intent)
    return conversation.products()


def variant_of(runtime, card):
    product = runtime.product(card["id"])
    return next(v for v in product.variants if v.id == card["variant_id"])


def test_colour_and_size_asked_choose_the_variant_shown(shop):
    conversation = Conversation(shop, "variant-black-xl")
    shown = cards(conversation, "a black hoodie in XL")
    assert shown
    assert len({c["id"] for c in shown}) == len(shown)          # never two cards of one product
    for card in shown:
        variant = variant_of(shop, card)
        assert matches("black", variant.colour) and size_key(variant.size) == "XL" and variant.in_stock
        assert card["colour"] == variant.colour and card["size"] == variant.size
        assert card["price"] == variant.price and card["currency"] == "USD"
        assert card["category"].endswith("hoodies")
        assert set(card["colours"]) == set(shop.product(card["id"]).colours)
        assert card["title"] in conversation.text() and f"{variant.colour}, {variant.size}" in conversation.text()

    # "in red" keeps the kind of product and the size, and changes the colour
    reds = cards(conversation, "in red", "refine_results")
    assert reds
    for card in reds:
        variant = variant_of(shop, card)
        assert matches("red", variant.colour) and size_key(variant.size) == "XL"
        assert card["category"].endswith("hoodies")


def test_budget_holds_on_every_variant_shown(shop):
    conversation = Conversation(shop, "variant-budget")
    prices = sorted({v.price for p in shop.index.products for v in p.variants})
    budget = prices[len(prices) // 2]
    shown = cards(conversation, f"something under {budget:g} dollars")
    assert shown and all(card["price"] <= budget for card in shown)
    assert all(variant_of(shop, c).price <= budget for c in shown if c["variant_id"])
    assert "€" not in conversation.text()


def test_filters_need_one_variant_with_every_wish_together(shop):
    product = next(p for p in shop.index.products if len(p.colours) == 1 and len(p.sizes) > 2)
    colour, size = product.colours[0], product.sizes[0]
    assert SearchFilters(colours=(colour,), sizes=(size,)).allows(product)
    assert not SearchFilters(colours=("purple",), sizes=(size,)).allows(product)
    cheapest = min(v.price for v in product.variants)
    assert not SearchFilters(max_price=cheapest - 0.01).allows(product)
    # the index mask agrees with the definitive check on every product
    filters = SearchFilters(colours=("white",), sizes=("2XL",), max_price=60, in_stock=True)
    mask = shop.index.mask(filters)
    assert [bool(m) for m in mask] == [filters.allows(p) for p in shop.index.products]


def test_cart_and_checkout_carry_the_variant(shop):
    conversation = Conversation(shop, "variant-cart")
    shown = cards(conversation, "a white hoodie in size L")
    assert shown
    first = shown[0]
    conversation.run(ActionAddToCart, "add the first one", "add_to_cart")
    assert "Added the" in conversation.text() and f"({first['colour']}, {first['size']})" in conversation.text()
    line = shop.store.get(conversation.sender).cart[0]
    assert line.product_id == first["variant_id"]
    conversation.run(ActionCheckout, "checkout", "checkout")
    url = next(m["custom"]["url"] for m in conversation.messages if (m.get("custom") or {}).get("type") == "checkout")
    from bot.checkout_links import CheckoutSigner, link_secret

    link = CheckoutSigner(link_secret(shop.settings)).verify(url.rsplit("/", 1)[1])
    assert [(l.product_id, l.variant_id, l.unit_price, l.currency) for l in link.lines] == \
        [(first["id"], first["variant_id"], first["price"], "USD")]


def test_nothing_asked_adds_the_default_variant_and_names_it(shop):
    conversation = Conversation(shop, "variant-default")
    shown = cards(conversation, "a hoodie")
    assert shown and shown[0]["variant_id"] is None and len(shown[0]["sizes"]) > 1
    conversation.run(ActionAddToCart, "add the first one", "add_to_cart")
    product = shop.product(shown[0]["id"])
    default = product.default_variant
    assert shop.store.get(conversation.sender).cart[0].product_id == default.id
    assert f"({default.colour}, {default.size})" in conversation.text()
    # a card button naming a variant adds exactly that one
    other = product.variants[-1]
    conversation.run(ActionAddToCart, f'/add_to_cart{{"product_id":"{other.id}"}}', "add_to_cart",
                     [{"entity": "product_id", "value": other.id}])
    assert [line.product_id for line in shop.store.get(conversation.sender).cart] == [default.id, other.id]


def test_a_kind_the_shop_does_not_carry_is_answered_plainly_with_alternatives(shop):
    conversation = Conversation(shop, "not-carried")
    assert cards(conversation, "do you have a sofa?") == []
    text = conversation.text()
    assert "we don't carry sofa" in text and "loosen" not in text
    offered = [b for m in conversation.messages for b in (m.get("buttons") or [])]
    names = {shop.categories.name(p.category) for p in shop.index.products}
    assert offered and all(b["title"].lower() in names for b in offered)
    assert all(b["title"].lower() in text for b in offered)


def test_words_no_category_name_contains_are_matched_by_meaning(shop):
    conversation = Conversation(shop, "by-meaning")
    shown = cards(conversation, "a tee")       # the shop files tees under "T-Shirts"
    assert shown and all(c["category"].endswith("t_shirts") for c in shown)
    kinds = {k for k, _ in shop.category_matcher.scores(shop.encoder.encode_query("a cap"))[:1]}
    assert kinds == {"accessories/hats"}
