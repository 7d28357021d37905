"""Issue 17 against the hardened stack (tests/security/conftest.py): limits on expensive
input, Telegram without its secret, WhatsApp signatures and replays, the console on its
own port, shop tokens bound to audience and issuer, the order webhook's edge cases."""
from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import jwt
import pytest
import requests

from bot.channels.security import twilio_signature
from bot.checkout_links import order_signature
from tests.conftest import RestClient
from tests.security.conftest import (HARDENED_ADMIN, LIMITS, ORDER_SECRET, SHOP_JWT, TWILIO_TOKEN,
                                     WHATSAPP_PUBLIC_URL)
from tests.widget_client import Widget

pytestmark = pytest.mark.e2e

TOO_FAST = "faster than I can read them"
TOO_LONG = "too long for me"


def user_texts(rest, conversation):
    tracker = rest.api(f"/conversations/{urllib.request.quote(conversation, safe=':+')}/tracker")
    return [e.get("text") for e in tracker["events"] if e.get("event") == "user"]


def rest_post(stack, sender, message, address):
    headers = dict(RestClient(stack).headers, **{"X-Forwarded-For": address})
    answer = requests.post(stack.rasa_url + "/webhooks/rest/webhook", headers=headers, timeout=120,
                           data=json.dumps({"sender": sender, "message": message}))
    return answer.status_code, answer.headers, answer.text


# -- limits -----------------------------------------------------------------------------------
def test_rest_limits_messages_per_conversation(hardened):
    rest = RestClient(hardened)
    sender = f"busy-{uuid.uuid4().hex[:8]}"
    messages = [f"hi number {n}" for n in range(LIMITS["REST_LIMIT_PER_SESSION"] + 2)]
    with ThreadPoolExecutor(len(messages)) as pool:
        answers = list(pool.map(lambda m: rest_post(hardened, sender, m, "192.0.2.10"), messages))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200] * LIMITS["REST_LIMIT_PER_SESSION"] + [429, 429], statuses
    refused = [(headers, body) for status, headers, body in answers if status == 429]
    assert all(int(headers["Retry-After"]) >= 1 and "wait a moment" in body for headers, body in refused)
    stored = user_texts(rest, rest.conversation_id(sender))
    assert len(stored) == LIMITS["REST_LIMIT_PER_SESSION"]              # refused messages never reached Rasa
    # another conversation is not held up
    assert rest_post(hardened, f"other-{uuid.uuid4().hex[:8]}", "hi", "192.0.2.10")[0] == 200


def test_rest_limits_messages_per_client_address(hardened):
    count = LIMITS["REST_LIMIT_PER_ADDRESS"] + 2
    with ThreadPoolExecutor(count) as pool:
        statuses = sorted(pool.map(lambda n: rest_post(hardened, f"addr-{n}-{uuid.uuid4().hex[:6]}", "hi",
                                                       "192.0.2.20")[0], range(count)))
    assert statuses == [200] * LIMITS["REST_LIMIT_PER_ADDRESS"] + [429, 429], statuses
    assert rest_post(hardened, f"addr-{uuid.uuid4().hex[:6]}", "hi", "192.0.2.21")[0] == 200   # another address


def test_rest_refuses_the_longest_messages_politely(hardened):
    limit = hardened.settings.max_message_chars
    assert 1000 <= limit <= 2000
    status, _, body = rest_post(hardened, f"long-{uuid.uuid4().hex[:6]}", "x" * (limit + 1), "192.0.2.30")
    assert status == 413 and "please send it in parts" in body
    assert rest_post(hardened, f"long-{uuid.uuid4().hex[:6]}", "x" * limit, "192.0.2.31")[0] == 200


async def collect_texts(widget, seconds):
    return [m.get("text") or "" for m in await widget.collect(seconds)]


def test_widget_limits_length_and_messages_per_customer(hardened):
    async def scenario():
        widget = await Widget(hardened).open(headers={"X-Forwarded-For": "192.0.2.40"})
        try:
            await widget.send("x" * (hardened.settings.max_message_chars + 1))
            too_long = await collect_texts(widget, 3)
            for n in range(LIMITS["WIDGET_LIMIT_PER_SESSION"] + 2):
                await widget.send(f"hello number {n}")
            replies = await collect_texts(widget, 25)
            return widget.session, too_long, replies
        finally:
            await widget.close()

    session, too_long, replies = asyncio.run(scenario())
    assert len(too_long) == 1 and TOO_LONG in too_long[0]
    assert sum(TOO_FAST in text for text in replies) == 2
    assert len([t for t in replies if TOO_FAST not in t]) >= LIMITS["WIDGET_LIMIT_PER_SESSION"]   # the rest answered


