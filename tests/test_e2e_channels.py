"""Telegram, WhatsApp (Twilio), Messenger and Slack end to end: real-shaped,
signed webhooks into the real Rasa server and action server; the replies land
on a fake platform API (an aiohttp server in this process that records every
call), and are checked field by field - against the tracker's bot messages
rendered by bot.channels.render, and directly.

One stack for the whole module (ports 17005/17055, or TEST_CHANNELS_RASA_PORT /
TEST_CHANNELS_ACTIONS_PORT; a free port instead when one is taken)."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import sqlite3
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from aiohttp import web

from bot.channels import render
from bot.channels.security import messenger_signature, slack_signature, twilio_signature
from tests.conftest import RestClient, start_stack

pytestmark = pytest.mark.e2e

TELEGRAM_TOKEN = "123456:TEST-telegram-token"
TELEGRAM_SECRET = "tg-secret-token"
TWILIO_SID = "AC00000000000000000000000000000000"
TWILIO_TOKEN = "twilio-auth-token"
SHOP_WHATSAPP = "whatsapp:+14155238886"
WHATSAPP_PUBLIC_URL = "https://shop.example.com/webhooks/whatsapp/webhook"
MESSENGER_PAGE_TOKEN = "EAAB-page-token"
MESSENGER_APP_SECRET = "messenger-app-secret"
MESSENGER_VERIFY_TOKEN = "messenger-verify-token"
SLACK_BOT_TOKEN = "xoxb-test-token"
SLACK_SECRET = "slack-signing-secret"
REQUEST = "waterproof hiking boots under 120"
TURN_TIMEOUT = 90


# -- the fake platform APIs ------------------------------------------------------------
class FakePlatforms:
    """Telegram Bot API, Twilio Messages, Graph Send API and Slack Web API on one
    localhost port; records each call as a dict."""

    def __init__(self) -> None:
        self.calls: List[Dict[str, Any]] = []
        self._lock = threading.Lock()
        self.fail_photos_for: set = set()          # Telegram chats whose photos "cannot be fetched"
        self.refuse_images_for: set = set()        # Slack channels that refuse image blocks
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    # server
    def start(self) -> "FakePlatforms":
        self._thread.start()
        assert self._ready.wait(20), "fake platform server did not start"
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(20)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(20)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/telegram/bot{token}/{method}", self.telegram)
        app.router.add_post("/twilio/2010-04-01/Accounts/{sid}/Messages.json", self.twilio)
        app.router.add_post("/graph/me/messages", self.graph)
        app.router.add_post("/slack/{method}", self.slack)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _record(self, call: Dict[str, Any]) -> None:
        with self._lock:
            self.calls.append(call)

    async def telegram(self, request: web.Request) -> web.Response:
        body = await request.json()
        method = request.match_info["method"]
        self._record({"platform": "telegram", "token": request.match_info["token"], "method": method, "json": body})
        if method == "sendPhoto" and str(body.get("chat_id")) in self.fail_photos_for:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": "Bad Request: wrong type of the web page content"}, status=400)
        return web.json_response({"ok": True, "result": {"message_id": len(self.calls)}})

    async def twilio(self, request: web.Request) -> web.Response:
        form = dict(parse_qsl((await request.read()).decode(), keep_blank_values=True))
        self._record({"platform": "twilio", "sid": request.match_info["sid"],
                      "authorization": request.headers.get("Authorization"), "form": form})
        return web.json_response({"sid": f"SM{len(self.calls):032d}", "status": "queued"}, status=201)

    async def graph(self, request: web.Request) -> web.Response:
        body = await request.json()
        self._record({"platform": "messenger", "query": dict(request.query), "json": body})
        return web.json_response({"recipient_id": body["recipient"]["id"], "message_id": f"m_{len(self.calls)}"})

    async def slack(self, request: web.Request) -> web.Response:
        body = await request.json()
        self._record({"platform": "slack", "method": request.match_info["method"],
                      "authorization": request.headers.get("Authorization"), "json": body})
        blocks = body.get("blocks") or []
        if body.get("channel") in self.refuse_images_for and any("accessory" in b for b in blocks):
            return web.json_response({"ok": False, "error": "invalid_blocks"})
        return web.json_response({"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"})

    # queries
    def snapshot(self) -> int:
        with self._lock:
            return len(self.calls)

    def since(self, mark: int, where: Callable[[Dict[str, Any]], bool] = lambda c: True) -> List[Dict[str, Any]]:
        with self._lock:
            return [c for c in self.calls[mark:] if where(c)]

    def wait_for(self, mark: int, where: Callable[[Dict[str, Any]], bool], count: int = 1,
                 timeout: float = TURN_TIMEOUT) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.since(mark, where)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} platform call(s), got {self.since(mark, where)}")


# -- fixtures -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fake():
    platforms = FakePlatforms().start()
    yield platforms
    platforms.stop()


def free_port(preferred: int) -> str:
    """The preferred port if nothing listens there, else a free one: a server already
    on the port would answer the readiness check and the tests would talk to it."""
    import socket

    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return str(probe.getsockname()[1])
    raise RuntimeError("no free port")


@pytest.fixture(scope="module")
def channels_stack(tmp_path_factory, fake):
    var = tmp_path_factory.mktemp("channels")
    running = start_stack(var, {
        "PROFILE_DB_URL": f"sqlite:///{var}/profiles.db", "TRACKER_DB_NAME": str(var / "tracker.db"),
        "RASA_PORT": free_port(int(os.environ.get("TEST_CHANNELS_RASA_PORT", "17005"))),
        "ACTIONS_PORT": free_port(int(os.environ.get("TEST_CHANNELS_ACTIONS_PORT", "17055"))),
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE": fake.base + "/telegram",
        "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "WHATSAPP_PUBLIC_URL": WHATSAPP_PUBLIC_URL, "TWILIO_API_BASE": fake.base + "/twilio",
        "MESSENGER_PAGE_TOKEN": MESSENGER_PAGE_TOKEN, "MESSENGER_APP_SECRET": MESSENGER_APP_SECRET,
        "MESSENGER_VERIFY_TOKEN": MESSENGER_VERIFY_TOKEN, "MESSENGER_API_BASE": fake.base + "/graph",
        "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_API_BASE": fake.base + "/slack",
    })
    yield running
    running.stop()


@pytest.fixture(scope="module")
def api(channels_stack):
    return RestClient(channels_stack)


# -- helpers ------------------------------------------------------------------------------
def post(stack, path: str, body: bytes, headers: Dict[str, str]):
    request = urllib.request.Request(stack.rasa_url + path, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get(stack, path: str):
    try:
        with urllib.request.urlopen(stack.rasa_url + path, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def tracker_events(stack, sender: str) -> List[Dict[str, Any]]:
    """Straight from the tracker store's SQLite file: reading it changes nothing."""
    with sqlite3.connect(stack.settings.tracker_db_name) as db:
        try:
            rows = db.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
        except sqlite3.OperationalError:
            return []
    return [json.loads(row[0]) for row in rows]


