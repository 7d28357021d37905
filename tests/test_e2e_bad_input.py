"""Bad input over REST: a clear reply or a 4xx, the server keeps running, and
the customer's conversation and profile are intact afterwards."""
import uuid

import pytest

from tests.conftest import first_products, products_in, text_of

pytestmark = pytest.mark.e2e

ODD_MESSAGES = ["", "   ", "x" * 2_000, "🙂🙂🙂👍", "1234567890", "<script>alert('hi')</script><b>bold</b>",
                "'; DROP TABLE events; --", "SELECT * FROM customers WHERE 1=1", "\u0000\u0001 control",
                "{\"message\": \"nested json\"}", "/add_to_cart{\"product_id\": \"NOPE-0000\"}",
                "/add_service{\"service_id\": \"nope\"}", "/state_preference{\"budget\": \"lots\"}"]


@pytest.fixture(scope="module")
def shopper(rest):
    """A customer with a conversation, a preference and a cart item."""
    sender = f"odd-{uuid.uuid4().hex[:10]}"
    shown = first_products(rest.say(sender, "running shoes under 140"))
    assert shown
    rest.say(sender, "add the first one to my cart")
    return sender, shown


@pytest.mark.parametrize("message", ODD_MESSAGES, ids=range(len(ODD_MESSAGES)))
def test_odd_messages_get_a_clear_reply(rest, shopper, message):
    sender, _ = shopper
    status, replies = rest.send(sender, message)
    assert status == 200 or 400 <= status < 500
    if status == 200:
        assert replies and all((r.get("text") or r.get("custom")) for r in replies)
        assert "Traceback" not in text_of(replies)


MALFORMED = [b"{not json", b"", b"[]", b"null", b"\xff\xfe garbage", b'{"sender": 5}',
             b'{"message": "hi"}', b'{"sender": "", "message": "hi"}', b'{"sender": "a", "message": [1, 2]}',
             b'{"sender": "a", "message": "hi", "metadata": [1]}', b'{"sender": true, "message": "hi"}',
             b'{"sender": "' + b"s" * 200 + b'", "message": "hi"}']


@pytest.mark.parametrize("body", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_requests_get_a_clear_400(rest, body):
    status, answer = rest.send("", None, raw=body)
    assert status == 400, (body, status, answer)
    assert "sender" in answer or "JSON" in answer
    assert rest.api("/status")["model_file"]          # still serving


def test_overlong_message_gets_413_and_is_not_stored(rest, shopper):
    sender, _ = shopper
    limit = rest.stack.settings.max_message_chars
    status, answer = rest.send(sender, "y" * (limit + 1))
    assert status == 413 and f"{limit} characters" in answer and "in parts" in answer
    tracker = rest.api(f"/conversations/{rest.conversation_id(sender)}/tracker")
    assert tracker["events"] and all(e.get("text") != "y" * (limit + 1) for e in tracker["events"])


def test_numeric_sender_is_one_customer(rest):
    import json
    number = int(uuid.uuid4().int % 10**9)
    status, _ = rest.send("", None, raw=json.dumps({"sender": number, "message": "tents under 300"}).encode())
    assert status == 200
    tracker = rest.api(f"/conversations/{rest.conversation_id(number)}/tracker")
    assert any(e.get("text") == "tents under 300" for e in tracker["events"])


def test_unknown_product_reference(rest, shopper):
    sender, shown = shopper
    rest.say(sender, "running shoes under 140")
    replies = rest.say(sender, "tell me about the ninth one")
    assert "only showed you" in text_of(replies)
    assert products_in(replies) == []


def test_conversation_and_profile_intact_after_bad_input(rest, shopper, stack):
    sender, shown = shopper
    status, _ = rest.send(sender, "x" * rest.stack.settings.max_message_chars)     # the longest allowed
    assert status == 200
    cart = text_of(rest.say(sender, "what's in my cart"))
    assert shown[0]["title"] in cart
    tracker = rest.api(f"/conversations/{rest.conversation_id(sender)}/tracker")
    texts = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
    assert "running shoes under 140" in texts
    again = first_products(rest.say(sender, "running shoes"))
    assert again and all(p["price"] <= 140 for p in again)
    assert rest.api("/status")["model_file"]
