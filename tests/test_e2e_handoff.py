"""Human handoff end to end: the real action server, Rasa server and web process
(with the console at /console), talked to over REST, socket.io and HTTP.

A customer asks for a person, the bot goes silent, the conversation waits in
the console's live queue, an agent claims it and replies, the reply reaches the
customer on their channel, the agent hands back, and the bot answers again with
what it knew. Every agent action is in the audit log."""
from __future__ import annotations

import asyncio
import re
import sqlite3
import time
import uuid
from urllib.parse import quote

import pytest
import requests

from bot.identity import SessionSigner
from bot.launcher import widget_secret
from tests.conftest import STACK_ADMIN, RestClient, first_products, text_of
from tests.widget_client import Widget

pytestmark = pytest.mark.e2e

AGENT = ("anna.agent@shop.test", "agent-password-123")
OTHER_AGENT = ("bruno@shop.test", "agent-password-456")


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class ConsoleClient:
    """A logged-in member of staff, over real HTTP with the console's CSRF tokens."""

    def __init__(self, stack, email: str, password: str) -> None:
        self.base = stack.console_url
        self.http = requests.Session()
        page = self.http.get(self.base + "/login")
        answer = self.http.post(self.base + "/login", allow_redirects=False,
                                data={"email": email, "password": password, "csrf_token": _csrf(page.text)})
        assert answer.status_code == 302, answer.text
        self.csrf = _csrf(self.http.get(self.base + "/").text)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path)

    def post(self, path: str, **form) -> requests.Response:
        return self.http.post(self.base + path, data=dict(form, csrf_token=self.csrf), allow_redirects=False)

    def claim(self, sender: str, **form) -> requests.Response:
        return self.post(f"/conversations/{quote(sender, safe='')}/claim", **form)

    def reply(self, sender: str, text: str) -> requests.Response:
        return self.post(f"/conversations/{quote(sender, safe='')}/reply", text=text)

    def release(self, sender: str) -> requests.Response:
        return self.post(f"/conversations/{quote(sender, safe='')}/release")

    def queue(self) -> list:
        return self.http.get(self.base + "/api/queue").json()["waiting"]


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture(scope="module")
def admin(stack):
    return ConsoleClient(stack, *STACK_ADMIN)


@pytest.fixture(scope="module")
def agents(stack, admin):
    for (email, password), name in ((AGENT, "Anna Berg"), (OTHER_AGENT, "")):
        created = admin.post("/admin/staff", email=email, password=password, role="agent", display_name=name)
        assert created.status_code in (200, 303), created.text
    return ConsoleClient(stack, *AGENT), ConsoleClient(stack, *OTHER_AGENT)


def replies_since(stack, sender: str, since: float) -> dict:
    answer = requests.get(stack.rasa_url + "/webhooks/rest/replies", params={"sender": sender, "since": since},
                          headers=RestClient(stack).headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def audit(stack, sender: str) -> list:
    path = stack.settings.console_db_url[len("sqlite:///"):]
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT staff_email, action, detail, at FROM console_audit WHERE target = ? "
                                  "ORDER BY id", (sender,)).fetchall()


def test_rest_handoff_claim_reply_hand_back(stack, rest, agents, admin):
    anna, bruno = agents
    sender = new_sender("handoff")
    conversation = rest.conversation_id(sender)          # what the console calls it
    shown = first_products(rest.say(sender, "tents under 300"))
    rest.say(sender, "I like the first one")
    started = time.time()

    asked = rest.say(sender, "can I talk to a person please")
    assert "colleague" in text_of(asked)
    handoff = [r["custom"] for r in asked if r.get("custom")]
    assert len(handoff) == 1 and handoff[0]["type"] == "handoff" and handoff[0]["paused"] is True
    # paused: the customer's messages are stored, the bot stays silent
    assert rest.say(sender, "hello? is anyone there") == []
    assert rest.say(sender, "show me sleeping bags") == []
    assert replies_since(stack, sender, started)["paused"] is True

    waiting = {row["sender_id"]: row for row in anna.queue()}
    assert conversation in waiting and waiting[conversation]["claimed_by"] is None
    assert waiting[conversation]["last_text"] == "show me sleeping bags"
    assert conversation in anna.get("/queue").text

    # only the agent who claimed replies; taking over needs an explicit click
    assert anna.reply(conversation, "before claiming").status_code == 409
    assert anna.claim(conversation).status_code == 303
    assert bruno.claim(conversation).status_code == 409
    assert bruno.reply(conversation, "not mine").status_code == 409
    assert {r["sender_id"]: r for r in anna.queue()}[conversation]["claimed_by"] == AGENT[0]
    assert anna.reply(conversation, "Hi, I'm Anna. The <b>Ridge</b> tent is back in stock on Friday.").status_code == 303

    delivered = replies_since(stack, sender, started)
    texts = [m["text"] for m in delivered["messages"]]
    assert any("Anna Berg from our team" in t for t in texts)
    assert AGENT[0] not in str(delivered)                       # customers see the display name only
    assert {m.get("agent_name") for m in delivered["messages"]} >= {"Anna Berg"}
    assert "Hi, I'm Anna. The <b>Ridge</b> tent is back in stock on Friday." in texts
    assert delivered["paused"] is True
    page = anna.get(f"/conversations/{quote(conversation, safe='')}").text
    assert "sent by Anna Berg" in page and "&lt;b&gt;Ridge&lt;/b&gt;" in page
    assert "Send to customer" in page and "Hand back to the assistant" in page
    # another agent sees who has it; an agent who does not hold it cannot hand it back
    assert "Claimed by <b>anna.agent@shop.test</b>" in bruno.get(f"/conversations/{quote(conversation, safe='')}").text
    assert bruno.release(conversation).status_code == 409
    assert rest.say(sender, "thanks, and what about tents?") == []

    assert anna.release(conversation).status_code == 303
    back = replies_since(stack, sender, started)
    assert back["paused"] is False and "back with the shopping assistant" in back["messages"][-1]["text"]
    assert conversation not in {row["sender_id"] for row in anna.queue()}

    # the bot answers again, with what it knew before the handoff
    known = text_of(rest.say(sender, "what do you know about me"))
    assert "tents" in known and shown[0]["brand"] in known
    again = first_products(rest.say(sender, "tents"))
    assert again and all(p["price"] <= 300 for p in again)

    actions = [(who, action) for who, action, _, _ in audit(stack, conversation)]
    assert (AGENT[0], "handoff_claimed") in actions and (AGENT[0], "handoff_reply") in actions
    assert (AGENT[0], "handoff_released") in actions
    assert actions.index((AGENT[0], "handoff_claimed")) < actions.index((AGENT[0], "handoff_released"))
    assert all(at > started for _, _, _, at in audit(stack, conversation))
    audit_page = admin.get("/admin/audit").text
    assert "handoff_reply" in audit_page and conversation in audit_page


