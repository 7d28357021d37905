"""Keeps `console_conversations` up to date from Rasa's tracker events.

Each sync reads only the events whose id is above the last one seen. A
conversation erased on the customer's request ("forget me") loses all its
stored events except those after the erasure; the sync notices that its first
known event is gone, marks it erased and drops what the console kept of the
customer's words (search text, misunderstood marks, notes).
"""
from __future__ import annotations

import json
import threading
from typing import Any, Dict, Iterable, List, Optional

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.engine import Engine

from bot.console import db

FLAGS = ("products_shown", "details", "added_to_cart", "checkout", "handoff", "fallback", "erased")
FALLBACK_INTENTS = {"nlu_fallback", "out_of_scope"}
FALLBACK_ACTIONS = {"action_fallback", "action_default_fallback"}
BATCH = 20000
MAX_SEARCH_CHARS = 20000

_lock = threading.Lock()


def parse_data(raw: Optional[str]) -> Dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def custom_payload(data: Dict[str, Any]) -> Dict[str, Any]:
    custom = (data.get("data") or {}).get("custom")
    return custom if isinstance(custom, dict) else {}


def _empty(sender_id: str) -> Dict[str, Any]:
    row = {"sender_id": sender_id, "first_event_id": None, "last_event_id": None, "started_at": None,
           "last_at": None, "channel": None, "user_messages": 0, "bot_messages": 0,
           "fallback_messages": 0, "events_seen": 0, "last_text": None, "search_text": "",
           "paused": False, "handoff_at": None}
    row.update({flag: False for flag in FLAGS})
    return row