def wait_turns(stack, sender: str, count: int) -> List[Dict[str, Any]]:
    """Wait until `count` user messages are stored. Rasa stores a turn after its last
    reply was sent, so every reply of those turns has reached the fake platform."""
    deadline = time.monotonic() + TURN_TIMEOUT
    while time.monotonic() < deadline:
        events = tracker_events(stack, sender)
        if sum(1 for e in events if e.get("event") == "user") >= count:
            return events
        time.sleep(0.2)
    raise AssertionError(f"{sender}: fewer than {count} turns stored")


def last_turn(events: List[Dict[str, Any]]):
    """(the last user event, the bot messages after it as Rasa hands them to a channel)."""
    index = max(i for i, e in enumerate(events) if e.get("event") == "user")
    bots = []
    for event in events[index + 1:]:
        if event.get("event") == "bot":
            data = {k: v for k, v in (event.get("data") or {}).items() if v is not None}
            bots.append({**data, "text": event.get("text")})
    return events[index], bots


def path_id(sender: str) -> str:
    """A conversation id in a URL path (Rasa does not decode %3A there: keep ':' and '+')."""
    return quote(sender, safe=":+")


def api_user_events(api: RestClient, sender: str) -> List[Dict[str, Any]]:
    """User messages of a conversation, via Rasa's HTTP API."""
    tracker = api.api(f"/conversations/{path_id(sender)}/tracker?include_events=ALL")
    assert tracker["sender_id"] == sender
    return [e for e in tracker["events"] if e.get("event") == "user"]


def products_of(bots) -> List[Dict[str, Any]]:
    for bot in bots:
        if (bot.get("custom") or {}).get("type") == "products":
            return bot["custom"]["products"]
    return []


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


# == Telegram ===============================================================================
def telegram_update(chat_id: str, **fields) -> Dict[str, Any]:
    return {"update_id": int(uuid.uuid4().int % 10 ** 9), **fields}


def telegram_text(chat_id: str, text: Optional[str] = None, **content) -> Dict[str, Any]:
    message = {"message_id": 1, "date": int(time.time()), "chat": {"id": int(chat_id), "type": "private",
                                                                   "first_name": "Ana"},
               "from": {"id": int(chat_id), "is_bot": False, "first_name": "Ana", "language_code": "en"}}
    if text is not None:
        message["text"] = text
    message.update(content)
    return telegram_update(chat_id, message=message)


def send_telegram(stack, update, secret: Optional[str] = TELEGRAM_SECRET, raw: Optional[bytes] = None):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return post(stack, "/webhooks/telegram/webhook", raw if raw is not None else json.dumps(update).encode(), headers)


def telegram_calls(fake, mark, chat_id):
    return [(c["method"], c["json"]) for c in fake.since(mark, lambda c: c["platform"] == "telegram"
                                                         and str(c["json"].get("chat_id")) == chat_id)]


def expected_telegram(bots, chat_id):
    return [(call.method, call.params) for bot in bots for call in render.telegram_plan(bot, chat_id).calls]


def telegram_chat() -> str:
    return str(100_000_000 + uuid.uuid4().int % 900_000_000)


