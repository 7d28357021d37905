"""The support console: an aiohttp sub-application (mounted by the web process at
/console, or run alone with `python -m bot.console`)."""
from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional

import jinja2
from aiohttp import web
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from bot.client_address import client_address, trusted_networks
from bot.console import auth, db, export, profiles, queries, summary
from bot.console.auth import Staff

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"
PUBLIC_ROUTES = {"login", "login_post", "static_css"}   # the stylesheet holds no data; the login page needs it
TAG_RE = re.compile(r"^[\w .:-]{1,64}$")


@dataclass
class Console:
    settings: Any
    engine: Engine
    tracker: Engine
    templates: jinja2.Environment
    guard: auth.LoginGuard
    intents: list
    proxies: list = field(default_factory=list)       # trusted reverse proxies (client_address)
    cookie_secure: bool = False


def cookie_secure(settings: Any) -> bool:
    """CONSOLE_COOKIE_SECURE: true / false, or auto (the default): Secure cookies whenever
    staff reach the console over https."""
    value = str(settings.console_cookie_secure).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return console_public_url(settings).startswith("https://")


def console_public_url(settings: Any) -> str:
    """Where staff open the console: CONSOLE_PUBLIC_URL, else its own address (CONSOLE_SEPARATE)
    or the web process's public address + /console."""
    if settings.console_public_url:
        return settings.console_public_url.rstrip("/")
    if settings.console_separate:
        return f"http://{settings.console_host}:{settings.console_port}/console"
    web = settings.web_public_url or f"http://{settings.web_host}:{settings.web_port}"
    return web.rstrip("/") + "/console"


CONSOLE_KEY = web.AppKey("console", Console)


def _safe_url(value: Any) -> str:
    text = str(value or "")
    return text if text.startswith(("https://", "http://")) else ""


def create_console_app(settings: Any, engine: Optional[Engine] = None,
                       tracker: Optional[Engine] = None) -> web.Application:
    """The console as an aiohttp application; mount it with app.add_subapp("/console", ...)."""
    engine = engine or db.make_engine(db.absolute_sqlite_url(settings.console_db_url))
    tracker = tracker or db.make_engine(db.tracker_url(settings))
    db.create_console_tables(engine)
    auth.ensure_admin(engine, settings.console_admin_email, settings.console_admin_password)
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                                   autoescape=True)
    templates.filters["ts"] = queries.format_ts
    templates.filters["safe_url"] = _safe_url
    console = Console(settings, engine, tracker, templates,
                      auth.LoginGuard(engine, settings.console_max_login_failures,
                                      settings.console_max_ip_failures, settings.console_lockout_seconds,
                                      settings.console_login_backoff_seconds),
                      export.domain_intents(), trusted_networks(settings.trusted_proxies), cookie_secure(settings))
    app = web.Application(middlewares=[security_middleware], client_max_size=256 * 1024)
    app[CONSOLE_KEY] = console
    app.on_startup.append(_start_first_sync)
    app.on_cleanup.append(_finish_first_sync)
    r = app.router
    r.add_get("/", list_page, name="index")
    r.add_get("/login", login_page, name="login")
    r.add_post("/login", login_post, name="login_post")
    r.add_post("/logout", logout, name="logout")
    r.add_get("/conversations/{sender_id}", conversation_page, name="conversation")
    r.add_post("/conversations/{sender_id}/tags", add_tag, name="conversation_tag")
    r.add_post("/conversations/{sender_id}/tags/remove", remove_tag, name="conversation_untag")
    r.add_post("/conversations/{sender_id}/notes", add_note, name="conversation_note")
    r.add_post("/conversations/{sender_id}/misunderstood", mark_misunderstood, name="conversation_mark")
    r.add_post("/conversations/{sender_id}/misunderstood/remove", unmark, name="conversation_unmark")
    r.add_get("/conversations/{sender_id}/story.yml", story_export, name="conversation_story")
    r.add_get("/export/nlu.yml", nlu_export, name="export_nlu")
    r.add_get("/admin/staff", staff_page, name="admin_staff")
    r.add_post("/admin/staff", staff_create, name="admin_staff_create")
    r.add_post("/admin/staff/{staff_id:\\d+}/active", staff_active, name="admin_staff_active")
    r.add_get("/admin/audit", audit_page, name="admin_audit")
    r.add_get("/api/conversations", api_conversations, name="api_conversations")
    r.add_get("/api/conversations/{sender_id}", api_conversation, name="api_conversation")
    r.add_get("/static/console.css", stylesheet, name="static_css")
    r.add_get("/metrics", metrics_page, name="metrics")
    from bot.console import handoff       # imports this module's plumbing, so not at the top

    handoff.add_routes(app, settings)
    from bot.console.experiments import experiments_page   # the experiment report (issue 6)
    r.add_get("/experiments", experiments_page, name="experiments")
    return app


