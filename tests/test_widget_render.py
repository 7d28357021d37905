"""Bot messages as rasa-webchat shows them (bot/channels/webchat_render.py)."""
from bot.channels.webchat_render import widget_messages

BOOT = {"id": "BOOT-0012", "title": "Trailmark Ridgeline GTX", "price": 114.99, "currency": "EUR",
        "category": "hiking_boots", "brand": "Trailmark", "url": "https://shop.example.com/p/1",
        "image": "https://shop.example.com/boot.svg", "reason": "Waterproof, as you asked"}


def test_products_become_cards_with_the_list_left_out():
    message = {"text": "Here are some hiking boots I'd suggest:\n1. Trailmark Ridgeline GTX (Trailmark) - €114.99\n"
                       "What size do you wear?",
               "buttons": [{"title": "42", "payload": "/state_preference{\"size\":\"42\"}"},
                           {"title": "Add", "payload": "/add_to_cart{\"product_id\":\"BOOT-0012\"}"}],
               "custom": {"type": "products", "products": [BOOT]}}
    out = widget_messages(message)
    assert out[0] == {"text": "Here are some hiking boots I'd suggest:"}
    assert out[1]["custom"]["type"] == "products"
    card = out[1]["custom"]["products"][0]
    assert card["id"] == "BOOT-0012" and card["reason"] == "Waterproof, as you asked" and card["price"] == 114.99
    assert out[2]["text"] == "What size do you wear?"
    assert [q["payload"] for q in out[2]["quick_replies"]] == ["/state_preference{\"size\":\"42\"}"]
    assert "Trailmark Ridgeline GTX (Trailmark)" not in str([m.get("text") for m in out])


def test_services_become_selectable_cards():
    message = {"text": "To go with it, we can help with:\nServices for the Trailmark Ridgeline GTX:\n"
                       "- Boot Care Kit: €14.99",
               "buttons": [{"title": "Add Boot Care Kit",
                            "payload": "/add_service{\"service_id\":\"boot_care_kit\",\"product_id\":\"BOOT-0012\"}"}],
               "custom": {"type": "services", "for_product": "BOOT-0012",
                          "services": [{"id": "boot_care_kit", "title": "Boot Care Kit", "price": 14.99,
                                        "currency": "EUR"}]}}
    out = widget_messages(message)
    assert out[0]["text"] == "To go with it, we can help with:  \nServices for the Trailmark Ridgeline GTX:"
    assert out[1] == {"custom": message["custom"]}
    assert len(out) == 2                                                  # the button is on the card


def test_text_quick_replies_and_checkout():
    assert widget_messages({"text": "Hi!\nHow can I help?"}) == [{"text": "Hi!  \nHow can I help?"}]
    out = widget_messages({"text": "Erase everything?", "buttons": [{"title": "Yes", "payload": "/affirm"}]})
    assert out == [{"text": "Erase everything?",
                    "quick_replies": [{"content_type": "text", "title": "Yes", "payload": "/affirm"}]}]
    out = widget_messages({"text": "Your cart: 1 item", "custom": {"type": "checkout", "url": "https://s/checkout",
                                                                   "total": 14.99, "currency": "EUR"}})
    assert out[1]["custom"] == {"type": "checkout", "url": "https://s/checkout", "total": 14.99, "currency": "EUR"}


def test_malformed_payloads_never_reach_the_widget_as_json():
    out = widget_messages({"text": "Hello", "custom": {"type": "products", "products": "nope"}})
    assert out == [{"text": "Hello"}]
    assert widget_messages({"custom": {"type": "mystery"}}) == []
    assert widget_messages("not a message") == []
