"""The website widget against the real stack (action server, Rasa, web process):
socket.io clients the way rasa-webchat talks, identities through /api/session,
and a real headless Chromium on the demo shop page (tests/browser/widget.mjs)."""
from __future__ import annotations

import json
import time
import urllib.request

import jwt
import pytest

from bot.identity import SessionSigner
from tests.conftest import ARTIFACTS, RestClient, run_browser_script, sqlite_overrides, start_stack
from tests.widget_client import Widget

pytestmark = pytest.mark.e2e

WIDGET_SECRET = "widget-e2e-session-secret-0123456789abcdef"
SHOP_SECRET = "shop-e2e-jwt-secret-0123456789abcdef-0123456789abcdef-0123"


@pytest.fixture(scope="module")
def widget_stack(tmp_path_factory):
    var = tmp_path_factory.mktemp("widget")
    running = start_stack(var, {
        **sqlite_overrides(var), "WIDGET_SESSION_SECRET": WIDGET_SECRET, "SHOP_JWT_SECRET": SHOP_SECRET})
    yield running
    running.stop()


def shop_token(sub: str, exp_in: int = 600, secret: str = SHOP_SECRET) -> str:
    return jwt.encode({"sub": sub, "exp": int(time.time()) + exp_in}, secret, algorithm="HS256")


def api_session(stack, customer_token=None, session_id=None) -> dict:
    body = json.dumps({"customer_token": customer_token, "session_id": session_id}).encode()
    request = urllib.request.Request(stack.web_url + "/api/session", data=body,
                                     headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def customer_of(token: str) -> str:
    return SessionSigner(WIDGET_SECRET).verify(token).customer_id


def customs(replies, kind):
    return [r["custom"] for r in replies if isinstance(r.get("custom"), dict) and r["custom"].get("type") == kind]


def user_texts(stack, sender: str) -> list:
    tracker = RestClient(stack).api(f"/conversations/{urllib.request.quote(sender, safe=':')}/tracker")
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


# -- socket.io, no browser ---------------------------------------------------------------------
@pytest.mark.asyncio(loop_scope="module")
async def test_every_message_gets_a_reply_also_after_reconnecting(widget_stack):
    widget = await Widget(widget_stack).open()
    customer = customer_of(widget.session)
    assert customer.startswith("web:")

    replies = await widget.say("waterproof hiking boots under 120")
    products = customs(replies, "products")
    assert products and 3 <= len(products[0]["products"]) <= 5
    card = products[0]["products"][0]
    assert {"id", "title", "price", "image", "reason"} <= set(card)
    assert any(r.get("text") for r in replies)

    replies = await widget.say(f'/add_to_cart{{"product_id":"{card["id"]}"}}')
    services = customs(replies, "services")
    assert services and services[0]["for_product"] == card["id"] and services[0]["services"]
    await widget.close()

    # Reload: the same token is confirmed unchanged and the conversation goes on.
    again = await Widget(widget_stack).open(widget.session)
    assert again.session == widget.session
    assert await again.say("show my cart")
    assert await again.say("thanks")
    await again.close()
    said = user_texts(widget_stack, customer)
    assert said[0] == "waterproof hiking boots under 120" and said[-2:] == ["show my cart", "thanks"]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_visitor_cannot_take_over_another_visitors_conversation(widget_stack):
    victim = await Widget(widget_stack).open()
    victim_id = customer_of(victim.session)
    await victim.say("a tent for two people")
    before = user_texts(widget_stack, victim_id)

    version, encoded, expires, mac = victim.session.split(".")
    for claimed in (victim_id, encoded, f"{version}.{encoded}.{expires}.{'A' * len(mac)}",
                    f"{version}.{encoded}.{int(expires) + 60}.{mac}"):
        intruder = await Widget(widget_stack).open(claimed)
        assert intruder.session != victim.session and customer_of(intruder.session) != victim_id
        replies = await intruder.say("what do you know about me")
        assert replies
        await intruder.close()
    # A socket that never asked for a session and sends someone's id is refused.
    sneaky = await Widget(widget_stack).open(victim_id, request_session=False)
    replies = await sneaky.say("show my cart", timeout=30, quiet=1.0)
    assert "expired" in replies[0]["text"]
    await sneaky.close()

    assert victim.received.empty()                        # nothing of theirs reached the victim
    assert user_texts(widget_stack, victim_id) == before  # and nothing was added to the victim's conversation
    await victim.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_a_logged_in_customer_is_the_same_on_every_device(widget_stack):
    laptop_session = api_session(widget_stack, shop_token("c-1042"))
    assert not laptop_session["anonymous"]
    laptop = await Widget(widget_stack).open(laptop_session["session_id"])
    assert customer_of(laptop.session) == "customer:c-1042"
    await laptop.say("noise cancelling headphones")

    phone_session = api_session(widget_stack, shop_token("c-1042"))
    phone = await Widget(widget_stack).open(phone_session["session_id"])
    assert customer_of(phone.session) == "customer:c-1042"
    assert await phone.say("show my cart")
    assert await laptop.replies(timeout=30)               # both devices show the conversation
    assert user_texts(widget_stack, "customer:c-1042")[-2:] == ["noise cancelling headphones", "show my cart"]
    await laptop.close()
    await phone.close()

    for bad in (shop_token("c-1042", secret="forged-forged-forged-forged-forged-1234"),
                shop_token("c-1042", exp_in=-3600), "not-a-token"):
        refused = api_session(widget_stack, bad, phone.session)
        assert refused["anonymous"] and not refused["keep_conversation"]
        assert customer_of(refused["session_id"]).startswith("web:")


# -- a real browser ------------------------------------------------------------------------------
def test_browser_cards_add_to_cart_services_and_reload(widget_stack):
    """Open the demo shop, ask for boots, see cards, Add to cart, see the service offer,
    reload and still see the conversation; then ask from a product tile."""
    screenshot = ARTIFACTS / "widget.png"
    result = run_browser_script("widget.mjs", [screenshot],
                                {"WEB_URL": widget_stack.web_url, "SCREENSHOT": str(screenshot)})
    assert result["cards"] >= 3 and result["services"] >= 1
    assert result["cards_after_reload"] >= 3 and result["services_after_reload"] >= 1
    assert "hiking boots" in result["text_after_reload"]
    assert result["asked_from_page"].startswith("Tell me about")       # window.ShopAssistant.ask
    assert not result["errors"]
    assert screenshot.exists() and screenshot.stat().st_size > 10_000


def test_web_process_serves_the_console_to_staff_only(widget_stack):
    """The support console is mounted in the same web process, behind its login."""
    import urllib.error

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    base = widget_stack.web_url + "/console"
    with pytest.raises(urllib.error.HTTPError) as page:
        opener.open(base + "/", timeout=30)
    assert page.value.code in (302, 303) and "/console/login" in page.value.headers["Location"]
    with opener.open(base + "/login", timeout=30) as login:
        assert login.status == 200 and b"csrf" in login.read().lower()
    with pytest.raises(urllib.error.HTTPError) as api:
        opener.open(base + "/api/conversations", timeout=30)
    assert api.value.code == 401
