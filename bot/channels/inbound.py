"""Webhook payloads of each platform read into one shape (plain Python).

Each reader takes the parsed payload (whatever JSON or form it was) and returns
the customer messages in it, or raises Malformed with the status to answer.
It never trusts a field's type. Reading happens after the signature check.

Conversation ids are namespaced by platform ("telegram:123", "whatsapp:+4915...",
"messenger:<psid>", "slack:<team>:<user>") so two platforms never share a
profile or a cart by accident.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot import safe_json
from bot.channels.render import MAX_INCOMING_CHARS, first_of, slack_plain_text, telegram_command


class Malformed(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def json_body(raw: Any) -> Any:
    """A webhook's JSON (raw bytes or text); Malformed(400) when it is not UTF-8 JSON
    or is nested more deeply than any platform sends (bot/safe_json.py)."""
    try:
        return safe_json.loads(raw or b"")
    except safe_json.TooDeep as exc:
        raise Malformed(400, str(exc)) from None
    except ValueError:
        raise Malformed(400, "the body is not JSON") from None


@dataclass
class Incoming:
    sender: str                         # Rasa conversation id
    destination: Dict[str, Any]         # where replies go, in the platform's terms
    text: Optional[str] = None          # what the customer typed, or a button payload
    unsupported: bool = False           # stickers, voice, images...: answer politely, skip Rasa
    too_long: bool = False
    dedupe_keys: List[str] = field(default_factory=list)
    callback: Optional[str] = None      # Telegram: the raw callback_data of a button
    callback_id: Optional[str] = None   # Telegram: the callback query to acknowledge
    is_payload: bool = False            # text came from a button, not typed
    expired: bool = False               # a button whose payload is no longer known

    @property
    def needs_rasa(self) -> bool:
        return not self.unsupported and not self.too_long and bool(self.text or self.callback)


def _id(value: Any) -> Optional[str]:
    """An id that may come as a number or a string; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip() and len(value) <= 256:
        return value.strip()
    return None


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _with_text(incoming: Incoming, text: str) -> Incoming:
    if len(text) > MAX_INCOMING_CHARS:
        incoming.too_long = True
    elif not text.strip():
        incoming.unsupported = True
    else:
        incoming.text = text.strip()
    return incoming


# -- Telegram -------------------------------------------------------------------------
def telegram_updates(update: Any) -> List[Incoming]:
    if not isinstance(update, dict):
        raise Malformed(400, "an update must be a JSON object")
    update_id = _id(update.get("update_id"))
    if update_id is None:
        raise Malformed(400, "update_id is missing")
    dedupe = [f"update:{update_id}"]
    if "callback_query" in update:
        query = _dict(update["callback_query"])
        chat = _dict(_dict(query.get("message")).get("chat"))
        chat_id = _id(chat.get("id")) or _id(_dict(query.get("from")).get("id"))
        query_id = _id(query.get("id"))
        if chat_id is None or query_id is None:
            raise Malformed(400, "callback_query needs an id and a chat")
        incoming = Incoming(sender=f"telegram:{chat_id}", destination={"chat_id": chat_id},
                            dedupe_keys=dedupe + [f"callback:{query_id}"], callback_id=query_id,
                            is_payload=True)
        data = query.get("data")
        if isinstance(data, str) and data:
            incoming.callback = data
        else:
            incoming.unsupported = True      # games and inline-mode queries carry no data
        return [incoming]
    message = update.get("message")
    if message is None:
        return []   # edited messages, channel posts, membership changes...: nothing to answer
    message = _dict(message)
    chat_id = _id(_dict(message.get("chat")).get("id"))
    if chat_id is None:
        raise Malformed(400, "message.chat.id is missing")
    if _dict(message.get("from")).get("is_bot") is True:
        return []
    incoming = Incoming(sender=f"telegram:{chat_id}", destination={"chat_id": chat_id}, dedupe_keys=dedupe)
    text = message.get("text")
    if isinstance(text, str):
        return [_with_text(incoming, telegram_command(text))]
    incoming.unsupported = True
    return [incoming]


