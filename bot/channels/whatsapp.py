"""WhatsApp through Twilio, replacing Rasa's Twilio channel (which checks no signature).

Incoming: Twilio posts a form to /webhooks/whatsapp/webhook signed with
X-Twilio-Signature (HMAC-SHA1 of the public URL plus the sorted form fields,
with the account's auth token). The URL checked is the configured one
(WHATSAPP_PUBLIC_URL, exactly as entered in Twilio), never one built from the
request's Host header, which the client chooses. Twilio signs no time, so a
replay is recognised by its MessageSid: a second delivery within a few minutes
is Twilio retrying (answered, not handled again); a later one is refused.

Outgoing: the Twilio REST Messages API. Products are a numbered list with a
link each; quick replies are lettered options. The customer can answer "2" to
open product 2 of the list shown last, or "B" (or the option's text) for a quick
reply - the channel remembers per customer what was shown.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Dict, List, Optional, Text
from urllib.parse import parse_qsl

import aiohttp
from sanic import Blueprint, response
from sanic.request import Request

from bot.channels.inbound import Incoming, Malformed, twilio_messages
from bot.channels.memory import ChannelMemory
from bot.channels.messaging import MessagingInput, MessagingOutput, OnNewMessage, credential
from bot.channels.outbound import ApiClient
from bot.channels.render import OPTION_LETTERS, whatsapp_pick, whatsapp_plan
from bot.channels.security import twilio_signature_ok

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.twilio.com"
PICKS_TTL_SECONDS = 7 * 24 * 3600
RETRY_WINDOW_SECONDS = 600                 # Twilio's own retries come within this (default)
REPLAY_MEMORY_SECONDS = 90 * 24 * 3600     # how long a MessageSid is remembered
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class WhatsAppOutput(MessagingOutput):
    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    def __init__(self, api: ApiClient, api_base: str, account_sid: str, auth_token: str,
                 memory: ChannelMemory, sender_number: str, to: Optional[str] = None) -> None:
        self.api = api
        self.api_base = api_base.rstrip("/")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.memory = memory
        self.sender_number = sender_number
        self.to = to
        # Quick-reply letters continue across the messages of one turn (A, B, then C...).
        self._options: Dict[str, str] = {}
        self._letters = 0

    async def deliver(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        to = self.to or recipient_id
        plan = whatsapp_plan(message, self._letters)
        self._letters += sum(1 for key in plan.options if len(key) == 1 and key in OPTION_LETTERS)
        self._options.update(plan.options)
        picks = self.memory.get("whatsapp-picks", to) or {}
        products: List[str] = plan.products or (picks.get("products") if isinstance(picks, dict) else []) or []
        self.memory.put("whatsapp-picks", to, {"products": products, "options": self._options},
                        PICKS_TTL_SECONDS)
        # Messages sent later (a person answering from the support console) have no
        # incoming message to answer from: use the shop number the customer last wrote to.
        sender_number = self.sender_number or self.memory.get("whatsapp-shop-number", to) or ""
        if not sender_number:
            logger.error("WhatsApp: no sender number (set WHATSAPP_NUMBER); reply to a customer dropped")
            return
        url = f"{self.api_base}/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        auth = aiohttp.BasicAuth(self.account_sid, self.auth_token)
        for body in plan.bodies:
            await self.api.post(url, form={"To": to, "From": sender_number, "Body": body}, auth=auth,
                                what="Messages.json")


class WhatsAppInput(MessagingInput):
    platform = "whatsapp"

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WhatsAppInput":
        return cls(account_sid=credential(credentials, "account_sid"),
                   auth_token=credential(credentials, "auth_token"),
                   whatsapp_number=credential(credentials, "whatsapp_number"),
                   public_url=credential(credentials, "public_url"),
                   retry_window=float(credential(credentials, "retry_window_seconds") or RETRY_WINDOW_SECONDS),
                   api_base=credential(credentials, "api_base", DEFAULT_API_BASE),
                   state_db=credential(credentials, "state_db")).limited(credentials)

    def __init__(self, account_sid: str = "", auth_token: str = "", whatsapp_number: str = "",
                 public_url: str = "", api_base: str = DEFAULT_API_BASE, state_db: str = "",
                 retry_window: float = RETRY_WINDOW_SECONDS) -> None:
        super().__init__(state_db)
        self.account_sid = account_sid
        self.auth_token = auth_token
        number = whatsapp_number
        self.whatsapp_number = number if not number or number.startswith("whatsapp:") else f"whatsapp:{number}"
        self.public_url = public_url
        self.retry_window = retry_window
        self.api_base = api_base or DEFAULT_API_BASE
        if not (account_sid and auth_token):
            logger.info("WhatsApp channel: TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are not set; "
                        "/webhooks/whatsapp answers 403.")
        elif not public_url:
            logger.error("WhatsApp channel: WHATSAPP_PUBLIC_URL is not set (the webhook URL exactly as "
                         "entered in Twilio); /webhooks/whatsapp answers 403 until it is.")

    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.public_url)

    def not_configured(self):
        if self.account_sid and self.auth_token:
            return response.json({"error": "the whatsapp channel needs WHATSAPP_PUBLIC_URL (the webhook URL "
                                           "exactly as entered in Twilio)"}, status=403)
        return super().not_configured()

    def replayed(self, incoming: Incoming) -> Optional[bool]:
        """None: a new message; False: Twilio retrying it (skip quietly); True: a replay."""
        if not incoming.dedupe_keys:
            return None
        seen = self.memory.claimed_at(self.platform + "-seen", incoming.dedupe_keys[0], REPLAY_MEMORY_SECONDS)
        if seen is None:
            return None
        return time.time() - seen > self.retry_window

    def output_for(self, incoming: Optional[Incoming]) -> WhatsAppOutput:
        sender_number = (incoming.destination.get("from") if incoming else "") or self.whatsapp_number
        return WhatsAppOutput(self.api, self.api_base, self.account_sid, self.auth_token, self.memory,
                              sender_number, incoming.destination["to"] if incoming else None)

    def get_output_channel(self) -> Optional[WhatsAppOutput]:
        return self.output_for(None) if self.configured() else None

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: the configured public URL (plus this request's query)."""
        if request.query_string and "?" not in self.public_url:
            return f"{self.public_url}?{request.query_string}"
        return self.public_url

    def resolve(self, incoming: Incoming) -> Incoming:
        """"2" -> details of product 2 of the last list; "B" -> quick reply B."""
        if incoming.destination.get("from"):
            self.memory.put("whatsapp-shop-number", incoming.destination["to"], incoming.destination["from"],
                            PICKS_TTL_SECONDS)
        if incoming.text and not incoming.is_payload:
            picks = self.memory.get("whatsapp-picks", incoming.destination["to"]) or {}
            if isinstance(picks, dict):
                chosen = whatsapp_pick(incoming.text, picks.get("products") or [], picks.get("options") or {})
                if chosen:
                    incoming.text, incoming.is_payload = chosen, True
        return incoming

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        whatsapp = Blueprint("shop_whatsapp_webhook", __name__)

        @whatsapp.route("/", methods=["GET"])
        async def health(request: Request):
            return self.health()

        @whatsapp.route("/webhook", methods=["POST"])
        async def webhook(request: Request):
            if not self.configured():
                return self.not_configured()
            try:
                pairs = parse_qsl((request.body or b"").decode("utf-8"), keep_blank_values=True)
            except (UnicodeDecodeError, ValueError):
                pairs = None
            signature = request.headers.get("X-Twilio-Signature")
            if pairs is None or not twilio_signature_ok(self.auth_token, self.signed_url(request), pairs, signature):
                return response.json({"error": "bad or missing X-Twilio-Signature"}, status=403)
            form: Dict[str, List[str]] = {}
            for name, value in pairs:
                form.setdefault(name, []).append(value)
            try:
                found = twilio_messages(form)
            except Malformed as problem:
                return response.json({"error": problem.reason}, status=problem.status)
            for incoming in found:
                replayed = self.replayed(incoming)
                if replayed:
                    logger.warning("whatsapp: a signed request replayed after the retry window was refused")
                    return response.json({"error": "this message was delivered before (replayed request)"},
                                         status=403)
                if replayed is None:
                    self.spawn(self.handle(self.resolve(incoming), on_new_message))
            # Replies go through the REST API, so the TwiML answer is empty.
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return self.with_shutdown(whatsapp)