def test_telegram_products_as_photos_with_inline_keyboards(channels_stack, fake, api):
    chat = telegram_chat()
    mark = fake.snapshot()
    status, _, _ = send_telegram(channels_stack, telegram_text(chat, REQUEST))
    assert status == 200
    user, bots = last_turn(wait_turns(channels_stack, f"telegram:{chat}", 1))
    assert user["text"] == REQUEST and user["input_channel"] == "telegram"
    products = products_of(bots)
    assert 3 <= len(products) <= 5 and all(p["price"] <= 120 for p in products)

    sent = telegram_calls(fake, mark, chat)
    assert sent == expected_telegram(bots, chat)
    assert all(c["token"] == TELEGRAM_TOKEN for c in fake.since(mark, lambda c: c["platform"] == "telegram"))
    photos = [params for method, params in sent if method == "sendPhoto"]
    assert len(photos) == len(products)
    for product, photo in zip(products, photos):
        assert photo["photo"] == product["image"]
        assert photo["caption"] == f"{product['title']}\n{render.money(product['price'], product['currency'])}\n" \
                                   f"{product['reason']}"
        keyboard = photo["reply_markup"]["inline_keyboard"]
        assert [[b["text"] for b in row] for row in keyboard] == [["Details", "Add to cart"],
                                                                   ["More like this", "View in shop"]]
        assert keyboard[0][0]["callback_data"] == '/ask_product_detail{"product_id":"%s"}' % product["id"]
        assert keyboard[0][1]["callback_data"] == '/add_to_cart{"product_id":"%s"}' % product["id"]
        assert keyboard[1][0]["callback_data"] == '/more_like{"product_id":"%s"}' % product["id"]
        assert keyboard[1][1]["url"] == product["url"]
        assert all(len(b.get("callback_data", "").encode()) <= 64 for row in keyboard for b in row)
    assert "1." not in "".join(p["text"] for m, p in sent if m == "sendMessage")   # the list became cards
    keyboards = [p["reply_markup"] for m, p in sent if "keyboard" in p.get("reply_markup", {})]
    assert len(keyboards) == 1 and keyboards[0]["one_time_keyboard"] is True
    size = keyboards[0]["keyboard"][0][0]["text"]

    # A tap on the reply keyboard arrives as its title and reaches Rasa as the payload.
    mark = fake.snapshot()
    assert send_telegram(channels_stack, telegram_text(chat, size))[0] == 200
    user, bots = last_turn(wait_turns(channels_stack, f"telegram:{chat}", 2))
    assert user["text"] == '/state_preference{"size":"%s"}' % size
    assert user["parse_data"]["intent"]["name"] == "state_preference"
    assert telegram_calls(fake, mark, chat) == expected_telegram(bots, chat)

    # "Add to cart" on a card: a callback_query with the payload; the press is acknowledged.
    first = products_of(bots)[0]
    mark = fake.snapshot()
    press = telegram_update(chat, callback_query={
        "id": "cq-" + unique(""), "from": {"id": int(chat), "is_bot": False, "first_name": "Ana"},
        "message": {"message_id": 5, "chat": {"id": int(chat), "type": "private"}, "date": 1},
        "chat_instance": "1", "data": '/add_to_cart{"product_id":"%s"}' % first["id"]})
    assert send_telegram(channels_stack, press)[0] == 200
    user, bots = last_turn(wait_turns(channels_stack, f"telegram:{chat}", 3))
    assert user["text"] == '/add_to_cart{"product_id":"%s"}' % first["id"]
    assert user["parse_data"]["intent"]["name"] == "add_to_cart"
    acks = fake.since(mark, lambda c: c["platform"] == "telegram" and c["method"] == "answerCallbackQuery")
    assert [a["json"] for a in acks] == [{"callback_query_id": press["callback_query"]["id"]}]
    assert telegram_calls(fake, mark, chat) == expected_telegram(bots, chat)
    assert any(f"Added the {first['title']}" in (p.get("text") or "") for _, p in telegram_calls(fake, mark, chat))

    # "More like this" on a card of a list: similar products to that one.
    mark = fake.snapshot()
    more = telegram_update(chat, callback_query={
        "id": "cq-" + unique(""), "from": {"id": int(chat)}, "message": {"chat": {"id": int(chat)}},
        "data": '/more_like{"product_id":"%s"}' % products[1]["id"]})
    assert send_telegram(channels_stack, more)[0] == 200
    user, bots = last_turn(wait_turns(channels_stack, f"telegram:{chat}", 4))
    assert f"similar to the {products[1]['title']}" in bots[0]["text"]
    assert telegram_calls(fake, mark, chat) == expected_telegram(bots, chat)
    # The HTTP API sees the same four turns (the check the refusal tests rely on).
    assert [e["text"] for e in api_user_events(api, f"telegram:{chat}")] == [
        REQUEST, '/state_preference{"size":"%s"}' % size, '/add_to_cart{"product_id":"%s"}' % first["id"],
        '/more_like{"product_id":"%s"}' % products[1]["id"]]


def test_telegram_photo_refused_falls_back_to_a_text_card(channels_stack, fake):
    chat = telegram_chat()
    fake.fail_photos_for.add(chat)
    mark = fake.snapshot()
    assert send_telegram(channels_stack, telegram_text(chat, REQUEST))[0] == 200
    _, bots = last_turn(wait_turns(channels_stack, f"telegram:{chat}", 1))
    expected = []
    for bot in bots:
        for call in render.telegram_plan(bot, chat).calls:
            expected.append((call.method, call.params))
            if call.fallback:
                expected.append((call.fallback.method, call.fallback.params))
    sent = telegram_calls(fake, mark, chat)
    assert sent == expected
    cards = [p for m, p in sent if m == "sendMessage" and "inline_keyboard" in p.get("reply_markup", {})]
    assert len(cards) == len(products_of(bots))


def test_telegram_long_button_payload_and_expired_reference(channels_stack, fake):
    chat = telegram_chat()
    mark = fake.snapshot()
    press = telegram_update(chat, callback_query={"id": "cq-" + unique(""), "from": {"id": int(chat)},
                                                  "message": {"chat": {"id": int(chat)}}, "data": "ref:unknown"})
    assert send_telegram(channels_stack, press)[0] == 200
    replies = fake.wait_for(mark, lambda c: c["platform"] == "telegram" and c["method"] == "sendMessage"
                            and c["json"]["chat_id"] == chat)
    assert replies[0]["json"] == {"chat_id": chat, "text": render.EXPIRED_BUTTON_TEXT}
    assert fake.since(mark, lambda c: c["platform"] == "telegram" and c["method"] == "answerCallbackQuery")
    assert not [e for e in tracker_events(channels_stack, f"telegram:{chat}") if e.get("event") == "user"]


@pytest.mark.parametrize("content", [
    {"sticker": {"file_id": "CAACAgIAAxk", "file_unique_id": "u", "width": 512, "height": 512, "is_animated": False}},
    {"voice": {"file_id": "AwACAgIAAxk", "file_unique_id": "v", "duration": 3, "mime_type": "audio/ogg"}},
    {"photo": [{"file_id": "AgACAgIAAxk", "file_unique_id": "p", "width": 90, "height": 90}], "caption": "this?"},
], ids=["sticker", "voice", "photo"])
def test_telegram_non_text_gets_a_polite_reply(channels_stack, fake, api, content):
    chat = telegram_chat()
    mark = fake.snapshot()
    assert send_telegram(channels_stack, telegram_text(chat, None, **content))[0] == 200
    (reply,) = fake.wait_for(mark, lambda c: c["platform"] == "telegram" and c["json"].get("chat_id") == chat)
    assert reply["method"] == "sendMessage"
    assert reply["json"] == {"chat_id": chat, "text": render.UNSUPPORTED_TEXT}
    assert api_user_events(api, f"telegram:{chat}") == []


@pytest.mark.parametrize("secret", ["wrong-secret", None], ids=["forged", "missing"])
def test_telegram_bad_secret_is_refused_and_nothing_stored(channels_stack, fake, api, secret):
    chat = telegram_chat()
    mark = fake.snapshot()
    status, _, body = send_telegram(channels_stack, telegram_text(chat, REQUEST), secret=secret)
    assert status == 403 and b"secret" in body
    time.sleep(1.0)
    assert telegram_calls(fake, mark, chat) == []
    assert api_user_events(api, f"telegram:{chat}") == []


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[]", b'{"update_id": 5, "message": {"text": "hi"}}',
                                 b'{"message": {"chat": {"id": 1}, "text": "hi"}}', b"\xff\xfe"],
                         ids=["not-json", "empty", "list", "no-chat", "no-update-id", "binary"])