# -- WhatsApp via Twilio ---------------------------------------------------------------
def twilio_messages(form: Dict[str, Any]) -> List[Incoming]:
    if not isinstance(form, dict):
        raise Malformed(400, "expected a form")
    if first_of(form.get("MessageStatus")) is not None:
        return []   # a delivery status callback pointed at this URL, not a customer message
    sender = first_of(form.get("From"))
    if not sender or not sender.strip() or len(sender) > 64:
        raise Malformed(400, "From is missing")
    sender = sender.strip()
    destination = {"to": sender, "from": (first_of(form.get("To")) or "").strip()}
    sid = first_of(form.get("MessageSid")) or first_of(form.get("SmsMessageSid"))
    if not sid or len(sid) > 64:
        raise Malformed(400, "MessageSid is missing")   # every Twilio message has one; replays are told by it
    incoming = Incoming(sender=sender, destination=destination, dedupe_keys=[f"sid:{sid}"])
    try:
        media = int(first_of(form.get("NumMedia")) or 0)
    except ValueError:
        media = 0
    if media > 0 or first_of(form.get("Latitude")) is not None:
        incoming.unsupported = True
        return [incoming]
    button = first_of(form.get("ButtonPayload"))
    if button and button.startswith("/"):
        incoming.text, incoming.is_payload = button, True
        return [incoming]
    body = first_of(form.get("Body"))
    return [_with_text(incoming, body or "")]


# -- Facebook Messenger --------------------------------------------------------------
def messenger_events(body: Any) -> List[Incoming]:
    if not isinstance(body, dict):
        raise Malformed(400, "the body must be a JSON object")
    if body.get("object") != "page":
        raise Malformed(404, "not a page subscription")
    entries = body.get("entry")
    if not isinstance(entries, list):
        raise Malformed(400, "entry must be a list")
    found: List[Incoming] = []
    for entry in entries:
        for event in _dict(entry).get("messaging") or []:
            event = _dict(event)
            psid = _id(_dict(event.get("sender")).get("id"))
            if psid is None:
                continue
            base = dict(sender=f"messenger:{psid}", destination={"psid": psid})
            if "message" in event:
                message = _dict(event["message"])
                if message.get("is_echo") is True:
                    continue
                mid = _id(message.get("mid"))
                incoming = Incoming(**base, dedupe_keys=[f"mid:{mid}"] if mid else [])
                quick = _dict(message.get("quick_reply")).get("payload")
                text = message.get("text")
                if isinstance(quick, str) and quick:
                    incoming.text, incoming.is_payload = quick, True
                elif isinstance(text, str) and text.strip():
                    _with_text(incoming, text)     # a shared link comes as text plus a fallback attachment
                else:
                    incoming.unsupported = True    # stickers, voice notes, images, files, locations
                found.append(incoming)
            elif "postback" in event:
                postback = _dict(event["postback"])
                mid = _id(postback.get("mid"))
                stamp = _id(event.get("timestamp"))
                key = f"mid:{mid}" if mid else (f"postback:{psid}:{stamp}" if stamp else None)
                incoming = Incoming(**base, dedupe_keys=[key] if key else [], is_payload=True)
                data = postback.get("payload")
                if isinstance(data, str) and data:
                    incoming.text = data
                else:
                    incoming.unsupported = True
                found.append(incoming)
            # delivery, read, reaction, optin, referral...: nothing to answer
    return found


# -- Slack ------------------------------------------------------------------------
SLACK_IGNORED_SUBTYPES = {"bot_message", "message_changed", "message_deleted", "message_replied",
                          "channel_join", "channel_leave", "group_join", "group_leave", "channel_topic",
                          "channel_purpose", "channel_name", "pinned_item", "unpinned_item", "ekm_access_denied",
                          "me_message", "thread_broadcast", "tombstone", "assistant_app_thread"}


