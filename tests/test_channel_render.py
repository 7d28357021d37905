"""The message contract rendered for Telegram, WhatsApp, Messenger and Slack, field by field."""
import json

from bot.channels import render
from bot.channels.render import (Button, Product, chunks, money, read_message, split_text, telegram_callback_data,
                                 telegram_plan, whatsapp_pick, whatsapp_plan, messenger_messages, slack_message)

BOOT = {"id": "BOOT-0012", "title": "Trailmark Ridgeline GTX Waterproof Hiking Boot", "price": 114.99,
        "currency": "EUR", "category": "hiking_boots", "brand": "Trailmark",
        "url": "https://shop.example.com/products/boot-0012",
        "image": "https://shop.example.com/static/catalog/boot-0012.jpg",
        "reason": "Waterproof, as you asked; under your €120 budget"}
SHOE = {"id": "BOOT-0040", "title": "Northcairn Bracken Boot", "price": 99, "currency": "EUR",
        "category": "hiking_boots", "brand": "Northcairn", "url": "https://shop.example.com/products/boot-0040",
        "image": "", "reason": "Lightweight"}
SIZE_41 = '/state_preference{"size":"41"}'
SIZE_42 = '/state_preference{"size":"42"}'
RECOMMENDATION = {
    "text": "Here are some hiking boots I'd suggest:\n"
            "1. Trailmark Ridgeline GTX Waterproof Hiking Boot (Trailmark) - €114.99 - Waterproof, as you asked\n"
            "2. Northcairn Bracken Boot (Northcairn) - €99 - Lightweight\n"
            "What size do you wear? (optional - I'll only show what fits)",
    "buttons": [{"title": "41", "payload": SIZE_41}, {"title": "42", "payload": SIZE_42}],
    "custom": {"type": "products", "products": [BOOT, SHOE]},
}


def details_of(product_id):
    return '/ask_product_detail{"product_id":"%s"}' % product_id


# -- the contract ---------------------------------------------------------------------
def test_money_matches_the_action_servers_format():
    assert money(114.99, "EUR") == "€114.99"
    assert money(99, "EUR") == "€99"
    assert money(1299.5, "GBP") == "£1,299.50"
    assert money(10, "CHF") == "10 CHF"
    assert money(None) == "" and money("12") == "" and money(True) == ""


def test_split_text_drops_only_the_list_lines_the_cards_replace():
    products = read_message(RECOMMENDATION).products
    head, tail = split_text(RECOMMENDATION["text"], products)
    assert head == "Here are some hiking boots I'd suggest:"
    assert tail == "What size do you wear? (optional - I'll only show what fits)"
    # A description that names the product is not a list line: it stays.
    text = "Yes - it is waterproof.\nTrailmark Ridgeline GTX Waterproof Hiking Boot by Trailmark - €114.99."
    assert split_text(text, products) == (text, "")
    assert split_text("", products) == ("", "")


def test_malformed_messages_and_products_are_read_defensively():
    assert read_message(None).text == "" and read_message([1, 2]).products == []
    contract = read_message({"text": 5, "buttons": [{"title": "x"}, "y", {"title": "ok", "payload": "/affirm"}],
                             "custom": {"type": "products", "products": [{"id": "A"}, 7, {"title": "no id"},
                                                                          {"id": 3, "title": "Three", "price": "9"}]}})
    assert contract.text == "" and contract.buttons == [Button("ok", "/affirm")]
    assert contract.products == [Product(id="3", title="Three", price=None)]


def test_unknown_payloads_are_never_shown_as_json():
    message = {"text": "I've asked a colleague to take over (request #7).",
               "custom": {"type": "handoff", "request_id": 7}}
    assert [c.params["text"] for c in telegram_plan(message, 1).calls] == [message["text"]]
    assert whatsapp_plan(message).bodies == [message["text"]]
    assert messenger_messages(message) == [{"text": message["text"]}]
    assert slack_message(message)["text"] == message["text"]
    for rendered in (telegram_plan({"custom": {"type": "mystery", "x": 1}}, 1).calls,
                     whatsapp_plan({"custom": {"type": "mystery", "x": 1}}).bodies,
                     messenger_messages({"custom": {"type": "mystery", "x": 1}})):
        assert rendered == []
    assert slack_message({"custom": {"type": "mystery"}}) is None


def test_chunks_split_at_line_breaks_and_never_exceed_the_limit():
    text = "\n".join(f"line {i} " + "x" * 30 for i in range(100))
    parts = chunks(text, 200)
    assert all(len(p) <= 200 for p in parts)
    assert "\n".join(parts).replace("\n", "") == text.replace("\n", "")
    assert chunks("word " * 100, 50) and all(len(p) <= 50 for p in chunks("word " * 100, 50))
    assert chunks("   ", 10) == []


