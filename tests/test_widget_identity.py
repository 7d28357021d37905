"""Who a website visitor is: session tokens signed by the server, shop tokens (JWT
HS256) for logged-in customers, and the web process's /api/session."""
from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.identity import (SessionSigner, customer_from_shop_token, is_anonymous, resolve_session)
from bot.web.app import make_app

SECRET = "widget-session-secret-for-the-tests-0123456789"
SHOP_SECRET = "the-shops-own-jwt-secret-for-the-tests-0123456789-0123456789-abc"


def shop_token(sub="c-1042", exp_in=600, secret=SHOP_SECRET, algorithm="HS256", **claims):
    payload = {"sub": sub, **claims}
    if exp_in is not None:
        payload["exp"] = int(time.time()) + exp_in
    return jwt.encode(payload, secret, algorithm=algorithm)


@pytest.fixture
def signer():
    return SessionSigner(SECRET)


# -- session tokens -------------------------------------------------------------------------
def test_anonymous_sessions_are_random_and_verify(signer):
    first, second = signer.issue_anonymous(), signer.issue_anonymous()
    assert first.customer_id != second.customer_id and is_anonymous(first.customer_id)
    assert signer.verify(first.token).customer_id == first.customer_id


def test_a_made_up_or_altered_session_id_is_refused(signer):
    session = signer.issue_anonymous()
    version, encoded, expires, mac = session.token.split(".")
    other = base64.urlsafe_b64encode(b"web:" + b"0" * 32).rstrip(b"=").decode()
    assert signer.verify(f"{version}.{other}.{expires}.{mac}") is None          # someone else's id
    assert signer.verify(f"{version}.{encoded}.{int(expires) + 999}.{mac}") is None   # longer life
    assert signer.verify("web:" + "0" * 32) is None                          # a raw id
    assert signer.verify("ana") is None and signer.verify(None) is None and signer.verify(42) is None
    assert SessionSigner("another-secret-entirely").verify(session.token) is None


def test_sessions_expire(signer):
    session = signer.issue_anonymous(now=time.time() - 366 * 86400)
    assert signer.verify(session.token) is None
    customer = signer.issue("customer:c-1", now=time.time() - 25 * 3600)
    assert signer.verify(customer.token) is None


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError):
        SessionSigner("short")


# -- shop tokens -----------------------------------------------------------------------------
def test_valid_shop_token_gives_the_customer_id():
    assert customer_from_shop_token(shop_token(), SHOP_SECRET) == "customer:c-1042"


@pytest.mark.parametrize("token", [
    shop_token(secret="forged-with-another-secret"),                       # forged
    shop_token(exp_in=-3600),                                              # expired
    shop_token(exp_in=None),                                               # no expiry
    shop_token(sub=None),                                                  # no subject
    shop_token(sub="a.b|c"),                                               # not an id
    shop_token(algorithm="HS512"),                                         # another algorithm
    jwt.encode({"sub": "c-1042", "exp": int(time.time()) + 600}, key=None, algorithm="none"),
    jwt.encode({"sub": "c-1042", "exp": str(int(time.time()) + 600)}, SHOP_SECRET, algorithm="HS256"),  # exp text
    jwt.encode({"sub": "c-1042", "exp": True}, SHOP_SECRET, algorithm="HS256"),                         # exp bool
    "", None, "not.a.jwt", 12,
])
def test_bad_shop_tokens_give_no_customer(token):
    assert customer_from_shop_token(token, SHOP_SECRET) is None


def test_audience_and_issuer_when_configured():
    bound = dict(aud="shop-assistant", iss="https://shop.test")
    assert customer_from_shop_token(shop_token(**bound), SHOP_SECRET, audience="shop-assistant",
                                    issuer="https://shop.test") == "customer:c-1042"
    for claims in ({}, {"aud": "shop-assistant"}, {"iss": "https://shop.test"},
                   dict(bound, aud="newsletter"), dict(bound, iss="https://evil.example")):
        assert customer_from_shop_token(shop_token(**claims), SHOP_SECRET, audience="shop-assistant",
                                        issuer="https://shop.test") is None, claims


def test_no_shop_secret_accepts_no_token():
    assert customer_from_shop_token(shop_token(secret="x" * 32), "") is None


