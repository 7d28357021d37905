"""Asking for a person: record the request and say when someone will answer."""
from __future__ import annotations

from actions import state as slots
from actions.base import ShopAction


class ActionRequestHuman(ShopAction):
    NAME = "action_request_human"

    def handle(self, runtime, dispatcher, tracker, domain):
        customer = slots.customer_id(tracker)
        request_id = runtime.store.record_handoff(customer, slots.latest_text(tracker))
        dispatcher.utter_message(
            text=f"I've asked a colleague to take over (request #{request_id}). Someone from our team will "
                 f"answer here {runtime.settings.handoff_reply_time}. Until then I'm happy to keep helping.",
            json_message={"type": "handoff", "request_id": request_id},
        )
        return []