# -- Telegram -------------------------------------------------------------------------
def test_telegram_products_become_photos_with_an_inline_keyboard():
    plan = telegram_plan(RECOMMENDATION, 4242)
    intro, photo, text_card, question = plan.calls
    assert (intro.method, intro.params) == ("sendMessage", {"chat_id": 4242,
                                                             "text": "Here are some hiking boots I'd suggest:"})
    assert photo.method == "sendPhoto"
    assert photo.params["chat_id"] == 4242
    assert photo.params["photo"] == BOOT["image"]
    assert photo.params["caption"] == ("Trailmark Ridgeline GTX Waterproof Hiking Boot\n€114.99\n"
                                       "Waterproof, as you asked; under your €120 budget")
    assert photo.params["reply_markup"] == {"inline_keyboard": [
        [{"text": "Details", "callback_data": details_of("BOOT-0012")},
         {"text": "Add to cart", "callback_data": '/add_to_cart{"product_id":"BOOT-0012"}'}],
        [{"text": "More like this", "callback_data": '/more_like{"product_id":"BOOT-0012"}'},
         {"text": "View in shop", "url": BOOT["url"]}]]}
    # If Telegram cannot fetch the image, the same card goes out as text.
    assert photo.fallback.method == "sendMessage"
    assert photo.fallback.params == {"chat_id": 4242, "text": photo.params["caption"],
                                     "reply_markup": photo.params["reply_markup"]}
    # No image: a text card with the same keyboard.
    assert text_card.method == "sendMessage" and text_card.params["text"] == "Northcairn Bracken Boot\n€99\nLightweight"
    assert text_card.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == details_of("BOOT-0040")
    # Quick replies: a reply keyboard on the question, remembered title -> payload.
    assert question.params == {"chat_id": 4242, "text": "What size do you wear? (optional - I'll only show what fits)",
                               "reply_markup": {"keyboard": [[{"text": "41"}, {"text": "42"}]],
                                                "resize_keyboard": True, "one_time_keyboard": True}}
    assert plan.reply_keyboard == {"41": SIZE_41, "42": SIZE_42}
    assert plan.refs == {}


def test_telegram_callback_data_respects_the_64_byte_limit():
    short = '/add_to_cart{"product_id":"BOOT-0012"}'
    assert telegram_callback_data(short) == (short, None)
    long_payload = '/add_service{"service_id":"extended_protection_3y","product_id":"LAPTOP-PRO-16-2024-0003"}'
    data, ref = telegram_callback_data(long_payload)
    assert data == ref and data.startswith("ref:") and len(data.encode()) <= 64
    assert telegram_callback_data(long_payload)[0] == data            # stable: same payload, same reference
    assert telegram_callback_data(long_payload + "x")[0] != data
    product = dict(BOOT, id="X" * 60)
    plan = telegram_plan({"text": "", "custom": {"type": "products", "products": [product]}}, 1)
    keyboard = plan.calls[0].params["reply_markup"]["inline_keyboard"]
    for button in keyboard[0] + keyboard[1][:1]:
        assert len(button["callback_data"].encode()) <= 64
        assert plan.refs[button["callback_data"]].endswith('{"product_id":"%s"}' % product["id"])


def test_telegram_details_message_keeps_the_description_and_drops_duplicate_buttons():
    message = {"text": "Yes - the Trailmark Ridgeline GTX Waterproof Hiking Boot is waterproof.\nA sturdy boot.",
               "custom": {"type": "products", "products": [BOOT]},
               "buttons": [{"title": "Add to cart", "payload": '/add_to_cart{"product_id":"BOOT-0012"}'},
                           {"title": "More like this", "payload": '/more_like{"product_id":"BOOT-0012"}'}]}
    plan = telegram_plan(message, 9)
    assert [c.method for c in plan.calls] == ["sendMessage", "sendPhoto"]
    assert plan.calls[0].params == {"chat_id": 9, "text": message["text"]}
    assert plan.reply_keyboard == {}


def test_telegram_checkout_link_and_quick_replies_without_text():
    checkout = {"text": "Your cart:\n1. Boot x1 - €99\nTotal: €99\nReady when you are - check out here: "
                        "https://shop.example.com/checkout?items=BOOT-0040",
                "custom": {"type": "checkout", "url": "https://shop.example.com/checkout?items=BOOT-0040",
                           "total": 99, "currency": "EUR"}}
    (call,) = telegram_plan(checkout, 3).calls
    assert call.params["reply_markup"] == {"inline_keyboard": [[{"text": "Go to checkout",
                                                                 "url": checkout["custom"]["url"]}]]}
    only_buttons = {"buttons": [{"title": "Yes, erase everything", "payload": "/affirm"},
                                {"title": "No, keep it", "payload": "/deny"}]}
    (prompt,) = telegram_plan(only_buttons, 3).calls
    assert prompt.params["text"] == render.TELEGRAM_PICK_PROMPT
    assert prompt.params["reply_markup"]["keyboard"] == [[{"text": "Yes, erase everything"}], [{"text": "No, keep it"}]]


