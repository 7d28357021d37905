"""Signed checkout links: the assistant's cart, handed to the shop through the web process.

Plain Python (standard library), used by the action server (issues links) and the
web process (follows them, see bot/web/checkout.py). A link is

    <web process>/checkout/<payload, base64url JSON>.<HMAC-SHA256, base64url>

signed with CHECKOUT_LINK_SECRET, which both processes share (generated into
var/checkout_secret on first run if not set). The payload names the customer,
the cart lines with the prices at the time the link was given, the services
chosen, when it was issued and a random reference that makes following the
same link twice count once.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

VERSION = 1
MAX_TOKEN_CHARS = 8000


class LinkError(ValueError):
    """A link that is forged, altered or malformed."""


class LinkExpired(LinkError):
    """A genuine link that is too old."""


@dataclass(frozen=True)
class CheckoutLine:
    product_id: str
    quantity: int
    unit_price: float
    currency: str
    variant_id: str = ""      # the colour / size bought ("" for a product without variants)


@dataclass(frozen=True)
class CheckoutLink:
    customer_id: str
    lines: Tuple[CheckoutLine, ...]
    services: Tuple[Tuple[str, str], ...]   # (service id, product id)
    issued_at: int
    ref: str

    @property
    def order_ref(self) -> str:
        """The key under which the purchases of this link are recorded (once)."""
        return "link:" + self.ref


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CheckoutSigner:
    def __init__(self, secret: str, ttl_hours: float = 72) -> None:
        if not secret or len(secret) < 16:
            raise ValueError("the checkout link secret must be at least 16 characters")
        self._key = secret.encode("utf-8")
        self.ttl_seconds = int(float(ttl_hours) * 3600)

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode("utf-8"), hashlib.sha256).digest())

    def _mac_bytes(self, payload: str) -> bytes:
        return self._mac(payload).encode("ascii")

    def sign(self, customer_id: str, lines: Sequence[CheckoutLine], services: Sequence[Tuple[str, str]] = (),
             now: Optional[float] = None, ref: Optional[str] = None) -> str:
        body = {"v": VERSION, "c": customer_id,
                "l": [[l.product_id, int(l.quantity), round(float(l.unit_price), 2), l.currency]
                      + ([l.variant_id] if l.variant_id else []) for l in lines],
                "s": [[service, product] for service, product in services],
                "t": int(time.time() if now is None else now), "r": ref or secrets.token_hex(12)}
        payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
        return f"{payload}.{self._mac(payload)}"

    def verify(self, token: str, now: Optional[float] = None) -> CheckoutLink:
        """The link's content; LinkError when forged or malformed, LinkExpired when too old."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
            raise LinkError("malformed checkout link")
        payload, mac = token.split(".")
        if not hmac.compare_digest(self._mac_bytes(payload), mac.encode("utf-8", "replace")):
            raise LinkError("checkout link signature does not match")
        try:
            body = json.loads(_unb64(payload))
            link = CheckoutLink(
                customer_id=str(body["c"]),
                lines=tuple(CheckoutLine(str(p), int(q), float(price), str(cur), str(variant[0]) if variant else "")
                            for p, q, price, cur, *variant in body["l"]),
                services=tuple((str(s), str(p)) for s, p in body["s"]),
                issued_at=int(body["t"]), ref=str(body["r"]))
        except (ValueError, KeyError, TypeError) as exc:   # signed by us, so only a bug gets here
            raise LinkError(f"checkout link content unreadable: {exc}") from exc
        if body.get("v") != VERSION or not link.customer_id or not link.lines:
            raise LinkError("checkout link content unreadable")
        current = time.time() if now is None else now
        if current - link.issued_at > self.ttl_seconds:
            raise LinkExpired("checkout link expired")
        return link


def public_web_url(settings) -> str:
    """Where customers reach the web process (WEB_PUBLIC_URL, else http://WEB_HOST:WEB_PORT)."""
    return (settings.web_public_url or f"http://{settings.web_host}:{settings.web_port}").rstrip("/")


def link_secret(settings) -> str:
    """CHECKOUT_LINK_SECRET, else the one kept in <var_dir>/checkout_secret (made by the launcher)."""
    from bot.launcher import checkout_secret

    return checkout_secret(settings)


def shop_checkout_query(link: CheckoutLink) -> dict:
    """The query the shop's checkout page gets: the same items format as before links were signed."""
    query = {"items": ",".join(f"{l.product_id}:{l.quantity}" for l in link.lines)}
    variants = [f"{l.product_id}:{l.variant_id}" for l in link.lines if l.variant_id]
    if variants:
        # which variant (colour / size) of each product, as "product:variant"
        query["variants"] = ",".join(variants)
    if link.services:
        query["services"] = ",".join(f"{s}:{p}" for s, p in link.services)
    query["assistant_ref"] = link.order_ref
    return query


def order_signature(secret: str, body: bytes) -> str:
    """What the shop sends in X-Shop-Signature for a completed order: sha256=<hex HMAC of the raw body>."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def order_signature_ok(secret: str, body: bytes, given: Optional[str]) -> bool:
    return bool(secret and given) and hmac.compare_digest(order_signature(secret, body).encode(),
                                                        given.strip().encode("utf-8", "replace"))

