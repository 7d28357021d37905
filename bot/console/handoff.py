"""Human handoff in the console: the live queue, claiming a conversation,
replying to the customer and handing the conversation back to the assistant.

A conversation waits in the queue from the moment it is paused (the customer
asked for a person: actions/handoff.py) until someone hands it back. Only the
agent who claimed it replies; anyone may take it over explicitly, and every
step is written to the audit log with who did it and when.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List, Optional

from aiohttp import web
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from bot.console import db, queries, rasa_api
from bot.console.auth import Staff

MAX_REPLY_CHARS = 2000
RASA_API = web.AppKey("rasa_api", rasa_api.RasaApi)


def add_routes(app: web.Application, settings: Any) -> None:
    app[RASA_API] = rasa_api.api_from_settings(settings)
    r = app.router
    r.add_get("/queue", queue_page, name="queue")
    r.add_get("/api/queue", api_queue, name="api_queue")
    r.add_post("/conversations/{sender_id}/claim", claim, name="conversation_claim")
    r.add_post("/conversations/{sender_id}/reply", reply, name="conversation_reply")
    r.add_post("/conversations/{sender_id}/release", release, name="conversation_release")


def agent_name(staff: Staff) -> str:
    """What the customer sees: the agent's display name, never the e-mail address."""
    return staff.display_name or "A colleague"


def waiting(engine: Engine) -> List[Dict[str, Any]]:
    """Paused conversations, longest waiting first, with who has claimed them."""
    c, h = db.conversations, db.handoffs
    with engine.connect() as connection:
        rows = connection.execute(
            select(c.c.sender_id, c.c.channel, c.c.handoff_at, c.c.last_at, c.c.last_text, c.c.user_messages,
                   h.c.claimed_by, h.c.claimed_at)
            .select_from(c.outerjoin(h, h.c.sender_id == c.c.sender_id))
            .where(c.c.paused.is_(True)).order_by(c.c.handoff_at, c.c.sender_id)).all()
    now = time.time()
    return [dict(row._mapping, waiting_minutes=int((now - (row.handoff_at or now)) // 60)) for row in rows]


def claim_of(engine: Engine, sender_id: str) -> Optional[Dict[str, Any]]:
    with engine.connect() as connection:
        row = connection.execute(select(db.handoffs).where(db.handoffs.c.sender_id == sender_id)).first()
    return dict(row._mapping) if row else None


# -- handlers ------------------------------------------------------------------------------------
def _app():
    from bot.console import app as console_app   # the console's request plumbing

    return console_app


async def queue_page(request: web.Request) -> web.Response:
    app = _app()
    console = app._console(request)
    await app._synced(request)
    rows = await asyncio.to_thread(waiting, console.engine)
    return app._render(request, "queue.html", rows=rows, refresh=int(console.settings.console_queue_refresh))


async def api_queue(request: web.Request) -> web.Response:
    app = _app()
    await app._synced(request)
    rows = await asyncio.to_thread(waiting, app._console(request).engine)
    return web.json_response({"waiting": rows})


async def _conversation_state(request: web.Request, sender_id: str) -> Optional[Dict[str, Any]]:
    app = _app()
    await app._synced(request)
    return await asyncio.to_thread(queries.conversation_row, app._console(request).engine, sender_id)


async def _send(request: web.Request, sender_id: str, events: List[Dict[str, Any]]) -> Optional[web.Response]:
    """Append events through Rasa; an error page for the agent when Rasa is unreachable."""
    try:
        await request.app[RASA_API].append_events(sender_id, events)
    except rasa_api.RasaUnavailable as exc:
        return _app()._error(request, 502, f"Nothing was sent: {exc}. Try again in a moment.")
    return None


async def claim(request: web.Request) -> web.Response:
    app = _app()
    sender_id = request.match_info["sender_id"]
    staff: Staff = request["staff"]
    take_over = (await request.post()).get("take_over") == "1"
    row = await _conversation_state(request, sender_id)
    if row is None:
        return app._error(request, 404, "No such conversation.")
    current = await asyncio.to_thread(claim_of, app._console(request).engine, sender_id)
    if current and current["claimed_by"] == staff.email:
        return app._back_to_conversation(request, sender_id)
    if current and not take_over:
        return app._error(request, 409, f"{current['claimed_by']} has already claimed this conversation. "
                                        "Use \"Take over\" on the conversation page to take it anyway.")
    events = [] if row["paused"] else [rasa_api.pause_event()]     # an agent may step in unasked
    events.append(rasa_api.agent_message(f"Hi, this is {agent_name(staff)} from our team - "
                                         "I'm taking over from the assistant. How can I help?",
                                         agent_name(staff)))
    failed = await _send(request, sender_id, events)
    if failed is not None:
        return failed

    def _work(connection):
        connection.execute(delete(db.handoffs).where(db.handoffs.c.sender_id == sender_id))
        connection.execute(insert(db.handoffs).values(sender_id=sender_id, claimed_by=staff.email,
                                                      claimed_at=time.time()))
        detail = "paused the assistant" if not row["paused"] else "from the queue"
        if current:
            detail += f", took over from {current['claimed_by']}"
        db.record_audit(connection, staff.email, "handoff_claimed", sender_id, detail)

    await app._transaction(request, _work)
    return app._back_to_conversation(request, sender_id)


async def reply(request: web.Request) -> web.Response:
    app = _app()
    sender_id = request.match_info["sender_id"]
    staff: Staff = request["staff"]
    text = str((await request.post()).get("text") or "").strip()
    if not text or len(text) > MAX_REPLY_CHARS:
        return app._error(request, 400, f"A reply needs 1-{MAX_REPLY_CHARS} characters.")
    current = await asyncio.to_thread(claim_of, app._console(request).engine, sender_id)
    if not current or current["claimed_by"] != staff.email:
        holder = f" ({current['claimed_by']} has it)" if current else ""
        return app._error(request, 409, f"Claim the conversation before replying{holder}.")
    failed = await _send(request, sender_id, [rasa_api.agent_message(text, agent_name(staff))])
    if failed is not None:
        return failed
    await app._audit(request, "handoff_reply", sender_id, text[:200])
    return app._back_to_conversation(request, sender_id)


async def release(request: web.Request) -> web.Response:
    app = _app()
    sender_id = request.match_info["sender_id"]
    staff: Staff = request["staff"]
    row = await _conversation_state(request, sender_id)
    if row is None:
        return app._error(request, 404, "No such conversation.")
    current = await asyncio.to_thread(claim_of, app._console(request).engine, sender_id)
    if not row["paused"] and current is None:
        return app._error(request, 409, "The assistant is already answering this conversation.")
    if current and current["claimed_by"] != staff.email and not staff.is_admin:
        return app._error(request, 409, f"{current['claimed_by']} is answering this conversation; "
                                        "only they or an admin can hand it back.")
    failed = await _send(request, sender_id, [
        rasa_api.resume_event(),
        rasa_api.agent_message("You're back with the shopping assistant - it still knows what you've told it. "
                               "Ask for a person again any time.", agent_name(staff)),
        rasa_api.listen_event()])
    if failed is not None:
        return failed

    def _work(connection):
        # `paused` itself follows from the resume event, which the next sync reads.
        connection.execute(delete(db.handoffs).where(db.handoffs.c.sender_id == sender_id))
        db.record_audit(connection, staff.email, "handoff_released", sender_id,
                        "handed back to the assistant" + (f" (claimed by {current['claimed_by']})"
                                                          if current and current["claimed_by"] != staff.email
                                                          else ""))

    await app._transaction(request, _work)
    return app._back_to_conversation(request, sender_id)