def test_telegram_long_text_is_split_under_4096_characters():
    calls = telegram_plan({"text": "\n".join("x" * 100 for _ in range(100))}, 1).calls
    assert len(calls) == 3 and all(len(c.params["text"]) <= 4096 for c in calls)


def test_telegram_commands():
    assert render.telegram_command("/start") == "/greet"
    assert render.telegram_command("/start@ShopBot promo") == "/greet"
    assert render.telegram_command("/help") == "/bot_capabilities"
    assert render.telegram_command("tents under 300") == "tents under 300"


# -- WhatsApp -------------------------------------------------------------------------
def test_whatsapp_products_are_a_numbered_list_with_a_link_each():
    plan = whatsapp_plan(RECOMMENDATION)
    assert plan.bodies == [
        "Here are some hiking boots I'd suggest:\n\n"
        "1. *Trailmark Ridgeline GTX Waterproof Hiking Boot* - €114.99\n"
        "   Waterproof, as you asked; under your €120 budget\n"
        "   https://shop.example.com/products/boot-0012\n"
        "2. *Northcairn Bracken Boot* - €99\n"
        "   Lightweight\n"
        "   https://shop.example.com/products/boot-0040\n\n"
        "Reply with the number of a product to see its details.\n\n"
        "What size do you wear? (optional - I'll only show what fits)\n\n"
        "Reply with a letter:\nA) 41\nB) 42"]
    assert plan.products == ["BOOT-0012", "BOOT-0040"]
    assert plan.options == {"A": SIZE_41, "41": SIZE_41, "B": SIZE_42, "42": SIZE_42}


def test_whatsapp_letters_continue_across_the_messages_of_a_turn():
    plan = whatsapp_plan({"text": "Added.", "buttons": [{"title": "Checkout", "payload": "/checkout"}]},
                         option_offset=2)
    assert plan.bodies == ["Added.\n\nReply with a letter:\nC) Checkout"]
    assert plan.options == {"C": "/checkout", "checkout": "/checkout"}


def test_whatsapp_bodies_stay_under_twilios_1600_characters():
    bodies = whatsapp_plan({"text": "\n".join("y" * 70 for _ in range(60))}).bodies
    assert len(bodies) == 3 and all(len(b) <= 1600 for b in bodies)


def test_whatsapp_a_number_picks_a_product_of_the_last_list():
    shown = ["BOOT-0012", "BOOT-0040", "BOOT-0007"]
    options = {"A": SIZE_41, "41": SIZE_41, "B": "/checkout", "checkout": "/checkout"}
    assert whatsapp_pick("2", shown, options) == details_of("BOOT-0040")
    for answer in (" 3 ", "#3", "3.", "no. 3", "number 3"):
        assert whatsapp_pick(answer, shown, options) == details_of("BOOT-0007"), answer
    assert whatsapp_pick("4", shown, options) is None           # out of range: the assistant answers
    assert whatsapp_pick("2", [], options) is None
    assert whatsapp_pick("a", shown, options) == SIZE_41
    assert whatsapp_pick("41", shown, options) == SIZE_41       # an option's own text
    assert whatsapp_pick("Checkout", shown, options) == "/checkout"
    assert whatsapp_pick("2 boots please", shown, options) is None
    assert whatsapp_pick("z", shown, options) is None


# -- Messenger ------------------------------------------------------------------------
def test_messenger_products_are_a_generic_template_carousel():
    intro, carousel, question = messenger_messages(RECOMMENDATION)
    assert intro == {"text": "Here are some hiking boots I'd suggest:"}
    payload = carousel["attachment"]["payload"]
    assert carousel["attachment"]["type"] == "template" and payload["template_type"] == "generic"
    first, second = payload["elements"]
    assert first == {
        "title": "Trailmark Ridgeline GTX Waterproof Hiking Boot",
        "subtitle": "€114.99 - Waterproof, as you asked; under your €120 budget",
        "image_url": BOOT["image"],
        "default_action": {"type": "web_url", "url": BOOT["url"]},
        "buttons": [{"type": "postback", "title": "Details", "payload": details_of("BOOT-0012")},
                    {"type": "postback", "title": "Add to cart", "payload": '/add_to_cart{"product_id":"BOOT-0012"}'},
                    {"type": "postback", "title": "More like this", "payload": '/more_like{"product_id":"BOOT-0012"}'}]}
    assert "image_url" not in second
    assert question == {"text": "What size do you wear? (optional - I'll only show what fits)",
                        "quick_replies": [{"content_type": "text", "title": "41", "payload": SIZE_41},
                                          {"content_type": "text", "title": "42", "payload": SIZE_42}]}


