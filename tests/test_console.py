"""Support console over real HTTP: the console mounted at /console in a parent
aiohttp app on a free port, a real SQLite tracker store written in Rasa's events
schema, a real console database (and the same on PostgreSQL)."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import subprocess
import threading
import time

import pytest
import requests
import yaml
from sqlalchemy import delete, select

from tests.conftest import ROOT, free_port, settings_for

ADMIN = ("admin@shop.example", "admin-password-1")
AGENT = ("agent@shop.example", "agent-password-1")
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(2)>"
TRICKY = 'He said: "size 42: yes" - it\'s #1\nnext line: {a: b} [x](y)'


def ts(day: str) -> float:
    return dt.datetime.fromisoformat(day + "T10:00:00+00:00").timestamp()


def known_conversations():
    from bot.console.sample import ConversationWriter, product

    alice = ConversationWriter("rest:alice", ts("2025-10-01"), "rest")
    alice.turn("hi", "greet", "action_greet", "Hi! What are you looking for?")
    alice.turn("waterproof hiking boots under 120", "request_product", "action_recommend",
               "Here are some hiking boots I'd suggest:", {"type": "products", "products": [product()]})
    alice.turn("add the first to my cart", "add_to_cart", "action_add_to_cart", "Added.")
    alice.turn("checkout", "checkout", "action_checkout", "Here is your checkout link",
               {"type": "checkout", "url": "https://shop.example.com/checkout/abc", "total": 114.99,
                "currency": "EUR"})

    bob = ConversationWriter("telegram:bob", ts("2025-10-05"), "telegram")
    evil = dict(product("EVIL-1", title=f"Boot {XSS_SCRIPT}"), url="javascript:alert(3)",
                reason=XSS_IMG)
    bob.turn("boots", "request_product", "action_recommend", "Some boots:",
             {"type": "products", "products": [evil]})
    bob.turn(f"{XSS_SCRIPT} hello {XSS_IMG}", "out_of_scope", "action_fallback", "Sorry, I can only help shopping.",
             confidence=0.31)

    carol = ConversationWriter("socketio:carol", ts("2025-10-10"), "socketio")
    carol.turn(TRICKY, "request_product", "action_recommend", "Here you go",
               {"type": "products", "products": [product()]}, confidence=0.41)
    carol.user("details of 1", "ask_product_detail", 0.88).action("action_product_details")  # no reply: failed
    carol.action("action_listen")
    carol.turn("can I talk to a person", "ask_for_human", "action_request_human", "Someone will answer.",
               {"type": "handoff", "request_id": 7})
    carol.turn("protection plan?", "ask_services", "action_offer_services", "Services:",
               {"type": "services", "for_product": "BOOT-0012",
                "services": [{"id": "boot_care_kit", "title": "Leather Boot Care Kit", "price": 14.99,
                              "currency": "EUR"}]})

    # What the erasing tracker store keeps after "forget me": events after the marker.
    dave = ConversationWriter("rest:dave", ts("2025-10-12"), "rest")
    dave.events = []
    dave.action("action_listen").turn("hello again", "greet", "action_greet", "Hi!")
    return [alice, bob, carol, dave]


class Server:
    """The console mounted at /console in a parent app, served on a free port from a thread."""

    def __init__(self, settings, console_engine=None, tracker_engine=None) -> None:
        from aiohttp import web

        from bot.console import create_console_app

        self.console_app = create_console_app(settings, console_engine, tracker_engine)
        self.parent = web.Application()
        self.parent.add_subapp("/console", self.console_app)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/console"
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(20)

    def _run(self) -> None:
        from aiohttp import web

        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(self.parent)
        self.loop.run_until_complete(self.runner.setup())
        self.loop.run_until_complete(web.TCPSite(self.runner, "127.0.0.1", self.port).start())
        self.ready.set()
        self.loop.run_forever()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(20)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(20)

    @property
    def engine(self):
        from bot.console.app import CONSOLE_KEY

        return self.console_app[CONSOLE_KEY].engine

    @property
    def tracker(self):
        from bot.console.app import CONSOLE_KEY

        return self.console_app[CONSOLE_KEY].tracker


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(server: Server, email: str, password: str) -> requests.Session:
    client = requests.Session()
    page = client.get(server.base + "/login")
    answer = client.post(server.base + "/login", data={"email": email, "password": password,
                                                        "csrf_token": csrf_of(page.text)},
                         allow_redirects=False)
    assert answer.status_code == 302, answer.text
    client.csrf = csrf_of(client.get(server.base + "/").text)
    return client


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from bot.console import db, sample

    tmp = tmp_path_factory.mktemp("console")
    settings = settings_for(tmp, CONSOLE_DB_URL=f"sqlite:///{tmp}/console.db",
                            CONSOLE_TRACKER_DB_URL=f"sqlite:///{tmp}/tracker.db",
                            CONSOLE_ADMIN_EMAIL=ADMIN[0], CONSOLE_ADMIN_PASSWORD=ADMIN[1],
                            CONSOLE_MAX_LOGIN_FAILURES="3", CONSOLE_LOCKOUT_SECONDS="120",
                            CONSOLE_MAX_IP_FAILURES="1000", CONSOLE_PAGE_SIZE="20", TRUSTED_PROXIES="127.0.0.1")
    tracker = db.make_engine(settings.console_tracker_db_url)
    sample.fill(tracker, 60, start=ts("2024-01-01"))
    sample.write(tracker, known_conversations())
    running = Server(settings)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(server):
    return login(server, *ADMIN)


@pytest.fixture(scope="module")
def agent(server, admin):
    answer = admin.post(server.base + "/admin/staff", data={"email": AGENT[0], "password": AGENT[1],
                                                            "role": "agent", "csrf_token": admin.csrf})
    assert answer.status_code == 200 and AGENT[0] in answer.text
    return login(server, *AGENT)


def audit_rows(server, action=None):
    from bot.console import db

    query = select(db.audit)
    if action:
        query = query.where(db.audit.c.action == action)
    with server.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(query)]


# -- authentication ------------------------------------------------------------------
def test_login_ok_sets_strict_httponly_cookie(server):
    client = requests.Session()
    page = client.get(server.base + "/login")
    answer = client.post(server.base + "/login", data={"email": ADMIN[0].upper(), "password": ADMIN[1],
                                                        "csrf_token": csrf_of(page.text)},
                         allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"] == "/console/"
    cookie = answer.headers["Set-Cookie"]
    assert "console_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/console/" in cookie and "Secure" not in cookie
    assert "Conversations" in client.get(server.base + "/").text
    assert any(r["action"] == "login" and r["staff_email"] == ADMIN[0] for r in audit_rows(server))


def test_wrong_password_and_unknown_account(server):
    client = requests.Session()
    for email in (ADMIN[0], "nobody@shop.example"):
        page = client.get(server.base + "/login")
        answer = client.post(server.base + "/login", data={"email": email, "password": "wrong-password",
                                                            "csrf_token": csrf_of(page.text)})
        assert answer.status_code == 401 and "Wrong e-mail or password" in answer.text
        assert "console_session" not in client.cookies
    assert client.get(server.base + "/", allow_redirects=False).status_code == 302
    # a success resets the admin's counter
    login(server, *ADMIN)


def test_login_throttling_slows_the_guesser_but_not_the_owner(server, admin):
    """Failed logins for one account from one address make that address wait; the owner,
    from their own address, logs in at once - with the same right password that the
    guesser's address is refused (429 either way: no hint whether a guess was right)."""
    from bot.console import auth

    auth.create_staff(server.engine, "locked@shop.example", "locked-password-1", "agent")

    def attempt(address, password, email="locked@shop.example"):
        client = requests.Session()
        headers = {"X-Forwarded-For": address}           # the console trusts 127.0.0.1 as a proxy here
        page = client.get(server.base + "/login", headers=headers)
        return client.post(server.base + "/login", headers=headers, allow_redirects=False, data={
            "email": email, "password": password, "csrf_token": csrf_of(page.text)})

    guesser, owner = "203.0.113.9", "198.51.100.7"
    assert [attempt(guesser, "nope").status_code for _ in range(3)] == [401, 401, 401]
    for password in ("still-wrong", "locked-password-1"):
        throttled = attempt(guesser, password)
        assert throttled.status_code == 429 and "Too many failed logins. Try again in" in throttled.text
    assert attempt(owner, "locked-password-1").status_code == 302          # the owner is not denied
    assert attempt(guesser, ADMIN[1], ADMIN[0]).status_code == 302          # nor other accounts there
    throttled = [row for row in audit_rows(server, "login_throttled")
                 if row["target"] == f"pair:locked@shop.example|{guesser}"]
    assert throttled and "next attempt in 30 s" in throttled[0]["detail"]
    assert audit_rows(server, "login_refused_locked")