FIRST_SYNC_KEY = web.AppKey("first_sync", asyncio.Task)


async def _start_first_sync(app: web.Application) -> None:
    """Build the summaries in the background at start-up (seconds for a large tracker store),
    so the first page does not pay for it alone."""
    console = app[CONSOLE_KEY]
    app[FIRST_SYNC_KEY] = asyncio.create_task(asyncio.to_thread(summary.sync, console.engine, console.tracker))


async def _finish_first_sync(app: web.Application) -> None:
    task = app.get(FIRST_SYNC_KEY)
    if task is not None:
        try:
            await task
        except Exception:  # reported again by the next request's sync
            pass


# -- plumbing -----------------------------------------------------------------------
def _console(request: web.Request) -> Console:
    return request.app[CONSOLE_KEY]


def _base_path(request: web.Request) -> str:
    return str(request.app.router["index"].url_for())


def _url(request: web.Request, name: str, query: Optional[Dict[str, str]] = None, **parts: Any) -> str:
    url = request.app.router[name].url_for(**{k: str(v) for k, v in parts.items()})
    return str(url.with_query(query) if query else url)


def _is_api(request: web.Request) -> bool:
    route = request.match_info.route
    name = getattr(route, "name", None) or ""
    return name.startswith("api_") or "/api/" in request.path


@web.middleware
async def security_middleware(request: web.Request, handler):
    console = _console(request)
    route_name = getattr(request.match_info.route, "name", None)
    token = request.cookies.get(SESSION_COOKIE)
    staff = await asyncio.to_thread(auth.session_staff, console.engine, token) if token else None
    request["staff"] = staff
    if route_name not in PUBLIC_ROUTES:
        if staff is None:
            if _is_api(request):
                return web.json_response({"error": "login required"}, status=401)
            raise web.HTTPFound(_url(request, "login"))
        if (route_name or "").startswith("admin_") and not staff.is_admin:
            return _error(request, 403, "Only admins can open this page.")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if staff and route_name not in PUBLIC_ROUTES:
            expected = staff.csrf_token
        else:   # the login form: its token belongs to the pre-login session the server issued
            prelogin = request.cookies.get(LOGIN_CSRF_COOKIE)
            valid = await asyncio.to_thread(auth.prelogin_valid, console.engine, prelogin)
            expected = auth.csrf_token(prelogin, "login") if valid else None
        given = request.headers.get("X-CSRF-Token")
        if given is None and request.content_type in ("application/x-www-form-urlencoded",
                                                      "multipart/form-data"):
            given = (await request.post()).get("csrf_token")
        if not auth.tokens_equal(given, expected):
            return _error(request, 403, "The form has expired or did not come from the console. "
                                        "Reload the page and try again.")
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'none'; style-src 'self'; img-src 'self' https:; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    console = _console(request)
    staff: Optional[Staff] = request.get("staff")
    html = console.templates.get_template(template).render(
        url=lambda name, query=None, **parts: _url(request, name, query, **parts),
        staff=staff, csrf=staff.csrf_token if staff else "", **context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def _error(request: web.Request, status: int, message: str) -> web.Response:
    if _is_api(request):
        return web.json_response({"error": message}, status=status)
    return _render(request, "error.html", status=status, message=message)


async def _transaction(request: web.Request, work):
    """Run work(connection) in one transaction of the console database, off the event loop."""
    engine = _console(request).engine

    def run():
        with engine.begin() as connection:
            return work(connection)

    return await asyncio.to_thread(run)


async def _audit(request: web.Request, action: str, target: str = "", detail: str = "") -> None:
    staff: Optional[Staff] = request.get("staff")
    await _transaction(request, lambda connection: db.record_audit(
        connection, staff.email if staff else None, action, target, detail))


def _client_ip(request: web.Request) -> str:
    """The peer, or behind a trusted proxy (TRUSTED_PROXIES) the address it reports."""
    console = _console(request)
    return client_address(request.remote, request.headers.get(console.settings.client_ip_header),
                          console.proxies)


async def _synced(request: web.Request) -> None:
    console = _console(request)
    await asyncio.to_thread(summary.sync, console.engine, console.tracker)


# -- login ----------------------------------------------------------------------------
async def login_page(request: web.Request) -> web.Response:
    if request.get("staff"):
        raise web.HTTPFound(_url(request, "index"))
    return await _login_form(request)


async def _login_form(request: web.Request, status: int = 200, message: str = "",
                      email: str = "") -> web.Response:
    """The login form with the CSRF token of the browser's pre-login session (kept while it
    is valid, so a second tab's form does not make the first one stale; else a new one)."""
    console = _console(request)
    token = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not await asyncio.to_thread(auth.prelogin_valid, console.engine, token):
        token = await asyncio.to_thread(auth.open_prelogin, console.engine)
    response = _render(request, "login.html", status=status, message=message, email=email,
                       login_csrf=auth.csrf_token(token, "login"))
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict",
                        secure=console.cookie_secure, path=_base_path(request))
    return response


