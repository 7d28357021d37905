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
- Browsers connect only from the shop's origins (`allowed_origins`); messages
  are limited in length and in number per customer and per client address (a
  polite reply instead of a turn); packets that are not JSON within the nesting
  bound (bot/safe_json.py) are dropped with a note to the sender.

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
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from socketio import AsyncRedisManager, AsyncServer

from bot.channels import failures, render
from bot.channels.webchat_render import widget_messages
from bot.client_address import client_address, trusted_networks
from bot.identity import SessionSigner
from bot.rate_limit import ChatLimits
from bot.safe_json import SocketJson

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
DEFAULT_LIMIT_PER_SESSION = 30
DEFAULT_LIMIT_PER_ADDRESS = 120
SESSION_EXPIRED_TEXT = "Your chat session has expired - please reload the page to continue."
TOO_FAST_TEXT = "You're sending messages faster than I can read them - please wait a few seconds and try again."
MALFORMED_TEXT = "Sorry, I couldn't read that message. Please type it again."


def origin_list(spec: Any) -> List[str]:
    """'https://shop.example.com, http://127.0.0.1:8080' -> origins without trailing slashes."""
    items = spec.split(",") if isinstance(spec, str) else list(spec or [])
    return [str(item).strip().rstrip("/") for item in items if str(item).strip()]


class CheckedSocketServer(AsyncServer):
    """python-socketio's server, telling a client whose packet cannot be read instead
    of leaving the error to a log line (packets are decoded with bot.safe_json)."""

    def __init__(self, *args: Any, malformed_event: str = "bot_uttered", **kwargs: Any) -> None:
        super().__init__(*args, json=SocketJson, **kwargs)
        self.malformed_event = malformed_event

    async def _handle_eio_message(self, eio_sid, data):
        try:
            await super()._handle_eio_message(eio_sid, data)
        except ValueError as exc:        # not JSON, nested too deeply, not a socket.io packet
            logger.info("webchat: unreadable packet dropped (%s)", exc)
            sid = self.manager.sid_from_eio_sid(eio_sid, "/")
            if sid is not None:
                await self.emit(self.malformed_event, {"text": MALFORMED_TEXT}, room=sid)


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
                   redis_url=str(credentials.get("redis_url") or ""),
                   allowed_origins=origin_list(credentials.get("allowed_origins") or ""),
                   limits=ChatLimits.from_credentials(credentials, DEFAULT_LIMIT_PER_SESSION,
                                                      DEFAULT_LIMIT_PER_ADDRESS),
                   trusted_proxies=str(credentials.get("trusted_proxies") or ""),
                   client_ip_header=str(credentials.get("client_ip_header") or ""))

    def __init__(self, session_secret: str, visitor_days: float = 365, customer_hours: float = 24,
                 user_message_evt: Text = "user_uttered", bot_message_evt: Text = "bot_uttered",
                 socketio_path: Text = "/socket.io", max_message_chars: int = MAX_MESSAGE_CHARS,
                 redis_url: str = "", allowed_origins: Sequence[str] = (),
                 limits: Optional[ChatLimits] = None, trusted_proxies: str = "",
                 client_ip_header: str = "X-Forwarded-For") -> None:
        self.signer = SessionSigner(session_secret, visitor_days, customer_hours)
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.max_message_chars = max_message_chars
        self.redis_url = redis_url
        self.allowed_origins = set(allowed_origins)
        self.limits = limits or ChatLimits(DEFAULT_LIMIT_PER_SESSION, DEFAULT_LIMIT_PER_ADDRESS)
        self.proxies = trusted_networks(trusted_proxies)
        self.client_ip_header = client_ip_header or "X-Forwarded-For"
        self.sio: Optional[AsyncServer] = None
        self.customers: Dict[str, str] = {}       # socket id -> verified customer id
        self.addresses: Dict[str, str] = {}       # socket id -> client address

    def origin_allowed(self, origin: Optional[str]) -> bool:
        """Browsers always send Origin: only the shop's pages may open the chat. Other
        clients (no Origin) are not browsers, so a page cannot act through them."""
        return origin is None or "*" in self.allowed_origins or origin.rstrip("/") in self.allowed_origins

    def _address(self, environ: Dict) -> str:
        request = environ.get("sanic.request")
        peer = getattr(request, "ip", None) or environ.get("REMOTE_ADDR")
        header = "HTTP_" + self.client_ip_header.upper().replace("-", "_")
        return client_address(peer, environ.get(header), self.proxies)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WebchatOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # CORS is Sanic's (rasa run --cors); python-engineio's own check is off with [].
        # With a Redis URL, an emit to a customer's room on one replica reaches their
        # sockets on every replica (python-socketio's pub/sub client manager).
        manager = AsyncRedisManager(self.redis_url) if self.redis_url else None
        # The "io" cookie carries the engine.io session id on the handshake, so a load
        # balancer can keep a session's requests on this replica (bot/templates/haproxy.cfg).
        sio = CheckedSocketServer(async_mode="sanic", cors_allowed_origins=[], client_manager=manager,
                                  malformed_event=self.bot_message_evt,
                                  cookie={"name": "io", "path": "/", "SameSite": "Lax", "HttpOnly": True})
        self.sio = sio
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request):
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if not self.origin_allowed(origin):
                logger.info("webchat: connection from origin %r refused (not in RASA_CORS / SHOP_ORIGINS)",
                            origin[:100])
                return False
            self.addresses[sid] = self._address(environ)
            return True

        @sio.on("disconnect")
        async def disconnect(sid: Text) -> None:
            self.customers.pop(sid, None)
            self.addresses.pop(sid, None)

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
            if self.limits.admit(customer_id, self.addresses.get(sid, "unknown")) > 0:
                await sio.emit(self.bot_message_evt, {"text": TOO_FAST_TEXT}, room=sid)
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
