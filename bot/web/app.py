"""The web process: demo shop page, widget script and assets, identity endpoint.

    GET  /                 demo shop: product tiles from the catalog, the chat widget
    GET  /widget.js        the one script a shop pastes into its pages
    GET  /static/...       widget assets (vendor/ holds rasa-webchat and React, copied by `make setup`)
    POST /api/session      {"customer_token": <shop JWT or null>, "session_id": <stored token or null>}
                           -> {"session_id", "anonymous", "keep_conversation", "socket_url", "socket_path"}
    GET  /checkout/<token>, POST /api/orders/completed   purchases (bot/web/checkout.py)
    GET  /health

Every response carries a Content-Security-Policy, X-Frame-Options and nosniff
(security_headers). The support console is mounted at /console, or served on its
own address (CONSOLE_SEPARATE) so it never shares an origin with the public pages.
"""
from __future__ import annotations

import argparse
import asyncio
import html
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

from aiohttp import web

from bot import safe_json
from bot.identity import SessionSigner, resolve_session
from bot.settings import origin_of
from bot.web.checkout import add_checkout_routes

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_FILES = ("rasa-webchat.js", "react.production.min.js")
MAX_BODY = 16 * 1024
logger = logging.getLogger("bot.web")

CONFIG = web.AppKey("config", dict)
SIGNER = web.AppKey("signer", SessionSigner)
PRODUCTS = web.AppKey("products", list)


def page_policy(config: Dict[str, Any]) -> str:
    """CSP of the demo page, the widget assets and the checkout pages: scripts only from
    here, connections only to Rasa's socket.io, forms only here and to the shop's checkout
    (a checkout page's form redirects there), never framed."""
    socket = origin_of(config.get("socket_url") or "")
    sockets = f" {socket} {socket.replace('http', 'ws', 1)}" if socket else ""
    checkout = origin_of((config.get("checkout") or {}).get("checkout_url") or "")
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' https: data:; font-src 'self'; connect-src 'self'{sockets}; "
            f"form-action 'self'{' ' + checkout if checkout else ''}; frame-ancestors 'none'; "
            "base-uri 'none'; object-src 'none'")


def security_headers(policy: str):
    """Headers for every response; the console sets its own stricter policy first."""

    @web.middleware
    async def middleware(request: web.Request, handler):
        try:
            response = await handler(request)
        except web.HTTPException as exc:       # redirects and errors raised by handlers
            _harden(exc, policy)
            raise
        return _harden(response, policy)

    return middleware


def _harden(response: web.StreamResponse, policy: str) -> web.StreamResponse:
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def _cors(response: web.StreamResponse) -> web.StreamResponse:
    # Shop pages on any domain call /api/session; no cookies are involved.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = "600"
    return response


async def session_preflight(request: web.Request) -> web.StreamResponse:
    return _cors(web.Response(status=204))


async def session(request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG]
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        return _cors(web.json_response({"error": "body too large"}, status=413))
    try:
        body = safe_json.loads(raw or b"{}")
    except safe_json.TooDeep:
        return _cors(web.json_response({"error": f"body nested more than {safe_json.MAX_DEPTH} levels deep"},
                                       status=400))
    except ValueError:
        return _cors(web.json_response({"error": "body must be JSON"}, status=400))
    if not isinstance(body, dict):
        return _cors(web.json_response({"error": "body must be a JSON object"}, status=400))
    resolution = resolve_session(request.app[SIGNER], config["shop_jwt_secret"],
                                 body.get("customer_token"), body.get("session_id"),
                                 audience=config.get("shop_jwt_audience", ""), issuer=config.get("shop_jwt_issuer", ""))
    if body.get("customer_token") and not resolution.shop_token_valid:
        logger.info("shop token refused (forged, expired or malformed); the visitor continues anonymously")
    response = web.json_response({
        "session_id": resolution.session.token,
        "anonymous": resolution.session.anonymous,
        "keep_conversation": resolution.same_customer,
        "socket_url": config["socket_url"],
        "socket_path": "/socket.io/",
    })
    response.headers["Cache-Control"] = "no-store"
    return _cors(response)


async def widget_script(request: web.Request) -> web.StreamResponse:
    response = web.FileResponse(STATIC_DIR / "shop-widget.js")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-cache"
    return response


async def health(request: web.Request) -> web.StreamResponse:
    missing = [name for name in VENDOR_FILES if not (STATIC_DIR / "vendor" / name).exists()]
    return web.json_response({"status": "ok" if not missing else "widget assets missing", "missing": missing})


def _money(price: float, currency: str) -> str:
    symbol = {"EUR": "€", "GBP": "£", "USD": "$"}.get(currency)
    text = f"{price:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def demo_products(catalog_path: str, count: int) -> List[Dict[str, Any]]:
    """One well-rated product from each of the first `count` categories."""
    from embeddings.catalog import load_catalog

    best: Dict[str, Any] = {}
    for product in load_catalog(catalog_path).products:
        if product.availability == "out_of_stock":
            continue
        current = best.get(product.category)
        if current is None or (product.rating or 0) > (current.rating or 0):
            best[product.category] = product
    chosen = list(best.values())[:count]
    return [{"id": p.id, "title": p.title, "brand": p.brand, "category": p.category_name.lower(),
             "price": _money(p.price, p.currency), "rating": p.rating} for p in chosen]


def snippet(public_url: str) -> str:
    return (f'<script src="{public_url}/widget.js" async\n'
            f'        data-customer-token="SIGNED-JWT-OR-EMPTY"></script>')


