"""Checkout links and completed orders become purchases: signed links (forged,
altered, expired), the web process's /checkout/<token> and /api/orders/completed
on a real SQLite profile store, and those purchases feeding the behaviour signals."""
from __future__ import annotations

import dataclasses
import json
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer

from actions.profiles import ProfileStore
from bot.checkout_links import (CheckoutLine, CheckoutSigner, LinkError, LinkExpired, order_signature,
                                shop_checkout_query)
from bot.web.app import make_app

SECRET = "checkout-secret-for-tests-0123456789"
ORDER_SECRET = "shop-order-secret-for-tests"
CHECKOUT_URL = "https://shop.example.com/checkout"
LINES = [CheckoutLine("TENT-0003", 1, 199.0, "EUR"), CheckoutLine("BAG-0001", 2, 49.5, "EUR")]
EXPERIMENTS = {"experiments": {"buy": {"active": True, "variants": {"a": 1}, "goal": "purchase"}}}


def test_links_round_trip_and_refuse_forgeries():
    signer = CheckoutSigner(SECRET, ttl_hours=1)
    token = signer.sign("ana", LINES, [("protect_2y", "TENT-0003")], now=1_000_000)
    link = signer.verify(token, now=1_000_000 + 3599)
    assert link.customer_id == "ana" and link.lines == tuple(LINES)
    assert link.services == (("protect_2y", "TENT-0003"),) and link.order_ref.startswith("link:")
    assert shop_checkout_query(link) == {"items": "TENT-0003:1,BAG-0001:2", "services": "protect_2y:TENT-0003",
                                         "assistant_ref": link.order_ref}
    with pytest.raises(LinkExpired):
        signer.verify(token, now=1_000_000 + 3601)
    payload, mac = token.split(".")
    other = CheckoutSigner("another-secret-0123456789").sign("ana", LINES, now=1_000_000)
    for forged in (f"{payload}.{mac[:-2]}xx", f"{payload[:-4]}AAAA.{mac}", other, "", "garbage", "a.b.c",
                   "x" * 9000, f"{payload}.ü", f"{other.split('.')[0]}.{mac}"):
        with pytest.raises(LinkError):
            signer.verify(forged, now=1_000_000)
    with pytest.raises(ValueError):
        CheckoutSigner("short")


# -- the web process's routes -------------------------------------------------------------
@pytest.fixture
def store(tmp_path):
    store = ProfileStore(f"sqlite:///{tmp_path}/profiles.db")
    yield store
    store.dispose()


@pytest.fixture
async def client(store):
    app = make_app({"socket_url": "http://127.0.0.1:5005", "public_url": "http://127.0.0.1:8080",
                    "session_secret": "widget-secret-0123456789", "shop_jwt_secret": "", "visitor_days": 365,
                    "customer_hours": 24,
                    "checkout": {"checkout_secret": SECRET, "checkout_link_hours": 1, "checkout_url": CHECKOUT_URL,
                                 "order_secret": ORDER_SECRET, "profile_db_url": store.url,
                                 "behaviour": EXPERIMENTS}})
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def customer_with_cart(store):
    customer = f"c-{uuid.uuid4().hex[:10]}"
    for line in LINES:
        store.add_to_cart(customer, line.product_id, line.quantity)
    store.record_exposure("buy", customer, "a")
    return customer


def purchases(store, customer):
    profile = store.get(customer)
    return [(p["product_id"], p["quantity"], p["unit_price"], p["source"]) for p in profile.purchases] \
        if profile else []


