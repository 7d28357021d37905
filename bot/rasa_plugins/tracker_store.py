"""SQL tracker store that can erase a customer's stored conversations.

"Forget me" must remove the conversation history, but Rasa saves a tracker
only by appending its new events. The erase action therefore returns a
`SlotSet("erasure_marker", ...)` event; when a tracker carrying that marker is
saved, every stored event of the conversation is deleted and only what came
after the marker is kept. The marker itself is never stored, so an old
erasure is not replayed.
"""
from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Iterator, List, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

ERASURE_SLOT = "erasure_marker"
STORED_COUNT = "_shop_stored_events"   # events of the current session already in the database


def _marker_position(events: List[Event]) -> Optional[int]:
    position = None
    for index, event in enumerate(events):
        if isinstance(event, SlotSet) and event.key == ERASURE_SLOT and event.value:
            position = index
    return position


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")       # readers (the console) never block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")     # durable at checkpoints; safe in WAL mode
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


class ErasableSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, port: Any = None, url: Any = None, host: Any = None,
                 username: Any = None, password: Any = None, **kwargs: Any) -> None:
        # endpoints.yml passes every key from the environment; empty ones mean "not set".
        host = host or url or None
        super().__init__(*args, host=host, port=port or None, username=username or None,
                         password=password or None, **kwargs)
        self._replace_engine()

    def _replace_engine(self) -> None:
        """SQLite: one kept connection in WAL mode (Rasa's engine opens a file per
        turn and syncs the rollback journal on every commit). PostgreSQL: pooled
        connections are checked before use, so a restarted server costs no turn."""
        url = self.engine.url
        if self.engine.dialect.name == "sqlite":
            engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=1, max_overflow=4,
                                      connect_args={"check_same_thread": False, "timeout": 15})
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.engine.dispose()
        self.engine = engine
        self.sessionmaker = sa.orm.sessionmaker(bind=engine)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None and not fetch_events_from_all_sessions:
            setattr(tracker, STORED_COUNT, len(tracker.events))
        return tracker

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Rasa counts the stored events with a query on every save; a tracker read
        from this store (under the conversation's lock) already knows how many."""
        stored = getattr(tracker, STORED_COUNT, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = list(tracker.events)
        position = _marker_position(events)
        if position is None:
            await super().save(tracker)
            setattr(tracker, STORED_COUNT, len(events))
            return
        setattr(tracker, STORED_COUNT, None)
        await self.stream_events(tracker)
        kept = events[position + 1:]
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(
                self.SQLEvent.sender_id == tracker.sender_id).delete(synchronize_session=False)
            for event in kept:
                data = event.as_dict()
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                    action_name=data.get("name"), data=json.dumps(data),
                ))
            session.commit()
        logger.info("erased %d stored events of a conversation on the customer's request", deleted)