def test_messenger_limits_cards_quick_replies_and_titles():
    products = [dict(BOOT, id=f"P-{i}", title=f"Product {i} " + "t" * 90) for i in range(12)]
    buttons = [{"title": f"A very long quick reply title {i}", "payload": f"/state_preference{{\"size\":\"{i}\"}}"}
               for i in range(15)]
    messages = messenger_messages({"text": "", "buttons": buttons, "custom": {"type": "products", "products": products}})
    (carousel,) = messages
    elements = carousel["attachment"]["payload"]["elements"]
    assert len(elements) == 10
    assert all(len(e["title"]) <= 80 and len(e["subtitle"]) <= 80 for e in elements)
    assert len(carousel["quick_replies"]) == 13
    assert all(len(q["title"]) <= 20 for q in carousel["quick_replies"])
    assert carousel["quick_replies"][0]["title"] == "A very long quick r…"


def test_messenger_checkout_is_a_button_template():
    url = "https://shop.example.com/checkout?items=BOOT-0040"
    (message,) = messenger_messages({"text": "Total: €99. Check out here: " + url,
                                     "custom": {"type": "checkout", "url": url, "total": 99, "currency": "EUR"}})
    assert message == {"attachment": {"type": "template", "payload": {
        "template_type": "button", "text": "Total: €99. Check out here: " + url,
        "buttons": [{"type": "web_url", "url": url, "title": "Checkout"}]}}}


# -- Slack ----------------------------------------------------------------------------
def test_slack_products_are_sections_with_image_and_buttons():
    body = slack_message(RECOMMENDATION)
    assert body["text"] == RECOMMENDATION["text"]
    intro, card, card_actions, card2, card2_actions, question, replies = body["blocks"]
    assert intro == {"type": "section", "text": {"type": "mrkdwn", "text": "Here are some hiking boots I'd suggest:"}}
    assert card == {"type": "section", "block_id": "product-1",
                    "text": {"type": "mrkdwn", "text": f"*<{BOOT['url']}|{BOOT['title']}>*\n€114.99\n{BOOT['reason']}"},
                    "accessory": {"type": "image", "image_url": BOOT["image"], "alt_text": BOOT["title"]}}
    assert card_actions == {"type": "actions", "block_id": "product-1-actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "Details"}, "value": details_of("BOOT-0012"),
         "action_id": "product-1-details"},
        {"type": "button", "text": {"type": "plain_text", "text": "Add to cart"},
         "value": '/add_to_cart{"product_id":"BOOT-0012"}', "action_id": "product-1-add"},
        {"type": "button", "text": {"type": "plain_text", "text": "More like this"},
         "value": '/more_like{"product_id":"BOOT-0012"}', "action_id": "product-1-more"}]}
    assert "accessory" not in card2 and card2_actions["elements"][0]["value"] == details_of("BOOT-0040")
    assert question["text"]["text"] == "What size do you wear? (optional - I'll only show what fits)"
    assert replies == {"type": "actions", "block_id": "replies-1", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "41"}, "value": SIZE_41, "action_id": "reply-1"},
        {"type": "button", "text": {"type": "plain_text", "text": "42"}, "value": SIZE_42, "action_id": "reply-2"}]}
    action_ids = [e["action_id"] for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(action_ids) == len(set(action_ids))


def test_slack_without_images_and_escaping():
    body = slack_message(RECOMMENDATION, images=False)
    assert all("accessory" not in block for block in body["blocks"])
    escaped = slack_message({"text": "Tom & Jerry <script> > 3"})
    assert escaped["text"] == "Tom &amp; Jerry &lt;script&gt; &gt; 3"
    assert escaped["blocks"][0]["text"]["text"] == "Tom &amp; Jerry &lt;script&gt; &gt; 3"


def test_slack_checkout_is_a_link_button():
    url = "https://shop.example.com/checkout?items=A&qty=1"
    body = slack_message({"text": "Total: €99", "custom": {"type": "checkout", "url": url}})
    assert body["blocks"][-1] == {"type": "actions", "block_id": "replies-1", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "Checkout"}, "url": url,
         "action_id": "checkout-link", "style": "primary"}]}


def test_slack_plain_text_of_incoming_messages():
    assert render.slack_plain_text("<@U0BOT> tents &amp; tarps under 300") == "tents & tarps under 300"
    assert render.slack_plain_text("see <https://x.example/a|this one>") == "see this one"
    assert render.slack_plain_text("<https://x.example/a>") == "https://x.example/a"


def test_rendered_shapes_are_json():
    for shape in (messenger_messages(RECOMMENDATION), slack_message(RECOMMENDATION),
                  [c.params for c in telegram_plan(RECOMMENDATION, 1).calls]):
        json.dumps(shape)