@pytest.mark.asyncio(loop_scope="session")
async def test_following_a_link_records_once_and_redirects(client, store):
    customer = customer_with_cart(store)
    token = CheckoutSigner(SECRET).sign(customer, LINES, [("protect_2y", "TENT-0003")])
    page = await client.get(f"/checkout/{token}", allow_redirects=False)     # opening shows the cart
    html = await page.text()
    assert page.status == 200 and "TENT-0003" in html and '<form method="post">' in html
    assert purchases(store, customer) == []
    for _ in range(2):   # confirmed twice: recorded once, redirected both times
        answer = await client.post(f"/checkout/{token}", allow_redirects=False)
        assert answer.status == 303
        target = urlsplit(answer.headers["Location"])
        assert f"{target.scheme}://{target.netloc}{target.path}" == CHECKOUT_URL
        query = parse_qs(target.query)
        assert query["items"] == ["TENT-0003:1,BAG-0001:2"] and query["services"] == ["protect_2y:TENT-0003"]
    assert purchases(store, customer) == [("TENT-0003", 1, 199.0, "checkout_link"),
                                          ("BAG-0001", 2, 49.5, "checkout_link")]
    assert store.get(customer).cart == []                      # handed over to the shop
    assert store.experiment_counts("buy")[0]["converted"] == 1  # the experiments' purchase goal


@pytest.mark.asyncio(loop_scope="session")
async def test_forged_expired_and_previewed_links_record_nothing(client, store):
    customer = customer_with_cart(store)
    token = CheckoutSigner(SECRET).sign(customer, LINES)
    payload, mac = token.split(".")
    forged = CheckoutSigner("someone-elses-secret-123").sign(customer, LINES)
    for bad in (f"{payload}.{mac[::-1]}", forged, "not-a-token"):
        for method in (client.get, client.post):
            answer = await method(f"/checkout/{bad}", allow_redirects=False)
            assert answer.status == 400 and "not valid" in await answer.text()
    expired = CheckoutSigner(SECRET).sign(customer, LINES, now=time.time() - 2 * 3600)
    for method in (client.get, client.post):
        answer = await method(f"/checkout/{expired}", allow_redirects=False)
        assert answer.status == 410 and "expired" in await answer.text()
    # previews, link scanners (any user agent, not only known ones) and HEAD: a page, no purchase
    for agent in ("Slackbot-LinkExpanding 1.0", "Mozilla/5.0 (compatible; SafeLinks scanner)", "curl/8.0"):
        preview = await client.get(f"/checkout/{token}", headers={"User-Agent": agent}, allow_redirects=False)
        assert preview.status == 200 and "Continue to checkout" in await preview.text()
    assert (await client.head(f"/checkout/{token}", allow_redirects=False)).status == 200
    assert purchases(store, customer) == [] and len(store.get(customer).cart) == 2
    # a customer who said "forget me" after getting the link: sent on, nothing kept
    store.erase(customer)
    answer = await client.post(f"/checkout/{token}", allow_redirects=False)
    assert answer.status == 303 and store.get(customer) is None


