"""What the messaging-app channels share on the Rasa side.

Every webhook is handled the same way: refuse when the channel has no secrets
(403), check the platform's signature (401/403), read the payload (400/404 when
malformed), drop events already handled (platform retries), answer the platform
at once, and run the conversation turn in the background - so no platform
times out and retries while the assistant is thinking. Unsupported content
(stickers, voice notes, images...) gets a polite reply without reaching Rasa.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.response import HTTPResponse

from bot.channels.inbound import Incoming
from bot.channels.memory import ChannelMemory, memory_at
from bot.channels.outbound import ApiClient
from bot.channels.render import MAX_INCOMING_CHARS, TOO_LONG_TEXT, UNSUPPORTED_TEXT

logger = logging.getLogger(__name__)

DEDUPE_TTL_SECONDS = 24 * 3600
SHUTDOWN_GRACE_SECONDS = 5
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def credential(credentials: Optional[Dict[Text, Any]], name: str, default: str = "") -> str:
    value = (credentials or {}).get(name)
    return str(value).strip() if value not in (None, "") else default


class MessagingOutput(OutputChannel):
    """Output channels here render whole messages (text, buttons and the contract
    payload together) instead of Rasa's piecewise send_text/send_custom_json."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        try:
            await self.deliver(recipient_id, dict(message))
        except Exception:   # a rendering or platform problem must not fail the turn
            logger.exception("%s could not deliver a message", self.name())

    async def deliver(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        raise NotImplementedError

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        # Only ever rendered, never shown as JSON.
        await self.send_response(recipient_id, {"custom": json_message})


class MessagingInput(InputChannel):
    platform = ""

    def __init__(self, state_db: str = "") -> None:
        self.memory: ChannelMemory = memory_at(state_db)
        self.api = ApiClient(self.platform)
        self._tasks: Set[asyncio.Task] = set()
        self.max_message_chars = MAX_INCOMING_CHARS

    def limited(self, credentials: Optional[Dict[Text, Any]]) -> "MessagingInput":
        """The channel with the shop's message length limit (max_message_chars)."""
        configured = credential(credentials, "max_message_chars")
        if configured:
            self.max_message_chars = min(int(configured), MAX_INCOMING_CHARS)
        return self

    def too_long(self, incoming: Incoming) -> bool:
        typed = incoming.text if incoming.text and not incoming.is_payload else ""
        return incoming.too_long or len(typed) > self.max_message_chars

    # -- to be provided by each platform ----------------------------------------------
    def configured(self) -> bool:
        raise NotImplementedError

    def output_for(self, incoming: Incoming) -> MessagingOutput:
        raise NotImplementedError

    # -- shared ----------------------------------------------------------------------
    def not_configured(self) -> HTTPResponse:
        return response.json({"error": f"the {self.name()} channel is not configured on this server"},
                             status=403)

    def health(self) -> HTTPResponse:
        return response.json({"status": "ok", "configured": self.configured()})

    def with_shutdown(self, blueprint: Blueprint) -> Blueprint:
        """On server stop: let running turns finish (a few seconds at most), then close
        the HTTP session to the platform."""

        @blueprint.listener("before_server_stop")
        async def finish_turns(app, loop):
            if self._tasks:
                await asyncio.wait(list(self._tasks), timeout=SHUTDOWN_GRACE_SECONDS)
            await self.api.close()

        return blueprint

    def first_delivery(self, incoming: Incoming) -> bool:
        """False when any of the event's ids was handled before (a retry or a duplicate)."""
        if not incoming.dedupe_keys:
            return True
        fresh = [self.memory.claim(self.platform + "-seen", key, DEDUPE_TTL_SECONDS)
                 for key in incoming.dedupe_keys]
        if not all(fresh):
            logger.info("%s: ignoring a repeated delivery (%s)", self.platform, incoming.dedupe_keys[0])
        return all(fresh)

    def spawn(self, work: Awaitable[Any]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("%s: a turn failed", self.platform, exc_info=task.exception())

    def accept(self, incoming: Incoming, on_new_message: OnNewMessage) -> None:
        if self.first_delivery(incoming):
            self.spawn(self.handle(incoming, on_new_message))

    async def handle(self, incoming: Incoming, on_new_message: OnNewMessage) -> None:
        output = self.output_for(incoming)
        try:
            if self.too_long(incoming):
                await output.send_response(incoming.sender, {"text": TOO_LONG_TEXT})
            elif not incoming.needs_rasa:
                await output.send_response(incoming.sender, {"text": UNSUPPORTED_TEXT})
            else:
                await on_new_message(UserMessage(incoming.text, output, incoming.sender,
                                                 input_channel=self.name(),
                                                 metadata={"platform": self.platform}))
        except Exception:
            logger.exception("%s: the turn for a message failed", self.platform)
