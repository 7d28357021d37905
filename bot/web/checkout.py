"""Purchases from the assistant's checkout links and from the shop's completed orders.

    GET  /checkout/<token>       a signed link from the assistant (bot/checkout_links.py): a page
                                 with the cart and a "Continue to checkout" button; records nothing,
                                 so link scanners and previews never count as buyers
    POST /checkout/<token>       the button: records the cart as purchases (source "checkout_link",
                                 once per link) and redirects (303) to the shop's checkout with the
                                 items in the query; forged or altered: 400, expired: 410, nothing
                                 recorded
    POST /api/orders/completed   the shop reports a completed order, the raw body signed with
                                 SHOP_ORDER_SECRET in X-Shop-Signature (sha256=<hex>):
                                 {"order_id", "customer_id", "lines": [{"product_id", "quantity",
                                 "unit_price", "currency"?}], "completed_at"?, "checkout_ref"?}
                                 recorded once per order id (source "order_completed"); 401 bad
                                 signature, 400 malformed body, 403 when no secret is configured

Both feed the profile store's purchases, which the live behaviour signals and the
customer types read (actions/behaviour/live.py, customer_types.history_from_store),
and count the experiments' "purchase" goal.
"""
from __future__ import annotations

import asyncio
import html
import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlencode

from aiohttp import web

from bot import safe_json
from bot.checkout_links import (CheckoutLine, CheckoutSigner, LinkError, LinkExpired, order_signature_ok,
                                shop_checkout_query)

logger = logging.getLogger("bot.web.checkout")
MAX_ORDER_BODY = 64 * 1024
MAX_LINES = 500
_ID = re.compile(r"^[^\x00-\x1f\x7f]{1,255}$")


@dataclass
class CheckoutService:
    """What the checkout routes need: the signer, the shop's URLs and secrets, the
    profile store (opened on first use) and the behaviour config (experiment goals)."""
    signer: Optional[CheckoutSigner]
    checkout_url: str
    order_secret: str
    profile_db_url: str
    behaviour: Dict[str, Any]
    _store: Any = None
    _lock: Any = field(default_factory=threading.Lock)

    @property
    def store(self):
        with self._lock:   # requests run in worker threads
            if self._store is None:
                from actions.profiles import ProfileStore

                self._store = ProfileStore(self.profile_db_url)
            return self._store

    def record(self, ref: str, customer_id: str, lines, source: str, **options) -> bool:
        from actions.behaviour.experiments import record_goal

        if source == "checkout_link" and not self.store.exists(customer_id):
            return False   # the customer said "forget me" after getting the link: nothing comes back
        recorded = self.store.record_order(ref, customer_id, lines, source, **options)
        if recorded:
            record_goal(self.store, self.behaviour, customer_id, "purchase")
        return recorded

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()


CHECKOUT = web.AppKey("checkout", CheckoutService)