async def post_order(client, body, secret=ORDER_SECRET, signature=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Shop-Signature"] = signature or order_signature(secret, raw)
    return await client.post("/api/orders/completed", data=raw, headers=headers)


def order(customer, order_id=None, **extra):
    return {"order_id": order_id or f"o-{uuid.uuid4().hex[:8]}", "customer_id": customer,
            "lines": [{"product_id": "TENT-0003", "quantity": 1, "unit_price": 189.0, "currency": "EUR"}], **extra}


@pytest.mark.asyncio(loop_scope="session")
async def test_completed_order_webhook(client, store):
    customer = f"shop-{uuid.uuid4().hex[:8]}"
    body = order(customer, completed_at="2026-01-05T10:00:00Z")
    for bad in ((None, None), ("wrong-secret-entirely", None), (ORDER_SECRET, "sha256=00")):
        answer = await post_order(client, body, *bad)
        assert answer.status == 401, bad
    assert purchases(store, customer) == []
    first = await post_order(client, body)
    assert first.status == 200 and (await first.json())["recorded"] is True
    again = await post_order(client, body)
    assert again.status == 200 and (await again.json())["duplicate"] is True
    assert purchases(store, customer) == [("TENT-0003", 1, 189.0, "order_completed")]
    assert store.get(customer).purchases[0]["purchased_at"] == "2026-01-05T10:00:00"


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("body", [
    b"{not json", b"[1, 2]", b"[" * 5000 + b"]" * 5000, {"customer_id": "x", "lines": []},
    {"order_id": "1", "customer_id": "", "lines": [{"product_id": "A", "quantity": 1, "unit_price": 1}]},
    {"order_id": "1", "customer_id": "x", "lines": "A"},
    {"order_id": "1", "customer_id": "x", "lines": [{"product_id": "A", "quantity": 0, "unit_price": 1}]},
    {"order_id": "1", "customer_id": "x", "lines": [{"product_id": "A", "quantity": 1, "unit_price": -1}]},
    {"order_id": "1", "customer_id": "x", "lines": [{"product_id": "A", "quantity": 1.5, "unit_price": 1}]},
    {"order_id": "1", "customer_id": "x", "lines": [{"product_id": "A", "quantity": 1, "unit_price": 1,
                                                     "currency": "euro"}]},
    {"order_id": "1", "customer_id": "x", "lines": [{"product_id": "A", "quantity": 1, "unit_price": 1}],
     "completed_at": "yesterday"},
    {"order_id": "1", "customer_id": "x", "lines": [{"product_id": "A", "quantity": 1, "unit_price": 1}],
     "checkout_ref": "made-up"},
])
async def test_malformed_orders_are_refused(client, store, body):
    answer = await post_order(client, body)
    assert answer.status == 400 and "error" in await answer.json()
    assert purchases(store, "x") == []


@pytest.mark.asyncio(loop_scope="session")
async def test_completed_order_replaces_the_link_it_came_from(client, store):
    customer = customer_with_cart(store)
    token = CheckoutSigner(SECRET).sign(customer, LINES)
    answer = await client.post(f"/checkout/{token}", allow_redirects=False)
    ref = parse_qs(urlsplit(answer.headers["Location"]).query)["assistant_ref"][0]
    stranger = await post_order(client, order("someone-else", checkout_ref=ref))
    assert stranger.status == 400
    done = await post_order(client, order(customer, checkout_ref=ref))
    assert done.status == 200
    assert purchases(store, customer) == [("TENT-0003", 1, 189.0, "order_completed")]   # counted once


@pytest.mark.asyncio(loop_scope="session")
async def test_unconfigured_server_refuses(store):
    app = make_app({"socket_url": "", "public_url": "", "session_secret": "widget-secret-0123456789",
                    "shop_jwt_secret": "", "visitor_days": 1, "customer_hours": 1})
    async with TestClient(TestServer(app)) as test_client:
        token = CheckoutSigner(SECRET).sign("ana", LINES)
        assert (await test_client.get(f"/checkout/{token}", allow_redirects=False)).status == 503
        assert (await post_order(test_client, order("ana"))).status == 403


def test_link_purchases_feed_behaviour_and_customer_types(runtime, tmp_path):
    """Purchases recorded from links count like imported orders: owned products,
    brand habits, co-purchase baskets and the customer's order count."""
    from actions.behaviour.customer_types import history_from_store
    from actions.behaviour.live import live_behaviour

    store = ProfileStore(f"sqlite:///{tmp_path}/profiles.db")
    shop = dataclasses.replace(runtime, store=store, behaviour_cache={})
    try:
        tents, bags = shop.products_in("outdoor/camping/tents")[:1], shop.products_in("outdoor/camping/sleeping_bags")[:1]
        basket = [CheckoutLine(p.id, 1, p.price, p.currency) for p in tents + bags]
        for n in range(3):
            store.record_order(f"link:{n}", f"buyer-{n}", basket, "checkout_link")
        store.record_order("shop:9", "me", basket[:1], "order_completed")
        behaviour = live_behaviour(shop, refresh=True)
        assert behaviour.owned("me") == {tents[0].id: 1.0}
        boosts = behaviour.boosts("me", [bags[0].id])
        assert boosts.reason(bags[0].id) == f"often bought with your {tents[0].title}"
        history = history_from_store(shop, "me")
        assert [b.product_id for b in history.bought] == [tents[0].id]
    finally:
        store.dispose()
