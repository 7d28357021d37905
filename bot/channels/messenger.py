"""Facebook Messenger channel, replacing Rasa's (which only checks the SHA-1 signature).

GET /webhooks/messenger/webhook answers the subscription handshake when
hub.verify_token matches MESSENGER_VERIFY_TOKEN. POST requests must carry
X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret).
Replies go to the Graph API Send API (`/me/messages`): products as a generic
template carousel (up to 10 cards, 3 buttons each), quick replies (up to 13,
titles up to 20 characters), the checkout link as a button.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text
from urllib.parse import urlencode

from sanic import Blueprint, response
from sanic.request import Request

from bot.channels.inbound import Incoming, Malformed, json_body, messenger_events
from bot.channels.messaging import MessagingInput, MessagingOutput, OnNewMessage, credential
from bot.channels.outbound import ApiClient
from bot.channels.render import messenger_messages
from bot.channels.security import messenger_challenge, messenger_signature_ok

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://graph.facebook.com/v18.0"


def psid_of(recipient_id: Text) -> str:
    return recipient_id.split(":", 1)[1] if recipient_id.startswith("messenger:") else recipient_id


class MessengerOutput(MessagingOutput):
    @classmethod
    def name(cls) -> Text:
        return "messenger"

    def __init__(self, api: ApiClient, api_base: str, page_token: str, psid: Optional[str] = None) -> None:
        self.api = api
        self.api_base = api_base.rstrip("/")
        self.page_token = page_token
        self.psid = psid

    async def deliver(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        psid = self.psid or psid_of(recipient_id)
        # The page token goes in the query string, as the Send API documents it.
        url = f"{self.api_base}/me/messages?{urlencode({'access_token': self.page_token})}"
        for body in messenger_messages(message):
            await self.api.post(url, json_body={"recipient": {"id": psid}, "messaging_type": "RESPONSE",
                                                "message": body}, what="me/messages")


class MessengerInput(MessagingInput):
    platform = "messenger"

    @classmethod
    def name(cls) -> Text:
        return "messenger"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MessengerInput":
        return cls(page_access_token=credential(credentials, "page_access_token"),
                   app_secret=credential(credentials, "app_secret"),
                   verify_token=credential(credentials, "verify_token"),
                   api_base=credential(credentials, "api_base", DEFAULT_API_BASE),
                   state_db=credential(credentials, "state_db")).limited(credentials)

    def __init__(self, page_access_token: str = "", app_secret: str = "", verify_token: str = "",
                 api_base: str = DEFAULT_API_BASE, state_db: str = "") -> None:
        super().__init__(state_db)
        self.page_access_token = page_access_token
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.api_base = api_base or DEFAULT_API_BASE
        if not self.configured():
            logger.info("Messenger channel: MESSENGER_PAGE_TOKEN / MESSENGER_APP_SECRET / "
                           "MESSENGER_VERIFY_TOKEN are not all set; /webhooks/messenger answers 403.")

    def configured(self) -> bool:
        return bool(self.page_access_token and self.app_secret and self.verify_token)

    def output_for(self, incoming: Optional[Incoming]) -> MessengerOutput:
        return MessengerOutput(self.api, self.api_base, self.page_access_token,
                               incoming.destination["psid"] if incoming else None)

    def get_output_channel(self) -> Optional[MessengerOutput]:
        return self.output_for(None) if self.configured() else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        messenger = Blueprint("shop_messenger_webhook", __name__)

        @messenger.route("/", methods=["GET"])
        async def health(request: Request):
            return self.health()

        @messenger.route("/webhook", methods=["GET"])
        async def handshake(request: Request):
            if not self.configured():
                return self.not_configured()
            challenge = messenger_challenge(self.verify_token, request.args.get("hub.mode"),
                                            request.args.get("hub.verify_token"), request.args.get("hub.challenge"))
            if challenge is None:
                return response.json({"error": "verification failed"}, status=403)
            return response.text(challenge)

        @messenger.route("/webhook", methods=["POST"])
        async def webhook(request: Request):
            if not self.configured():
                return self.not_configured()
            body = request.body or b""
            if not messenger_signature_ok(self.app_secret, body, request.headers.get("X-Hub-Signature-256")):
                return response.json({"error": "bad or missing X-Hub-Signature-256"}, status=403)
            try:
                found = messenger_events(json_body(body))
            except Malformed as problem:
                return response.json({"error": problem.reason}, status=problem.status)
            for incoming in found:
                self.accept(incoming, on_new_message)
            return response.text("EVENT_RECEIVED")

        return self.with_shutdown(messenger)
