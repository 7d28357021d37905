"""The support console in a real headless Chromium against the real stack (action
server, Rasa, web process with the console at /console): conversations are created by
talking to Rasa over REST, then tests/browser/console.mjs logs in, searches, opens
transcripts and the metrics page, logs out, and saves screenshots in test-artifacts/."""
from __future__ import annotations

import re
import uuid
from urllib.parse import unquote

import pytest
import requests

from tests.conftest import (ARTIFACTS, RestClient, first_products, run_browser_script, services_in,
                            sqlite_overrides, start_stack)

pytestmark = pytest.mark.e2e

ADMIN_EMAIL = "console-admin@shop.example"
ADMIN_PASSWORD = "browser-test-password-1"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
SCREENSHOTS = {"TRANSCRIPT_PNG": ARTIFACTS / "console-transcript.png",
               "ESCAPED_PNG": ARTIFACTS / "console-transcript-escaped.png",
               "METRICS_PNG": ARTIFACTS / "console-metrics.png",
               "QUEUE_PNG": ARTIFACTS / "console-queue.png",
               "HANDOFF_PNG": ARTIFACTS / "console-handoff.png"}
AGENT_REPLY = "Hello, this is a person from the shop. How can I help?"


@pytest.fixture(scope="module")
def console_stack(tmp_path_factory):
    var = tmp_path_factory.mktemp("console-browser")
    running = start_stack(var, {
        **sqlite_overrides(var), "CONSOLE_ADMIN_EMAIL": ADMIN_EMAIL, "CONSOLE_ADMIN_PASSWORD": ADMIN_PASSWORD})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def conversations(console_stack):
    """Three real conversations over REST: product cards (and services), a customer
    writing markup, and one asking for a person."""
    rest = RestClient(console_stack)
    tag = uuid.uuid4().hex[:8]
    senders = {"cards": f"console-ui-cards-{tag}", "xss": f"console-ui-xss-{tag}", "other": f"console-ui-other-{tag}"}

    rest.say(senders["cards"], "hi")
    products = first_products(rest.say(senders["cards"], "waterproof hiking boots under 120"))
    assert len(products) >= 3, "the assistant showed no products"
    replies = rest.say(senders["cards"], f'/add_to_cart{{"product_id":"{products[0]["id"]}"}}')
    assert services_in(replies), "no service offer after adding to the cart"

    rest.say(senders["xss"], "a tent for two people")
    assert rest.say(senders["xss"], f"hello {SCRIPT} {IMG}")

    assert rest.say(senders["other"], "can I talk to a person")
    # the console knows them by their conversation ids
    return {**{kind: rest.conversation_id(sender) for kind, sender in senders.items()},
            "senders": senders, "products": products}


def run_browser(stack, conversations) -> dict:
    return run_browser_script("console.mjs", list(SCREENSHOTS.values()), dict(
        CONSOLE_URL=stack.console_url, ADMIN_EMAIL=ADMIN_EMAIL, ADMIN_PASSWORD=ADMIN_PASSWORD, SEARCH="hiking boots",
        AGENT_REPLY=AGENT_REPLY, CARDS_ID=conversations["cards"], XSS_ID=conversations["xss"],
        OTHER_ID=conversations["other"], **{name: str(path) for name, path in SCREENSHOTS.items()}), timeout=300)