async def login_post(request: web.Request) -> web.Response:
    console = _console(request)
    form = await request.post()
    email = auth.normalise_email(str(form.get("email") or ""))[:255]
    password = str(form.get("password") or "")
    ip = _client_ip(request)
    try:
        await asyncio.to_thread(console.guard.check, email, ip)
    except auth.LoginLocked as locked:
        await _audit(request, "login_refused_locked", email)
        wait = f"{int(locked.seconds) + 1} seconds" if locked.seconds < 120 else \
            f"{int(locked.seconds // 60) + 1} minutes"
        return await _login_form(request, 429, f"Too many failed logins. Try again in {wait}.", email)
    staff_id = await asyncio.to_thread(auth.verify_login, console.engine, email, password)
    if staff_id is None:
        await asyncio.to_thread(console.guard.failed, email, ip)
        await _audit(request, "login_failed", email, f"from {ip}")
        return await _login_form(request, 401, "Wrong e-mail or password.", email)
    await asyncio.to_thread(console.guard.succeeded, email, ip)
    await asyncio.to_thread(auth.close_prelogin, console.engine, request.cookies.get(LOGIN_CSRF_COOKIE))
    token = await asyncio.to_thread(auth.open_session, console.engine, staff_id,
                                    console.settings.console_session_minutes)
    def _work(connection):
        db.record_audit(connection, email, "login", email, f"from {ip}")

    await _transaction(request, _work)
    response = web.HTTPFound(_url(request, "index"))
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict",
                        secure=console.cookie_secure, path=_base_path(request),
                        max_age=console.settings.console_session_minutes * 60)
    response.del_cookie(LOGIN_CSRF_COOKIE, path=_base_path(request))
    raise response


async def logout(request: web.Request) -> web.Response:
    console = _console(request)
    await asyncio.to_thread(auth.close_session, console.engine, request.cookies.get(SESSION_COOKIE, ""))
    await _audit(request, "logout")
    response = web.HTTPFound(_url(request, "login"))
    response.del_cookie(SESSION_COOKIE, path=_base_path(request))
    raise response


# -- conversations ----------------------------------------------------------------------
async def list_page(request: web.Request) -> web.Response:
    console = _console(request)
    await _synced(request)
    filters = queries.Filters.from_query(request.query)
    senders = await asyncio.to_thread(profiles.senders_of_type, console.settings, filters.customer_type)
    result = await asyncio.to_thread(queries.list_conversations, console.engine, filters,
                                     console.settings.console_page_size, senders)
    if filters.q or filters.customer:
        await _audit(request, "search", "", f"text={filters.q!r} customer={filters.customer!r}")
    return _render(request, "list.html", status=400 if filters.errors else 200, filters=filters, result=result,
                   outcomes=queries.OUTCOMES, customer_types=profiles.customer_type_names())


async def api_conversations(request: web.Request) -> web.Response:
    console = _console(request)
    await _synced(request)
    filters = queries.Filters.from_query(request.query)
    if filters.errors:
        return web.json_response({"error": "; ".join(filters.errors)}, status=400)
    senders = await asyncio.to_thread(profiles.senders_of_type, console.settings, filters.customer_type)
    result = await asyncio.to_thread(queries.list_conversations, console.engine, filters,
                                     console.settings.console_page_size, senders)
    if filters.q or filters.customer:
        await _audit(request, "search", "", f"text={filters.q!r} customer={filters.customer!r}")
    return web.json_response(result)


def _annotations(engine: Engine, sender_id: str) -> Dict[str, Any]:
    with engine.connect() as connection:
        tag_rows = connection.execute(select(db.tags.c.tag).where(db.tags.c.sender_id == sender_id)
                                      .order_by(db.tags.c.tag)).scalars().all()
        note_rows = connection.execute(select(db.notes).where(db.notes.c.sender_id == sender_id)
                                       .order_by(db.notes.c.id)).all()
        marks = connection.execute(select(db.misunderstood.c.event_id, db.misunderstood.c.correct_intent)
                                   .where(db.misunderstood.c.sender_id == sender_id)).all()
    return {"tags": list(tag_rows), "notes": [dict(r._mapping) for r in note_rows],
            "marks": {r.event_id: r.correct_intent for r in marks}}