def test_login_backoff_doubles_then_is_forgotten(tmp_path):
    from bot.console import auth, db

    engine = db.make_engine(f"sqlite:///{tmp_path}/console.db")
    db.create_console_tables(engine)
    now = [1000.0]
    guard = auth.LoginGuard(engine, max_failures=3, max_ip_failures=100, lockout_seconds=600,
                            backoff_seconds=10, clock=lambda: now[0])

    def wait_after_failure():
        guard.failed("a@shop.example", "10.0.0.1")
        try:
            guard.check("a@shop.example", "10.0.0.1")
        except auth.LoginLocked as locked:
            return round(locked.seconds)
        return 0

    waits = []
    for _ in range(9):
        waits.append(wait_after_failure())
        now[0] += waits[-1] + 1                          # the guesser waits as told, then tries again
    assert waits == [0, 0, 10, 20, 40, 80, 160, 320, 600]  # doubling, up to the lockout
    guard.check("a@shop.example", "10.0.0.2")            # another address: no wait at all
    guard.check("b@shop.example", "10.0.0.1")            # another account from that address: none either
    now[0] += 601                                        # quiet for a lockout: counting starts afresh
    assert wait_after_failure() == 0
    guard.failed("a@shop.example", "10.0.0.1")
    guard.succeeded("a@shop.example", "10.0.0.1")        # the right password clears it
    assert wait_after_failure() == 0


def test_login_without_csrf_token_is_refused(server):
    client = requests.Session()
    answer = client.post(server.base + "/login", data={"email": ADMIN[0], "password": ADMIN[1]})
    assert answer.status_code == 403
    client.get(server.base + "/login")
    answer = client.post(server.base + "/login", data={"email": ADMIN[0], "password": ADMIN[1],
                                                        "csrf_token": "forged"})
    assert answer.status_code == 403


def test_login_csrf_is_bound_to_a_pre_login_session_the_server_issued(server):
    import secrets

    def post(cookie, token):
        return requests.post(server.base + "/login", data={"email": ADMIN[0], "password": ADMIN[1],
                                                           "csrf_token": token},
                             cookies={"console_login_csrf": cookie}, allow_redirects=False)

    # a plain double submit (any equal cookie and form value, e.g. planted by another site) is refused
    made_up = secrets.token_urlsafe(32)
    assert post(made_up, made_up).status_code == 403
    # the form token of one pre-login session does not fit another's cookie
    first, second = requests.get(server.base + "/login"), requests.get(server.base + "/login")
    assert first.cookies["console_login_csrf"] != second.cookies["console_login_csrf"]
    assert post(second.cookies["console_login_csrf"], csrf_of(first.text)).status_code == 403
    # the right pair logs in once; the pre-login session is then gone
    assert post(first.cookies["console_login_csrf"], csrf_of(first.text)).status_code == 302
    assert post(first.cookies["console_login_csrf"], csrf_of(first.text)).status_code == 403


def test_csrf_and_session_tokens_are_stored_hashed(server, admin):
    from bot.console import db

    with server.engine.connect() as connection:
        stored = [tuple(row) for row in connection.execute(select(db.sessions.c.token_hash, db.sessions.c.csrf_token))]
        prelogin = [row[0] for row in connection.execute(select(db.login_sessions.c.token_hash))]
    assert stored and all(len(a) == 64 and len(b) == 64 for a, b in stored)
    assert admin.csrf not in {value for row in stored for value in row}
    assert admin.cookies["console_session"] not in {value for row in stored for value in row}
    page = requests.get(server.base + "/login")
    with server.engine.connect() as connection:
        prelogin = [row[0] for row in connection.execute(select(db.login_sessions.c.token_hash))]
    assert page.cookies["console_login_csrf"] not in prelogin and csrf_of(page.text) not in prelogin