def test_telegram_malformed_updates_get_400(channels_stack, raw):
    status, _, body = send_telegram(channels_stack, None, raw=raw)
    assert status == 400 and b"error" in body
    assert get(channels_stack, "/webhooks/telegram/")[0] == 200


def test_telegram_redelivered_update_is_answered_once(channels_stack, fake):
    chat = telegram_chat()
    update = telegram_text(chat, "what can you do?")
    mark = fake.snapshot()
    assert send_telegram(channels_stack, update)[0] == 200
    assert send_telegram(channels_stack, update)[0] == 200
    _, bots = last_turn(wait_turns(channels_stack, f"telegram:{chat}", 1))
    time.sleep(1.5)
    assert telegram_calls(fake, mark, chat) == expected_telegram(bots, chat)
    assert sum(1 for e in tracker_events(channels_stack, f"telegram:{chat}") if e.get("event") == "user") == 1


def test_telegram_ignores_edits_and_other_update_kinds(channels_stack, fake):
    chat = telegram_chat()
    mark = fake.snapshot()
    edited = telegram_update(chat, edited_message={"chat": {"id": int(chat)}, "text": "edited"})
    assert send_telegram(channels_stack, edited)[0] == 200
    assert send_telegram(channels_stack, telegram_update(chat, my_chat_member={"chat": {"id": int(chat)}}))[0] == 200
    time.sleep(1.0)
    assert telegram_calls(fake, mark, chat) == []


# == WhatsApp (Twilio) =========================================================================
def twilio_form(phone: str, body: str = "", **extra) -> Dict[str, str]:
    fields = {"SmsMessageSid": "SM" + uuid.uuid4().hex, "NumMedia": "0", "ProfileName": "Ana",
              "SmsSid": "SM" + uuid.uuid4().hex, "WaId": phone.lstrip("+"), "SmsStatus": "received",
              "Body": body, "To": SHOP_WHATSAPP, "NumSegments": "1", "ReferralNumMedia": "0",
              "MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": TWILIO_SID, "From": f"whatsapp:{phone}",
              "ApiVersion": "2010-04-01"}
    fields.update(extra)
    return fields


def send_whatsapp(stack, fields: Dict[str, str], signature: Optional[str] = "sign", url: str = WHATSAPP_PUBLIC_URL):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature == "sign":
        headers["X-Twilio-Signature"] = twilio_signature(TWILIO_TOKEN, url, fields)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    return post(stack, "/webhooks/whatsapp/webhook", urlencode(fields).encode(), headers)


def whatsapp_calls(fake, mark, phone):
    return fake.since(mark, lambda c: c["platform"] == "twilio" and c["form"]["To"] == f"whatsapp:{phone}")


def expected_whatsapp(bots):
    bodies, letters = [], 0
    for bot in bots:
        plan = render.whatsapp_plan(bot, letters)
        letters += sum(1 for key in plan.options if len(key) == 1 and key.isupper())
        bodies += plan.bodies
    return bodies


def whatsapp_phone() -> str:
    return "+49151" + str(uuid.uuid4().int % 10 ** 8).zfill(8)


def test_whatsapp_numbered_list_and_answering_with_a_number(channels_stack, fake, api):
    phone = whatsapp_phone()
    mark = fake.snapshot()
    status, headers, body = send_whatsapp(channels_stack, twilio_form(phone, REQUEST))
    assert status == 200 and headers["Content-Type"].startswith("text/xml") and b"<Response></Response>" in body
    user, bots = last_turn(wait_turns(channels_stack, f"whatsapp:{phone}", 1))
    assert user["text"] == REQUEST and user["input_channel"] == "whatsapp"
    products = products_of(bots)
    assert products

    sent = whatsapp_calls(fake, mark, phone)
    assert [c["form"]["Body"] for c in sent] == expected_whatsapp(bots)
    for call in sent:
        assert call["sid"] == TWILIO_SID
        assert call["form"]["From"] == SHOP_WHATSAPP and call["form"]["To"] == f"whatsapp:{phone}"
        assert call["authorization"] == "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    listing = sent[0]["form"]["Body"]
    for number, product in enumerate(products, start=1):
        assert f"{number}. *{product['title']}* - {render.money(product['price'], product['currency'])}" in listing
        assert f"   {product['reason']}\n" in listing
        assert f"   {product['url']}" in listing
    assert "Reply with the number of a product to see its details." in listing

    # "2" opens the second product of that list.
    mark = fake.snapshot()
    assert send_whatsapp(channels_stack, twilio_form(phone, "2"))[0] == 200
    user, bots = last_turn(wait_turns(channels_stack, f"whatsapp:{phone}", 2))
    assert user["text"] == '/ask_product_detail{"product_id":"%s"}' % products[1]["id"]
    assert user["parse_data"]["intent"]["name"] == "ask_product_detail"
    sent = whatsapp_calls(fake, mark, phone)
    assert [c["form"]["Body"] for c in sent] == expected_whatsapp(bots)
    assert products[1]["title"] in sent[0]["form"]["Body"]

    # A letter picks a quick reply of that turn: A is the first button sent ("Add to cart").
    first_letter_payload = next(bot["buttons"][0]["payload"] for bot in bots if bot.get("buttons"))
    assert first_letter_payload == '/add_to_cart{"product_id":"%s"}' % products[1]["id"]
    mark = fake.snapshot()
    assert send_whatsapp(channels_stack, twilio_form(phone, "a"))[0] == 200
    user, _ = last_turn(wait_turns(channels_stack, f"whatsapp:{phone}", 3))
    assert user["text"] == first_letter_payload
    assert len(api_user_events(api, f"whatsapp:{phone}")) == 3


