"""Telegram Bot API channel (webhook), replacing Rasa's own.

Rasa 3.6's Telegram channel calls set_webhook at start-up and then fails with
"event loop is closed". This one never calls the Bot API at start-up: register
the webhook once yourself (see README, "Telegram"):

    curl -s "https://api.telegram.org/bot$TELEGRAM_TOKEN/setWebhook" \
         -d url=https://YOUR.HOST/webhooks/telegram/webhook -d secret_token=$TELEGRAM_SECRET_TOKEN

Products go out as photos (caption: title, price, reason) with an inline
keyboard (Details, Add to cart, More like this, View in shop); quick replies as
a reply keyboard, whose taps come back as the button title and are turned back
into the payload. Button presses (callback_query) come back as the payload.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request

from bot.channels.inbound import Incoming, Malformed, json_body, telegram_updates
from bot.channels.messaging import MessagingInput, MessagingOutput, OnNewMessage, credential
from bot.channels.outbound import ApiClient, Reply
from bot.channels.memory import ChannelMemory
from bot.channels.render import (EXPIRED_BUTTON_TEXT, TELEGRAM_REF_PREFIX, TelegramCall, telegram_plan)
from bot.channels.security import telegram_secret_ok

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.telegram.org"
REF_TTL_SECONDS = 90 * 24 * 3600          # buttons in a chat keep working for 90 days
KEYBOARD_TTL_SECONDS = 7 * 24 * 3600


def chat_of(recipient_id: Text) -> str:
    return recipient_id.split(":", 1)[1] if recipient_id.startswith("telegram:") else recipient_id


class TelegramOutput(MessagingOutput):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def __init__(self, api: ApiClient, api_base: str, token: str, memory: ChannelMemory,
                 chat_id: Optional[str] = None) -> None:
        self.api = api
        self.api_base = api_base.rstrip("/")
        self.token = token
        self.memory = memory
        self.chat_id = chat_id

    async def call(self, method: str, params: Dict[str, Any]) -> Reply:
        return await self.api.post(f"{self.api_base}/bot{self.token}/{method}", json_body=params, what=method)

    @staticmethod
    def _accepted(reply: Reply) -> bool:
        return reply.ok and isinstance(reply.body, dict) and reply.body.get("ok") is True

    async def deliver(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        chat_id = self.chat_id or chat_of(recipient_id)
        plan = telegram_plan(message, chat_id)
        for ref, payload in plan.refs.items():
            self.memory.put("telegram-ref", ref, payload, REF_TTL_SECONDS)
        if plan.reply_keyboard:
            self.memory.put("telegram-keyboard", str(chat_id), plan.reply_keyboard, KEYBOARD_TTL_SECONDS)
        for call in plan.calls:
            await self._send(call)

    async def _send(self, call: TelegramCall) -> None:
        reply = await self.call(call.method, call.params)
        if not self._accepted(reply) and call.fallback is not None:
            # e.g. Telegram cannot fetch the product image (SVG, private URL): send the card as text.
            await self.call(call.fallback.method, call.fallback.params)


class TelegramInput(MessagingInput):
    platform = "telegram"

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramInput":
        return cls(access_token=credential(credentials, "access_token"),
                   secret_token=credential(credentials, "secret_token"),
                   api_base=credential(credentials, "api_base", DEFAULT_API_BASE),
                   state_db=credential(credentials, "state_db")).limited(credentials)

    def __init__(self, access_token: str = "", secret_token: str = "", api_base: str = DEFAULT_API_BASE,
                 state_db: str = "") -> None:
        super().__init__(state_db)
        self.access_token = access_token
        self.secret_token = secret_token
        self.api_base = api_base or DEFAULT_API_BASE
        if not access_token:
            logger.info("Telegram channel: TELEGRAM_TOKEN is not set; /webhooks/telegram answers 403.")
        elif not secret_token:
            logger.error("Telegram channel: TELEGRAM_TOKEN is set but TELEGRAM_SECRET_TOKEN is not; "
                         "/webhooks/telegram answers 403 until it is (README: Telegram).")

    def configured(self) -> bool:
        # The secret is what tells Telegram's updates from anyone else's: no secret, no channel.
        return bool(self.access_token and self.secret_token)

    def not_configured(self):
        if self.access_token:
            return response.json({"error": "the telegram channel needs TELEGRAM_SECRET_TOKEN "
                                           "(the secret_token given to setWebhook)"}, status=403)
        return super().not_configured()

    def output_for(self, incoming: Optional[Incoming]) -> TelegramOutput:
        chat_id = incoming.destination["chat_id"] if incoming else None
        return TelegramOutput(self.api, self.api_base, self.access_token, self.memory, chat_id)

    def get_output_channel(self) -> Optional[TelegramOutput]:
        return self.output_for(None) if self.configured() else None

    def resolve(self, incoming: Incoming) -> Incoming:
        """Button data and reply-keyboard titles back into the payloads they stand for."""
        if incoming.callback is not None:
            data = incoming.callback
            if data.startswith("/"):
                incoming.text = data
            elif data.startswith(TELEGRAM_REF_PREFIX):
                incoming.text = self.memory.get("telegram-ref", data)
            if not incoming.text:
                incoming.callback = None
                incoming.text = None
                incoming.expired = True
        elif incoming.text:
            keyboard = self.memory.get("telegram-keyboard", str(incoming.destination["chat_id"])) or {}
            if isinstance(keyboard, dict) and isinstance(keyboard.get(incoming.text), str):
                incoming.text = keyboard[incoming.text]
                incoming.is_payload = True
        return incoming

    async def handle(self, incoming: Incoming, on_new_message: OnNewMessage) -> None:
        if incoming.callback_id:
            # Stops the button's loading spinner; must come within seconds of the press.
            output = self.output_for(incoming)
            await output.call("answerCallbackQuery", {"callback_query_id": incoming.callback_id})
        if incoming.expired:
            await self.output_for(incoming).send_response(incoming.sender, {"text": EXPIRED_BUTTON_TEXT})
            return
        await super().handle(incoming, on_new_message)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        telegram = Blueprint("shop_telegram_webhook", __name__)

        @telegram.route("/", methods=["GET"])
        async def health(request: Request):
            return self.health()

        @telegram.route("/webhook", methods=["POST"])
        async def webhook(request: Request):
            if not self.configured():
                return self.not_configured()
            if not telegram_secret_ok(self.secret_token, request.headers.get("X-Telegram-Bot-Api-Secret-Token")):
                return response.json({"error": "bad or missing secret token"}, status=403)
            try:
                found = telegram_updates(json_body(request.body))
            except Malformed as problem:
                return response.json({"error": problem.reason}, status=problem.status)
            for incoming in found:
                if self.first_delivery(incoming):
                    self.spawn(self.handle(self.resolve(incoming), on_new_message))
            return response.json({"ok": True})

        return self.with_shutdown(telegram)
