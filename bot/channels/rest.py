"""Rasa's REST channel with its input checked first (see validation.py).

Keeps the channel name "rest", so the URL stays /webhooks/rest/webhook.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

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
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def reject_malformed(request: Request):
            if request.method != "POST":
                return None
            problem = message_problem(request.body or b"", self.max_message_chars)
            if problem is not None:
                return response.json(problem.body(), status=problem.status)
            return None

        return blueprint
