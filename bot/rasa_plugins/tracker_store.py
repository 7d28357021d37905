"""SQL tracker store that can erase a customer's stored conversations.

"Forget me" must remove the conversation history, but Rasa saves a tracker
only by appending its new events. The erase action therefore returns a
`SlotSet("erasure_marker", ...)` event; when a tracker carrying that marker is
saved, every stored event of the conversation is deleted and only what came
after the marker is kept. The marker itself is never stored, so an old
erasure is not replayed.
"""
from __future__ import annotations

import json
import logging
from typing import Any, List, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

ERASURE_SLOT = "erasure_marker"


def _marker_position(events: List[Event]) -> Optional[int]:
    position = None
    for index, event in enumerate(events):
        if isinstance(event, SlotSet) and event.key == ERASURE_SLOT and event.value:
            position = index
    return position


class ErasableSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, port: Any = None, url: Any = None, host: Any = None,
                 username: Any = None, password: Any = None, **kwargs: Any) -> None:
        # endpoints.yml passes every key from the environment; empty ones mean "not set".
        host = host or url or None
        super().__init__(*args, host=host, port=port or None, username=username or None,
                         password=password or None, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = list(tracker.events)
        position = _marker_position(events)
        if position is None:
            await super().save(tracker)
            return
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
