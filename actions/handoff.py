"""Asking for a person: record the request, tell the customer, and pause the bot.

With `handoff_pause` on (the default) the conversation is paused (Rasa's
ConversationPaused): the customer's messages are still stored, but the bot stays
silent until a member of staff hands the conversation back from the support
console (ConversationResumed). A new session (after `session_expiration_time`)
also ends the pause, so a request nobody picks up never silences the bot for good.

Pausing silences the bot, so it needs a clear request: below
`handoff_min_confidence` ("SELECT * FROM customers" reads as asking for customer
service at 0.79) the customer is asked first, with a button that asks for a person.
"""
from __future__ import annotations

from rasa_sdk.events import ConversationPaused

from actions import messages, state as slots
from actions.base import ShopAction


class ActionRequestHuman(ShopAction):
    NAME = "action_request_human"

    def handle(self, runtime, dispatcher, tracker, domain):
        settings = runtime.settings
        confidence = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)
        if settings.handoff_pause and confidence < float(settings.handoff_min_confidence):
            dispatcher.utter_message(
                text="Would you like to talk to a person from our team? Tap the button or say "
                     "\"talk to a person\". Otherwise, tell me what you're looking for.",
                buttons=[messages.payload_button("Talk to a person", "ask_for_human")])
            return []
        customer = slots.customer_id(tracker)
        request_id = runtime.store.record_handoff(customer, slots.latest_text(tracker))
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
