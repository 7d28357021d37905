"""Rasa's REST channel for the shop's own back end: authenticated, in its own
namespace, with its input checked (validation.py) and rate limited, plus a way
to read messages sent later.

Keeps the channel name "rest", so the URL stays /webhooks/rest/webhook.

- Every request carries `Authorization: Bearer <REST_CHANNEL_TOKEN>` (compared in
  constant time). Without a configured token the channel answers 403, like the
  messaging channels without their secrets; a missing or wrong one gets 401.
- The body's `sender` names a conversation in the REST namespace only: it is
  stored as `rest:<sender>`, so no REST request can reach a widget visitor
  (`web:`), a logged-in customer (`customer:`) or a messaging-app customer
  (`telegram:`, `whatsapp:`, `messenger:`, `slack:`), whatever it sends.
- Messages per conversation and per client address are limited (429 with
  Retry-After).

A REST reply only carries what the bot answers at once; what a person from the
support console writes later (or while the bot is paused) is read with

    GET /webhooks/rest/replies?sender=<id>[&since=<unix time>]
    -> {"sender", "conversation_id", "paused", "messages": [{"recipient_id", "text", ..., "timestamp", "agent_name"?}]}

A message that could not be handled (a store or the lock store unreachable)
is answered 503 with Retry-After instead of Rasa's 200 with no reply: it was
not stored, and sending it again is safe.
"""
from __future__ import annotations

import hmac
import logging
import math
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import BotUttered
from sanic import Blueprint, response
from sanic.request import Request

from bot.channels import failures
from bot.channels.validation import DEFAULT_MAX_MESSAGE_CHARS, message_problem
from bot.client_address import client_address, trusted_networks
from bot.identity import rest_conversation_id
from bot.rate_limit import ChatLimits

logger = logging.getLogger(__name__)

DEFAULT_LIMIT_PER_SESSION = 30
DEFAULT_LIMIT_PER_ADDRESS = 600
TOO_FAST = "Too many messages - please wait a moment and send it again."
conversation_id = rest_conversation_id


def public_message(event: BotUttered, recipient_id: str) -> Dict[str, Any]:
    """A stored bot message as a REST client sees it: of its metadata (which Rasa merges
    into the message) only the display name of the person who wrote it."""
    message = event.message()
    for key in event.metadata or {}:
        if key != "agent_name":
            message.pop(key, None)
    return dict(message, recipient_id=recipient_id, timestamp=event.timestamp)


def bearer_token(header: Optional[str]) -> Optional[str]:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


class CheckedRestInput(RestInput):
    def __init__(self, token: str = "", max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
                 limits: Optional[ChatLimits] = None, trusted_proxies: str = "",
                 client_ip_header: str = "X-Forwarded-For") -> None:
        self.token = token or ""
        self.max_message_chars = max_message_chars
        self.limits = limits or ChatLimits(DEFAULT_LIMIT_PER_SESSION, DEFAULT_LIMIT_PER_ADDRESS)
        self.proxies = trusted_networks(trusted_proxies)
        self.client_ip_header = client_ip_header or "X-Forwarded-For"
        if not self.token:
            logger.info("REST channel: REST_CHANNEL_TOKEN is not set; /webhooks/rest answers 403.")

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "CheckedRestInput":
        credentials = credentials or {}
        return cls(token=str(credentials.get("token") or "").strip(),
                   max_message_chars=int(credentials.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS),
                   limits=ChatLimits.from_credentials(credentials, DEFAULT_LIMIT_PER_SESSION,
                                                      DEFAULT_LIMIT_PER_ADDRESS),
                   trusted_proxies=str(credentials.get("trusted_proxies") or ""),
                   client_ip_header=str(credentials.get("client_ip_header") or ""))

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return conversation_id(req.json["sender"])

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()          # never what the body says: the channel decides where replies go

    def refusal(self, request: Request):
        """401/403 unless the request carries the channel's token."""
        if not self.token:
            return response.json({"error": "the REST channel is not configured on this server "
                                           "(REST_CHANNEL_TOKEN)"}, status=403)
        given = bearer_token(request.headers.get("Authorization"))
        if given is None or not hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8")):
            return response.json({"error": "missing or wrong credential: send Authorization: Bearer <token>"},
                                 status=401, headers={"WWW-Authenticate": 'Bearer realm="rest"'})
        return None

    def too_fast(self, request: Request, sender: Any):
        address = client_address(request.ip, request.headers.get(self.client_ip_header), self.proxies)
        wait = self.limits.admit(conversation_id(sender), address)
        if wait <= 0:
            return None
        seconds = max(1, math.ceil(wait))
        return response.json({"error": TOO_FAST, "retry_after": seconds}, status=429,
                             headers={"Retry-After": str(seconds)})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(failures.noted(on_new_message))
        failures.answer_503_on_failure(blueprint)

        @blueprint.middleware("request")
        async def guard(request: Request):
            if request.path.rstrip("/").endswith("/webhooks/rest"):
                return None                                    # the health check says nothing
            refused = self.refusal(request)
            if refused is not None:
                return refused
            if request.method != "POST":
                return None
            problem = message_problem(request.body or b"", self.max_message_chars)
            if problem is not None:
                return response.json(problem.body(), status=problem.status)
            return self.too_fast(request, request.json["sender"])

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
            if not math.isfinite(since):
                return response.json({"error": "since must be a unix time in seconds"}, status=400)
            conversation = conversation_id(sender)
            agent = getattr(request.app.ctx, "agent", None)
            tracker = await agent.tracker_store.retrieve(conversation) if agent and agent.tracker_store else None
            answer = {"sender": sender, "conversation_id": conversation, "paused": False, "messages": []}
            if tracker is None:
                return response.json(answer)
            answer["paused"] = tracker.is_paused()
            answer["messages"] = [public_message(event, conversation) for event in tracker.events
                                  if isinstance(event, BotUttered) and (event.timestamp or 0) > since]
            return response.json(answer)

        return blueprint
