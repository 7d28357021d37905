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

from sqlalchemy import bindparam, delete, insert, select, update
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
           "fallback_messages": 0, "last_text": None, "search_text": ""}
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
    """Bring the summaries up to date; returns how many events were read."""
    with _lock:
        total = 0
        while True:
            read = _sync_batch(console, tracker)
            total += read
            if read < BATCH:
                return total


def _sync_batch(console: Engine, tracker: Engine) -> int:
    with console.begin() as connection:
        state = connection.execute(select(db.sync_state.c.last_event_id).where(db.sync_state.c.id == 1)).scalar()
        if state is None:
            connection.execute(insert(db.sync_state).values(id=1, last_event_id=0))
            state = 0
    e = db.events
    with tracker.connect() as connection:
        try:
            rows = connection.execute(
                select(e.c.id, e.c.sender_id, e.c.type_name, e.c.timestamp, e.c.intent_name,
                       e.c.action_name, e.c.data).where(e.c.id > state).order_by(e.c.id).limit(BATCH)).all()
        except Exception:  # no events table yet: Rasa has not stored anything
            return 0
        by_sender: Dict[str, List[Any]] = {}
        for row in rows:
            by_sender.setdefault(row.sender_id, []).append(row)
        if not rows:
            return 0
        known = _load_summaries(console, by_sender.keys())
        erased: List[str] = []
        for sender_id, summary in known.items():
            first = summary["first_event_id"]
            if first is not None and first < by_sender[sender_id][0].id:
                still = connection.execute(select(e.c.id).where(e.c.id == first)).scalar()
                if still is None:
                    erased.append(sender_id)
    with console.begin() as connection:
        for sender_id in erased:
            known[sender_id] = dict(_empty(sender_id), erased=True)
            connection.execute(delete(db.misunderstood).where(db.misunderstood.c.sender_id == sender_id))
            connection.execute(delete(db.notes).where(db.notes.c.sender_id == sender_id))
            db.record_audit(connection, None, "conversation_erased", sender_id,
                            "customer asked to be forgotten; kept text, marks and notes dropped")
        new_rows, changed_rows = [], []
        for sender_id, sender_events in by_sender.items():
            summary = known.get(sender_id)
            if summary is None:
                summary = _empty(sender_id)
                new_rows.append(summary)
            else:
                changed_rows.append(summary)
            if sender_id in erased:
                summary["first_event_id"] = sender_events[0].id
                summary["erased"] = True
            for event in sender_events:
                apply_event(summary, event)
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
        connection.execute(update(db.sync_state).where(db.sync_state.c.id == 1)
                           .values(last_event_id=rows[-1].id))
    return len(rows)


def _load_summaries(console: Engine, sender_ids: Iterable[str]) -> Dict[str, Dict[str, Any]]:
    ids = list(sender_ids)
    found: Dict[str, Dict[str, Any]] = {}
    c = db.conversations
    with console.connect() as connection:
        for start in range(0, len(ids), 500):
            for row in connection.execute(select(c).where(c.c.sender_id.in_(ids[start:start + 500]))):
                found[row.sender_id] = dict(row._mapping)
    return found