@dataclass
class SlackEnvelope:
    kind: str                                   # "challenge", "messages", "ignore"
    challenge: Optional[str] = None
    event_id: Optional[str] = None
    messages: List[Incoming] = field(default_factory=list)


def slack_event(body: Any) -> SlackEnvelope:
    if not isinstance(body, dict):
        raise Malformed(400, "the body must be a JSON object")
    kind = body.get("type")
    if kind == "url_verification":
        challenge = body.get("challenge")
        if not isinstance(challenge, str) or not challenge:
            raise Malformed(400, "challenge is missing")
        return SlackEnvelope("challenge", challenge=challenge)
    if kind != "event_callback":
        if not isinstance(kind, str):
            raise Malformed(400, "type is missing")
        return SlackEnvelope("ignore")
    event = body.get("event")
    event_id = _id(body.get("event_id"))
    team = _id(body.get("team_id")) or _id(_dict(event).get("team"))
    if not isinstance(event, dict) or event_id is None or team is None:
        raise Malformed(400, "event_callback needs event, event_id and team_id")
    envelope = SlackEnvelope("ignore", event_id=event_id)
    if event.get("type") not in ("message", "app_mention"):
        return envelope
    if event.get("bot_id") or event.get("bot_profile") or event.get("subtype") in SLACK_IGNORED_SUBTYPES:
        return envelope
    if event.get("type") == "message" and event.get("channel_type") not in (None, "im"):
        return envelope   # channel messages are answered only when the bot is mentioned (app_mention)
    user, channel = _id(event.get("user")), _id(event.get("channel"))
    if user is None or channel is None:
        return envelope
    destination = {"channel": channel}
    thread = _id(event.get("thread_ts"))
    if thread:
        destination["thread_ts"] = thread
    keys = [f"event:{event_id}"]
    stamp = _id(event.get("ts"))
    if stamp:
        keys.append(f"message:{channel}:{stamp}")
    incoming = Incoming(sender=f"slack:{team}:{user}", destination=destination, dedupe_keys=keys)
    text = event.get("text")
    if event.get("subtype") == "file_share" or event.get("files") or not isinstance(text, str):
        incoming.unsupported = True
    else:
        _with_text(incoming, slack_plain_text(text))
    envelope.kind = "messages"
    envelope.messages = [incoming]
    return envelope


def slack_interaction(payload: Any) -> List[Incoming]:
    """A block_actions click as the button's payload; other interactions are ignored."""
    if not isinstance(payload, dict):
        raise Malformed(400, "payload must be a JSON object")
    if payload.get("type") != "block_actions":
        return []
    user = _id(_dict(payload.get("user")).get("id"))
    team = _id(_dict(payload.get("team")).get("id")) or _id(_dict(payload.get("user")).get("team_id"))
    container = _dict(payload.get("container"))
    channel = _id(_dict(payload.get("channel")).get("id")) or _id(container.get("channel_id"))
    actions = payload.get("actions")
    if user is None or team is None or channel is None or not isinstance(actions, list):
        raise Malformed(400, "block_actions needs user, team, channel and actions")
    found = []
    for action in actions:
        action = _dict(action)
        value = action.get("value")
        if not isinstance(value, str) or not value:
            continue   # link buttons (checkout) only need the acknowledgement
        message_ts = _id(container.get("message_ts")) or ""
        key = f"action:{channel}:{message_ts}:{action.get('action_id')}:{action.get('action_ts')}"
        destination = {"channel": channel}
        thread = _id(container.get("thread_ts"))
        if thread:
            destination["thread_ts"] = thread
        found.append(Incoming(sender=f"slack:{team}:{user}", destination=destination, text=value,
                              dedupe_keys=[key], is_payload=True))
    return found
