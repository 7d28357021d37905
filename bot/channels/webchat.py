"""The website widget's socket.io channel (rasa-webchat), with verified identities.

Rasa's own socket.io channel takes the conversation id from whatever
`session_id` the browser sends, so anyone could read or write another
visitor's conversation and profile by sending their id. Here the
`session_id` is a session token signed by this server (bot/identity.py):

- `session_request`: a valid token puts the socket in its customer's room and
  is confirmed unchanged (the widget keeps its conversation); anything else -
  no token, a made-up id, an altered or expired token - gets a new anonymous
  token, which the widget stores instead (and starts an empty conversation).
- `user_uttered`: the sender id is the customer the socket was confirmed for;
  a message on a socket that never got a session is dropped.
- Replies go to the room named after the customer id, so a customer with the
  chat open in two tabs or on two devices sees the replies in both; with
  `redis_url` (several replicas) whichever replica they are connected to.

Bot messages are turned into what rasa-webchat renders (render.py reads the
contract): text, quick replies (`quick_replies`, shown as chips) and the
contract payloads as `{"custom": {...}}`, which the widget's custom component
(bot/web/static/shop-widget.js) shows as product cards, service cards and the
checkout link. The numbered product list of the plain text is left out where
cards show the same products.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from socketio import AsyncRedisManager, AsyncServer

from bot.channels import failures, render
from bot.channels.webchat_render import widget_messages
from bot.identity import SessionSigner

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 10_000
SESSION_EXPIRED_TEXT = "Your chat session has expired - please reload the page to continue."


class WebchatOutput(SocketIOOutput):
    """Sends to the room of a customer id (every socket confirmed for that customer)."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        for part in widget_messages(message):
            await self._send_message(recipient_id, part)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"custom": json_message, "text": kwargs.get("text") or ""})


class WebchatInput(InputChannel):
    """socket.io for rasa-webchat; conversation ids only from server-signed session tokens."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        secret = credentials.get("session_secret") or os.environ.get("WIDGET_SESSION_SECRET") or ""
        return cls(secret,
                   visitor_days=float(credentials.get("visitor_days") or 365),
                   customer_hours=float(credentials.get("customer_hours") or 24),
                   user_message_evt=credentials.get("user_message_evt", "user_uttered"),
                   bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
                   socketio_path=credentials.get("socketio_path", "/socket.io"),
                   max_message_chars=int(credentials.get("max_message_chars") or MAX_MESSAGE_CHARS),
                   redis_url=str(credentials.get("redis_url") or ""))

    def __init__(self, session_secret: str, visitor_days: float = 365, customer_hours: float = 24,
                 user_message_evt: Text = "user_uttered", bot_message_evt: Text = "bot_uttered",
                 socketio_path: Text = "/socket.io", max_message_chars: int = MAX_MESSAGE_CHARS,
                 redis_url: str = "") -> None:
        self.signer = SessionSigner(session_secret, visitor_days, customer_hours)
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.max_message_chars = max_message_chars
        self.redis_url = redis_url
        self.sio: Optional[AsyncServer] = None
        self.customers: Dict[str, str] = {}       # socket id -> verified customer id

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WebchatOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # CORS is Sanic's (rasa run --cors); python-engineio's own check is off with [].
        # With a Redis URL, an emit to a customer's room on one replica reaches their
        # sockets on every replica (python-socketio's pub/sub client manager).
        manager = AsyncRedisManager(self.redis_url) if self.redis_url else None
        # The "io" cookie carries the engine.io session id on the handshake, so a load
        # balancer can keep a session's requests on this replica (bot/templates/haproxy.cfg).
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], client_manager=manager,
                          cookie={"name": "io", "path": "/", "SameSite": "Lax", "HttpOnly": True})
        self.sio = sio
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request):
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            return True

        @sio.on("disconnect")
        async def disconnect(sid: Text) -> None:
            self.customers.pop(sid, None)

        @sio.on("session_request")
        async def session_request(sid: Text, data: Any) -> None:
            claimed = data.get("session_id") if isinstance(data, dict) else None
            session = self.signer.verify(claimed)
            if session is None:
                if claimed:
                    logger.info("webchat: unverified session id refused, a new anonymous session is issued")
                session = self.signer.issue_anonymous()
            previous = self.customers.get(sid)
            if previous and previous != session.customer_id:
                sio.leave_room(sid, previous)
            self.customers[sid] = session.customer_id
            sio.enter_room(sid, session.customer_id)
            await sio.emit("session_confirm", session.token, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                return
            customer_id = self.customers.get(sid)
            if customer_id is None:
                # No session_request on this socket: only a valid token is accepted.
                session = self.signer.verify(data.get("session_id"))
                if session is None:
                    await sio.emit(self.bot_message_evt, {"text": SESSION_EXPIRED_TEXT}, room=sid)
                    return
                customer_id = self.customers[sid] = session.customer_id
                sio.enter_room(sid, customer_id)
            text = data.get("message")
            if not isinstance(text, str):
                return
            if len(text) > self.max_message_chars:
                await sio.emit(self.bot_message_evt, {"text": render.TOO_LONG_TEXT}, room=sid)
                return
            output = WebchatOutput(sio, self.bot_message_evt)
            try:
                await on_new_message(UserMessage(text, output, customer_id, input_channel=self.name(),
                                                 metadata={"channel": "webchat"}))
            except Exception:
                # A store or the lock store unreachable: say so instead of going silent.
                logger.exception("webchat: a message could not be handled")
                await sio.emit(self.bot_message_evt, {"text": failures.TRY_AGAIN_TEXT}, room=sid)

        return blueprint