# -- what a page load gets -------------------------------------------------------------------
def test_page_loads(signer):
    fresh = resolve_session(signer, SHOP_SECRET)
    assert fresh.session.anonymous and not fresh.same_customer
    again = resolve_session(signer, SHOP_SECRET, None, fresh.session.token)
    assert again.session.customer_id == fresh.session.customer_id and again.same_customer

    logged_in = resolve_session(signer, SHOP_SECRET, shop_token(), again.session.token)
    assert logged_in.session.customer_id == "customer:c-1042" and not logged_in.same_customer
    other_device = resolve_session(signer, SHOP_SECRET, shop_token(), None)
    assert other_device.session.customer_id == "customer:c-1042"
    next_page = resolve_session(signer, SHOP_SECRET, shop_token(), logged_in.session.token)
    assert next_page.same_customer

    # Logged out (no token on the page) or a bad token: the customer session is not continued.
    for token in (None, shop_token(exp_in=-3600), shop_token(secret="forged-with-another-secret")):
        after = resolve_session(signer, SHOP_SECRET, token, logged_in.session.token)
        assert after.session.anonymous and not after.same_customer and not after.shop_token_valid

    # Another customer's token in the same browser: a different conversation.
    other = resolve_session(signer, SHOP_SECRET, shop_token(sub="c-7"), logged_in.session.token)
    assert other.session.customer_id == "customer:c-7" and not other.same_customer


# -- the web process's endpoint --------------------------------------------------------------
@pytest.fixture
async def client():
    app = make_app({"socket_url": "http://127.0.0.1:5005", "public_url": "http://127.0.0.1:8080",
                    "session_secret": SECRET, "shop_jwt_secret": SHOP_SECRET,
                    "visitor_days": 365, "customer_hours": 24},
                   [{"id": "P-1", "title": "Boot <b>", "brand": "B", "category": "hiking boots",
                     "price": "€10.00", "rating": 4}])
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def post_session(client, body):
    response = await client.post("/api/session", data=json.dumps(body), headers={"Content-Type": "text/plain"})
    assert response.status == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    return await response.json()


@pytest.mark.asyncio(loop_scope="session")
async def test_session_endpoint(client):
    visitor = await post_session(client, {})
    assert visitor["anonymous"] and visitor["socket_url"] == "http://127.0.0.1:5005"
    assert SessionSigner(SECRET).verify(visitor["session_id"]).anonymous

    customer = await post_session(client, {"customer_token": shop_token(), "session_id": visitor["session_id"]})
    assert not customer["anonymous"]
    assert SessionSigner(SECRET).verify(customer["session_id"]).customer_id == "customer:c-1042"

    for forged in (shop_token(secret="nope-not-the-shop"), shop_token(exp_in=-3600), "garbage"):
        refused = await post_session(client, {"customer_token": forged, "session_id": customer["session_id"]})
        assert refused["anonymous"] and not refused["keep_conversation"]

    # Choosing someone's id gets a new anonymous session, never theirs.
    chosen = await post_session(client, {"session_id": "customer:c-1042"})
    assert chosen["anonymous"] and not chosen["keep_conversation"]


@pytest.mark.asyncio(loop_scope="session")
async def test_session_endpoint_refuses_bad_bodies(client):
    assert (await client.post("/api/session", data="{not json")).status == 400
    assert (await client.post("/api/session", data="[1]")).status == 400
    assert (await client.post("/api/session", data="x" * 20000)).status == 413
    preflight = await client.options("/api/session")
    assert preflight.status == 204 and "POST" in preflight.headers["Access-Control-Allow-Methods"]


@pytest.mark.asyncio(loop_scope="session")
async def test_demo_page_and_widget_script(client):
    page = await (await client.get("/")).text()
    assert 'src="/widget.js"' in page and "Boot &lt;b&gt;" in page and "<b>" not in page.split("<main")[1]
    assert "http://127.0.0.1:8080/widget.js" in page                       # the snippet to paste
    script = await client.get("/widget.js")
    assert script.status == 200 and "rasa-webchat" in await script.text()
    assert (await client.get("/static/shop-widget.css")).status == 200
    assert (await client.get("/health")).status == 200
