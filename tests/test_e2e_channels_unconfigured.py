"""The default start (no messaging-app secrets set): the server starts with every
channel listed in credentials.yml, and each of them refuses webhooks with 403."""
import json
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.e2e

WEBHOOKS = ["/webhooks/telegram/webhook", "/webhooks/whatsapp/webhook", "/webhooks/messenger/webhook",
            "/webhooks/slack/events", "/webhooks/slack/interactive"]


def call(url, body=None):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"},
                                     method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize("path", WEBHOOKS)
def test_unconfigured_channels_refuse_webhooks(stack, rest, path):
    status, body = call(stack.rasa_url + path, b'{"update_id": 1, "message": {"chat": {"id": 1}, "text": "hi"}}')
    assert status == 403 and b"not configured" in body
    assert rest.api("/status")["model_file"]


@pytest.mark.parametrize("platform", ["telegram", "whatsapp", "messenger", "slack"])
def test_unconfigured_channels_say_so(stack, platform):
    status, body = call(f"{stack.rasa_url}/webhooks/{platform}/")
    assert status == 200 and json.loads(body) == {"status": "ok", "configured": False}


def test_messenger_handshake_is_refused_without_a_verify_token(stack):
    status, _ = call(stack.rasa_url + "/webhooks/messenger/webhook?hub.mode=subscribe&hub.verify_token=&hub.challenge=1")
    assert status == 403
