"""Who a website visitor is: signed session tokens and the shop's customer tokens.

Plain Python (standard library; PyJWT only for shop tokens), imported by the web
process (bot/web) and by the Rasa server's socket.io channel (bot/channels/webchat.py).

A *session token* is what the chat widget keeps in the browser and sends to
Rasa's socket.io channel. It names the customer id the conversation is stored
under, and only this server can make one:

    v1.<customer id, base64url>.<expiry, unix seconds>.<HMAC-SHA256, base64url>

Customer ids are either

    web:<32 random hex digits>   an anonymous visitor (issued by the server, never chosen by the client)
    customer:<id>                a logged-in customer of the shop, only after a valid shop token

A *shop token* is a JWT (HS256, the shop's secret) that the shop puts in its pages
for a logged-in customer: {"sub": "<customer id in the shop>", "exp": <number>}
(plus "aud" / "iss" when SHOP_JWT_AUDIENCE / SHOP_JWT_ISSUER are set). Anything
else - forged, expired, another algorithm, no exp or sub, exp not a number, the
wrong audience or issuer - is refused and the visitor simply stays anonymous.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Optional

VERSION = "v1"
ANONYMOUS_PREFIX = "web:"
CUSTOMER_PREFIX = "customer:"
# Conversations of the REST channel (the shop's back end): never one of the above.
REST_PREFIX = "rest:"
SHOP_TOKEN_ALGORITHM = "HS256"
# What a shop may use as its customer id: no separators, no control characters.
_SHOP_ID = re.compile(r"^[A-Za-z0-9_.@+\-]{1,128}$")
_ANONYMOUS_ID = re.compile(r"^web:[0-9a-f]{32}$")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def rest_conversation_id(sender: object) -> str:
    """The conversation a REST request's sender stands for: always in the REST namespace,
    so a REST request can never address a widget, customer or messaging-app conversation."""
    return REST_PREFIX + str(sender)


def new_anonymous_id() -> str:
    return ANONYMOUS_PREFIX + secrets.token_hex(16)


def is_anonymous(customer_id: str) -> bool:
    return bool(_ANONYMOUS_ID.match(customer_id or ""))


@dataclass(frozen=True)
class Session:
    token: str
    customer_id: str
    expires: int

    @property
    def anonymous(self) -> bool:
        return is_anonymous(self.customer_id)


class SessionSigner:
    """Issues and checks session tokens with one server-side secret."""

    def __init__(self, secret: str, visitor_days: float = 365, customer_hours: float = 24) -> None:
        if not secret or len(secret) < 16:
            raise ValueError("the widget session secret must be at least 16 characters")
        self._key = secret.encode("utf-8")
        self.visitor_seconds = int(float(visitor_days) * 86400)
        self.customer_seconds = int(float(customer_hours) * 3600)

    def _mac(self, encoded_id: str, expires: int) -> str:
        message = f"{VERSION}.{encoded_id}.{expires}".encode("ascii")
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def issue(self, customer_id: str, now: Optional[float] = None) -> Session:
        now = time.time() if now is None else now
        ttl = self.visitor_seconds if is_anonymous(customer_id) else self.customer_seconds
        expires = int(now) + ttl
        encoded = _b64(customer_id.encode("utf-8"))
        return Session(f"{VERSION}.{encoded}.{expires}.{self._mac(encoded, expires)}", customer_id, expires)

    def issue_anonymous(self, now: Optional[float] = None) -> Session:
        return self.issue(new_anonymous_id(), now)

    def verify(self, token: object, now: Optional[float] = None) -> Optional[Session]:
        """The session a token stands for, or None (not ours, altered, expired or malformed)."""
        if not isinstance(token, str) or len(token) > 512:
            return None
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != VERSION or not parts[2].isdigit():
            return None
        _, encoded, expires_text, mac = parts
        expires = int(expires_text)
        if not hmac.compare_digest(mac.encode("ascii", "replace"), self._mac(encoded, expires).encode("ascii")):
            return None
        if expires <= (time.time() if now is None else now):
            return None
        try:
            customer_id = _unb64(encoded).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
        if not (is_anonymous(customer_id) or customer_id.startswith(CUSTOMER_PREFIX)):
            return None
        return Session(token, customer_id, expires)


def customer_from_shop_token(token: object, secret: str, leeway: float = 30, audience: str = "",
                             issuer: str = "") -> Optional[str]:
    """`customer:<sub>` for a valid shop token; None for anything else. `exp` must be a
    number (PyJWT would read "9999999999" as one); with an audience or issuer
    configured, the token's `aud` / `iss` must name it."""
    if not secret or not isinstance(token, str) or not token or len(token) > 4096:
        return None
    import jwt  # PyJWT, only needed where shop tokens are checked (the web process)

    required = ["exp", "sub"] + (["aud"] if audience else []) + (["iss"] if issuer else [])
    try:
        claims = jwt.decode(token, secret, algorithms=[SHOP_TOKEN_ALGORITHM], leeway=leeway,
                            audience=audience or None, issuer=issuer or None, options={"require": required})
    except jwt.PyJWTError:
        return None
    expires = claims.get("exp")
    if isinstance(expires, bool) or not isinstance(expires, (int, float)):
        return None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not _SHOP_ID.match(subject):
        return None
    return CUSTOMER_PREFIX + subject


def resolve_session(signer: SessionSigner, shop_secret: str, shop_token: object = None,
                    current: object = None, audience: str = "", issuer: str = "") -> "Resolution":
    """The session a page load should use.

    - a valid shop token: that customer's session (the current one kept if it
      already belongs to them, so the conversation on screen stays);
    - otherwise the current anonymous session (renewed), if it is still valid;
    - otherwise a new anonymous one. A customer session without a valid shop
      token on the page (logged out, token expired) is not continued, so the
      next person at a shared computer does not see it.
    """
    existing = signer.verify(current)
    customer_id = customer_from_shop_token(shop_token, shop_secret, audience=audience, issuer=issuer)
    if customer_id:
        same = existing is not None and existing.customer_id == customer_id
        return Resolution(signer.issue(customer_id), same, shop_token_valid=True)
    if existing is not None and existing.anonymous:
        # Renewed, so an anonymous visitor is remembered for `visitor_days` after their last visit.
        return Resolution(signer.issue(existing.customer_id), True, shop_token_valid=False)
    return Resolution(signer.issue_anonymous(), False, shop_token_valid=False)


@dataclass(frozen=True)
class Resolution:
    session: Session
    same_customer: bool       # the browser may keep the conversation it shows
    shop_token_valid: bool
