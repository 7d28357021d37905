"""High: nobody can act as someone else over REST or through the action server
(issue 17), on the shared test stack."""
from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
import uuid

import pytest

from actions.profiles import ProfileStore
from bot.console import rasa_api
from bot.identity import SessionSigner
from bot.launcher import actions_token, widget_secret
from tests.conftest import RestClient, first_products, text_of
from tests.widget_client import Widget

pytestmark = pytest.mark.e2e


def call(url, body=None, headers=None, method=None):
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def user_texts(rest, conversation):
    tracker = rest.api(f"/conversations/{urllib.request.quote(conversation, safe=':+')}/tracker")
    return [e.get("text") for e in tracker["events"] if e.get("event") == "user"]


@pytest.fixture(scope="module")
def victim(stack):
    """A real widget visitor with a cart and a preference."""
    async def visit():
        widget = await Widget(stack).open()
        try:
            await widget.say("tents under 300")
            await widget.say("add the first one to my cart")
        finally:
            await widget.close()
        return SessionSigner(widget_secret(stack.settings)).verify(widget.session).customer_id

    customer = asyncio.run(visit())
    assert customer.startswith("web:")
    return customer


@pytest.fixture(scope="module")
def store(stack):
    opened = ProfileStore(stack.settings.profile_db_url)
    yield opened
    opened.dispose()


def test_rest_without_its_credential_is_refused_and_stores_nothing(stack, rest):
    sender = f"nocred-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"sender": sender, "message": "what do you know about me"}).encode()
    webhook = stack.rasa_url + "/webhooks/rest/webhook"
    token = stack.settings.rest_channel_token
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Bearer {token}x"},
                    {"Authorization": f"Basic {token}"}, {"Authorization": token}, {"X-Token": token}):
        status, answer = call(webhook, body, headers)
        assert status == 401 and "Authorization: Bearer" in answer, headers
        status, _ = call(f"{stack.rasa_url}/webhooks/rest/replies?sender={sender}", headers=headers)
        assert status == 401
    assert user_texts(rest, rest.conversation_id(sender)) == []
    assert rest.say(sender, "hi")                                  # the right credential works


def test_rest_cannot_reach_a_widget_visitors_conversation(stack, rest, victim, store):
    before = user_texts(rest, victim)
    cart = store.get(victim).cart
    assert before and cart
    # with the visitor's real id (visible in their session token and checkout links) as the sender
    assert "empty" in text_of(rest.say(victim, "what's in my cart")).lower()
    assert "don't know anything" in text_of(rest.say(victim, "what do you know about me"))
    checkout = rest.say(victim, "checkout")
    assert not [r for r in checkout if (r.get("custom") or {}).get("type") == "checkout"]
    assert "what's in my cart" in user_texts(rest, rest.conversation_id(victim))   # it went here instead
    rest.say(victim, "forget me")
    rest.say(victim, "yes")
    # nothing of that reached the visitor: conversation, cart and profile as they were
    assert user_texts(rest, victim) == before
    assert store.get(victim).cart == cart


@pytest.mark.parametrize("target", ["customer:c-1042", "telegram:987654321", "whatsapp:+4915112345678",
                                    "messenger:1234567890", "slack:T0001:U0001"])
def test_rest_cannot_address_other_channels(rest, target):
    marker = f"sent over REST {uuid.uuid4().hex[:6]}"
    rest.say(target, marker)
    assert marker not in user_texts(rest, target)
    assert marker in user_texts(rest, rest.conversation_id(target))


def test_replies_only_come_from_the_rest_namespace(stack, rest, victim):
    console = rasa_api.RasaApi(stack.rasa_url, stack.token)
    secret = f"for the widget visitor only {uuid.uuid4().hex[:6]}"
    asyncio.run(console.append_events(victim, [rasa_api.agent_message(secret, "Anna")], deliver=False))
    status, answer = call(f"{stack.rasa_url}/webhooks/rest/replies?sender={urllib.request.quote(victim)}",
                          headers=rest.headers)
    answer = json.loads(answer)
    assert status == 200 and answer["conversation_id"] == rest.conversation_id(victim)
    assert secret not in json.dumps(answer)
    # a REST customer's own agent reply is there, with the agent's display name only
    sender = f"replies-{uuid.uuid4().hex[:8]}"
    rest.say(sender, "hi")
    asyncio.run(console.append_events(rest.conversation_id(sender),
                                      [rasa_api.agent_message("Anna here", "Anna")], deliver=False))
    status, answer = call(f"{stack.rasa_url}/webhooks/rest/replies?sender={sender}", headers=rest.headers)
    mine = [m for m in json.loads(answer)["messages"] if m["text"] == "Anna here"]
    assert status == 200 and len(mine) == 1 and mine[0]["agent_name"] == "Anna" and "agent" not in mine[0]


def test_the_body_cannot_choose_the_output_channel(rest):
    status, answer = rest.send("", None, raw=json.dumps(
        {"sender": "a", "message": "hi", "input_channel": "socketio"}).encode())
    assert status == 400 and "Unknown field" in answer


# -- the action server -----------------------------------------------------------------------------
def action_call(action, sender, slots=None):
    tracker = {"sender_id": sender, "slots": slots or {}, "latest_message": {}, "events": [], "paused": False,
               "followup_action": None, "active_loop": {}, "latest_action_name": None}
    return json.dumps({"next_action": action, "sender_id": sender, "tracker": tracker, "domain": {},
                       "version": "3.6.21"}).encode()


def test_action_server_refuses_calls_without_the_secret_and_runs_nothing(stack, rest, store):
    sender = f"actions-{uuid.uuid4().hex[:8]}"
    shown = first_products(rest.say(sender, "tents under 300"))
    rest.say(sender, "add the first one to my cart")
    customer = rest.conversation_id(sender)
    # the cart holds the variant added (the product's own id when it has no options)
    assert [item.product_id.split(":", 1)[0] for item in store.get(customer).cart] == [shown[0]["id"]]
    webhook = stack.actions_url + "/webhook"
    token = actions_token(stack.settings)
    erase = action_call("action_answer_yes", customer, {"pending_confirmation": "forget_me"})
    for headers in ({}, {"X-Action-Token": "wrong"}, {"X-Action-Token": token[:-1]},
                    {"Authorization": f"Bearer {token}"}):
        for body in (erase, action_call("action_what_do_you_know", customer), action_call("action_checkout", customer)):
            status, answer = call(webhook, body, headers)
            assert status == 401 and "X-Action-Token" in answer and shown[0]["title"] not in answer, headers
        status, _ = call(f"{webhook}?token={token}", erase, headers)           # not as a query parameter either
        assert status == 401
    assert call(stack.actions_url + "/actions")[0] == 401
    # the cart holds the variant added (the product's own id when it has no options)
    assert [item.product_id.split(":", 1)[0] for item in store.get(customer).cart] == [shown[0]["id"]]   # nothing erased
    # the same call with the secret is what Rasa does (so the refusals above are meaningful)
    status, answer = call(webhook, action_call("action_what_do_you_know", customer), {"X-Action-Token": token})
    assert status == 200 and "tents" in answer
    assert call(stack.actions_url + "/health")[0] == 200


def listening_addresses(port: int):
    """Local addresses of the sockets listening on `port` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.rsplit(":", 1)
                if state == "0A" and int(hex_port, 16) == port:
                    found.append(address)
    return found


def test_action_server_listens_on_loopback_only(stack):
    addresses = listening_addresses(int(stack.settings.actions_port))
    assert addresses and set(addresses) == {"0100007F"}, addresses       # 127.0.0.1, nothing else