def _page(status: int, title: str, message: str, extra: str = "") -> web.Response:
    body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<link rel=\"stylesheet\" href=\"/static/shop.css\"></head><body><main class=\"notice\">"
            f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>{extra}</main></body></html>")
    return web.Response(text=body, status=status, content_type="text/html",
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _money(amount: float, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _confirmation(link) -> str:
    """The cart as a list and the button that records the purchase and goes on to the shop."""
    items = "".join(f"<li>{html.escape(l.product_id)} &times; {l.quantity} - "
                    f"{html.escape(_money(l.unit_price * l.quantity, l.currency))}</li>" for l in link.lines)
    return (f"<ul class=\"checkout-lines\">{items}</ul>"
            f"<form method=\"post\"><button type=\"submit\">Continue to checkout</button></form>")


def _verified(request: web.Request):
    """(link, None) for a genuine, current link; (None, error page) otherwise."""
    service = request.app[CHECKOUT]
    if service.signer is None:
        return None, _page(503, "Checkout unavailable", "Checkout links are not configured on this server.")
    try:
        return service.signer.verify(request.match_info["token"]), None
    except LinkExpired:
        return None, _page(410, "This checkout link has expired",
                           "Ask the assistant for your checkout again (say \"checkout\") and you'll get a fresh link.")
    except LinkError as exc:
        logger.info("checkout link refused: %s", exc)
        return None, _page(400, "This checkout link is not valid",
                           "The link is incomplete or was changed. Ask the assistant for your checkout again.")


async def show_link(request: web.Request) -> web.StreamResponse:
    """GET (and HEAD): what the link holds, and a button. Nothing is recorded: mail scanners,
    chat previews and prefetching browsers follow links without anyone buying."""
    link, refused = _verified(request)
    if refused is not None:
        return refused
    return _page(200, "Your checkout", "Check your items, then continue to the shop's checkout.",
                 _confirmation(link))


async def confirm_link(request: web.Request) -> web.StreamResponse:
    """POST (the button): record the purchases once, then on to the shop's checkout."""
    service = request.app[CHECKOUT]
    link, refused = _verified(request)
    if refused is not None:
        return refused
    target = f"{service.checkout_url}?{urlencode(shop_checkout_query(link))}"
    recorded = await asyncio.to_thread(service.record, link.order_ref, link.customer_id, link.lines,
                                       "checkout_link", from_cart=True)
    logger.info("checkout link confirmed by %s: %s", link.customer_id, "recorded" if recorded else "already recorded")
    raise web.HTTPSeeOther(target, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


class OrderError(ValueError):
    pass


def _text(body: Dict[str, Any], key: str, required: bool = True) -> Optional[str]:
    value = body.get(key)
    if value is None and not required:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _ID.match(value.strip()):
        raise OrderError(f"'{key}' must be a non-empty string of at most 255 characters")
    return value.strip()


def parse_completed_order(body: Any) -> Tuple[str, str, List[CheckoutLine], Optional[datetime], Optional[str]]:
    """order id, customer id, lines, completion time (naive UTC), checkout ref; OrderError when malformed."""
    if not isinstance(body, dict):
        raise OrderError("body must be a JSON object")
    order_id, customer_id = _text(body, "order_id"), _text(body, "customer_id")
    raw_lines = body.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines or len(raw_lines) > MAX_LINES:
        raise OrderError(f"'lines' must be a list of 1 to {MAX_LINES} order lines")
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        if not isinstance(raw, dict):
            raise OrderError(f"line {number} must be an object")
        product_id = _text(raw, "product_id")
        quantity, price = raw.get("quantity"), raw.get("unit_price")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 10000:
            raise OrderError(f"line {number}: 'quantity' must be a whole number from 1 to 10000")
        if not isinstance(price, (int, float)) or isinstance(price, bool) or not 0 <= price < 1e9 \
                or price != price:
            raise OrderError(f"line {number}: 'unit_price' must be a number, not negative")
        currency = raw.get("currency", "EUR")
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
            raise OrderError(f"line {number}: 'currency' must be a three-letter code such as EUR")
        lines.append(CheckoutLine(product_id, quantity, float(price), currency))
    completed_at = None
    if body.get("completed_at") is not None:
        try:
            completed_at = datetime.fromisoformat(str(body["completed_at"]).replace("Z", "+00:00"))
            if completed_at.tzinfo is not None:
                # 9999-12-31T23:59:59-05:00 is past the last representable instant in UTC
                completed_at = completed_at.astimezone(timezone.utc).replace(tzinfo=None)
        except (ValueError, OverflowError):
            raise OrderError("'completed_at' must be an ISO 8601 date and time (up to 9999-12-30)") from None
    checkout_ref = _text(body, "checkout_ref", required=False)
    if checkout_ref is not None and not checkout_ref.startswith("link:"):
        raise OrderError("'checkout_ref' must be the assistant_ref the checkout page received")
    return order_id, customer_id, lines, completed_at, checkout_ref


def _json(status: int, **body: Any) -> web.Response:
    return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})


async def order_completed(request: web.Request) -> web.StreamResponse:
    service = request.app[CHECKOUT]
    if not service.order_secret:
        return _json(403, error="order webhook not configured (SHOP_ORDER_SECRET)")
    raw = await request.content.read(MAX_ORDER_BODY + 1)
    if len(raw) > MAX_ORDER_BODY:
        return _json(413, error="body too large")
    if not order_signature_ok(service.order_secret, raw, request.headers.get("X-Shop-Signature")):
        return _json(401, error="bad or missing X-Shop-Signature")
    try:
        order_id, customer_id, lines, completed_at, checkout_ref = parse_completed_order(safe_json.loads(raw))
    except ValueError as exc:   # OrderError, not JSON, or nested too deeply (safe_json.TooDeep)
        message = str(exc) if isinstance(exc, (OrderError, safe_json.TooDeep)) else "body must be JSON"
        return _json(400, error=message, usage="see README: Purchases from checkout links and completed orders")
    if checkout_ref:
        earlier = await asyncio.to_thread(service.store.recorded_order, checkout_ref)
        if earlier is not None and earlier["customer_id"] != customer_id:
            return _json(400, error="'checkout_ref' belongs to another customer")
    ref = f"shop:{order_id}"
    recorded = await asyncio.to_thread(service.record, ref, customer_id, lines, "order_completed",
                                       purchased_at=completed_at, replaces=checkout_ref)
    return _json(200, order_id=order_id, recorded=recorded, duplicate=not recorded,
                 purchases=len(lines) if recorded else 0)


def add_checkout_routes(app: web.Application, config: Dict[str, Any]) -> None:
    secret = config.get("checkout_secret") or ""
    signer = CheckoutSigner(secret, float(config.get("checkout_link_hours", 72))) if len(secret) >= 16 else None
    service = CheckoutService(signer, config.get("checkout_url", ""), config.get("order_secret", ""),
                              config.get("profile_db_url", ""), config.get("behaviour") or {})
    app[CHECKOUT] = service

    async def close(_app: web.Application) -> None:
        service.close()

    app.on_cleanup.append(close)
    app.router.add_get("/checkout/{token}", show_link)
    app.router.add_post("/checkout/{token}", confirm_link)
    app.router.add_post("/api/orders/completed", order_completed)


def config_from_settings(settings) -> Dict[str, Any]:
    from actions.behaviour.config import behaviour_config
    from bot.checkout_links import link_secret

    return {"checkout_secret": link_secret(settings), "checkout_link_hours": settings.checkout_link_hours,
            "checkout_url": settings.checkout_url, "order_secret": settings.shop_order_secret,
            "profile_db_url": settings.profile_db_url,
            "behaviour": behaviour_config(settings)}
