"""Conversation list, search and filters (on the summary table), and transcripts (on the tracker)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from bot.console import db
from bot.console.summary import custom_payload, parse_data

OUTCOMES = {
    "products_shown": "products shown",
    "added_to_cart": "added to cart",
    "checkout": "checkout link given",
    "handoff": "asked for a person",
    "fallback": "fallback or out of scope",
    "erased": "erased",
}


FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(9998, 12, 31)


@dataclass
class Filters:
    q: str = ""
    customer: str = ""
    channel: str = ""
    date_from: Optional[dt.date] = None
    date_to: Optional[dt.date] = None
    outcome: str = ""
    tag: str = ""
    customer_type: str = ""   # as last computed, from the profile store (bot/console/profiles.py)
    page: int = 1
    errors: List[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "Filters":
        found = cls(q=(query.get("q") or "").strip()[:200],
                    customer=(query.get("customer") or "").strip()[:255],
                    channel=(query.get("channel") or "").strip()[:64],
                    tag=(query.get("tag") or "").strip()[:64])
        for name in ("date_from", "date_to"):
            raw = (query.get(name) or "").strip()
            if raw:
                try:
                    day = dt.date.fromisoformat(raw)
                except ValueError:
                    found.errors.append(f"{name.replace('_', ' ')}: use YYYY-MM-DD")
                    continue
                if not FIRST_DAY <= day <= LAST_DAY:   # the day after 9999-12-31 does not exist
                    found.errors.append(f"{name.replace('_', ' ')}: a date from {FIRST_DAY} to {LAST_DAY}")
                else:
                    setattr(found, name, day)
        customer_type = (query.get("customer_type") or "").strip()
        if customer_type and not re.fullmatch(r"[a-z_]{1,64}", customer_type):
            found.errors.append("unknown customer type")
        else:
            found.customer_type = customer_type
        outcome = (query.get("outcome") or "").strip()
        if outcome and outcome not in OUTCOMES:
            found.errors.append("unknown outcome")
        else:
            found.outcome = outcome
        try:
            found.page = max(1, min(int(query.get("page") or 1), 100000))
        except ValueError:
            found.page = 1
        return found

    def as_query(self, **changes: Any) -> Dict[str, str]:
        values = {"q": self.q, "customer": self.customer, "channel": self.channel,
                  "date_from": self.date_from.isoformat() if self.date_from else "",
                  "date_to": self.date_to.isoformat() if self.date_to else "",
                  "outcome": self.outcome, "tag": self.tag, "customer_type": self.customer_type,
                  "page": str(self.page)}
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _day_start(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()


def list_conversations(engine: Engine, filters: Filters, page_size: int,
                       senders: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    """`senders`: only these conversations (the customers of the chosen type)."""
    c = db.conversations
    conditions = []
    if senders is not None:
        conditions.append(c.c.sender_id.in_(list(senders)))
    if filters.q:
        conditions.append(c.c.search_text.like(f"%{_escape_like(filters.q.lower())}%", escape="\\"))
    if filters.customer:
        conditions.append(c.c.sender_id.like(f"%{_escape_like(filters.customer)}%", escape="\\"))
    if filters.channel:
        conditions.append(c.c.channel == filters.channel)
    if filters.date_from:
        conditions.append(c.c.last_at >= _day_start(filters.date_from))
    if filters.date_to:
        conditions.append(c.c.started_at < _day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.outcome:
        conditions.append(getattr(c.c, filters.outcome).is_(True))
    if filters.tag:
        conditions.append(c.c.sender_id.in_(select(db.tags.c.sender_id).where(db.tags.c.tag == filters.tag)))
    where = and_(True, *conditions)
    columns = [c.c.sender_id, c.c.started_at, c.c.last_at, c.c.channel, c.c.user_messages,
               c.c.last_text] + [getattr(c.c, name) for name in OUTCOMES]
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(c).where(where)).scalar() or 0
        rows = connection.execute(select(*columns).where(where)
                                  .order_by(c.c.last_at.desc(), c.c.sender_id)
                                  .limit(page_size).offset((filters.page - 1) * page_size)).all()
        channels = [r[0] for r in connection.execute(
            select(c.c.channel).where(c.c.channel.is_not(None)).group_by(c.c.channel).order_by(c.c.channel))]
        shown = [row.sender_id for row in rows]
        tag_rows = connection.execute(select(db.tags.c.sender_id, db.tags.c.tag)
                                      .where(db.tags.c.sender_id.in_(shown)).order_by(db.tags.c.tag)).all()
    tags_of: Dict[str, List[str]] = {}
    for sender_id, tag in tag_rows:
        tags_of.setdefault(sender_id, []).append(tag)
    items = []
    for row in rows:
        item = dict(row._mapping)
        item["outcomes"] = [name for name in OUTCOMES if item.pop(name)]
        item["tags"] = tags_of.get(item["sender_id"], [])
        items.append(item)
    pages = max(1, (total + page_size - 1) // page_size)
    return {"total": total, "items": items, "page": filters.page, "pages": pages, "channels": channels}


def transcript(tracker: Engine, sender_id: str) -> List[Dict[str, Any]]:
    """The conversation's events worth showing, in stored order."""
    e = db.events
    with tracker.connect() as connection:
        try:
            rows = connection.execute(select(e).where(e.c.sender_id == sender_id).order_by(e.c.id)).all()
        except Exception:
            return []
    shown: List[Dict[str, Any]] = []
    for row in rows:
        data = parse_data(row.data)
        item: Dict[str, Any] = {"id": row.id, "kind": row.type_name, "timestamp": row.timestamp}
        if row.type_name == "user":
            intent = (data.get("parse_data") or {}).get("intent") or {}
            item.update(text=data.get("text") or "", intent=intent.get("name") or row.intent_name,
                        confidence=intent.get("confidence"), channel=data.get("input_channel"))
        elif row.type_name == "bot":
            extra = data.get("data") or {}
            metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
            item.update(text=data.get("text") or "", custom=custom_payload(data),
                        buttons=[b for b in (extra.get("buttons") or []) if isinstance(b, dict)],
                        agent=str(metadata.get("agent_name") or metadata.get("agent") or "") or None)
        elif row.type_name in ("pause", "resume"):
            item.update(kind="handoff", name=("paused: waiting for a person" if row.type_name == "pause"
                                              else "handed back to the assistant"))
        elif row.type_name == "action":
            if row.action_name == "action_listen":
                continue
            item.update(name=row.action_name)
        elif row.type_name == "action_execution_rejected":
            item.update(name=data.get("name") or row.action_name, failed=True)
        else:
            continue
        shown.append(item)
    _mark_silent_actions(shown)
    return shown


# Rasa keeps the action event but loses its events when the action server fails,
# so a custom action followed by no bot message is shown as failed.
_SILENT_OK = {"action_session_start", "action_extract_slots", "action_unlikely_intent",
              "action_restart", "action_back", "action_deactivate_loop"}


def _mark_silent_actions(items: List[Dict[str, Any]]) -> None:
    pending: Optional[Dict[str, Any]] = None
    for item in items + [{"kind": "end"}]:
        if item["kind"] == "bot":
            pending = None
            continue
        if pending is not None:
            pending["failed"] = True
            pending = None
        name = item.get("name") or ""
        if item["kind"] == "action" and name.startswith("action_") and name not in _SILENT_OK:
            pending = item


def conversation_row(engine: Engine, sender_id: str) -> Optional[Dict[str, Any]]:
    with engine.connect() as connection:
        row = connection.execute(select(db.conversations)
                                 .where(db.conversations.c.sender_id == sender_id)).first()
    return dict(row._mapping) if row else None


def format_ts(ts: Optional[float]) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