def test_browser_login_transcript_metrics_and_logout(console_stack, conversations):
    seen = run_browser(console_stack, conversations)
    ids = conversations

    # The live queue: claim, answer, hand back - and the customer got the reply.
    assert seen["queue_path"] == "/console/queue" and seen["queue_ids"] == [ids["other"]]
    assert "Claimed by" in seen["claimed_status"] and ADMIN_EMAIL in seen["claimed_status"]
    assert AGENT_REPLY in seen["agent_messages"]
    assert seen["after_release_heading"] == "The assistant is answering"
    assert any("paused: waiting for a person" in e for e in seen["handoff_events"])
    assert any("handed back to the assistant" in e for e in seen["handoff_events"])
    delivered = requests.get(console_stack.rasa_url + "/webhooks/rest/replies", headers=RestClient(console_stack).headers,
                             params={"sender": ids["senders"]["other"]}, timeout=30).json()
    assert AGENT_REPLY in [m["text"] for m in delivered["messages"]] and delivered["paused"] is False

    # Not logged in: the login page; a wrong password is refused and opens no session.
    assert seen["start_path"] == "/console/login" and seen["login_form"] == 1
    assert seen["wrong_password"]["status"] == 401 and seen["wrong_password"]["path"] == "/console/login"
    assert "Wrong e-mail or password" in seen["wrong_password"]["error"]
    assert "console_session" not in seen["wrong_password"]["cookies"]

    # Logged in: the list, with a session cookie scripts cannot read.
    assert seen["after_login_path"] == "/console/"
    assert ADMIN_EMAIL in seen["header"] and "Log out" in seen["header"]
    cookie = seen["session_cookie"]
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"].startswith("/console")
    listed = set(seen["list_ids"])
    assert {ids["cards"], ids["xss"], ids["other"]} <= listed
    assert int(seen["list_count"].split()[0]) == len(listed) >= 3
    assert seen["xss_preview"] == f"hello {SCRIPT} {IMG}"           # the list escapes too
    assert "asked for a person" in seen["other_outcomes"]
    assert {"products shown", "added to cart"} <= set(seen["cards_outcomes"])

    # Search by the customers' words finds only the conversation that said them.
    assert "q=hiking+boots" in seen["search_url"]
    assert seen["search_ids"] == [ids["cards"]] and seen["search_count"].startswith("1 ")

    # The transcript: customer and bot messages in order, cards, intent and confidence.
    assert unquote(seen["transcript_path"]) == f"/console/conversations/{ids['cards']}"
    assert ids["cards"] in seen["transcript_title"]
    messages = [m for m in seen["transcript"] if m["kind"] in ("user", "bot")]
    users = [m for m in messages if m["kind"] == "user"]
    assert [m["text"] for m in users] == ["hi", "waterproof hiking boots under 120",
                                          f'/add_to_cart{{"product_id":"{ids["products"][0]["id"]}"}}']
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC( \u00b7 [\w.-]+)?", m["when"]) for m in messages)
    assert users[0]["intent"] == "greet" and users[1]["intent"] == "request_product"
    assert users[2]["intent"] == "add_to_cart"
    for message in users:
        confidence = re.search(r"\((\d\.\d\d)\)", message["nlu"])
        assert confidence and 0 < float(confidence.group(1)) <= 1, message["nlu"]
    assert messages.index(users[0]) < len(messages) - 1 and messages[messages.index(users[0]) + 1]["kind"] == "bot"
    asked = messages.index(users[1])
    answer = next(m for m in messages[asked + 1:] if m["product_cards"])
    assert all(m["kind"] == "bot" for m in messages[asked + 1:messages.index(answer) + 1])
    assert answer["product_cards"] == len(ids["products"]) <= seen["product_cards"]
    assert seen["card_titles"][:len(ids["products"])] == [p["title"] for p in ids["products"]]
    assert all(re.search(r"\d+(\.\d+)? EUR", price) for price in seen["card_prices"])
    assert seen["service_cards"] >= 1
    assert not [m for m in seen["transcript"] if m["failed"]]

    # Customer markup shows as text: no element made of it, nothing ran.
    assert unquote(seen["xss_path"]) == f"/console/conversations/{ids['xss']}"
    assert f"hello {SCRIPT} {IMG}" in seen["xss_user_texts"]
    assert seen["xss_elements"] == {"scripts": 0, "injected_images": 0, "bold_injected": 0}
    assert seen["dialogs"] == []

    # Metrics: two SVG charts with bars, and the figures per channel.
    assert seen["metrics_path"] == "/console/metrics"
    assert any("per day" in h for h in seen["metrics_headings"]) and any("Funnel" in h for h in seen["metrics_headings"])
    assert seen["metrics_svgs"] >= 2 and all(w > 100 and h > 100 for w, h in seen["metrics_svg_size"])
    bars = {bar["title"].rsplit(": ", 1)[0]: int(bar["title"].rsplit(": ", 1)[1]) for bar in seen["metrics_bars"]}
    assert bars["products shown"] >= 1 and bars["added to cart"] >= 1
    assert sum(v for k, v in bars.items() if re.fullmatch(r"\d{4}-\d\d-\d\d", k)) == len(listed)
    assert all(bar["height"] > 0 for bar in seen["metrics_bars"] if not bar["title"].endswith(": 0"))
    table = {row[0]: row[1:] for row in seen["metrics_table"][1:]}
    assert int(table["all"][0]) == len(listed) and int(table["all"][1]) >= 6
    assert "rest" in table and int(table["rest"][0]) >= 3
    assert table["rest"][3].endswith("%") and float(table["rest"][3].split()[0]) > 0   # one asked for a person

    # Logged out: back to the login page, and console pages stay closed, also with the old cookie.
    assert seen["logout_path"] == "/console/login"
    assert "console_session" not in seen["cookies_after_logout"]
    assert seen["after_logout_conversation_path"] == "/console/login"
    assert seen["old_cookie_metrics_path"] == "/console/login" and seen["old_cookie_metrics_svgs"] == 0

    # The console loaded nothing from elsewhere except the catalog's product images.
    assert seen["external"] and all(r["type"] == "image" for r in seen["external"])
    assert not seen["errors"]
    for screenshot in SCREENSHOTS.values():
        assert screenshot.exists() and screenshot.stat().st_size > 15_000, screenshot