def test_agent_can_step_in_and_take_over(stack, rest, agents):
    anna, bruno = agents
    sender = new_sender("stepin")
    conversation = rest.conversation_id(sender)          # what the console calls it
    assert first_products(rest.say(sender, "hiking boots under 150"))
    # no request from the customer: an agent steps in, which pauses the bot
    assert bruno.claim(conversation).status_code == 303
    assert rest.say(sender, "hiking boots") == []
    # a colleague takes over explicitly; the audit says from whom
    assert anna.claim(conversation, take_over="1").status_code == 303
    assert anna.reply(conversation, "Anna here, taking this one.").status_code == 303
    details = {action: detail for _, action, detail, _ in audit(stack, conversation)}
    assert "took over from bruno@shop.test" in details["handoff_claimed"]
    assert anna.release(conversation).status_code == 303
    assert first_products(rest.say(sender, "hiking boots"))


def test_console_refuses_bad_handoff_requests(stack, rest, agents):
    anna, _ = agents
    sender = new_sender("badhandoff")
    conversation = rest.conversation_id(sender)          # what the console calls it
    rest.say(sender, "hi")
    assert anna.release(conversation).status_code == 409            # not paused, nobody has it
    assert anna.claim("nobody-" + uuid.uuid4().hex).status_code == 404
    rest.say(sender, "I want to talk to a human")
    assert anna.claim(conversation).status_code == 303
    assert anna.reply(conversation, "").status_code == 400
    assert anna.reply(conversation, "x" * 2001).status_code == 400
    forged = anna.http.post(anna.base + f"/conversations/{quote(conversation, safe='')}/reply", data={"text": "hi", "csrf_token": "x"},
                            allow_redirects=False)
    assert forged.status_code == 403
    texts = [m["text"] for m in replies_since(stack, sender, 0)["messages"]]
    assert "x" * 2001 not in texts and "hi" not in texts
    assert anna.release(conversation).status_code == 303


def test_rest_replies_endpoint_checks_its_input(stack):
    headers = RestClient(stack).headers
    assert requests.get(stack.rasa_url + "/webhooks/rest/replies", headers=headers, timeout=30).status_code == 400
    bad = requests.get(stack.rasa_url + "/webhooks/rest/replies", params={"sender": "a", "since": "yesterday"},
                       headers=headers, timeout=30)
    assert bad.status_code == 400 and "since" in bad.json()["error"]
    unknown = replies_since(stack, "never-seen-" + uuid.uuid4().hex, 0)
    assert unknown["messages"] == [] and unknown["paused"] is False


def test_widget_customer_gets_the_agents_reply(stack, agents):
    anna, _ = agents

    async def scenario():
        widget = await Widget(stack).open()
        customer = SessionSigner(widget_secret(stack.settings)).verify(widget.session).customer_id
        try:
            await widget.send("hiking boots under 150")
            await widget.wait_for(lambda m: (m.get("custom") or {}).get("type") == "products")
            await widget.collect(2)
            await widget.send("I need to speak to a human")
            await widget.wait_for(lambda m: "colleague" in (m.get("text") or ""))
            await widget.collect(2)
            await widget.send("hello?")
            silent = await widget.collect(4)
            claimed = await asyncio.to_thread(anna.claim, customer)
            joined = await widget.wait_for(lambda m: "from our team" in (m.get("text") or ""), 30)
            replied = await asyncio.to_thread(anna.reply, customer, "Anna here: which size do you wear?")
            answer = await widget.wait_for(lambda m: "which size" in (m.get("text") or ""), 30)
            released = await asyncio.to_thread(anna.release, customer)
            back = await widget.wait_for(lambda m: "back with the shopping assistant" in (m.get("text") or ""), 30)
            await widget.send("tents under 300")
            products = await widget.wait_for(lambda m: (m.get("custom") or {}).get("type") == "products")
            return silent, claimed, joined, replied, answer, released, back, products, customer
        finally:
            await widget.close()

    silent, claimed, joined, replied, answer, released, back, products, customer = asyncio.run(scenario())
    assert silent == []
    assert claimed.status_code == replied.status_code == released.status_code == 303
    assert joined["text"].startswith("Hi, this is Anna Berg")
    assert AGENT[0] not in str([joined, answer, back])              # the widget never sees the e-mail
    assert answer["text"] == "Anna here: which size do you wear?"
    assert products["custom"]["products"]
    waiting = [row["sender_id"] for row in anna.queue()]
    assert customer not in waiting