@pytest.mark.parametrize("case", ["forged", "missing", "signed-for-another-url", "tampered"])
def test_whatsapp_bad_signature_is_refused_and_nothing_stored(channels_stack, fake, api, case):
    phone = whatsapp_phone()
    fields = twilio_form(phone, REQUEST)
    mark = fake.snapshot()
    if case == "forged":
        answer = send_whatsapp(channels_stack, fields, signature="bm90IGEgc2lnbmF0dXJl")
    elif case == "missing":
        answer = send_whatsapp(channels_stack, fields, signature=None)
    elif case == "signed-for-another-url":    # the URL Rasa sees, not the public one Twilio signs
        answer = send_whatsapp(channels_stack, fields, url=channels_stack.rasa_url + "/webhooks/whatsapp/webhook")
    else:
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, WHATSAPP_PUBLIC_URL, fields)}
        answer = post(channels_stack, "/webhooks/whatsapp/webhook",
                      urlencode(dict(fields, Body="send me everything for free")).encode(), headers)
    assert answer[0] == 403
    time.sleep(1.0)
    assert whatsapp_calls(fake, mark, phone) == []
    assert api_user_events(api, f"whatsapp:{phone}") == []


@pytest.mark.parametrize("media", [
    {"NumMedia": "1", "MediaContentType0": "audio/ogg", "MediaUrl0": "https://api.twilio.com/media/voice"},
    {"NumMedia": "1", "MediaContentType0": "image/webp", "MediaUrl0": "https://api.twilio.com/media/sticker"},
    {"Latitude": "52.52", "Longitude": "13.40"},
], ids=["voice-note", "sticker", "location"])
def test_whatsapp_media_gets_a_polite_reply(channels_stack, fake, api, media):
    phone = whatsapp_phone()
    mark = fake.snapshot()
    assert send_whatsapp(channels_stack, twilio_form(phone, "", **media))[0] == 200
    (reply,) = fake.wait_for(mark, lambda c: c["platform"] == "twilio" and c["form"]["To"] == f"whatsapp:{phone}")
    assert reply["form"] == {"To": f"whatsapp:{phone}", "From": SHOP_WHATSAPP, "Body": render.UNSUPPORTED_TEXT}
    assert api_user_events(api, f"whatsapp:{phone}") == []


def test_whatsapp_malformed_and_repeated_messages(channels_stack, fake):
    fields = {"Body": "hi", "To": SHOP_WHATSAPP}            # signed, but no sender
    assert send_whatsapp(channels_stack, fields)[0] == 400
    phone = whatsapp_phone()
    fields = twilio_form(phone, "hello")
    mark = fake.snapshot()
    assert send_whatsapp(channels_stack, fields)[0] == 200
    assert send_whatsapp(channels_stack, fields)[0] == 200   # Twilio retried the same MessageSid
    _, bots = last_turn(wait_turns(channels_stack, f"whatsapp:{phone}", 1))
    time.sleep(1.5)
    assert [c["form"]["Body"] for c in whatsapp_calls(fake, mark, phone)] == expected_whatsapp(bots)
    assert sum(1 for e in tracker_events(channels_stack, f"whatsapp:{phone}") if e.get("event") == "user") == 1


# == Messenger ================================================================================
def messenger_body(psid: str, **event) -> Dict[str, Any]:
    return {"object": "page", "entry": [{"id": "PAGE-1", "time": int(time.time() * 1000), "messaging": [
        {"sender": {"id": psid}, "recipient": {"id": "PAGE-1"}, "timestamp": int(time.time() * 1000), **event}]}]}


def send_messenger(stack, body: Any, signature: Optional[str] = "sign", raw: Optional[bytes] = None):
    data = raw if raw is not None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        headers["X-Hub-Signature-256"] = messenger_signature(MESSENGER_APP_SECRET, data)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return post(stack, "/webhooks/messenger/webhook", data, headers)


def messenger_calls(fake, mark, psid):
    return fake.since(mark, lambda c: c["platform"] == "messenger" and c["json"]["recipient"]["id"] == psid)


def expected_messenger(bots, psid):
    return [{"recipient": {"id": psid}, "messaging_type": "RESPONSE", "message": message}
            for bot in bots for message in render.messenger_messages(bot)]


def test_messenger_handshake(channels_stack):
    query = urlencode({"hub.mode": "subscribe", "hub.verify_token": MESSENGER_VERIFY_TOKEN,
                       "hub.challenge": "1158201444"})
    assert get(channels_stack, "/webhooks/messenger/webhook?" + query) == (200, b"1158201444")
    wrong = urlencode({"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"})
    assert get(channels_stack, "/webhooks/messenger/webhook?" + wrong)[0] == 403
    assert get(channels_stack, "/webhooks/messenger/webhook")[0] == 403


def test_messenger_carousel_and_postbacks(channels_stack, fake, api):
    psid = unique("PSID")
    mark = fake.snapshot()
    status, _, body = send_messenger(channels_stack, messenger_body(psid, message={"mid": unique("m_"), "text": REQUEST}))
    assert (status, body) == (200, b"EVENT_RECEIVED")
    user, bots = last_turn(wait_turns(channels_stack, f"messenger:{psid}", 1))
    assert user["text"] == REQUEST and user["input_channel"] == "messenger"
    products = products_of(bots)
    sent = messenger_calls(fake, mark, psid)
    assert [c["json"] for c in sent] == expected_messenger(bots, psid)
    assert all(c["query"] == {"access_token": MESSENGER_PAGE_TOKEN} for c in sent)
    carousels = [c["json"]["message"]["attachment"]["payload"] for c in sent
                 if c["json"]["message"].get("attachment", {}).get("payload", {}).get("template_type") == "generic"]
    assert len(carousels) == 1
    elements = carousels[0]["elements"]
    assert len(elements) == len(products) <= 10
    for product, element in zip(products, elements):
        assert element["title"] == product["title"][:80]
        assert element["subtitle"] == render.shorten(
            f"{render.money(product['price'], product['currency'])} - {product['reason']}", 80)
        assert element["image_url"] == product["image"]
        assert element["default_action"] == {"type": "web_url", "url": product["url"]}
        assert [(b["type"], b["title"]) for b in element["buttons"]] == [
            ("postback", "Details"), ("postback", "Add to cart"), ("postback", "More like this")]
        assert element["buttons"][0]["payload"] == '/ask_product_detail{"product_id":"%s"}' % product["id"]
    quick = [c["json"]["message"]["quick_replies"] for c in sent if "quick_replies" in c["json"]["message"]]
    assert len(quick) == 1 and 0 < len(quick[0]) <= 13 and all(len(q["title"]) <= 20 for q in quick[0])

    # The "Details" button of the third card.
    mark = fake.snapshot()
    postback = {"title": "Details", "payload": elements[2]["buttons"][0]["payload"], "mid": unique("m_")}
    assert send_messenger(channels_stack, messenger_body(psid, postback=postback))[0] == 200
    user, bots = last_turn(wait_turns(channels_stack, f"messenger:{psid}", 2))
    assert user["text"] == postback["payload"] and user["parse_data"]["intent"]["name"] == "ask_product_detail"
    assert [c["json"] for c in messenger_calls(fake, mark, psid)] == expected_messenger(bots, psid)
    assert products[2]["title"] in bots[0]["text"]

    # A quick reply comes back with its payload.
    mark = fake.snapshot()
    reply = quick[0][0]
    message = {"mid": unique("m_"), "text": reply["title"], "quick_reply": {"payload": reply["payload"]}}
    assert send_messenger(channels_stack, messenger_body(psid, message=message))[0] == 200
    user, bots = last_turn(wait_turns(channels_stack, f"messenger:{psid}", 3))
    assert user["text"] == reply["payload"]
    assert [c["json"] for c in messenger_calls(fake, mark, psid)] == expected_messenger(bots, psid)
    assert len(api_user_events(api, f"messenger:{psid}")) == 3


