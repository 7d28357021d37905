"""After a load run: every customer message and every bot reply stored once,
in order, for every customer (read from the tracker store's events table)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

from sqlalchemy import bindparam, create_engine, text

from bot.load.clients import Record


@dataclass
class StorageReport:
    conversations: int = 0
    messages: int = 0
    lost: int = 0                 # a sent message not stored
    duplicated: int = 0           # stored more than once
    unexpected: int = 0           # stored, never sent (or out of order)
    replies_checked: int = 0
    replies_lost: int = 0         # REST reply not stored, or stored in another order
    replies_duplicated: int = 0
    unanswered: int = 0           # socket.io: a stored message with no stored bot reply after it
    examples: List[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected or self.replies_lost
                    or self.replies_duplicated or self.unanswered)

    def summary(self) -> str:
        return (f"{self.conversations} conversations, {self.messages} customer messages and "
                f"{self.replies_checked} REST replies checked: lost {self.lost}, duplicated {self.duplicated}, "
                f"unexpected/out of order {self.unexpected}; replies lost {self.replies_lost}, "
                f"duplicated {self.replies_duplicated}; socket.io messages without a stored reply "
                f"{self.unanswered}")


def _match(stored: List[str], sent: Sequence[str], maybe: Sequence[str], report: StorageReport, sender: str):
    """stored must be `sent` in order, with each `maybe` message at most once anywhere."""
    expected = list(sent)
    optional = list(maybe)
    position = 0
    for item in stored:
        if position < len(expected) and item == expected[position]:
            position += 1
        elif item in optional:
            optional.remove(item)
        elif item in expected[:position]:
            report.duplicated += 1
            report.examples.append(f"{sender}: {item!r} stored twice")
        else:
            report.unexpected += 1
            report.examples.append(f"{sender}: {item!r} unexpected or out of order")
    if position < len(expected):
        report.lost += len(expected) - position
        report.examples.append(f"{sender}: lost {expected[position:]!r}")


def check_storage(tracker_url: str, records: Sequence[Record]) -> StorageReport:
    report = StorageReport()
    by_sender: Dict[str, Record] = {r.conversation_id: r for r in records if r.sent or r.maybe}
    engine = create_engine(tracker_url)
    rows: Dict[str, List] = {sender: [] for sender in by_sender}
    try:
        with engine.connect() as connection:
            senders = list(by_sender)
            query = text("SELECT sender_id, type_name, data FROM events WHERE sender_id IN :senders "
                         "AND type_name IN ('user', 'bot') ORDER BY id").bindparams(
                bindparam("senders", expanding=True))
            for start in range(0, len(senders), 500):
                for sender, kind, data in connection.execute(query, {"senders": senders[start:start + 500]}):
                    rows[sender].append((kind, json.loads(data).get("text") or ""))
    finally:
        engine.dispose()
    for sender, record in by_sender.items():
        events = rows[sender]
        report.conversations += 1
        report.messages += len(record.sent)
        _match([t for kind, t in events if kind == "user"], record.sent, record.maybe, report, sender)
        if record.channel == "rest" and record.complete:
            stored = [t for kind, t in events if kind == "bot" and t]
            report.replies_checked += len(record.replies)
            if stored != record.replies:
                extra = len(stored) - len(record.replies)
                if extra > 0 and stored[:len(record.replies)] == record.replies or \
                        sorted(set(stored)) == sorted(set(record.replies)) and extra > 0:
                    report.replies_duplicated += extra
                else:
                    report.replies_lost += max(1, len(record.replies) - len(stored))
                report.examples.append(f"{sender}: replies differ ({len(stored)} stored, {len(record.replies)} received)")
        elif record.channel == "socketio":
            kinds = "".join("u" if kind == "user" else "b" for kind, _ in events)
            report.unanswered += kinds.count("uu") + (1 if kinds.endswith("u") else 0)
    return report
