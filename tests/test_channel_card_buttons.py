"""The buttons every product card gets on the messaging apps (Details, Add to cart,
More like this) do what they say for any product of a list, not only the one in focus."""
import json
import re

from actions.cart import ActionAddToCart
from actions.product_info import ActionProductDetails
from actions.recommend import ActionRecommend
from bot.channels.render import product_actions, product_from

ACTIONS = {"ask_product_detail": ActionProductDetails, "add_to_cart": ActionAddToCart,
           "more_like": ActionRecommend}


def press(conversation, payload):
    """Run a button payload the way Rasa parses it: /intent{"entity": "value"}."""
    intent, entities = re.match(r"^/(\w+)(\{.*\})?$", payload).groups()
    entities = [{"entity": k, "value": v} for k, v in json.loads(entities or "{}").items()]
    return conversation.run(ACTIONS[intent], payload, intent, entities)


def test_card_buttons_act_on_their_own_product(conversation):
    conversation.run(ActionRecommend, "waterproof hiking boots under 120", "request_product")
    shown = conversation.products()
    assert len(shown) >= 3
    third = product_from(shown[2])
    details, add, more = product_actions(third)
    assert [details.title, add.title, more.title] == ["Details", "Add to cart", "More like this"]

    press(conversation, more.payload)
    assert f"similar to the {third.title}" in conversation.text()
    assert third.id not in [p["id"] for p in conversation.products()]

    press(conversation, details.payload)
    assert third.title in conversation.messages[0]["text"]
    assert conversation.products()[0]["id"] == third.id

    press(conversation, add.payload)
    # the confirmation names the variant added (colour, size) when the product has several
    assert re.search(rf"Added the {re.escape(third.title)}( \([^)]*\))? to your cart \(quantity 1\)",
                     conversation.text())