@pytest.mark.parametrize("signature", ["sha256=" + "0" * 64, None, "sha1=abc"], ids=["forged", "missing", "sha1"])
def test_messenger_bad_signature_is_refused_and_nothing_stored(channels_stack, fake, api, signature):
    psid = unique("PSID")
    mark = fake.snapshot()
    status, _, _ = send_messenger(channels_stack, messenger_body(psid, message={"mid": unique("m_"), "text": REQUEST}),
                                  signature=signature)
    assert status == 403
    time.sleep(1.0)
    assert messenger_calls(fake, mark, psid) == []
    assert api_user_events(api, f"messenger:{psid}") == []


@pytest.mark.parametrize("message", [
    {"attachments": [{"type": "image", "payload": {"url": "https://x.example/s.png", "sticker_id": 369239263222822}}],
     "sticker_id": 369239263222822},
    {"attachments": [{"type": "audio", "payload": {"url": "https://x.example/voice.mp4"}}]},
], ids=["sticker", "voice-note"])
def test_messenger_attachments_get_a_polite_reply(channels_stack, fake, api, message):
    psid = unique("PSID")
    mark = fake.snapshot()
    assert send_messenger(channels_stack, messenger_body(psid, message={"mid": unique("m_"), **message}))[0] == 200
    (reply,) = fake.wait_for(mark, lambda c: c["platform"] == "messenger" and c["json"]["recipient"]["id"] == psid)
    assert reply["json"] == {"recipient": {"id": psid}, "messaging_type": "RESPONSE",
                             "message": {"text": render.UNSUPPORTED_TEXT}}
    assert api_user_events(api, f"messenger:{psid}") == []


def test_messenger_malformed_bodies(channels_stack):
    assert send_messenger(channels_stack, {"object": "instagram", "entry": []})[0] == 404
    assert send_messenger(channels_stack, None, raw=b"{broken")[0] == 400
    assert send_messenger(channels_stack, None, raw=b'{"object": "page", "entry": 5}')[0] == 400
    assert send_messenger(channels_stack, {"object": "page", "entry": [{"messaging": [{"sender": 5}]}]})[0] == 200
    assert get(channels_stack, "/webhooks/messenger/")[0] == 200


# == Slack ====================================================================================
def slack_headers(body: bytes, *, stamp: Optional[int] = None, signature: Optional[str] = "sign",
                  content_type: str = "application/json", retry: Optional[int] = None) -> Dict[str, str]:
    stamp = int(time.time()) if stamp is None else stamp
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(stamp)}
    if signature == "sign":
        headers["X-Slack-Signature"] = slack_signature(SLACK_SECRET, str(stamp), body)
    elif signature is not None:
        headers["X-Slack-Signature"] = signature
    if retry is not None:
        headers["X-Slack-Retry-Num"] = str(retry)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return headers


def send_slack(stack, payload: Any, path: str = "/webhooks/slack/events", **options):
    body = json.dumps(payload).encode()
    return post(stack, path, body, slack_headers(body, **options))


def slack_dm(team: str, user: str, channel: str, text: str, **extra) -> Dict[str, Any]:
    return {"token": "legacy", "team_id": team, "api_app_id": "A1", "type": "event_callback",
            "event_id": unique("Ev"), "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
            "event": {"type": "message", "channel_type": "im", "user": user, "channel": channel, "text": text,
                      "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}",
                      "client_msg_id": str(uuid.uuid4()), **extra}}


def slack_calls(fake, mark, channel):
    return fake.since(mark, lambda c: c["platform"] == "slack" and c["json"].get("channel") == channel)


def expected_slack(bots, channel):
    return [{"channel": channel, **body} for body in (render.slack_message(bot) for bot in bots) if body]


def test_slack_url_verification(channels_stack):
    status, _, body = send_slack(channels_stack, {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmd",
                                                  "type": "url_verification"})
    assert status == 200 and json.loads(body) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmd"}