def test_widget_limits_messages_per_client_address(hardened):
    async def scenario():
        widgets = [await Widget(hardened).open(headers={"X-Forwarded-For": "192.0.2.50"}) for _ in range(3)]
        elsewhere = await Widget(hardened).open(headers={"X-Forwarded-For": "192.0.2.51"})
        try:
            for n in range(LIMITS["WIDGET_LIMIT_PER_SESSION"]):          # each within its own limit
                for widget in widgets:
                    await widget.send(f"hi {n}")
            texts = await asyncio.gather(*(collect_texts(widget, 20) for widget in widgets))
            other = await elsewhere.say("hi")
            return texts, other
        finally:
            for widget in widgets + [elsewhere]:
                await widget.close()

    texts, other = asyncio.run(scenario())
    sent = 3 * LIMITS["WIDGET_LIMIT_PER_SESSION"]
    assert sum(TOO_FAST in t for replies in texts for t in replies) == sent - LIMITS["WIDGET_LIMIT_PER_ADDRESS"]
    assert other and not any(TOO_FAST in (m.get("text") or "") for m in other)


# -- messaging webhooks -------------------------------------------------------------------------
def test_telegram_without_its_secret_accepts_nothing(hardened):
    rest = RestClient(hardened)
    chat = str(int(time.time() * 1000) % 10 ** 9)
    update = json.dumps({"update_id": int(chat), "message": {"message_id": 1, "chat": {"id": int(chat), "type": "private"},
                                                             "from": {"id": int(chat), "is_bot": False},
                                                             "date": int(time.time()), "text": "forget me"}})
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": ""}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
        answer = requests.post(hardened.rasa_url + "/webhooks/telegram/webhook", data=update, timeout=30,
                               headers={"Content-Type": "application/json", **headers})
        assert answer.status_code == 403 and "TELEGRAM_SECRET_TOKEN" in answer.text
    assert requests.get(hardened.rasa_url + "/webhooks/telegram/", timeout=30).json()["configured"] is False
    time.sleep(1)
    assert user_texts(rest, f"telegram:{chat}") == []


def whatsapp_form(phone, text, sid=None):
    return {"SmsMessageSid": sid or "SM" + uuid.uuid4().hex, "NumMedia": "0", "Body": text, "To": "whatsapp:+14155238886",
            "MessageSid": sid or "SM" + uuid.uuid4().hex, "AccountSid": "ACx", "From": f"whatsapp:{phone}",
            "ApiVersion": "2010-04-01"}


def send_whatsapp(stack, form, signed_url=WHATSAPP_PUBLIC_URL, host=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, signed_url, form)}
    if host:
        headers["Host"] = host
    return requests.post(stack.rasa_url + "/webhooks/whatsapp/webhook", data=urlencode(form), headers=headers,
                         timeout=30)


def wait_for_texts(rest, conversation, count, timeout=90):
    deadline = time.monotonic() + timeout
    while True:
        texts = user_texts(rest, conversation)
        if len(texts) >= count or time.monotonic() > deadline:
            return texts
        time.sleep(0.5)


def test_whatsapp_signatures_use_the_configured_url_and_replays_are_refused(hardened):
    rest = RestClient(hardened)
    phone = f"+4915{int(time.time() * 1000) % 10 ** 9:09d}"
    conversation = f"whatsapp:{phone}"
    # signed for the URL the request claims to be at (its Host header), not the one entered in Twilio
    host = "attacker.example"
    forged = send_whatsapp(hardened, whatsapp_form(phone, "forget me"),
                           signed_url=f"http://{host}/webhooks/whatsapp/webhook", host=host)
    assert forged.status_code == 403
    # a message signed for the configured URL is handled once
    form = whatsapp_form(phone, "tents under 300", sid="SM" + uuid.uuid4().hex)
    assert send_whatsapp(hardened, form).status_code == 200
    assert wait_for_texts(rest, conversation, 1) == ["tents under 300"]
    assert send_whatsapp(hardened, form).status_code == 200              # Twilio retrying: answered, not handled
    time.sleep(hardened.settings.whatsapp_retry_window_seconds + 1)
    replayed = send_whatsapp(hardened, form)                              # later: a replay
    assert replayed.status_code == 403 and "replayed" in replayed.text
    time.sleep(2)
    assert user_texts(rest, conversation) == ["tents under 300"]
    # every Twilio message has a MessageSid; without one there is nothing to tell a replay by
    unsigned = {k: v for k, v in whatsapp_form(phone, "hi").items() if "MessageSid" not in k}
    assert send_whatsapp(hardened, unsigned).status_code == 400


