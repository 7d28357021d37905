"""Webhook payloads read into customer messages (never trusting a field), and
what the channels remember between webhooks."""
import pytest

from bot.channels.inbound import (Malformed, messenger_events, slack_event, slack_interaction, telegram_updates,
                                  twilio_messages)
from bot.channels.memory import ChannelMemory


# -- Telegram -------------------------------------------------------------------------
def tg_message(**message):
    return {"update_id": 10, "message": {"message_id": 1, "from": {"id": 77, "is_bot": False},
                                         "chat": {"id": 77, "type": "private"}, "date": 1, **message}}


def test_telegram_text_sticker_voice_and_callbacks():
    (text,) = telegram_updates(tg_message(text="waterproof hiking boots under 120"))
    assert (text.sender, text.destination, text.text, text.dedupe_keys) == \
        ("telegram:77", {"chat_id": "77"}, "waterproof hiking boots under 120", ["update:10"])
    assert text.needs_rasa
    (start,) = telegram_updates(tg_message(text="/start"))
    assert start.text == "/greet"
    for kind in ({"sticker": {"file_id": "x"}}, {"voice": {"file_id": "y", "duration": 2}},
                 {"photo": [{"file_id": "z"}]}, {"location": {"latitude": 1, "longitude": 2}}):
        (other,) = telegram_updates(tg_message(**kind))
        assert other.unsupported and not other.needs_rasa and other.sender == "telegram:77"
    (too_long,) = telegram_updates(tg_message(text="x" * 5000))
    assert too_long.too_long and not too_long.needs_rasa
    (press,) = telegram_updates({"update_id": 11, "callback_query": {
        "id": "cq1", "from": {"id": 77}, "message": {"chat": {"id": 77}}, "data": "/checkout"}})
    assert (press.callback, press.callback_id, press.sender) == ("/checkout", "cq1", "telegram:77")
    assert press.dedupe_keys == ["update:11", "callback:cq1"]


def test_telegram_ignores_what_needs_no_answer_and_refuses_malformed():
    assert telegram_updates({"update_id": 1, "edited_message": {"text": "x"}}) == []
    assert telegram_updates({"update_id": 2, "my_chat_member": {}}) == []
    assert telegram_updates(tg_message(text="hi", **{"from": {"id": 5, "is_bot": True}})) == []
    for bad in ([], "x", None, {}, {"update_id": "x" * 300}, {"update_id": 1, "message": {"text": "hi"}},
                {"update_id": 1, "message": {"chat": {"id": True}, "text": "hi"}},
                {"update_id": 1, "callback_query": {"data": "/x"}}):
        with pytest.raises(Malformed) as problem:
            telegram_updates(bad)
        assert problem.value.status == 400


# -- Twilio ---------------------------------------------------------------------------
def form(**fields):
    base = {"From": ["whatsapp:+4915112345678"], "To": ["whatsapp:+14155238886"], "MessageSid": ["SM1"],
            "NumMedia": ["0"], "Body": ["hi"]}
    base.update({k: [v] for k, v in fields.items()})
    return base


def test_twilio_text_media_location_and_buttons():
    (text,) = twilio_messages(form(Body="tents under 300"))
    assert (text.sender, text.text, text.dedupe_keys) == ("whatsapp:+4915112345678", "tents under 300", ["sid:SM1"])
    assert text.destination == {"to": "whatsapp:+4915112345678", "from": "whatsapp:+14155238886"}
    (voice,) = twilio_messages(form(Body="", NumMedia="1", MediaContentType0="audio/ogg"))
    assert voice.unsupported
    (location,) = twilio_messages(form(Body="", Latitude="52.5", Longitude="13.4"))
    assert location.unsupported
    (empty,) = twilio_messages(form(Body=""))
    assert empty.unsupported
    (button,) = twilio_messages(form(Body="Yes", ButtonPayload="/affirm"))
    assert button.text == "/affirm" and button.is_payload
    (odd,) = twilio_messages(form(NumMedia="many", Body="hello"))
    assert odd.text == "hello"
    # A status callback sent to the same URL is not a message from the customer.
    assert twilio_messages({"MessageStatus": ["delivered"], "From": ["whatsapp:+14155238886"],
                            "To": ["whatsapp:+4915112345678"], "MessageSid": ["SM2"]}) == []