def test_csrf_rejection_on_every_form(server, admin):
    sender = "/conversations/rest:alice"
    forms = [(sender + "/notes", {"text": "forged"}), (sender + "/tags", {"tag": "forged"}),
             (sender + "/tags/remove", {"tag": "x"}),
             (sender + "/misunderstood", {"event_id": "1", "intent": "greet"}),
             (sender + "/misunderstood/remove", {"event_id": "1"}),
             ("/admin/staff", {"email": "x@shop.example", "password": "xxxxxxxxxxxx", "role": "admin"}),
             ("/admin/staff/1/active", {"active": "0"}), ("/logout", {})]
    for path, data in forms:
        for token in (None, "wrong-token"):
            body = dict(data, csrf_token=token) if token else data
            answer = admin.post(server.base + path, data=body, allow_redirects=False)
            assert answer.status_code == 403, (path, token, answer.status_code)
    # the forged note was not stored, the session still works
    assert "forged" not in admin.get(server.base + sender).text
    with server.engine.connect() as connection:
        from bot.console import db

        assert connection.execute(select(db.staff).where(db.staff.c.email == "x@shop.example")).first() is None


def _route_urls(server):
    """Every route of the console app, placeholders filled in, with its method."""
    urls = []
    for route in server.console_app.router.routes():
        if route.method == "HEAD":
            continue
        info = route.resource.get_info()
        path = info.get("path") or info.get("formatter")
        path = re.sub(r"\{sender_id\}", "rest:alice", path)
        path = re.sub(r"\{staff_id[^}]*\}", "1", path)
        assert "{" not in path, path
        urls.append((route.method, route.name, path))
    return urls


def test_every_route_denied_without_session(server):
    urls = _route_urls(server)
    assert len(urls) >= 20
    assert ("GET", "experiments", "/console/experiments") in urls
    for method, name, path in urls:
        answer = requests.request(method, f"http://127.0.0.1:{server.port}{path}", allow_redirects=False)
        if name in ("login", "login_post"):
            assert answer.status_code in (200, 403), (name, answer.status_code)  # login POST: no CSRF
            continue
        if name == "static_css":     # public, so the login page is styled; it holds no data
            assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/css")
            continue
        if name.startswith("api_"):
            assert answer.status_code == 401 and answer.json() == {"error": "login required"}, name
        else:
            assert answer.status_code == 302, (name, answer.status_code)
            assert answer.headers["Location"] == "/console/login", name
        assert "alice" not in answer.text and "hiking" not in answer.text
    # unknown URLs and a forged cookie are no way in either
    assert requests.get(server.base + "/nothing-here", allow_redirects=False).status_code == 302
    forged = requests.get(server.base + "/api/conversations", cookies={"console_session": "forged"})
    assert forged.status_code == 401


def test_agent_denied_admin_pages(server, admin, agent):
    for path in ("/admin/staff", "/admin/audit"):
        assert agent.get(server.base + path).status_code == 403
    answer = agent.post(server.base + "/admin/staff", data={
        "email": "sneaky@shop.example", "password": "sneaky-password", "role": "admin",
        "csrf_token": agent.csrf})
    assert answer.status_code == 403
    assert agent.get(server.base + "/").status_code == 200
    assert "Staff" not in agent.get(server.base + "/").text.split("<main>")[0]
    assert admin.get(server.base + "/admin/staff").status_code == 200


def test_admin_lists_creates_and_disables_accounts(server, admin):
    answer = admin.post(server.base + "/admin/staff", data={
        "email": "temp@shop.example", "password": "temp-password-1", "role": "agent", "csrf_token": admin.csrf})
    assert answer.status_code == 200 and "temp@shop.example" in answer.text
    short = admin.post(server.base + "/admin/staff", data={
        "email": "short@shop.example", "password": "short", "role": "agent", "csrf_token": admin.csrf})
    assert short.status_code == 400 and "at least 10" in short.text
    temp = login(server, "temp@shop.example", "temp-password-1")
    from bot.console import db

    with server.engine.connect() as connection:
        temp_id = connection.execute(select(db.staff.c.id).where(db.staff.c.email == "temp@shop.example")).scalar()
    answer = admin.post(server.base + f"/admin/staff/{temp_id}/active", data={"active": "0", "csrf_token": admin.csrf})
    assert answer.status_code == 200 and "disabled" in answer.text
    # the disabled account's session ends at once, and it cannot log in again
    assert temp.get(server.base + "/api/conversations").status_code == 401
    client = requests.Session()
    page = client.get(server.base + "/login")
    assert client.post(server.base + "/login", data={"email": "temp@shop.example", "password": "temp-password-1",
                                                      "csrf_token": csrf_of(page.text)}).status_code == 401
    actions = {(r["action"], r["target"]) for r in audit_rows(server)}
    assert ("staff_created", "temp@shop.example") in actions
    assert ("staff_disabled", "temp@shop.example") in actions


def test_logout_ends_the_session(server):
    client = login(server, *ADMIN)
    cookie = client.cookies["console_session"]
    assert client.post(server.base + "/logout", data={"csrf_token": client.csrf},
                       allow_redirects=False).status_code == 302
    stolen = requests.get(server.base + "/api/conversations", cookies={"console_session": cookie})
    assert stolen.status_code == 401


# -- list, search, filters -----------------------------------------------------------------
def api_list(client, server, **query):
    answer = client.get(server.base + "/api/conversations", params=query)
    assert answer.status_code == 200, answer.text
    return answer.json()


def senders(result):
    return [item["sender_id"] for item in result["items"]]


def test_list_newest_first_and_paginated(server, admin):
    first = api_list(admin, server)
    assert first["total"] == 64 and first["pages"] == 4 and len(first["items"]) == 20
    assert senders(first)[:4] == ["rest:dave", "socketio:carol", "telegram:bob", "rest:alice"]
    seen = []
    for page in range(1, 5):
        seen += senders(api_list(admin, server, page=page))
    assert len(seen) == 64 and len(set(seen)) == 64
    last_at = [item["last_at"] for item in first["items"]]
    assert last_at == sorted(last_at, reverse=True)
    html = admin.get(server.base + "/", params={"page": 2}).text
    assert "page 2 of 4" in html and 'rel="next"' in html and 'rel="prev"' in html


