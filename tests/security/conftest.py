"""The attacks of issue 17 against the real stack (action server, Rasa with the trained
model, web process), each asserted to fail.

Most tests use the shared `stack` (tests/conftest.py: the embedded default plus a REST
credential). The `hardened` stack is configured the way the attacks need: low rate
limits, a trusted proxy (so tests can speak from several client addresses), the console
on its own port with an https public URL, a Telegram token without its secret, WhatsApp
with its public URL and a short retry window, shop tokens bound to an audience and issuer.
"""
from __future__ import annotations

import pytest

from tests.conftest import free_port, sqlite_overrides, start_stack

HARDENED_ADMIN = ("sec-admin@shop.test", "sec-admin-password-1")
TWILIO_SID, TWILIO_TOKEN = "ACsecurity0000000000000000000000", "twilio-auth-token-security"
WHATSAPP_PUBLIC_URL = "https://assistant.shop.test/webhooks/whatsapp/webhook"
SHOP_JWT = {"secret": "hardened-shop-jwt-secret-0123456789-0123456789-abc", "aud": "shop-assistant",
            "iss": "https://shop.test"}
ORDER_SECRET = "hardened-order-secret-0123456789"
LIMITS = {"REST_LIMIT_PER_SESSION": 4, "REST_LIMIT_PER_ADDRESS": 10,
          "WIDGET_LIMIT_PER_SESSION": 3, "WIDGET_LIMIT_PER_ADDRESS": 6}


@pytest.fixture(scope="session")
def hardened(tmp_path_factory):
    var = tmp_path_factory.mktemp("hardened")
    unreachable = f"http://127.0.0.1:{free_port()}"          # platform APIs: nothing listens there
    running = start_stack(var, {
        **sqlite_overrides(var), **{name: str(value) for name, value in LIMITS.items()},
        "TRUSTED_PROXIES": "127.0.0.1",
        "CONSOLE_SEPARATE": "true", "CONSOLE_PORT": str(free_port()),
        "CONSOLE_PUBLIC_URL": "https://console.shop.test/console",
        "CONSOLE_ADMIN_EMAIL": HARDENED_ADMIN[0], "CONSOLE_ADMIN_PASSWORD": HARDENED_ADMIN[1],
        "TELEGRAM_TOKEN": "123456:telegram-token-without-its-secret", "TELEGRAM_API_BASE": unreachable,
        "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_API_BASE": unreachable,
        "WHATSAPP_PUBLIC_URL": WHATSAPP_PUBLIC_URL, "WHATSAPP_NUMBER": "whatsapp:+14155238886",
        "WHATSAPP_RETRY_WINDOW_SECONDS": "3",
        "SHOP_JWT_SECRET": SHOP_JWT["secret"], "SHOP_JWT_AUDIENCE": SHOP_JWT["aud"],
        "SHOP_JWT_ISSUER": SHOP_JWT["iss"], "SHOP_ORDER_SECRET": ORDER_SECRET})
    yield running
    running.stop()