# -- the console on its own port ----------------------------------------------------------------
def console_login(stack, email, password, address):
    headers = {"X-Forwarded-For": address}
    page = requests.get(stack.console_url + "/login", headers=headers, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    # the cookies are Secure (https public URL): a browser would send them back over https only
    return page, requests.post(stack.console_url + "/login", headers=headers, allow_redirects=False, timeout=30,
                               data={"email": email, "password": password, "csrf_token": token},
                               cookies={"console_login_csrf": page.cookies["console_login_csrf"]})


def test_console_runs_on_its_own_port_with_secure_cookies(hardened):
    assert hardened.console_url.startswith(f"http://127.0.0.1:{hardened.settings.console_port}/")
    assert requests.get(hardened.web_url + "/console/login", timeout=30).status_code == 404
    page, answer = console_login(hardened, *HARDENED_ADMIN, "192.0.2.60")
    assert "Secure" in page.headers["Set-Cookie"] and "HttpOnly" in page.headers["Set-Cookie"]
    assert answer.status_code == 302 and "Secure" in answer.headers["Set-Cookie"]
    cookies = {"console_session": answer.cookies["console_session"]}
    for path in ("/", "/api/conversations"):
        bad = requests.get(hardened.console_url + path, params={"date_to": "9999-12-31"}, cookies=cookies, timeout=30)
        assert bad.status_code == 400 and "9998-12-31" in bad.text
    assert requests.get(hardened.console_url + "/", cookies=cookies, timeout=30).status_code == 200


def test_console_throttles_the_guesser_not_the_owner(hardened):
    guesser, owner = "198.51.100.66", "198.51.100.77"
    failures = hardened.settings.console_max_login_failures
    assert [console_login(hardened, HARDENED_ADMIN[0], "wrong-password-x", guesser)[1].status_code
            for _ in range(failures)] == [401] * failures
    assert console_login(hardened, *HARDENED_ADMIN, guesser)[1].status_code == 429
    assert console_login(hardened, *HARDENED_ADMIN, owner)[1].status_code == 302


# -- shop tokens and the order webhook ----------------------------------------------------------
def session_for(stack, claims):
    token = jwt.encode(claims, SHOP_JWT["secret"], algorithm="HS256")
    return requests.post(stack.web_url + "/api/session", json={"customer_token": token}, timeout=30).json()


def test_shop_tokens_need_a_numeric_exp_and_the_configured_audience_and_issuer(hardened):
    later = int(time.time()) + 600
    good = {"sub": "c-1", "exp": later, "aud": SHOP_JWT["aud"], "iss": SHOP_JWT["iss"]}
    assert session_for(hardened, good)["anonymous"] is False
    for bad in ({**good, "exp": str(later)}, {**good, "exp": True}, {k: v for k, v in good.items() if k != "aud"},
                {**good, "aud": "another-app"}, {k: v for k, v in good.items() if k != "iss"},
                {**good, "iss": "https://evil.example"}):
        assert session_for(hardened, bad)["anonymous"] is True, bad


@pytest.mark.parametrize("body", [
    {"order_id": "late", "customer_id": "rest:x", "completed_at": "9999-12-31T23:59:59-05:00",
     "lines": [{"product_id": "A", "quantity": 1, "unit_price": 1}]},
    b'{"order_id": "deep", "customer_id": "rest:x", "lines": ' + b"[" * 5000 + b"]" * 5000 + b"}",
])
def test_order_webhook_edge_cases_are_400s(hardened, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    answer = requests.post(hardened.web_url + "/api/orders/completed", data=raw, timeout=30,
                           headers={"Content-Type": "application/json",
                                    "X-Shop-Signature": order_signature(ORDER_SECRET, raw)})
    assert answer.status_code == 400 and answer.json()["error"]