async def conversation_page(request: web.Request) -> web.Response:
    console = _console(request)
    sender_id = request.match_info["sender_id"]
    await _synced(request)
    items = await asyncio.to_thread(queries.transcript, console.tracker, sender_id)
    info = await asyncio.to_thread(queries.conversation_row, console.engine, sender_id)
    if not items and info is None:
        return _error(request, 404, "No such conversation.")
    notes = await asyncio.to_thread(_annotations, console.engine, sender_id)
    from bot.console.handoff import claim_of

    claim = await asyncio.to_thread(claim_of, console.engine, sender_id)
    await _audit(request, "view_conversation", sender_id)
    return _render(request, "conversation.html", sender_id=sender_id, items=items, info=info,
                   intents=console.intents, outcomes=queries.OUTCOMES, claim=claim, **notes)


async def api_conversation(request: web.Request) -> web.Response:
    console = _console(request)
    sender_id = request.match_info["sender_id"]
    items = await asyncio.to_thread(queries.transcript, console.tracker, sender_id)
    if not items:
        return web.json_response({"error": "no such conversation"}, status=404)
    notes = await asyncio.to_thread(_annotations, console.engine, sender_id)
    notes["marks"] = {str(k): v for k, v in notes["marks"].items()}
    await _audit(request, "view_conversation", sender_id, "api")
    return web.json_response({"sender_id": sender_id, "events": items, **notes})


def _back_to_conversation(request: web.Request, sender_id: str) -> web.Response:
    raise web.HTTPSeeOther(_url(request, "conversation", sender_id=sender_id))


async def add_tag(request: web.Request) -> web.Response:
    sender_id = request.match_info["sender_id"]
    tag = str((await request.post()).get("tag") or "").strip()
    if not TAG_RE.match(tag):
        return _error(request, 400, "A tag is 1-64 letters, digits, spaces or . : - _")
    staff: Staff = request["staff"]
    def _work(connection):
        exists = connection.execute(select(db.tags.c.tag).where(
            db.tags.c.sender_id == sender_id, db.tags.c.tag == tag)).first()
        if not exists:
            connection.execute(insert(db.tags).values(sender_id=sender_id, tag=tag, created_at=time.time(),
                                                      staff_email=staff.email))
        db.record_audit(connection, staff.email, "tag_added", sender_id, tag)

    await _transaction(request, _work)
    return _back_to_conversation(request, sender_id)


async def remove_tag(request: web.Request) -> web.Response:
    sender_id = request.match_info["sender_id"]
    tag = str((await request.post()).get("tag") or "")
    staff: Staff = request["staff"]
    def _work(connection):
        connection.execute(delete(db.tags).where(db.tags.c.sender_id == sender_id, db.tags.c.tag == tag))
        db.record_audit(connection, staff.email, "tag_removed", sender_id, tag)

    await _transaction(request, _work)
    return _back_to_conversation(request, sender_id)


async def add_note(request: web.Request) -> web.Response:
    sender_id = request.match_info["sender_id"]
    text = str((await request.post()).get("text") or "").strip()
    if not text or len(text) > 5000:
        return _error(request, 400, "A note needs 1-5000 characters.")
    staff: Staff = request["staff"]
    def _work(connection):
        connection.execute(insert(db.notes).values(sender_id=sender_id, text=text, created_at=time.time(),
                                                   staff_email=staff.email))
        db.record_audit(connection, staff.email, "note_added", sender_id, text[:200])

    await _transaction(request, _work)
    return _back_to_conversation(request, sender_id)


async def mark_misunderstood(request: web.Request) -> web.Response:
    console = _console(request)
    sender_id = request.match_info["sender_id"]
    form = await request.post()
    intent = str(form.get("intent") or "")
    try:
        event_id = int(str(form.get("event_id") or ""))
    except ValueError:
        return _error(request, 400, "Which message?")
    if intent not in console.intents:
        return _error(request, 400, "Pick an intent from the domain.")
    items = await asyncio.to_thread(queries.transcript, console.tracker, sender_id)
    message = next((i for i in items if i["id"] == event_id and i["kind"] == "user"), None)
    if message is None:
        return _error(request, 404, "No such customer message in this conversation.")
    staff: Staff = request["staff"]
    def _work(connection):
        connection.execute(delete(db.misunderstood).where(db.misunderstood.c.event_id == event_id))
        connection.execute(insert(db.misunderstood).values(
            event_id=event_id, sender_id=sender_id, text=message["text"],
            predicted_intent=message.get("intent"), correct_intent=intent, created_at=time.time(),
            staff_email=staff.email))
        db.record_audit(connection, staff.email, "marked_misunderstood", sender_id,
                        f"event {event_id}: {message.get('intent')} -> {intent}")

    await _transaction(request, _work)
    return _back_to_conversation(request, sender_id)