def test_slack_blocks_buttons_and_replays_answered_once(channels_stack, fake, api):
    team, user, channel = "T" + unique("").upper(), "U" + unique("").upper(), "D" + unique("").upper()
    sender = f"slack:{team}:{user}"
    event = slack_dm(team, user, channel, REQUEST)
    mark = fake.snapshot()
    status, headers, _ = send_slack(channels_stack, event)
    assert status == 200
    # Slack retries (it did not see our answer in time) and a duplicate delivery.
    started = time.monotonic()
    status, headers, _ = send_slack(channels_stack, event, retry=1)
    assert status == 200 and headers.get("X-Slack-No-Retry") == "1"
    assert time.monotonic() - started < 2.0            # answered at once, not after the turn
    user_event, bots = last_turn(wait_turns(channels_stack, sender, 1))
    assert send_slack(channels_stack, event, retry=2)[0] == 200
    assert send_slack(channels_stack, event)[0] == 200
    time.sleep(2.0)
    assert sum(1 for e in tracker_events(channels_stack, sender) if e.get("event") == "user") == 1
    assert user_event["text"] == REQUEST and user_event["input_channel"] == "slack"

    sent = slack_calls(fake, mark, channel)
    assert [c["json"] for c in sent] == expected_slack(bots, channel)       # one reply, not two
    assert all(c["method"] == "chat.postMessage" and c["authorization"] == f"Bearer {SLACK_BOT_TOKEN}" for c in sent)
    products = products_of(bots)
    blocks = next(c["json"]["blocks"] for c in sent if any(b.get("block_id") == "product-1" for b in c["json"]["blocks"]))
    for index, product in enumerate(products, start=1):
        section = next(b for b in blocks if b.get("block_id") == f"product-{index}")
        assert section["text"]["text"].startswith(f"*<{product['url']}|")
        assert render.money(product["price"], product["currency"]) in section["text"]["text"]
        assert section["accessory"] == {"type": "image", "image_url": product["image"],
                                        "alt_text": product["title"]}
        actions = next(b for b in blocks if b.get("block_id") == f"product-{index}-actions")
        assert [(e["text"]["text"], e["value"]) for e in actions["elements"]] == [
            ("Details", '/ask_product_detail{"product_id":"%s"}' % product["id"]),
            ("Add to cart", '/add_to_cart{"product_id":"%s"}' % product["id"]),
            ("More like this", '/more_like{"product_id":"%s"}' % product["id"])]

    # Clicking "Add to cart" (block_actions); a repeated delivery of the click adds once.
    click = {"type": "block_actions", "user": {"id": user, "username": "ana", "team_id": team},
             "api_app_id": "A1", "token": "legacy", "trigger_id": unique("trig"), "team": {"id": team, "domain": "shop"},
             "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": channel,
                           "is_ephemeral": False},
             "channel": {"id": channel, "name": "directmessage"},
             "actions": [{"action_id": "product-1-add", "block_id": "product-1-actions",
                          "text": {"type": "plain_text", "text": "Add to cart"},
                          "value": '/add_to_cart{"product_id":"%s"}' % products[0]["id"], "type": "button",
                          "action_ts": f"{time.time():.6f}"}]}
    form = urlencode({"payload": json.dumps(click)}).encode()
    headers = slack_headers(form, content_type="application/x-www-form-urlencoded")
    mark = fake.snapshot()
    assert post(channels_stack, "/webhooks/slack/interactive", form, headers)[0] == 200
    assert post(channels_stack, "/webhooks/slack/interactive", form,
                slack_headers(form, content_type="application/x-www-form-urlencoded"))[0] == 200
    user_event, bots = last_turn(wait_turns(channels_stack, sender, 2))
    time.sleep(1.5)
    assert user_event["text"] == click["actions"][0]["value"]
    assert user_event["parse_data"]["intent"]["name"] == "add_to_cart"
    assert sum(1 for e in tracker_events(channels_stack, sender) if e.get("event") == "user") == 2
    assert [c["json"] for c in slack_calls(fake, mark, channel)] == expected_slack(bots, channel)
    assert "(quantity 1)" in bots[0]["text"]
    assert len(api_user_events(api, sender)) == 2


def test_slack_refused_images_fall_back_to_blocks_without_images(channels_stack, fake):
    team, user, channel = "T" + unique("").upper(), "U" + unique("").upper(), "D" + unique("").upper()
    fake.refuse_images_for.add(channel)
    mark = fake.snapshot()
    assert send_slack(channels_stack, slack_dm(team, user, channel, REQUEST))[0] == 200
    _, bots = last_turn(wait_turns(channels_stack, f"slack:{team}:{user}", 1))
    expected = []
    for bot in bots:
        body = render.slack_message(bot)
        expected.append({"channel": channel, **body})
        if any("accessory" in b for b in body.get("blocks", [])):
            expected.append({"channel": channel, **render.slack_message(bot, images=False)})
    assert [c["json"] for c in slack_calls(fake, mark, channel)] == expected


@pytest.mark.parametrize("case", ["forged", "missing", "stale", "signed-other-body"])
def test_slack_bad_signature_is_refused_and_nothing_stored(channels_stack, fake, api, case):
    team, user, channel = "T" + unique("").upper(), "U" + unique("").upper(), "D" + unique("").upper()
    event = slack_dm(team, user, channel, REQUEST)
    body = json.dumps(event).encode()
    if case == "forged":
        headers = slack_headers(body, signature="v0=" + "ab" * 32)
    elif case == "missing":
        headers = slack_headers(body, signature=None)
    elif case == "stale":                               # a captured request replayed six minutes later
        headers = slack_headers(body, stamp=int(time.time()) - 360)
    else:
        headers = slack_headers(json.dumps(dict(event, event_id="EvOther")).encode())
    mark = fake.snapshot()
    status, _, answer = post(channels_stack, "/webhooks/slack/events", body, headers)
    assert status == 401 and b"error" in answer
    time.sleep(1.0)
    assert slack_calls(fake, mark, channel) == []
    assert api_user_events(api, f"slack:{team}:{user}") == []


def test_slack_file_uploads_get_a_polite_reply_and_bots_are_ignored(channels_stack, fake, api):
    team, user, channel = "T" + unique("").upper(), "U" + unique("").upper(), "D" + unique("").upper()
    upload = slack_dm(team, user, channel, "", subtype="file_share",
                      files=[{"id": "F1", "name": "voice.m4a", "mimetype": "audio/mp4"}])
    mark = fake.snapshot()
    assert send_slack(channels_stack, upload)[0] == 200
    (reply,) = fake.wait_for(mark, lambda c: c["platform"] == "slack" and c["json"].get("channel") == channel)
    assert reply["json"] == {"channel": channel, "text": render.slack_escape(render.UNSUPPORTED_TEXT),
                             "blocks": [{"type": "section", "text": {"type": "mrkdwn",
                                                                      "text": render.slack_escape(render.UNSUPPORTED_TEXT)}}]}
    mark = fake.snapshot()
    own = slack_dm(team, "UBOT", channel, "Here are some boots", bot_id="B1", subtype="bot_message")
    assert send_slack(channels_stack, own)[0] == 200
    assert send_slack(channels_stack, {"type": "event_callback", "team_id": team, "event_id": unique("Ev"),
                                       "event": {"type": "reaction_added", "user": user}})[0] == 200
    time.sleep(1.0)
    assert slack_calls(fake, mark, channel) == []
    assert api_user_events(api, f"slack:{team}:{user}") == []