async def shop_page(request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG]
    tiles = []
    for product in request.app[PRODUCTS]:
        initials = html.escape(product["category"][:1].upper())
        question = html.escape(f"Tell me about the {product['title']}")
        tiles.append(f"""
      <article class="tile" data-product="{html.escape(product['id'])}">
        <div class="tile-image" aria-hidden="true"><span>{initials}</span></div>
        <p class="tile-category">{html.escape(product['category'])}</p>
        <h3>{html.escape(product['title'])}</h3>
        <p class="tile-brand">{html.escape(product['brand'])}</p>
        <p class="tile-price">{html.escape(product['price'])}</p>
        <button type="button" class="tile-ask" data-question="{question}">Ask the assistant</button>
      </article>""")
    token = request.query.get("customer_token", "")
    page = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Demo shop - shopping assistant</title>
  <link rel="stylesheet" href="/static/shop.css">
</head>
<body>
  <header class="shop-header">
    <div class="brand">Trailside <span>demo shop</span></div>
    <nav><a href="#products">Products</a><a href="#embed">Add the assistant to your shop</a></nav>
  </header>
  <section class="hero">
    <h1>Find the right gear, faster.</h1>
    <p>Ask our shopping assistant - bottom right - for anything: <em>"waterproof hiking boots under 120"</em>,
       <em>"a gift for a 10 year old"</em>, <em>"a quiet dishwasher"</em>. It remembers what you like.</p>
  </section>
  <main id="products" class="tiles">{''.join(tiles)}
  </main>
  <section id="embed" class="embed">
    <h2>Add the assistant to your shop</h2>
    <p>Paste this before <code>&lt;/body&gt;</code> on every page. For a logged-in customer, put a token
       signed with your <code>SHOP_JWT_SECRET</code> in <code>data-customer-token</code>; leave it empty for visitors.</p>
    <pre><code>{html.escape(snippet(config['public_url']))}</code></pre>
  </section>
  <footer class="shop-footer">Demo catalog - prices and products are made up.</footer>
  <script src="/widget.js" async data-customer-token="{html.escape(token)}"></script>
  <script src="/static/demo.js" defer></script>
</body>
</html>"""
    return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-store"})


def make_app(config: Dict[str, Any], products: Optional[List[Dict[str, Any]]] = None,
             console: Optional[web.Application] = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[security_headers(page_policy(config))])
    app[CONFIG] = config
    app[SIGNER] = SessionSigner(config["session_secret"], config["visitor_days"], config["customer_hours"])
    app[PRODUCTS] = products or []
    app.router.add_get("/", shop_page)
    app.router.add_get("/widget.js", widget_script)
    app.router.add_post("/api/session", session)
    app.router.add_route("OPTIONS", "/api/session", session_preflight)
    app.router.add_get("/health", health)
    add_checkout_routes(app, config.get("checkout") or {})
    app.router.add_static("/static/", STATIC_DIR, show_index=False)
    if console is not None:
        app.add_subapp("/console", console)           # staff only: the console checks every request
    return app


def config_from_settings(settings) -> Dict[str, Any]:
    socket_url = settings.widget_socket_url or f"http://{settings.rasa_host}:{settings.rasa_port}"
    public_url = settings.web_public_url or f"http://{settings.web_host}:{settings.web_port}"
    secret = settings.widget_session_secret or os.environ.get("WIDGET_SESSION_SECRET", "")
    return {"socket_url": socket_url.rstrip("/"), "public_url": public_url.rstrip("/"),
            "session_secret": secret, "shop_jwt_secret": settings.shop_jwt_secret,
            "shop_jwt_audience": settings.shop_jwt_audience, "shop_jwt_issuer": settings.shop_jwt_issuer,
            "visitor_days": settings.widget_visitor_days, "customer_hours": settings.widget_customer_hours}


def main(argv: Optional[List[str]] = None) -> int:
    from bot.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    config = config_from_settings(settings)
    if not config["session_secret"]:
        print("WIDGET_SESSION_SECRET is not set (python -m bot run sets it)", file=sys.stderr)
        return 2
    missing = [name for name in VENDOR_FILES if not (STATIC_DIR / "vendor" / name).exists()]
    if missing:
        logger.warning("widget assets missing (%s): run `make setup`", ", ".join(missing))
    products = demo_products(str(settings.catalog_path), int(settings.demo_products))
    from bot.web.checkout import config_from_settings as checkout_config

    config["checkout"] = checkout_config(settings)
    from bot.console import create_console_app

    console = create_console_app(settings)
    host, port = args.host or settings.web_host, args.port or int(settings.web_port)
    if not settings.console_separate:
        web.run_app(make_app(config, products, console), host=host, port=port, print=None, access_log=None)
        return 0
    # The console on its own address: a second site in this process, nothing of it on the public one.
    asyncio.run(serve_both(make_app(config, products), (host, port), console_site(console, config),
                           (settings.console_host, int(settings.console_port))))
    return 0


def console_site(console: web.Application, config: Dict[str, Any]) -> web.Application:
    """The console alone, at /console of its own address."""
    app = web.Application(middlewares=[security_headers(page_policy(config))])
    app.add_subapp("/console", console)

    async def to_console(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/console/")

    app.router.add_get("/", to_console)
    return app


async def serve_both(public: web.Application, public_at, console: web.Application, console_at) -> None:
    runners = [web.AppRunner(public, access_log=None), web.AppRunner(console, access_log=None)]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        for runner, (host, port) in zip(runners, (public_at, console_at)):
            await runner.setup()
            await web.TCPSite(runner, host, port).start()
        logger.info("web process on http://%s:%s, console on http://%s:%s/console/", *public_at, *console_at)
        await stop.wait()
    finally:
        for runner in reversed(runners):
            await runner.cleanup()
