"""Rasa's REST channel with its input checked first (see validation.py), and a
way to read messages sent later.

Keeps the channel name "rest", so the URL stays /webhooks/rest/webhook.
A REST reply only carries what the bot answers at once; what a person from the
support console writes later (or while the bot is paused) is read with

    GET /webhooks/rest/replies?sender=<id>[&since=<unix time>]
    -> {"sender", "paused", "messages": [{"recipient_id", "text", ..., "timestamp", "agent_name"?}]}

A message that could not be handled (a store or the lock store unreachable)
is answered 503 with Retry-After instead of Rasa's 200 with no reply: it was
not stored, and sending it again is safe.

Like the webhook itself, it trusts the sender id: REST is for a shop's own
backend, not for browsers (the widget has its own signed channel).
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import BotUttered
from sanic import Blueprint, response
from sanic.request import Request

from bot.channels import failures
from bot.channels.validation import message_problem

DEFAULT_MAX_MESSAGE_CHARS = 10_000


class CheckedRestInput(RestInput):
    def __init__(self, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS) -> None:
        self.max_message_chars = max_message_chars

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "CheckedRestInput":
        credentials = credentials or {}
        return cls(int(credentials.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS))

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        # Numbers are accepted as ids but stored as text, like every other sender.
        return str(req.json["sender"])

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(failures.noted(on_new_message))
        failures.answer_503_on_failure(blueprint)

        @blueprint.middleware("request")
        async def reject_malformed(request: Request):
            if request.method != "POST":
                return None
            problem = message_problem(request.body or b"", self.max_message_chars)
            if problem is not None:
                return response.json(problem.body(), status=problem.status)
            return None

        @blueprint.route("/replies", methods=["GET"])
        async def replies(request: Request):
            sender = request.args.get("sender") or ""
            if not sender or len(sender) > 255:
                return response.json({"error": "give the conversation's sender id as ?sender= (1-255 characters)"},
                                     status=400)
            try:
                since = float(request.args.get("since") or 0)
            except ValueError:
                return response.json({"error": "since must be a unix time in seconds"}, status=400)
            agent = getattr(request.app.ctx, "agent", None)
            tracker = await agent.tracker_store.retrieve(sender) if agent and agent.tracker_store else None
            if tracker is None:
                return response.json({"sender": sender, "paused": False, "messages": []})
            messages = [dict(event.message(), recipient_id=sender, timestamp=event.timestamp)
                        for event in tracker.events
                        if isinstance(event, BotUttered) and (event.timestamp or 0) > since]
            return response.json({"sender": sender, "paused": tracker.is_paused(), "messages": messages})

        return blueprint