def test_twilio_without_sender_is_malformed():
    for bad in ({}, {"From": [""]}, {"From": ["x" * 100]}, "nope"):
        with pytest.raises(Malformed) as problem:
            twilio_messages(bad)
        assert problem.value.status == 400


# -- Messenger ------------------------------------------------------------------------
def fb(*events):
    return {"object": "page", "entry": [{"id": "PAGE", "time": 1, "messaging": list(events)}]}


def test_messenger_text_quick_reply_postback_attachment_and_echo():
    found = messenger_events(fb(
        {"sender": {"id": "PSID1"}, "recipient": {"id": "PAGE"}, "message": {"mid": "m1", "text": "boots"}},
        {"sender": {"id": "PSID1"}, "message": {"mid": "m2", "text": "42", "quick_reply": {"payload": "/x"}}},
        {"sender": {"id": "PSID1"}, "timestamp": 5, "postback": {"title": "Details", "payload": "/y"}},
        {"sender": {"id": "PSID1"}, "message": {"mid": "m3", "attachments": [{"type": "image"}]}},
        {"sender": {"id": "PSID1"}, "message": {"mid": "m4", "sticker_id": 369239263222822,
                                                "attachments": [{"type": "image"}]}},
        {"sender": {"id": "PSID1"}, "message": {"mid": "m6", "text": "like https://x.example/a",
                                                "attachments": [{"type": "fallback"}]}},
        {"sender": {"id": "PAGE"}, "message": {"mid": "m5", "text": "our reply", "is_echo": True}},
        {"sender": {"id": "PSID1"}, "delivery": {"mids": ["m1"]}},
        {"sender": {"id": "PSID1"}, "read": {"watermark": 1}},
        {"recipient": {"id": "PAGE"}, "message": {"text": "no sender"}},
    ))
    assert [(i.sender, i.text, i.unsupported) for i in found] == [
        ("messenger:PSID1", "boots", False), ("messenger:PSID1", "/x", False), ("messenger:PSID1", "/y", False),
        ("messenger:PSID1", None, True), ("messenger:PSID1", None, True),
        ("messenger:PSID1", "like https://x.example/a", False)]
    assert [i.dedupe_keys for i in found] == [["mid:m1"], ["mid:m2"], ["postback:PSID1:5"], ["mid:m3"], ["mid:m4"],
                                              ["mid:m6"]]
    assert found[0].destination == {"psid": "PSID1"}


def test_messenger_malformed_bodies():
    with pytest.raises(Malformed) as problem:
        messenger_events({"object": "instagram", "entry": []})
    assert problem.value.status == 404
    for bad in ([], {"object": "page"}, {"object": "page", "entry": "x"}):
        with pytest.raises(Malformed) as problem:
            messenger_events(bad)
        assert problem.value.status == 400
    assert messenger_events({"object": "page", "entry": [None, {"messaging": [None, 3]}]}) == []


# -- Slack ----------------------------------------------------------------------------
def slack(event, event_id="Ev1"):
    return {"type": "event_callback", "team_id": "T1", "event_id": event_id, "event": event}


