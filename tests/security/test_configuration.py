"""Settings a shop must set before going live: `make run` warns for each left unset, and
channels missing their secrets refuse everything (checked in the Rasa environment,
where the channels run)."""
from __future__ import annotations

import json
import os
import subprocess

from bot.go_live import go_live_warnings
from tests.conftest import ROOT, settings_for

PRODUCTION = {"WEB_PUBLIC_URL": "https://assistant.shop.test", "WIDGET_SOCKET_URL": "https://chat.shop.test",
              "SHOP_BASE_URL": "https://shop.test", "REST_CHANNEL_TOKEN": "r" * 40, "TRUSTED_PROXIES": "127.0.0.1",
              "CONSOLE_SEPARATE": "true", "SHOP_JWT_SECRET": "j" * 40, "SHOP_ORDER_SECRET": "o" * 40,
              "TELEGRAM_TOKEN": "", "TWILIO_ACCOUNT_SID": "", "RASA_CORS": "", "ACTIONS_INTERFACE": "127.0.0.1"}


def warned_settings(tmp_path, **env):
    return {w.split()[0] for w in go_live_warnings(settings_for(tmp_path, **{**PRODUCTION, **env}))}


def test_every_unset_go_live_setting_is_warned_about(tmp_path):
    assert go_live_warnings(settings_for(tmp_path, **PRODUCTION)) == []
    for name, development in (("WEB_PUBLIC_URL", ""), ("WIDGET_SOCKET_URL", ""),
                              ("SHOP_BASE_URL", "https://shop.example.com"), ("REST_CHANNEL_TOKEN", ""),
                              ("TRUSTED_PROXIES", ""), ("CONSOLE_SEPARATE", "false"), ("SHOP_JWT_SECRET", ""),
                              ("SHOP_ORDER_SECRET", "")):
        assert warned_settings(tmp_path, **{name: development}) == {name}, name
    assert warned_settings(tmp_path, RASA_CORS="*") == {"RASA_CORS"}
    assert warned_settings(tmp_path, TELEGRAM_TOKEN="1:x") == {"TELEGRAM_TOKEN"}
    assert warned_settings(tmp_path, TELEGRAM_TOKEN="1:x", TELEGRAM_SECRET_TOKEN="s") == set()
    assert warned_settings(tmp_path, TWILIO_ACCOUNT_SID="AC1", TWILIO_AUTH_TOKEN="t") == {"TWILIO_ACCOUNT_SID"}
    assert warned_settings(tmp_path, ACTIONS_INTERFACE="0.0.0.0") == {"ACTIONS_INTERFACE"}


CHANNEL_CHECKS = r"""
import json
from bot.channels.rest import CheckedRestInput
from bot.channels.telegram import TelegramInput
from bot.channels.whatsapp import WhatsAppInput

class Request:
    headers = {"Authorization": "Bearer anything"}

def status(response):
    return [response.status, json.loads(response.body)["error"]]

telegram = TelegramInput(access_token="1:token")
whatsapp = WhatsAppInput(account_sid="AC1", auth_token="secret")
print(json.dumps({
    "rest_without_token": status(CheckedRestInput(token="").refusal(Request())),
    "rest_wrong_token": status(CheckedRestInput(token="right-token").refusal(Request())),
    "telegram_configured": telegram.configured(), "telegram": status(telegram.not_configured()),
    "whatsapp_configured": whatsapp.configured(), "whatsapp": status(whatsapp.not_configured()),
}))
"""


def test_channels_without_their_secrets_refuse(tmp_path):
    python = str(ROOT / ".venv-rasa" / "bin" / "python")
    run = subprocess.run([python, "-c", CHANNEL_CHECKS], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["rest_without_token"][0] == 403 and "REST_CHANNEL_TOKEN" in seen["rest_without_token"][1]
    assert seen["rest_wrong_token"][0] == 401
    assert seen["telegram_configured"] is False and seen["telegram"][0] == 403
    assert "TELEGRAM_SECRET_TOKEN" in seen["telegram"][1]
    assert seen["whatsapp_configured"] is False and seen["whatsapp"][0] == 403
    assert "WHATSAPP_PUBLIC_URL" in seen["whatsapp"][1]
