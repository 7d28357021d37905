"""Metrics from the conversation summaries, drawn as server-side SVG."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any, Dict, List, Optional

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.console import db
from bot.console.summary import FALLBACK_INTENTS, parse_data

FUNNEL = (("products_shown", "products shown"), ("details", "details asked"),
          ("added_to_cart", "added to cart"), ("checkout", "checkout link"))


def compute(engine: Engine, days: int = 30) -> Dict[str, Any]:
    c = db.conversations
    with engine.connect() as connection:
        rows = connection.execute(select(c.c.started_at, c.c.channel, c.c.user_messages,
                                         c.c.fallback_messages, c.c.handoff, c.c.products_shown,
                                         c.c.details, c.c.added_to_cart, c.c.checkout)).all()
    per_day: Dict[str, int] = {}
    channels: Dict[str, Dict[str, float]] = {}
    totals = {"conversations": 0, "messages": 0, "fallback": 0, "handoff": 0}
    funnel = {key: 0 for key, _ in FUNNEL}
    for row in rows:
        if row.started_at is not None:
            day = dt.datetime.fromtimestamp(row.started_at, dt.timezone.utc).date().isoformat()
            per_day[day] = per_day.get(day, 0) + 1
        stats = channels.setdefault(row.channel or "unknown",
                                    {"conversations": 0, "messages": 0, "fallback": 0, "handoff": 0,
                                     **{key: 0 for key, _ in FUNNEL}})
        for bucket in (totals, stats):
            bucket["conversations"] += 1
            bucket["messages"] += row.user_messages
            bucket["fallback"] += row.fallback_messages
            bucket["handoff"] += 1 if row.handoff else 0
        for key, _ in FUNNEL:
            funnel[key] += 1 if getattr(row, key) else 0
            stats[key] += 1 if getattr(row, key) else 0
    for bucket in [totals] + list(channels.values()):
        bucket["fallback_rate"] = bucket["fallback"] / bucket["messages"] if bucket["messages"] else 0.0
        bucket["handoff_rate"] = bucket["handoff"] / bucket["conversations"] if bucket["conversations"] else 0.0
    recent = sorted(per_day.items())[-days:]
    return {"per_day": recent, "channels": dict(sorted(channels.items())), "totals": totals,
            "funnel": [(label, funnel[key]) for key, label in FUNNEL]}


def unhandled(tracker: Engine, limit: int = 15, scan: int = 20000) -> List[Dict[str, Any]]:
    """The most frequent customer messages read as fallback or out of scope, among
    the latest `scan` such messages, with the channels they came from."""
    e = db.events
    try:
        with tracker.connect() as connection:
            rows = connection.execute(select(e.c.data).where(e.c.type_name == "user",
                                                             e.c.intent_name.in_(sorted(FALLBACK_INTENTS)))
                                      .order_by(e.c.id.desc()).limit(scan)).all()
    except Exception:   # no events table yet
        return []
    counts: Counter = Counter()
    channels: Dict[str, Counter] = {}
    for row in rows:
        data = parse_data(row.data)
        text = _normalise(data.get("text"))
        if not text:
            continue
        counts[text] += 1
        channels.setdefault(text, Counter())[data.get("input_channel") or "unknown"] += 1
    return [{"text": text, "count": n, "channels": dict(channels[text].most_common())}
            for text, n in counts.most_common(limit)]


def _normalise(text: Optional[str]) -> str:
    if not isinstance(text, str) or text.startswith("/"):
        return ""
    return re.sub(r"\s+", " ", text.strip().lower().rstrip("?!. "))[:200]


def bar_chart(pairs: List[tuple], width: int = 600, height: int = 160) -> Markup:
    """Vertical bars; labels and values escaped."""
    if not pairs:
        return Markup("<p>No data yet.</p>")
    top = max(v for _, v in pairs) or 1
    step = width / len(pairs)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 30}" role="img">']
    for i, (label, value) in enumerate(pairs):
        h = (height - 12) * value / top
        x = i * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{height - h:.1f}" width="{max(step - 2, 1):.1f}" '
                     f'height="{h:.1f}" fill="#4a78b5"><title>{escape(label)}: {value}</title></rect>')
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - h - 2:.1f}" text-anchor="middle">{value}</text>')
        if len(pairs) <= 12 or i % max(1, len(pairs) // 8) == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height + 14}" text-anchor="middle">'
                         f'{escape(str(label)[-5:] if len(pairs) > 12 else label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def charts(data: Dict[str, Any]) -> Dict[str, Markup]:
    return {"per_day": bar_chart(data["per_day"]), "funnel": bar_chart(data["funnel"], width=400)}
