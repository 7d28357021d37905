"""Asking for a person: record the request, tell the customer, and pause the bot.

With `handoff_pause` on (the default) the conversation is paused (Rasa's
ConversationPaused): the customer's messages are still stored, but the bot stays
silent until a member of staff hands the conversation back from the support
console (ConversationResumed). A new session (after `session_expiration_time`)
also ends the pause, so a request nobody picks up never silences the bot for good.
"""
from __future__ import annotations

from rasa_sdk.events import ConversationPaused

from actions import state as slots
from actions.base import ShopAction


class ActionRequestHuman(ShopAction):
    NAME = "action_request_human"

    def handle(self, runtime, dispatcher, tracker, domain):
        customer = slots.customer_id(tracker)
        request_id = runtime.store.record_handoff(customer, slots.latest_text(tracker))
        settings = runtime.settings
        if not settings.handoff_pause:
            dispatcher.utter_message(
                text=f"I've passed your request to our team (request #{request_id}). Someone will get back to "
                     f"you {settings.handoff_reply_time}. Until then I'm happy to keep helping.",
                json_message={"type": "handoff", "request_id": request_id, "paused": False},
            )
            return []
        dispatcher.utter_message(
            text=f"I've asked a colleague to take over (request #{request_id}). A person from our team will "
                 f"answer right here {settings.handoff_reply_time}. I'll stay quiet meanwhile, so we don't "
                 "talk over each other - just write your question and they'll see it.",
            json_message={"type": "handoff", "request_id": request_id, "paused": True},
        )
        return [ConversationPaused()]