def apply_event(row: Dict[str, Any], event: Any) -> None:
    """Fold one tracker event (id, type_name, timestamp, intent_name, action_name, data) into a summary."""
    if row["first_event_id"] is None:
        row["first_event_id"] = event.id
        # Kept after an erasure: the conversation goes on from an action_listen.
        if event.type_name == "action" and event.action_name == "action_listen":
            row["erased"] = True
    row["last_event_id"] = event.id
    row["events_seen"] += 1
    if event.timestamp is not None:
        if row["started_at"] is None:
            row["started_at"] = event.timestamp
        row["last_at"] = max(row["last_at"] or 0.0, event.timestamp)
    if event.type_name == "user":
        data = parse_data(event.data)
        text = data.get("text") or ""
        row["user_messages"] += 1
        row["last_text"] = text[:300]
        if data.get("input_channel"):
            row["channel"] = data["input_channel"]
        if len(row["search_text"]) < MAX_SEARCH_CHARS:
            row["search_text"] = (row["search_text"] + "\n" + text.lower())[:MAX_SEARCH_CHARS]
        intent = event.intent_name or ((data.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in FALLBACK_INTENTS:
            row["fallback"] = True
            row["fallback_messages"] += 1
        if intent == "ask_for_human":
            row["handoff"] = True
    elif event.type_name == "bot":
        row["bot_messages"] += 1
        kind = custom_payload(parse_data(event.data)).get("type")
        if kind == "products":
            row["products_shown"] = True
        elif kind == "checkout":
            row["checkout"] = True
        elif kind == "handoff":
            row["handoff"] = True
    elif event.type_name == "pause":
        row["paused"] = True
        row["handoff"] = True
        row["handoff_at"] = event.timestamp
    elif event.type_name in ("resume", "session_started", "restart"):
        # A new session or a restart resets Rasa's tracker, pause included.
        row["paused"] = False
    elif event.type_name == "action":
        name = event.action_name
        if name == "action_add_to_cart":
            row["added_to_cart"] = True
        elif name == "action_product_details":
            row["details"] = True
        elif name == "action_checkout":
            row["checkout"] = True
        elif name in FALLBACK_ACTIONS:
            row["fallback"] = True


def sync(console: Engine, tracker: Engine) -> int:
    """Bring the summaries up to date; returns how many events were read.

    Events are read incrementally by id. When the tracker holds fewer events than
    the console has seen plus the new ones, something was deleted (an erasure;
    SQLite may even hand the deleted ids out again), so every conversation whose
    event count or id range changed is rebuilt from its events.
    """
    with _lock:
        with console.begin() as connection:
            state = connection.execute(select(db.sync_state).where(db.sync_state.c.id == 1)).first()
            if state is None:
                connection.execute(insert(db.sync_state).values(id=1, last_event_id=0, event_count=0))
                last, seen = 0, 0
            else:
                last, seen = state.last_event_id, state.event_count
        e = db.events
        try:
            with tracker.connect() as connection:
                top = connection.execute(select(func.max(e.c.id))).scalar() or 0
                # An erasure always stores the events that follow it, so an unchanged
                # highest id means nothing happened; only then is counting worth it.
                if top == last:
                    return 0
                count = connection.execute(select(func.count()).where(e.c.id <= top)).scalar()
                fresh = connection.execute(select(func.count()).where(e.c.id > last, e.c.id <= top)).scalar()
        except (OperationalError, ProgrammingError) as exc:  # no events table yet: Rasa has not stored anything
            if "events" in str(exc).lower() or "no such table" in str(exc).lower():
                return 0
            raise
        if seen + fresh != count:
            read = _reconcile(console, tracker, top)
        else:
            read = 0
            cursor = last
            while cursor < top:
                cursor, batch_read = _sync_batch(console, tracker, cursor, top)
                read += batch_read
        with console.begin() as connection:
            connection.execute(update(db.sync_state).where(db.sync_state.c.id == 1)
                               .values(last_event_id=top, event_count=count))
        return read


def _event_columns():
    e = db.events
    return (e.c.id, e.c.sender_id, e.c.type_name, e.c.timestamp, e.c.intent_name, e.c.action_name, e.c.data)


def _sync_batch(console: Engine, tracker: Engine, after: int, top: int):
    e = db.events
    with tracker.connect() as connection:
        rows = connection.execute(select(*_event_columns()).where(e.c.id > after, e.c.id <= top)
                                  .order_by(e.c.id).limit(BATCH)).all()
    if not rows:
        return top, 0
    by_sender: Dict[str, List[Any]] = {}
    for row in rows:
        by_sender.setdefault(row.sender_id, []).append(row)
    known = _load_summaries(console, by_sender.keys())
    new_rows, changed_rows = [], []
    for sender_id, sender_events in by_sender.items():
        summary = known.get(sender_id)
        if summary is None:
            summary = _empty(sender_id)
            new_rows.append(summary)
        else:
            changed_rows.append(summary)
        for event in sender_events:
            if summary["last_event_id"] is None or event.id > summary["last_event_id"]:
                apply_event(summary, event)
    with console.begin() as connection:
        _store(connection, new_rows, changed_rows)
    return rows[-1].id, len(rows)


def _store(connection, new_rows: List[Dict[str, Any]], changed_rows: List[Dict[str, Any]]) -> None:
    if new_rows:
        connection.execute(insert(db.conversations), new_rows)
    if changed_rows:
        c = db.conversations
        columns = [name for name in changed_rows[0] if name != "sender_id"]
        connection.execute(
            update(c).where(c.c.sender_id == bindparam("key"))
            .values({name: bindparam("v_" + name) for name in columns}),
            [{"key": row["sender_id"], **{"v_" + name: row[name] for name in columns}}
             for row in changed_rows])


def _reconcile(console: Engine, tracker: Engine, top: int) -> int:
    e, c = db.events, db.conversations
    with tracker.connect() as connection:
        stored = {row.sender_id: (row.n, row.first, row.last) for row in connection.execute(
            select(e.c.sender_id, func.count().label("n"), func.min(e.c.id).label("first"),
                   func.max(e.c.id).label("last")).where(e.c.id <= top).group_by(e.c.sender_id))}
    with console.connect() as connection:
        known = {row.sender_id: dict(row._mapping) for row in connection.execute(select(c))}
    changed = [sender for sender, figures in stored.items()
               if sender not in known or figures != (known[sender]["events_seen"], known[sender]["first_event_id"],
                                                     known[sender]["last_event_id"])]
    gone = [sender for sender, row in known.items() if sender not in stored and row["events_seen"]]
    read = 0
    new_rows, changed_rows, erased = [], [], []
    for sender_id in changed + gone:
        prior = known.get(sender_id)
        summary = _empty(sender_id)
        with tracker.connect() as connection:
            sender_events = connection.execute(select(*_event_columns()).where(
                e.c.sender_id == sender_id, e.c.id <= top).order_by(e.c.id)).all()
        read += len(sender_events)
        for event in sender_events:
            apply_event(summary, event)
        if prior is not None:
            lost = (prior["erased"] or len(sender_events) < prior["events_seen"]
                    or summary["first_event_id"] != prior["first_event_id"])
            summary["erased"] = summary["erased"] or lost
            if lost and not prior["erased"]:
                erased.append(sender_id)
            if not sender_events:
                summary.update(started_at=prior["started_at"], last_at=prior["last_at"], channel=prior["channel"])
            changed_rows.append(summary)
        else:
            new_rows.append(summary)
    with console.begin() as connection:
        for sender_id in erased:
            connection.execute(delete(db.misunderstood).where(db.misunderstood.c.sender_id == sender_id))
            connection.execute(delete(db.notes).where(db.notes.c.sender_id == sender_id))
            db.record_audit(connection, None, "conversation_erased", sender_id,
                            "customer asked to be forgotten; kept text, marks and notes dropped")
        _store(connection, new_rows, changed_rows)
    return read


def _load_summaries(console: Engine, sender_ids: Iterable[str]) -> Dict[str, Dict[str, Any]]:
    ids = list(sender_ids)
    found: Dict[str, Dict[str, Any]] = {}
    c = db.conversations
    with console.connect() as connection:
        for start in range(0, len(ids), 500):
            for row in connection.execute(select(c).where(c.c.sender_id.in_(ids[start:start + 500]))):
                found[row.sender_id] = dict(row._mapping)
    return found