def test_search_by_text_and_customer(server, admin):
    assert senders(api_list(admin, server, q="WATERPROOF hiking")) == ["rest:alice"]
    assert senders(api_list(admin, server, q="size 42: yes")) == ["socketio:carol"]
    assert senders(api_list(admin, server, q="100%_")) == []  # LIKE wildcards are literal
    assert senders(api_list(admin, server, customer="bob")) == ["telegram:bob"]
    numbered = api_list(admin, server, customer="customer-00001")
    assert len(numbered["items"]) == 1 and numbered["items"][0]["sender_id"].endswith("customer-00001")
    html = admin.get(server.base + "/", params={"q": "hiking boots under 120"}).text
    assert "rest:alice" in html and "1 conversations" in html
    assert audit_rows(server, "search")


def test_filters_channel_dates_outcomes(server, admin):
    telegram = api_list(admin, server, channel="telegram")
    assert "telegram:bob" in senders(telegram)
    assert all(item["channel"] == "telegram" for item in telegram["items"])
    ranged = api_list(admin, server, date_from="2025-10-04", date_to="2025-10-10")
    assert senders(ranged) == ["socketio:carol", "telegram:bob"]
    assert senders(api_list(admin, server, date_from="2025-10-12")) == ["rest:dave"]

    def with_outcome(outcome):
        return set(senders(api_list(admin, server, outcome=outcome, date_from="2025-10-01")))

    assert with_outcome("products_shown") == {"rest:alice", "telegram:bob", "socketio:carol"}
    assert with_outcome("added_to_cart") == {"rest:alice"}
    assert with_outcome("checkout") == {"rest:alice"}
    assert with_outcome("handoff") == {"socketio:carol"}
    assert with_outcome("fallback") == {"telegram:bob"}
    assert with_outcome("erased") == {"rest:dave"}
    combined = api_list(admin, server, channel="rest", outcome="checkout")
    assert "rest:alice" in senders(combined)
    assert all(i["channel"] == "rest" and "checkout" in i["outcomes"] for i in combined["items"])
    bad = admin.get(server.base + "/api/conversations", params={"date_from": "yesterday"})
    assert bad.status_code == 400
    nonsense = admin.get(server.base + "/", params={"outcome": "nonsense"})
    assert nonsense.status_code == 400 and "unknown outcome" in nonsense.text
    # the day after 9999-12-31 does not exist: a clear 400 on the page and the API, never a 500
    for edge in ({"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}):
        page = admin.get(server.base + "/", params=edge)
        assert page.status_code == 400 and "a date from 1970-01-01 to 9998-12-31" in page.text
        api = admin.get(server.base + "/api/conversations", params=edge)
        assert api.status_code == 400 and "9998-12-31" in api.json()["error"]
    assert senders(api_list(admin, server, date_to="9998-12-31", channel="telegram")) == senders(telegram)


# -- transcript -------------------------------------------------------------------------------
def test_transcript_renders_messages_cards_intents(server, admin):
    html = admin.get(server.base + "/conversations/rest:alice").text
    order = [html.index(s) for s in ("waterproof hiking boots under 120", "Trailmark Ridgeline GTX",
                                     "add the first to my cart", "checkout link: <a href=\"https://shop.example.com/checkout/abc\"")]
    assert order == sorted(order)
    assert "114.99 EUR" in html and "Waterproof, as you asked" in html
    assert 'href="https://shop.example.com/products/BOOT-0012"' in html
    assert "<b>request_product</b> (0.93)" in html
    assert "2025-10-01 10:00" in html
    carol = admin.get(server.base + "/conversations/socketio:carol").text
    assert "action_product_details &mdash; failed" in carol and 'class="action failed"' in carol
    assert "action_recommend &mdash; failed" not in carol
    assert "Leather Boot Care Kit" in carol and "services for BOOT-0012" in carol
    assert "asked for a person (request 7)" in carol
    assert "<b>request_product</b> (0.41)" in carol
    assert admin.get(server.base + "/conversations/nobody-here").status_code == 404
    assert audit_rows(server, "view_conversation")


def test_customer_text_is_escaped(server, admin):
    html = admin.get(server.base + "/conversations/telegram:bob").text
    assert XSS_SCRIPT not in html and "<img src=x" not in html and "onerror=alert(2)>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; hello &lt;img src=x onerror=alert(2)&gt;" in html
    assert "Boot &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html
    listed = admin.get(server.base + "/", params={"customer": "bob"}).text
    assert XSS_SCRIPT not in listed and "&lt;script&gt;" in listed
    answer = admin.get(server.base + "/conversations/telegram:bob")
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    # notes and tags written by staff are escaped too
    admin.post(server.base + "/conversations/telegram:bob/notes", data={"text": XSS_IMG, "csrf_token": admin.csrf})
    assert XSS_IMG not in admin.get(server.base + "/conversations/telegram:bob").text


# -- annotation and exports ---------------------------------------------------------------------
def user_event_id(server, sender_id, text):
    from bot.console import db

    with server.tracker.connect() as connection:
        for row in connection.execute(select(db.events).where(db.events.c.sender_id == sender_id,
                                                              db.events.c.type_name == "user")):
            if json.loads(row.data)["text"] == text:
                return row.id
    raise AssertionError(text)


def test_tags_notes_and_marks(server, admin):
    base = server.base + "/conversations/socketio:carol"
    assert admin.post(base + "/tags", data={"tag": "needs-review", "csrf_token": admin.csrf}).status_code == 200
    assert admin.post(base + "/tags", data={"tag": "<bad>", "csrf_token": admin.csrf}).status_code == 400
    assert admin.post(base + "/notes", data={"text": "Customer wanted size 42", "csrf_token": admin.csrf}).status_code == 200
    event_id = user_event_id(server, "socketio:carol", TRICKY)
    answer = admin.post(base + "/misunderstood", data={"event_id": str(event_id), "intent": "state_preference",
                                                        "csrf_token": admin.csrf})
    assert answer.status_code == 200
    html = answer.text
    assert "needs-review" in html and "Customer wanted size 42" in html
    assert "should be <b>state_preference</b>" in html
    bad = admin.post(base + "/misunderstood", data={"event_id": str(event_id), "intent": "not_an_intent",
                                                     "csrf_token": admin.csrf})
    assert bad.status_code == 400
    other = user_event_id(server, "rest:alice", "hi")
    assert admin.post(base + "/misunderstood", data={"event_id": str(other), "intent": "greet",
                                                      "csrf_token": admin.csrf}).status_code == 404
    hi = user_event_id(server, "socketio:carol", "details of 1")
    admin.post(base + "/misunderstood", data={"event_id": str(hi), "intent": "compare_products", "csrf_token": admin.csrf})
    assert "should be <b>compare_products</b>" in admin.get(base).text
    removed = admin.post(base + "/misunderstood/remove", data={"event_id": str(hi), "csrf_token": admin.csrf})
    assert removed.status_code == 200 and "should be <b>compare_products</b>" not in removed.text
    api = admin.get(server.base + "/api/conversations/socketio:carol").json()
    assert api["tags"] == ["needs-review"] and api["marks"] == {str(event_id): "state_preference"}
    assert senders(api_list(admin, server, tag="needs-review")) == ["socketio:carol"]
    assert api_list(admin, server, customer="carol")["items"][0]["tags"] == ["needs-review"]
    assert ">needs-review</a>" in admin.get(server.base + "/", params={"customer": "carol"}).text
    assert senders(api_list(admin, server, tag="needs")) == []
    admin.post(base + "/tags/remove", data={"tag": "needs-review", "csrf_token": admin.csrf})
    assert senders(api_list(admin, server, tag="needs-review")) == []
    assert "needs-review" not in admin.get(base).text
    actions = [(r["staff_email"], r["action"], r["target"]) for r in audit_rows(server)]
    for action in ("tag_added", "tag_removed", "note_added", "marked_misunderstood", "unmarked_misunderstood"):
        assert (ADMIN[0], action, "socketio:carol") in actions


def test_nlu_export_is_valid_yaml(server, admin):
    for sender, text, intent in (("socketio:carol", TRICKY, "state_preference"),
                                 ("telegram:bob", f"{XSS_SCRIPT} hello {XSS_IMG}", "greet"),
                                 ("rest:alice", "checkout", "checkout")):
        admin.post(server.base + f"/conversations/{sender}/misunderstood",
                   data={"event_id": str(user_event_id(server, sender, text)), "intent": intent,
                         "csrf_token": admin.csrf})
    answer = admin.get(server.base + "/export/nlu.yml")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    document = yaml.safe_load(answer.text)
    assert document["version"] == "3.1"
    examples = {entry["intent"]: entry["examples"] for entry in document["nlu"]}
    assert set(examples) == {"state_preference", "greet", "checkout"}
    lines = examples["state_preference"].splitlines()
    assert lines == ['- He said: "size 42: yes" - it\'s #1 next line: {a: b} (x)(y)']
    assert examples["greet"].splitlines() == [f"- {XSS_SCRIPT} hello {XSS_IMG}"]
    assert audit_rows(server, "export_nlu")
    rasa_python = ROOT / ".venv-rasa" / "bin" / "python"
    if rasa_python.exists():  # Rasa's own reader accepts it
        check = ("import sys; from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader; "
                 "data = RasaYAMLReader().reads(sys.stdin.read()); "
                 "print(sorted((m.get('intent'), m.get('text')) for m in data.training_examples))")
        out = subprocess.run([str(rasa_python), "-c", check], input=answer.text, capture_output=True,
                             text=True, timeout=120, check=True).stdout
        assert "('state_preference', 'He said: \"size 42: yes\" - it\\'s #1 next line: {a: b} (x)(y)')" in out
        assert "('checkout', 'checkout')" in out


def test_story_export(server, admin):
    event_id = user_event_id(server, "socketio:carol", TRICKY)
    admin.post(server.base + "/conversations/socketio:carol/misunderstood",
               data={"event_id": str(event_id), "intent": "state_preference", "csrf_token": admin.csrf})
    answer = admin.get(server.base + "/conversations/socketio:carol/story.yml")
    assert answer.status_code == 200
    story = yaml.safe_load(answer.text)["stories"][0]
    assert story["story"] == "conversation socketio:carol"
    steps = story["steps"]
    assert steps[0] == {"user": 'He said: "size 42: yes" - it\'s #1 next line: {a: b} (x)(y)\n',
                        "intent": "state_preference"}
    assert steps[1] == {"action": "action_recommend"}
    assert {"action": "action_request_human"} in steps
    assert all("action_listen" != step.get("action") for step in steps)
    assert audit_rows(server, "export_story")


def test_metrics_page(server, admin):
    html = admin.get(server.base + "/metrics").text
    assert "<svg" in html and "products shown" in html and "telegram" in html
    assert "Handoff rate" in html and "Added to cart" in html
    assert "could not handle" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; hello" in html and "<script>alert(1)" not in html
    assert audit_rows(server, "view_metrics")


def test_experiment_report_matches_the_cli(server, admin, agent):
    """The figures on /console/experiments are those of `python -m bot experiments report`."""
    import os
    import sys

    from actions.profiles import ProfileStore
    from bot.console.app import CONSOLE_KEY

    settings = server.console_app[CONSOLE_KEY].settings
    store = ProfileStore(settings.profile_db_url)
    try:
        for n, variant in enumerate(["control"] * 40 + ["behaviour"] * 37):
            customer = f"exp-{n}"
            store.record_exposure("behaviour_ranking", customer, variant)
            if n % 7 == 0 or (variant == "behaviour" and n % 3 == 0):
                store.record_outcome("behaviour_ranking", customer, "checkout")
    finally:
        store.dispose()
    cli = subprocess.run([sys.executable, "-m", "bot", "experiments", "report"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env={**os.environ, "PROFILE_DB_URL": settings.profile_db_url})
    assert cli.returncode == 0, cli.stderr
    expected = [[cell.strip() for cell in line.strip("|").split("|")]
                for line in cli.stdout.splitlines() if line.startswith("| behaviour_ranking")]
    assert len(expected) == 2
    html = agent.get(server.base + "/experiments").text                   # agents may read it too
    shown = [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row)]
             for row in re.findall(r"<tr>(<td>.*?)</tr>", html.split("experiment-report")[1], re.S)]
    # CLI: experiment | goal | variant | exposed | converted | conversion | interval
    assert [[e[1], e[2], e[3], e[4], e[5], e[6].replace(" ", "")] for e in expected] == \
        [[s[0], s[1], s[2], s[3], s[4], s[5].replace(" ", "")] for s in shown]
    assert "95%" in html and "inactive" in html and "goal: checkout" in html
    assert audit_rows(server, "view_experiments")


def test_filter_by_customer_type(server, admin):
    """Types kept in the profile store when the assistant computes them (issue 5: "once known")."""
    from actions.profiles import ProfileStore
    from bot.console.app import CONSOLE_KEY

    store = ProfileStore(server.console_app[CONSOLE_KEY].settings.profile_db_url)
    try:
        for sender, kind in (("rest:alice", "lapsed"), ("telegram:bob", "deal_seeker")):
            store.start_session(sender)
            store.set_customer_type(sender, kind)
    finally:
        store.dispose()
    listed = admin.get(server.base + "/api/conversations", params={"customer_type": "lapsed"}).json()
    assert [i["sender_id"] for i in listed["items"]] == ["rest:alice"] and listed["total"] == 1
    page = admin.get(server.base + "/", params={"customer_type": "deal_seeker"}).text
    assert "telegram:bob" in page and "rest:alice" not in page and "1 conversations" in page
    assert '<option value="deal_seeker" selected>' in page
    assert admin.get(server.base + "/api/conversations", params={"customer_type": "brand_advocate"}).json()["total"] == 0
    bad = admin.get(server.base + "/api/conversations", params={"customer_type": "x' OR 1=1"})
    assert bad.status_code == 400 and "customer type" in bad.json()["error"]
    assert admin.get(server.base + "/api/conversations").json()["total"] > 2      # no filter: everyone


def test_erasure_drops_what_the_console_kept(server, admin):
    from bot.console import db
    from bot.console.sample import ConversationWriter, write

    erin = ConversationWriter("rest:erin", ts("2025-10-20"), "rest")
    erin.turn("my address is 1 Secret Street", "state_preference", "action_recommend", "Noted.")
    write(server.tracker, [erin])
    assert senders(api_list(admin, server, q="secret street")) == ["rest:erin"]
    event_id = user_event_id(server, "rest:erin", "my address is 1 Secret Street")
    base = server.base + "/conversations/rest:erin"
    admin.post(base + "/misunderstood", data={"event_id": str(event_id), "intent": "greet", "csrf_token": admin.csrf})
    admin.post(base + "/notes", data={"text": "lives on Secret Street", "csrf_token": admin.csrf})
    # "forget me": the tracker store deletes the conversation, keeping what follows the marker
    with server.tracker.begin() as connection:
        connection.execute(delete(db.events).where(db.events.c.sender_id == "rest:erin"))
    after = ConversationWriter("rest:erin", ts("2025-10-21"), "rest")
    after.events = []
    after.action("action_listen")
    write(server.tracker, [after])
    assert senders(api_list(admin, server, q="secret street")) == []
    assert "rest:erin" in senders(api_list(admin, server, outcome="erased"))
    html = admin.get(base).text
    assert "Secret Street" not in html and "asked to be forgotten" in html
    assert "Secret Street" not in admin.get(server.base + "/export/nlu.yml").text
    assert audit_rows(server, "conversation_erased")


def test_audit_page_lists_agent_actions(server, admin, agent):
    agent.get(server.base + "/conversations/rest:alice")
    html = admin.get(server.base + "/admin/audit").text
    assert "view_conversation" in html and AGENT[0] in html and "login" in html


# -- PostgreSQL ---------------------------------------------------------------------------------
def test_postgresql_tracker_and_console_db(postgres_database, tmp_path):
    from bot.console import db, sample

    url = postgres_database.render_as_string(hide_password=False)
    settings = settings_for(tmp_path, CONSOLE_DB_URL=url, CONSOLE_TRACKER_DB_URL=url,
                            CONSOLE_ADMIN_EMAIL=ADMIN[0], CONSOLE_ADMIN_PASSWORD=ADMIN[1],
                            CONSOLE_MAX_IP_FAILURES="1000", CONSOLE_PAGE_SIZE="20")
    tracker = db.make_engine(url)
    sample.fill(tracker, 30, start=ts("2024-01-01"))
    sample.write(tracker, known_conversations())
    running = Server(settings)
    try:
        client = login(running, *ADMIN)
        assert api_list(client, running)["total"] == 34
        assert senders(api_list(client, running))[:2] == ["rest:dave", "socketio:carol"]
        assert senders(api_list(client, running, q="size 42: yes")) == ["socketio:carol"]
        assert senders(api_list(client, running, customer="bob")) == ["telegram:bob"]
        assert set(senders(api_list(client, running, outcome="handoff", date_from="2025-10-01"))) == {"socketio:carol"}
        assert senders(api_list(client, running, date_from="2025-10-04", date_to="2025-10-10")) == \
            ["socketio:carol", "telegram:bob"]
        html = client.get(running.base + "/conversations/telegram:bob").text
        assert XSS_SCRIPT not in html and "&lt;script&gt;" in html
        assert requests.get(running.base + "/api/conversations").status_code == 401
    finally:
        running.stop()
        running.engine.dispose()
        tracker.dispose()


# -- Rasa's own tracker store -------------------------------------------------------------------
def test_reads_what_rasas_tracker_store_writes(tmp_path):
    """Events written by Rasa 3.6 (the project's erasing SQL tracker store), erasure included."""
    rasa_python = ROOT / ".venv-rasa" / "bin" / "python"
    if not rasa_python.exists():
        pytest.skip("no .venv-rasa")
    tracker_db = tmp_path / "tracker.db"

    def rasa(mode):
        subprocess.run([str(rasa_python), str(ROOT / "tests" / "console_rasa_writer.py"), str(tracker_db), mode],
                       check=True, capture_output=True, timeout=180)

    rasa("write")
    settings = settings_for(tmp_path, CONSOLE_DB_URL=f"sqlite:///{tmp_path}/console.db",
                            CONSOLE_TRACKER_DB_URL=f"sqlite:///{tracker_db}",
                            CONSOLE_ADMIN_EMAIL=ADMIN[0], CONSOLE_ADMIN_PASSWORD=ADMIN[1])
    running = Server(settings)
    try:
        client = login(running, *ADMIN)
        listed = api_list(client, running)
        assert sorted(senders(listed)) == ["real:ana", "real:forgotten"]
        assert all(i["channel"] == "telegram" and "products_shown" in i["outcomes"] for i in listed["items"])
        html = client.get(running.base + "/conversations/real:ana").text
        assert "&lt;b&gt;boots&lt;/b&gt; under 120" in html and "<b>boots</b>" not in html
        assert "Real Boot" in html and "99.0 EUR" in html and "<b>request_product</b> (0.97)" in html
        assert senders(api_list(client, running, q="secret street")) == ["real:forgotten"]
        rasa("erase")
        assert senders(api_list(client, running, q="secret street")) == []
        assert senders(api_list(client, running, outcome="erased")) == ["real:forgotten"]
        assert "secret" not in client.get(running.base + "/conversations/real:forgotten").text
    finally:
        running.stop()


# -- command line ---------------------------------------------------------------------------------
def test_create_admin_cli_and_standalone_server(tmp_path):
    import os
    import sys

    env = dict(os.environ, SHOP_VAR_DIR=str(tmp_path), CONSOLE_DB_URL=f"sqlite:///{tmp_path}/console.db",
               CONSOLE_TRACKER_DB_URL=f"sqlite:///{tmp_path}/tracker.db", CONSOLE_ADMIN_EMAIL="",
               CONSOLE_ADMIN_PASSWORD="cli-password-12")
    made = subprocess.run([sys.executable, "-m", "bot.console", "create-admin", "--email", "Boss@Shop.example"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0 and "created admin boss@shop.example" in made.stdout
    again = subprocess.run([sys.executable, "-m", "bot.console", "create-admin", "--email", "boss@shop.example"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and "exists" in again.stderr
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bot.console", "serve", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while True:
            try:
                page = requests.get(base + "/login", timeout=2)
                break
            except requests.ConnectionError:
                assert time.time() < deadline and process.poll() is None
                time.sleep(0.2)
        assert page.status_code == 200
        assert requests.get(base + "/", allow_redirects=False).headers["Location"] == "/login"
        client = requests.Session()
        page = client.get(base + "/login")
        answer = client.post(base + "/login", data={"email": "boss@shop.example", "password": "cli-password-12",
                                                     "csrf_token": csrf_of(page.text)}, allow_redirects=False)
        assert answer.status_code == 302 and "Path=/;" in answer.headers["Set-Cookie"]
        assert client.get(base + "/").status_code == 200  # an empty tracker store is fine
        assert "0 conversations" in client.get(base + "/").text
    finally:
        process.terminate()
        process.wait(20)


def test_address_lockout_and_secure_cookie(tmp_path):
    settings = settings_for(tmp_path, CONSOLE_DB_URL=f"sqlite:///{tmp_path}/console.db",
                            CONSOLE_TRACKER_DB_URL=f"sqlite:///{tmp_path}/tracker.db",
                            CONSOLE_ADMIN_EMAIL=ADMIN[0], CONSOLE_ADMIN_PASSWORD=ADMIN[1],
                            CONSOLE_COOKIE_SECURE="true", CONSOLE_MAX_IP_FAILURES="4",
                            CONSOLE_MAX_LOGIN_FAILURES="10", CONSOLE_LOCKOUT_SECONDS="60")
    running = Server(settings)
    try:
        def attempt(email, password):
            # Secure cookies are not sent back over plain http by a browser: hand it over explicitly
            page = requests.get(running.base + "/login")
            assert "Secure" in page.headers["Set-Cookie"]
            return requests.post(running.base + "/login", data={"email": email, "password": password,
                                                                 "csrf_token": csrf_of(page.text)},
                                 cookies={"console_login_csrf": page.cookies["console_login_csrf"]},
                                 allow_redirects=False)

        right = attempt(*ADMIN)
        assert right.status_code == 302
        assert all(h in right.headers["Set-Cookie"] for h in ("Secure", "HttpOnly", "SameSite=Strict"))
        # guessing many accounts from one address slows that address down, even for a right password
        assert [attempt(f"guess{i}@shop.example", "wrong-password").status_code for i in range(4)] == [401] * 4
        assert attempt(*ADMIN).status_code == 429
    finally:
        running.stop()


def test_metrics_figures(tmp_path):
    from bot.console import db, metrics, sample, summary

    tracker = db.make_engine(f"sqlite:///{tmp_path}/tracker.db")
    console = db.make_engine(f"sqlite:///{tmp_path}/console.db")
    db.create_console_tables(console)
    sample.write(tracker, known_conversations())
    summary.sync(console, tracker)
    figures = metrics.compute(console)
    assert figures["funnel"] == [("products shown", 3), ("details asked", 1), ("added to cart", 1),
                                 ("checkout link", 1)]
    assert figures["per_day"] == [("2025-10-01", 1), ("2025-10-05", 1), ("2025-10-10", 1), ("2025-10-12", 1)]
    assert figures["totals"]["conversations"] == 4 and figures["totals"]["messages"] == 11
    assert figures["totals"]["handoff_rate"] == 0.25
    assert figures["channels"]["telegram"]["fallback_rate"] == 0.5
    assert figures["channels"]["socketio"]["handoff_rate"] == 1.0
    svg = str(metrics.charts(figures)["funnel"])
    assert svg.startswith("<svg") and svg.count("<rect") == 4
    # the funnel per channel
    assert {name: figures["channels"][name]["products_shown"] for name in figures["channels"]} == \
        {"rest": 1, "socketio": 1, "telegram": 1}
    assert figures["channels"]["rest"]["checkout"] == 1 and figures["channels"]["telegram"]["checkout"] == 0

    # the most frequent requests it could not handle, counted over the tracker's messages
    extra = []
    for n, channel in enumerate(["rest", "rest", "telegram"]):
        writer = sample.ConversationWriter(f"{channel}:unhandled-{n}", ts("2025-10-20"), channel)
        writer.turn("Do you sell  CARS?", "out_of_scope", "utter_out_of_scope", "Sorry.")
        writer.turn("/greet", "nlu_fallback", "action_fallback", "Sorry.")
        extra.append(writer)
    extra[0].turn("what is the meaning of life", "nlu_fallback", "action_fallback", "Sorry.")
    sample.write(tracker, extra)
    top = metrics.unhandled(tracker)
    assert top[0] == {"text": "do you sell cars", "count": 3, "channels": {"rest": 2, "telegram": 1}}
    assert top[1:] == [{"text": "what is the meaning of life", "count": 1, "channels": {"rest": 1}},
                       {"text": f"{XSS_SCRIPT} hello {XSS_IMG}".lower(), "count": 1, "channels": {"telegram": 1}}]
    assert all(not t["text"].startswith("/") for t in top)


def test_bench_command_runs(tmp_path):
    import sys

    done = subprocess.run([sys.executable, "-m", "bot.console", "bench", "--conversations", "300", "--runs", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "300 conversations" in done.stdout and "slowest median" in done.stdout


def test_handoff_queue_and_unreachable_assistant(tmp_path):
    """The live queue lists paused conversations, longest waiting first; when Rasa
    cannot be reached an agent's action is refused with a clear page and nothing is
    recorded as done."""
    from bot.console import db, sample

    closed_port = free_port()
    settings = settings_for(tmp_path, CONSOLE_DB_URL=f"sqlite:///{tmp_path}/console.db",
                            CONSOLE_TRACKER_DB_URL=f"sqlite:///{tmp_path}/tracker.db",
                            CONSOLE_ADMIN_EMAIL=ADMIN[0], CONSOLE_ADMIN_PASSWORD=ADMIN[1],
                            CONSOLE_RASA_URL=f"http://127.0.0.1:{closed_port}")
    tracker = db.make_engine(settings.console_tracker_db_url)
    waiting_long = sample.ConversationWriter("rest:waiting-long", ts("2025-11-01"))
    waiting_long.turn("a person please", "ask_for_human", "action_request_human", "A colleague will answer.",
                      {"type": "handoff", "request_id": 1, "paused": True}).pause().user("hello?", "greet")
    waiting_short = sample.ConversationWriter("rest:waiting-short", ts("2025-11-02"))
    waiting_short.turn("human please", "ask_for_human", "action_request_human", "A colleague will answer.").pause()
    handed_back = sample.ConversationWriter("rest:handed-back", ts("2025-11-01"))
    handed_back.turn("agent", "ask_for_human", "action_request_human", "Someone will answer.").pause().resume()
    new_session = sample.ConversationWriter("rest:new-session", ts("2025-11-01"))
    new_session.turn("agent", "ask_for_human", "action_request_human", "Someone will answer.").pause()
    new_session.action("action_session_start")._add("session_started", {"event": "session_started"})
    sample.write(tracker, [waiting_long, waiting_short, handed_back, new_session])
    server = Server(settings)
    try:
        client = login(server, *ADMIN)
        queue = client.get(server.base + "/api/queue").json()["waiting"]
        assert [row["sender_id"] for row in queue] == ["rest:waiting-long", "rest:waiting-short"]
        assert queue[0]["last_text"] == "hello?" and queue[0]["claimed_by"] is None
        page = client.get(server.base + "/queue").text
        assert "2 conversations waiting" in page and 'http-equiv="refresh"' in page
        transcript = client.get(server.base + "/conversations/rest:waiting-long").text
        assert "paused: waiting for a person" in transcript and "Claim and answer" in transcript

        refused = client.post(server.base + "/conversations/rest:waiting-long/claim",
                              data={"csrf_token": client.csrf}, allow_redirects=False)
        assert refused.status_code == 502 and "Nothing was sent" in refused.text
        assert "could not be reached" in refused.text
        with server.engine.connect() as connection:
            assert connection.execute(db.handoffs.select()).all() == []
        assert audit_rows(server, "handoff_claimed") == []
    finally:
        server.stop()


def test_display_names_and_secure_cookies_by_default_over_https(tmp_path):
    from bot.console import auth, db
    from bot.console.app import cookie_secure

    engine = db.make_engine(f"sqlite:///{tmp_path}/console.db")
    db.create_console_tables(engine)
    auth.create_staff(engine, "anna.berg@shop.example", "password-123456", "agent")
    auth.create_staff(engine, "bo@shop.example", "password-123456", "agent", display_name="  Bo  from  Support ")
    with pytest.raises(auth.AccountError):
        auth.create_staff(engine, "cy@shop.example", "password-123456", "agent", display_name="cy@shop.example")
    with engine.connect() as connection:
        names = dict(connection.execute(select(db.staff.c.email, db.staff.c.display_name)).all())
    assert names == {"anna.berg@shop.example": "Anna", "bo@shop.example": "Bo from Support"}

    def secure(**env):
        return cookie_secure(settings_for(tmp_path, **env))

    assert secure() is False                                               # http://127.0.0.1:8080
    assert secure(WEB_PUBLIC_URL="https://assistant.shop.example") is True
    assert secure(CONSOLE_SEPARATE="true", CONSOLE_PUBLIC_URL="https://console.shop.example/console") is True
    assert secure(WEB_PUBLIC_URL="https://assistant.shop.example", CONSOLE_COOKIE_SECURE="false") is False
    assert secure(CONSOLE_COOKIE_SECURE="true") is True


def test_accounts_from_before_display_names_get_the_column(tmp_path):
    import sqlite3

    from bot.console import auth, db

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE console_staff (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, "
                    "password_hash VARCHAR(255) NOT NULL, role VARCHAR(16) NOT NULL, active BOOLEAN NOT NULL, "
                    "created_at FLOAT NOT NULL)")
    engine = db.make_engine(f"sqlite:///{path}")
    db.create_console_tables(engine)
    staff_id = auth.create_staff(engine, "dora.d@shop.example", "password-123456", "admin")
    token = auth.open_session(engine, staff_id, 5)
    assert auth.session_staff(engine, token).display_name == "Dora"