async def unmark(request: web.Request) -> web.Response:
    sender_id = request.match_info["sender_id"]
    try:
        event_id = int(str((await request.post()).get("event_id") or ""))
    except ValueError:
        return _error(request, 400, "Which message?")
    staff: Staff = request["staff"]

    def _work(connection):
        connection.execute(delete(db.misunderstood).where(db.misunderstood.c.event_id == event_id,
                                                          db.misunderstood.c.sender_id == sender_id))
        db.record_audit(connection, staff.email, "unmarked_misunderstood", sender_id, f"event {event_id}")

    await _transaction(request, _work)
    return _back_to_conversation(request, sender_id)


async def story_export(request: web.Request) -> web.Response:
    console = _console(request)
    sender_id = request.match_info["sender_id"]
    items = await asyncio.to_thread(queries.transcript, console.tracker, sender_id)
    if not items:
        return _error(request, 404, "No such conversation.")
    marks = (await asyncio.to_thread(_annotations, console.engine, sender_id))["marks"]
    await _audit(request, "export_story", sender_id)
    return _yaml_response(export.test_story(sender_id, items, marks), "test_story.yml")


async def nlu_export(request: web.Request) -> web.Response:
    marks = await _transaction(request, lambda connection: [dict(r._mapping) for r in connection.execute(
        select(db.misunderstood.c.text, db.misunderstood.c.correct_intent)
        .order_by(db.misunderstood.c.event_id))])
    await _audit(request, "export_nlu", "", f"{len(marks)} messages")
    return _yaml_response(export.nlu_yaml(marks), "misunderstood_nlu.yml")


def _yaml_response(text: str, filename: str) -> web.Response:
    return web.Response(text=text, content_type="application/x-yaml", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# -- admin ---------------------------------------------------------------------------------
async def staff_page(request: web.Request, message: str = "", status: int = 200) -> web.Response:
    rows = await _transaction(request, lambda connection: [dict(r._mapping) for r in connection.execute(
        select(db.staff.c.id, db.staff.c.email, db.staff.c.display_name, db.staff.c.role, db.staff.c.active,
               db.staff.c.created_at).order_by(db.staff.c.email))])
    if request.method == "GET":
        await _audit(request, "view_staff")
    return _render(request, "staff.html", status=status, accounts=rows, message=message, roles=auth.ROLES)


async def staff_create(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        await asyncio.to_thread(auth.create_staff, _console(request).engine, str(form.get("email") or ""),
                                str(form.get("password") or ""), str(form.get("role") or ""),
                                request["staff"].email, str(form.get("display_name") or ""))
    except auth.AccountError as exc:
        return await staff_page(request, str(exc), 400)
    raise web.HTTPSeeOther(_url(request, "admin_staff"))


async def staff_active(request: web.Request) -> web.Response:
    form = await request.post()
    staff_id = int(request.match_info["staff_id"])
    if staff_id == request["staff"].id:
        return await staff_page(request, "You cannot disable your own account.", 400)
    try:
        await asyncio.to_thread(auth.set_active, _console(request).engine, staff_id,
                                form.get("active") == "1", request["staff"].email)
    except auth.AccountError as exc:
        return await staff_page(request, str(exc), 404)
    raise web.HTTPSeeOther(_url(request, "admin_staff"))


async def audit_page(request: web.Request) -> web.Response:
    rows = await _transaction(request, lambda connection: [dict(r._mapping) for r in connection.execute(
        select(db.audit).order_by(db.audit.c.id.desc()).limit(500))])
    await _audit(request, "view_audit")
    return _render(request, "audit.html", entries=rows)


async def metrics_page(request: web.Request) -> web.Response:
    from bot.console import metrics

    await _synced(request)
    console = _console(request)
    data = await asyncio.to_thread(metrics.compute, console.engine)
    unhandled = await asyncio.to_thread(metrics.unhandled, console.tracker)
    await _audit(request, "view_metrics")
    return _render(request, "metrics.html", m=data, charts=metrics.charts(data), unhandled=unhandled)


async def stylesheet(request: web.Request) -> web.Response:
    return web.Response(body=(HERE / "static" / "console.css").read_bytes(), content_type="text/css")
