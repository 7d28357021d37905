"""Slack channel: Events API plus interactive buttons (block_actions).

Every request must carry a valid v0 signature (HMAC-SHA256 of
"v0:{X-Slack-Request-Timestamp}:{body}" with the signing secret) and a
timestamp less than 5 minutes away; otherwise 401. Slack gives up on a request
after 3 seconds and retries (X-Slack-Retry-Num), so the answer is always
immediate and the turn runs in the background; each event_id (and each
channel+ts of a message) is handled once, so retries and duplicates never get
a second reply or cause a second action.

Products are Block Kit sections with the product image as accessory and a row
of buttons; quick replies are a row of buttons. If Slack refuses a message
because it cannot fetch an image, it is sent again without images.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text
from urllib.parse import parse_qs

from sanic import Blueprint, response
from sanic.request import Request

from bot.channels.inbound import Incoming, Malformed, json_body, slack_event, slack_interaction
from bot.channels.messaging import MessagingInput, MessagingOutput, OnNewMessage, credential
from bot.channels.outbound import ApiClient, Reply
from bot.channels.render import first_of, slack_message
from bot.channels.security import slack_signature_problem

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://slack.com/api"
IMAGE_ERRORS = {"invalid_blocks", "invalid_blocks_format", "downloading_image_failed", "invalid_image_url"}


def channel_of(recipient_id: Text) -> str:
    """slack:TEAM:USER -> USER (chat.postMessage to a user id opens the DM with the app)."""
    return recipient_id.rsplit(":", 1)[-1]


class SlackOutput(MessagingOutput):
    @classmethod
    def name(cls) -> Text:
        return "slack"

    def __init__(self, api: ApiClient, api_base: str, bot_token: str,
                 destination: Optional[Dict[str, Any]] = None) -> None:
        self.api = api
        self.api_base = api_base.rstrip("/")
        self.bot_token = bot_token
        self.destination = destination or {}

    async def post(self, body: Dict[str, Any]) -> Reply:
        return await self.api.post(f"{self.api_base}/chat.postMessage", json_body=body,
                                   headers={"Authorization": f"Bearer {self.bot_token}"}, what="chat.postMessage")

    @staticmethod
    def _error(reply: Reply) -> Optional[str]:
        """Slack answers 200 with {"ok": false, "error": ...} when it refuses a message."""
        if reply.ok and isinstance(reply.body, dict) and reply.body.get("ok") is True:
            return None
        error = str(reply.body.get("error")) if isinstance(reply.body, dict) else f"http {reply.status}"
        logger.warning("slack chat.postMessage refused: %s", error)
        return error

    async def deliver(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        where = dict(self.destination) or {"channel": channel_of(recipient_id)}
        body = slack_message(message)
        if body is None:
            return
        error = self._error(await self.post({**where, **body}))
        if error in IMAGE_ERRORS:
            plain = slack_message(message, images=False)
            error = self._error(await self.post({**where, **plain}))
        if error is not None and error in IMAGE_ERRORS:
            await self.post({**where, "text": body["text"]})


class SlackInput(MessagingInput):
    platform = "slack"

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SlackInput":
        return cls(bot_token=credential(credentials, "bot_token"),
                   signing_secret=credential(credentials, "signing_secret"),
                   api_base=credential(credentials, "api_base", DEFAULT_API_BASE),
                   state_db=credential(credentials, "state_db")).limited(credentials)

    def __init__(self, bot_token: str = "", signing_secret: str = "", api_base: str = DEFAULT_API_BASE,
                 state_db: str = "") -> None:
        super().__init__(state_db)
        self.bot_token = bot_token
        self.signing_secret = signing_secret
        self.api_base = api_base or DEFAULT_API_BASE
        if not self.configured():
            logger.info("Slack channel: SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET are not set; "
                           "/webhooks/slack answers 403.")

    def configured(self) -> bool:
        return bool(self.bot_token and self.signing_secret)

    def output_for(self, incoming: Optional[Incoming]) -> SlackOutput:
        return SlackOutput(self.api, self.api_base, self.bot_token, incoming.destination if incoming else None)

    def get_output_channel(self) -> Optional[SlackOutput]:
        return self.output_for(None) if self.configured() else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        slack = Blueprint("shop_slack_webhook", __name__)

        @slack.route("/", methods=["GET"])
        async def health(request: Request):
            return self.health()

        async def receive(request: Request):
            if not self.configured():
                return self.not_configured()
            body = request.body or b""
            problem = slack_signature_problem(self.signing_secret, request.headers.get("X-Slack-Request-Timestamp"),
                                              body, request.headers.get("X-Slack-Signature"))
            if problem:
                return response.json({"error": problem}, status=401)
            # Answer retries at once and ask Slack not to retry further; the
            # event ids decide whether there is anything left to do.
            headers = {"X-Slack-No-Retry": "1"} if request.headers.get("X-Slack-Retry-Num") else {}
            try:
                if (request.content_type or "").startswith("application/x-www-form-urlencoded"):
                    raw = first_of(parse_qs(body.decode("utf-8")).get("payload"))
                    if raw is None:
                        return response.json({"error": "payload is missing"}, status=400)
                    for incoming in slack_interaction(json_body(raw)):
                        self.accept(incoming, on_new_message)
                    return response.text("", headers=headers)
                envelope = slack_event(json_body(body))
            except (ValueError, UnicodeDecodeError):
                return response.json({"error": "the body is not a form"}, status=400)
            except Malformed as malformed:
                return response.json({"error": malformed.reason}, status=malformed.status)
            if envelope.kind == "challenge":
                return response.json({"challenge": envelope.challenge})
            for incoming in envelope.messages:
                self.accept(incoming, on_new_message)
            return response.text("", headers=headers)

        slack.add_route(receive, "/events", methods=["POST"], name="events")
        slack.add_route(receive, "/interactive", methods=["POST"], name="interactive")
        return self.with_shutdown(slack)