def test_slack_malformed_payloads(channels_stack):
    body = b"{broken"
    assert post(channels_stack, "/webhooks/slack/events", body, slack_headers(body))[0] == 400
    for payload in ([], {"type": "event_callback"}, {"type": "event_callback", "event_id": "E", "team_id": "T",
                                                     "event": "text"}):
        assert send_slack(channels_stack, payload)[0] == 400
    form = b"payload=%7Bbroken"
    assert post(channels_stack, "/webhooks/slack/interactive", form,
                slack_headers(form, content_type="application/x-www-form-urlencoded"))[0] == 400
    form = b"nothing=here"
    assert post(channels_stack, "/webhooks/slack/interactive", form,
                slack_headers(form, content_type="application/x-www-form-urlencoded"))[0] == 400
    status, body = get(channels_stack, "/webhooks/slack/")
    assert status == 200 and json.loads(body) == {"status": "ok", "configured": True}


# == messages the shop starts ==================================================================
def test_shop_initiated_message_reaches_the_telegram_chat(channels_stack, fake):
    """Rasa's HTTP API with output_channel=latest (as a support console would use it)."""
    chat = telegram_chat()
    assert send_telegram(channels_stack, telegram_text(chat, "hello"))[0] == 200
    wait_turns(channels_stack, f"telegram:{chat}", 1)
    mark = fake.snapshot()
    status, _, _ = post(channels_stack, f"/conversations/{path_id('telegram:' + chat)}/trigger_intent"
                                        f"?output_channel=latest&token={channels_stack.token}",
                        json.dumps({"name": "bot_capabilities"}).encode(), {"Content-Type": "application/json"})
    assert status == 200
    (sent,) = fake.wait_for(mark, lambda c: c["platform"] == "telegram" and c["json"].get("chat_id") == chat)
    assert sent["method"] == "sendMessage" and sent["json"]["text"].startswith("I can find products for you")


# == Human handoff on messaging apps ========================================================
def _console_api(stack):
    """What the support console uses to reach a customer (bot/console/rasa_api.py)."""
    from bot.console import rasa_api

    return rasa_api, rasa_api.RasaApi(stack.rasa_url, stack.token)


def test_telegram_handoff_agent_reply_reaches_the_chat(channels_stack, fake):
    rasa_api, client = _console_api(channels_stack)
    chat = telegram_chat()
    sender = f"telegram:{chat}"
    send_telegram(channels_stack, telegram_text(chat, "can I talk to a person"))
    _, bots = last_turn(wait_turns(channels_stack, sender, 1))
    assert "colleague" in bots[0]["text"]
    mark = fake.snapshot()
    send_telegram(channels_stack, telegram_text(chat, "hello? anyone?"))
    wait_turns(channels_stack, sender, 2)
    time.sleep(1.0)
    assert telegram_calls(fake, mark, chat) == []                      # paused: the bot is silent

    asyncio.run(client.append_events(sender, [rasa_api.agent_message("Hi Ana, Maria here. How can I help?",
                                                                      "Maria")]))
    sent = telegram_calls(fake, mark, chat)
    assert [(m, p["text"]) for m, p in sent] == [("sendMessage", "Hi Ana, Maria here. How can I help?")]

    asyncio.run(client.append_events(sender, [rasa_api.resume_event(), rasa_api.listen_event()]))
    mark = fake.snapshot()
    send_telegram(channels_stack, telegram_text(chat, REQUEST))
    fake.wait_for(mark, lambda c: c["platform"] == "telegram" and c["method"] == "sendPhoto"
                  and str(c["json"].get("chat_id")) == chat)                # the bot answers again


def test_whatsapp_handoff_agent_reply_reaches_the_phone(channels_stack, fake):
    rasa_api, client = _console_api(channels_stack)
    phone = whatsapp_phone()
    sender = f"whatsapp:{phone}"
    send_whatsapp(channels_stack, twilio_form(phone, "I want to speak to a human"))
    wait_turns(channels_stack, sender, 1)
    mark = fake.snapshot()
    asyncio.run(client.append_events(sender, [rasa_api.agent_message("Maria here - what's the order number?",
                                                                      "Maria")]))
    bodies = [c["form"]["Body"] for c in whatsapp_calls(fake, mark, phone)]
    assert bodies == ["Maria here - what's the order number?"]


# == Bad input after the signature check (issue 14, 5) ===========================================
def nested_body(prefix: bytes, depth: int) -> bytes:
    return prefix + b'{"k":' * depth + b"1" + b"}" * depth + b"}"


@pytest.mark.parametrize("depth", [990, 5000])
@pytest.mark.parametrize("platform", ["telegram", "messenger", "slack-events", "slack-interactive"])
def test_deeply_nested_signed_bodies_get_400(channels_stack, platform, depth):
    """Authentic (signed) bodies nested far past any platform's payloads: a clear 400, never a 500,
    and the server keeps answering (WhatsApp posts a form, which does not nest)."""
    if platform == "telegram":
        status, _, body = send_telegram(channels_stack, None,
                                        raw=nested_body(b'{"update_id": 7, "message": ', depth))
    elif platform == "messenger":
        status, _, body = send_messenger(channels_stack, None,
                                         raw=nested_body(b'{"object": "page", "entry": ', depth))
    elif platform == "slack-events":
        raw = nested_body(b'{"type": "event_callback", "event": ', depth)
        status, _, body = post(channels_stack, "/webhooks/slack/events", raw, slack_headers(raw))
    else:
        raw = urlencode({"payload": nested_body(b'{"type": "block_actions", "actions": ', depth).decode()}).encode()
        status, _, body = post(channels_stack, "/webhooks/slack/interactive", raw,
                               slack_headers(raw, content_type="application/x-www-form-urlencoded"))
    assert status == 400 and b"nested more than" in body, (status, body[:200])
    assert get(channels_stack, f"/webhooks/{platform.split('-')[0]}/")[0] == 200
