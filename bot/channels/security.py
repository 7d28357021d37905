"""Webhook authenticity checks for each platform (plain Python, constant-time).

Every check refuses when the secret is not configured: an empty secret never
authenticates anything.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Iterable, Mapping, Optional, Sequence, Tuple, Union

SLACK_MAX_AGE_SECONDS = 300

FormParams = Union[Mapping[str, Union[str, Sequence[str]]], Iterable[Tuple[str, str]]]


def _same(expected: str, given: Optional[str]) -> bool:
    if not expected or not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


# -- Telegram: the secret_token given to setWebhook comes back in a header ----------------
def telegram_secret_ok(expected: str, header: Optional[str]) -> bool:
    """True only when a secret is configured and the header matches: without one,
    anyone who knows the URL could post updates for any chat."""
    return _same(expected, header)


# -- Twilio: HMAC-SHA1 over the full URL followed by the sorted POST parameters -----------
def _pairs(params: FormParams) -> list:
    items = params.items() if isinstance(params, Mapping) else params
    pairs = []
    for name, value in items:
        values = [value] if isinstance(value, str) else list(value)
        pairs += [(str(name), str(v)) for v in values]
    return sorted(pairs)


def twilio_signature(auth_token: str, url: str, params: FormParams) -> str:
    data = url + "".join(name + value for name, value in _pairs(params))
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def twilio_signature_ok(auth_token: str, url: str, params: FormParams, header: Optional[str]) -> bool:
    if not auth_token or not url:
        return False
    return _same(twilio_signature(auth_token, url, params), header)


# -- Facebook Messenger: HMAC-SHA256 of the raw body with the app secret ----------------
def messenger_signature(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def messenger_signature_ok(app_secret: str, body: bytes, header: Optional[str]) -> bool:
    if not app_secret:
        return False
    return _same(messenger_signature(app_secret, body), (header or "").strip().lower() or None)


def messenger_challenge(verify_token: str, mode: Optional[str], token: Optional[str],
                        challenge: Optional[str]) -> Optional[str]:
    """The challenge to echo for a valid subscription handshake, else None."""
    if mode != "subscribe" or not challenge or not _same(verify_token, token):
        return None
    return challenge


# -- Slack: v0 HMAC-SHA256 of "v0:{timestamp}:{body}" with the signing secret -------------
def slack_signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode("utf-8") + b":" + body
    return "v0=" + hmac.new(signing_secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def slack_signature_problem(signing_secret: str, timestamp: Optional[str], body: bytes,
                            header: Optional[str], now: Optional[float] = None,
                            max_age: int = SLACK_MAX_AGE_SECONDS) -> Optional[str]:
    """None when the request is authentic and fresh, else why not."""
    if not signing_secret:
        return "not configured"
    if not timestamp or not header:
        return "missing signature"
    try:
        sent = int(timestamp)
    except ValueError:
        return "bad timestamp"
    current = time.time() if now is None else now
    if abs(current - sent) > max_age:
        return "stale timestamp"
    if not _same(slack_signature(signing_secret, timestamp, body), header):
        return "bad signature"
    return None
