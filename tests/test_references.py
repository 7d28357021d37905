"""References as people make them (issue 12, section 4), against the real runtime:
by colour, kind, brand, order and price, several at once, with a quantity, and to the
results shown before; ambiguous ones get a question with a button per candidate."""
from actions.cart import ActionAddToCart
from actions.product_info import ActionCompareProducts, ActionProductDetails
from actions.recommend import ActionRecommend


def show(conversation, text):
    conversation.run(ActionRecommend, text, "request_product")
    return conversation.products()


def cart_ids(runtime, conversation):
    profile = runtime.store.get(conversation.sender)
    # cart lines name the variant added; the product it belongs to is what was referred to
    return {runtime.variant_owner.get(line.product_id, line.product_id): line.quantity
            for line in (profile.cart if profile else [])}


def test_by_price_the_cheaper_one(conversation, runtime):
    shown = show(conversation, "laptops")
    cheapest = min(shown, key=lambda p: p["price"])
    conversation.run(ActionProductDetails, "tell me about the cheapest one", "ask_product_detail")
    assert conversation.slots["focus_product"] == cheapest["id"]


def test_by_colour_unique_or_asked(conversation, runtime):
    shown = show(conversation, "running shoes")
    products = [runtime.product(p["id"]) for p in shown]
    for colour in sorted({c for p in products for c in p.colours}):
        having = [p for p in products if colour in p.colours]
        conversation.run(ActionAddToCart, f"add the {colour} one to my cart", "add_to_cart")
        if len(having) == 1:
            assert having[0].id in cart_ids(runtime, conversation)
        else:
            buttons = conversation.messages[0].get("buttons") or []
            assert "which one" in conversation.text().lower()
            assert {b["payload"].split('"product_id":"')[1].split('"')[0] for b in buttons} == {p.id for p in having}
            assert all(b["payload"].startswith("/add_to_cart") for b in buttons)


def test_ambiguous_cart_request_is_never_acted_on(conversation, runtime):
    show(conversation, "headphones")
    before = cart_ids(runtime, conversation)
    conversation.run(ActionAddToCart, "add both to my cart", "add_to_cart")
    assert cart_ids(runtime, conversation) == before
    assert len(conversation.messages[0].get("buttons") or []) >= 3


def test_several_at_once_with_the_first_two(conversation, runtime):
    shown = show(conversation, "backpacks")
    conversation.run(ActionAddToCart, "add the first two to my cart", "add_to_cart")
    cart = cart_ids(runtime, conversation)
    assert shown[0]["id"] in cart and shown[1]["id"] in cart


def test_quantity_with_a_reference(conversation, runtime):
    shown = show(conversation, "tents")
    conversation.run(ActionAddToCart, "can I get two of the last one", "add_to_cart")
    assert cart_ids(runtime, conversation).get(shown[-1]["id"]) == 2


def test_compare_the_first_two_and_by_brand(conversation, runtime):
    shown = show(conversation, "laptops")
    conversation.run(ActionCompareProducts, "how do the first two differ?", "compare_products")
    assert shown[0]["title"] in conversation.text() and shown[1]["title"] in conversation.text()


def test_the_one_you_showed_me_before(conversation, runtime):
    earlier = show(conversation, "hiking boots")
    show(conversation, "headphones")
    conversation.run(ActionProductDetails, "what about the second one you showed me before?", "ask_product_detail")
    assert conversation.slots["focus_product"] == earlier[1]["id"]


def test_by_brand_among_shown(conversation, runtime):
    shown = show(conversation, "headphones")
    brands = [p["brand"] for p in shown]
    unique = [b for b in brands if brands.count(b) == 1]
    if unique:
        conversation.run(ActionProductDetails, f"tell me about the {unique[0]} one", "ask_product_detail")
        target = [p for p in shown if p["brand"] == unique[0]][0]
        assert conversation.slots["focus_product"] == target["id"]
