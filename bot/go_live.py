"""What a shop must set before the assistant faces the internet: one warning per
setting left at its development default, printed by `python -m bot run`.

Plain Python over Settings; docs/security.md explains each setting.
"""
from __future__ import annotations

import ipaddress
from typing import List

from bot.settings import Settings, origin_list, web_public_url

EXAMPLE_SHOP = "https://shop.example.com"


def _https(url: str) -> bool:
    return str(url or "").startswith("https://")


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def go_live_warnings(settings: Settings) -> List[str]:
    values = settings.values
    warnings = []
    if not _https(web_public_url(values)):
        warnings.append("WEB_PUBLIC_URL is not an https:// address: checkout links and the widget script "
                        "are served from it, and the console's cookies are Secure only over https.")
    if not _https(settings.widget_socket_url):
        warnings.append("WIDGET_SOCKET_URL is not an https:// address: browsers reach Rasa's socket.io "
                        "through it (behind your TLS proxy).")
    if str(settings.shop_base_url).rstrip("/") == EXAMPLE_SHOP:
        warnings.append("SHOP_BASE_URL is still the example shop: set it to your shop (its origin is "
                        "allowed to use the widget; list other origins in RASA_CORS).")
    if "*" in origin_list(settings.cors_origins):
        warnings.append("RASA_CORS allows every origin: any web page may use the widget and Rasa's CORS "
                        "answers; list your shop's origins instead.")
    if not settings.rest_channel_token:
        warnings.append("REST_CHANNEL_TOKEN is not set: the REST channel answers 403 (set a long random "
                        "token if your back end talks to the assistant over REST).")
    if not settings.trusted_proxies:
        warnings.append("TRUSTED_PROXIES is not set: behind a reverse proxy every customer has the proxy's "
                        "address, so rate limits and login throttling count them together.")
    if not settings.console_separate:
        warnings.append("CONSOLE_SEPARATE is false: the support console shares the public web address "
                        "(/console); serve it on its own (CONSOLE_SEPARATE=true, CONSOLE_HOST/CONSOLE_PORT).")
    if not settings.shop_jwt_secret:
        warnings.append("SHOP_JWT_SECRET is not set: logged-in customers are treated as anonymous visitors.")
    if not settings.shop_order_secret:
        warnings.append("SHOP_ORDER_SECRET is not set: the completed-order webhook answers 403.")
    if settings.telegram_token and not settings.telegram_secret_token:
        warnings.append("TELEGRAM_TOKEN is set without TELEGRAM_SECRET_TOKEN: the Telegram webhook answers "
                        "403 until it is set (and given to setWebhook).")
    if settings.twilio_account_sid and settings.twilio_auth_token and not settings.whatsapp_public_url:
        warnings.append("TWILIO_ACCOUNT_SID is set without WHATSAPP_PUBLIC_URL: the WhatsApp webhook answers "
                        "403 until it names the URL entered in Twilio.")
    if not _loopback(settings.actions_interface):
        warnings.append(f"ACTIONS_INTERFACE is {settings.actions_interface}: the action server is reachable "
                        "from other hosts; keep it behind a firewall (calls still need ACTIONS_TOKEN).")
    return warnings
