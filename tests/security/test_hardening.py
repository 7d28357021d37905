"""Low items of issue 17 and bad input of issue 14 (5), on the shared test stack: files,
process list, CORS and socket.io origins, security headers, deep JSON everywhere."""
from __future__ import annotations

import asyncio
import json
import os
import re
import stat
import urllib.error
import urllib.request

import pytest
import socketio

from tests.widget_client import Widget

pytestmark = pytest.mark.e2e

EVIL = "https://evil.example"


def request(url, body=None, headers=None, method=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as answer:
            return answer.status, dict(answer.headers), answer.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace")


def nested(depth: int) -> bytes:
    return b'{"k":' * depth + b"1" + b"}" * depth


def test_databases_secrets_and_logs_are_private(stack, rest):
    rest.say("files-check", "hi")                              # every store has been written to
    var = stack.settings.path("var_dir")
    private = [var / name for name in ("tracker.db", "profiles.db", "console.db", "channels.db",
                                       "actions_token", "widget_secret", "checkout_secret")]
    private += list((var / "logs").glob("*.log"))
    private += [path for path in var.glob("*.db-*")]             # SQLite's -wal and -shm files
    assert len(private) > 10
    for path in private:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path, oct(path.stat().st_mode))


def test_no_secret_on_any_command_line(stack):
    secrets = {"RASA_API_TOKEN": stack.token, "ACTIONS_TOKEN": (stack.settings.path("var_dir") / "actions_token")
               .read_text().strip(), "REST_CHANNEL_TOKEN": stack.settings.rest_channel_token}
    for process in stack.processes:
        cmdline = open(f"/proc/{process.pid}/cmdline", "rb").read().decode().split("\0")
        for name, secret in secrets.items():
            assert secret not in cmdline and not any(secret in part for part in cmdline), (name, cmdline)
    # ...and the API still needs the token
    assert request(f"{stack.rasa_url}/status")[0] == 401
    assert request(f"{stack.rasa_url}/status?token={stack.token}")[0] == 200


def test_cors_answers_only_the_shops_origins_with_a_valid_max_age(stack):
    shop = stack.settings.cors_origins.split(",")[0]
    for path in ("/webhooks/rest/webhook", "/status", "/conversations/x/tracker"):
        preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
        _, headers, _ = request(stack.rasa_url + path, method="OPTIONS", headers={"Origin": EVIL, **preflight})
        assert "Access-Control-Allow-Origin" not in headers and "Access-Control-Allow-Credentials" not in headers
        _, headers, _ = request(stack.rasa_url + path, method="OPTIONS", headers={"Origin": shop, **preflight})
        assert headers["Access-Control-Allow-Origin"] == shop
        assert re.fullmatch(r"\d+", headers["Access-Control-Max-Age"]), headers["Access-Control-Max-Age"]
    _, headers, _ = request(stack.rasa_url + "/", headers={"Origin": EVIL})
    assert "Access-Control-Allow-Origin" not in headers


def test_socketio_accepts_only_the_shops_pages(stack):
    async def connect(origin):
        """True when the server accepts the socket.io connection, False when it refuses it."""
        client = socketio.AsyncClient(reconnection=False)
        answer = asyncio.get_running_loop().create_future()
        client.on("connect", lambda: answer.done() or answer.set_result(True))
        client.on("connect_error", lambda data=None: answer.done() or answer.set_result(False))
        try:
            await client.connect(stack.rasa_url, socketio_path="/socket.io", transports=["websocket"],
                                 headers={"Origin": origin}, wait=False)
            return await asyncio.wait_for(answer, 60)
        finally:
            await client.disconnect()

    assert asyncio.run(connect(EVIL)) is False
    assert asyncio.run(connect("null")) is False
    assert asyncio.run(connect(stack.web_url)) is True                 # the demo page
    assert asyncio.run(connect(stack.settings.shop_base_url)) is True  # the shop's pages


def test_demo_page_and_static_files_send_security_headers(stack):
    for path in ("/", "/widget.js", "/static/shop.css", "/static/shop-widget.js", "/static/demo.js",
                 "/static/vendor/rasa-webchat.js", "/checkout/not-a-token", "/health"):
        status, headers, body = request(stack.web_url + path)
        assert status in (200, 400), path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, path
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0], path
    page = request(stack.web_url + "/")[2]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)       # no inline script for the policy to allow


def test_session_endpoint_refuses_deep_json_with_cors_headers(stack):
    for body in (b'{"session_id": ' + b"[" * 5000 + b"]" * 5000 + b"}", nested(990), b"[" * 5000 + b"]" * 5000):
        status, headers, answer = request(stack.web_url + "/api/session", body, {"Content-Type": "text/plain",
                                                                                  "Origin": EVIL})
        assert status == 400 and "nested" in answer
        assert headers["Access-Control-Allow-Origin"] == "*"     # the shop's page can read why


@pytest.mark.parametrize("depth", [990, 5000])
def test_rest_metadata_nested_deeply_is_a_400(rest, depth):
    body = b'{"sender": "deep", "message": "hi", "metadata": ' + nested(depth) + b"}"
    status, answer = rest.send("", None, raw=body)
    assert status == 400 and "nested more than" in answer
    assert rest.say("deep", "hi")                                # still serving


def test_socketio_packet_nested_deeply_gets_a_polite_answer(stack):
    async def scenario():
        widget = await Widget(stack).open()
        try:
            deep = "[" * 5000 + "]" * 5000
            await widget.sio.eio.send('42["user_uttered",{"message":"hi","session_id":"x","customData":'
                                      + deep + "}]")
            polite = await widget.wait_for(lambda m: "couldn't read that message" in (m.get("text") or ""), 30)
            after = await widget.say("hi")                              # the socket still works
            return polite, after
        finally:
            await widget.close()

    polite, after = asyncio.run(scenario())
    assert polite and after and all(m.get("text") or m.get("custom") for m in after)