def test_slack_messages_mentions_files_and_what_is_ignored():
    assert slack_event({"type": "url_verification", "challenge": "abc"}).challenge == "abc"
    direct = slack_event(slack({"type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
                                "text": "tents &amp; tarps", "ts": "1.2"}))
    (message,) = direct.messages
    assert (message.sender, message.destination, message.text) == ("slack:T1:U1", {"channel": "D1"}, "tents & tarps")
    assert message.dedupe_keys == ["event:Ev1", "message:D1:1.2"]
    (mention,) = slack_event(slack({"type": "app_mention", "user": "U1", "channel": "C1", "text": "<@UBOT> boots",
                                    "ts": "3.4", "thread_ts": "3.0"})).messages
    assert mention.text == "boots" and mention.destination == {"channel": "C1", "thread_ts": "3.0"}
    (upload,) = slack_event(slack({"type": "message", "subtype": "file_share", "channel_type": "im", "user": "U1",
                                   "channel": "D1", "text": "", "files": [{"id": "F1"}]})).messages
    assert upload.unsupported
    for ignored in ({"type": "message", "channel_type": "im", "bot_id": "B1", "channel": "D1", "text": "our reply"},
                    {"type": "message", "subtype": "message_changed", "channel": "D1"},
                    {"type": "message", "channel_type": "channel", "user": "U1", "channel": "C1", "text": "hi all"},
                    {"type": "reaction_added", "user": "U1"},
                    {"type": "message", "channel_type": "im", "channel": "D1", "text": "no user"}):
        envelope = slack_event(slack(ignored))
        assert envelope.messages == [] and envelope.event_id == "Ev1"
    assert slack_event({"type": "app_rate_limited"}).kind == "ignore"


def test_slack_malformed_events():
    for bad in ([], {}, {"type": "url_verification"}, {"type": "event_callback", "event": {}},
                {"type": "event_callback", "event_id": "Ev1", "team_id": "T1", "event": "x"}):
        with pytest.raises(Malformed) as problem:
            slack_event(bad)
        assert problem.value.status == 400


def test_slack_block_actions():
    payload = {"type": "block_actions", "user": {"id": "U1", "team_id": "T1"}, "team": {"id": "T1"},
               "channel": {"id": "D1"}, "container": {"type": "message", "message_ts": "9.9", "channel_id": "D1"},
               "actions": [{"action_id": "product-1-add", "value": '/add_to_cart{"product_id":"A"}',
                            "action_ts": "10.1"},
                           {"action_id": "checkout-link", "action_ts": "10.2"}]}
    (click,) = slack_interaction(payload)
    assert (click.sender, click.text, click.destination) == ("slack:T1:U1", '/add_to_cart{"product_id":"A"}',
                                                             {"channel": "D1"})
    assert click.dedupe_keys == ["action:D1:9.9:product-1-add:10.1"]
    assert slack_interaction({"type": "view_submission"}) == []
    with pytest.raises(Malformed):
        slack_interaction({"type": "block_actions", "user": {"id": "U1"}})


# -- what the channels remember -------------------------------------------------------
def test_memory_expires_and_claims_once(tmp_path):
    now = [1000.0]
    memory = ChannelMemory(str(tmp_path / "channels.db"), clock=lambda: now[0])
    memory.put("picks", "whatsapp:+49", {"products": ["A", "B"]}, ttl=60)
    assert memory.get("picks", "whatsapp:+49") == {"products": ["A", "B"]}
    assert memory.get("picks", "whatsapp:+1") is None and memory.get("other", "whatsapp:+49") is None
    assert memory.claim("seen", "Ev1", ttl=60) is True
    assert memory.claim("seen", "Ev1", ttl=60) is False
    assert memory.claim("seen", "Ev2", ttl=60) is True
    now[0] += 61
    assert memory.get("picks", "whatsapp:+49") is None
    assert memory.claim("seen", "Ev1", ttl=60) is True             # expired: a new delivery
    # Survives a restart (a second connection to the same file), and stores no raw ids.
    again = ChannelMemory(str(tmp_path / "channels.db"), clock=lambda: now[0])
    assert again.claim("seen", "Ev1", ttl=60) is False
    memory.close()
    again.close()
    assert all(b"whatsapp:+49" not in path.read_bytes() for path in tmp_path.iterdir())
