"""Multi-turn conversations over REST against the real action server and the
real Rasa server with the trained model."""
import json
import sqlite3
import uuid

import pytest

from tests.conftest import first_products, products_in, services_in, text_of

pytestmark = pytest.mark.e2e


def new_sender(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def test_budget_is_never_exceeded(rest):
    sender = new_sender("budget")
    for message in ["waterproof hiking boots under 120", "show more", "in brown", "more like #1",
                    "something like the second one but cheaper"]:
        replies = rest.say(sender, message)
        for product in products_in(replies):
            if product["category"] == "outdoor/hiking/hiking_boots":
                assert product["price"] <= 120, (message, product)
    first = first_products(rest.say(sender, "waterproof hiking boots under 120"))
    assert 3 <= len(first) <= 5


def test_refinement_changes_results_the_right_way(rest):
    sender = new_sender("refine")
    first = first_products(rest.say(sender, "show me noise cancelling headphones"))
    assert first and all(p["category"] == "electronics/audio/headphones" for p in first)
    cheaper = first_products(rest.say(sender, "cheaper"))
    assert cheaper and max(p["price"] for p in cheaper) < min(p["price"] for p in first)
    brand = cheaper[0]["brand"]
    other = first_products(rest.say(sender, f"no {brand} please"))
    assert other and all(p["brand"] != brand for p in other)


def test_complementary_offer_follows_add_to_cart(rest):
    from embeddings.catalog import load_catalog
    from embeddings.services import ServiceCatalog
    from bot.settings import load_settings

    settings = load_settings()
    services = ServiceCatalog.load(settings.services_path, settings.complements_path)
    catalog = {p.id: p for p in load_catalog(settings.catalog_path).products}
    sender = new_sender("cart")
    shown = first_products(rest.say(sender, "I need a laptop for work"))
    assert shown
    replies = rest.say(sender, "add the first one to my cart")
    assert "Added" in text_of(replies)
    offers = services_in(replies)
    assert offers and offers[0]["for_product"] == shown[0]["id"]
    for offered in offers[0]["services"]:
        assert services.by_id[offered["id"]].applies_to(catalog[shown[0]["id"]])
    extras = products_in(replies)
    assert 1 <= len(extras) <= 3
    assert all(p["category"] in services.complement_categories("electronics/computers/laptops") for p in extras)
    checkout = rest.say(sender, "checkout")
    assert shown[0]["title"] in text_of(checkout) and "/checkout/" in text_of(checkout)


def test_preferences_survive_a_new_session_and_shape_ranking(rest):
    sender = new_sender("memory")
    shown = first_products(rest.say(sender, "hiking boots under 150"))
    liked = shown[1]
    rest.say(sender, "I like the second one")
    welcome = text_of(rest.say(sender, "/session_start"))
    assert "Welcome back" in welcome and "hiking boots" in welcome and liked["brand"] in welcome
    again = first_products(rest.say(sender, "hiking boots"))
    assert again and all(p["price"] <= 150 for p in again)
    liked_brand = [p for p in again if p["brand"] == liked["brand"]]
    assert liked_brand and "liked" in liked_brand[0]["reason"]
    assert again[0]["brand"] == liked["brand"]


def test_forget_me_erases_profile_and_history(rest, stack):
    sender = new_sender("forget")
    conversation = rest.conversation_id(sender)                  # what the stores key it by
    rest.say(sender, "tents under 300")
    rest.say(sender, "I like the first one")
    assert "tents" in text_of(rest.say(sender, "what do you know about me"))
    tracker_db = sqlite3.connect(stack.settings.tracker_db_name)
    profile_db = sqlite3.connect(stack.settings.profile_db_url[len("sqlite:///"):])
    assert profile_db.execute("SELECT COUNT(*) FROM feedback WHERE customer_id = ?", (conversation,)).fetchone()[0]
    confirm = rest.say(sender, "forget me")
    assert "erase" in text_of(confirm).lower()
    done = text_of(rest.say(sender, "yes"))
    assert "erased" in done
    rows = tracker_db.execute("SELECT data FROM events WHERE sender_id = ?", (conversation,)).fetchall()
    assert not any("tents under 300" in row[0] for row in rows)
    assert not any(json.loads(row[0]).get("event") == "user" for row in rows)
    assert profile_db.execute("SELECT COUNT(*) FROM customers WHERE id = ?", (conversation,)).fetchone()[0] == 0
    assert profile_db.execute("SELECT COUNT(*) FROM feedback WHERE customer_id = ?", (conversation,)).fetchone()[0] == 0
    assert profile_db.execute("SELECT COUNT(*) FROM erasures").fetchone()[0] >= 1
    tracker = rest.api(f"/conversations/{conversation}/tracker?include_events=ALL")
    assert not any(e.get("event") == "user" for e in tracker["events"])
    welcome = text_of(rest.say(sender, "/session_start"))
    assert "Welcome back" not in welcome
    assert "don't know anything" in text_of(rest.say(sender, "what do you know about me"))


@pytest.mark.parametrize("message", ["what's the weather like tomorrow", "tell me a joke",
                                     "transfer 100 dollars to my savings account", "book me a flight to paris",
                                     "what is the capital of peru", "how do I cure a headache"])
def test_out_of_scope_gets_no_products(rest, message):
    replies = rest.say(new_sender("oos"), message)
    assert replies and products_in(replies) == []
    assert "shopping assistant" in text_of(replies) or "didn't quite get" in text_of(replies)


def test_handoff_request_is_acknowledged(rest):
    replies = rest.say(new_sender("human"), "can I talk to a real person please")
    assert "colleague" in text_of(replies) and products_in(replies) == []


def test_question_about_a_shown_product(rest):
    sender = new_sender("detail")
    shown = first_products(rest.say(sender, "hiking boots"))
    replies = rest.say(sender, "is the second one waterproof?")
    assert shown[1]["title"] in text_of(replies)
    assert text_of(replies).split()[0].rstrip(",-") in ("Yes", "No")
    assert services_in(replies) and services_in(replies)[0]["for_product"] == shown[1]["id"]
