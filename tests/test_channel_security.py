"""Webhook signatures of each platform: good, forged, missing, expired - and the
published examples of Twilio, Slack and (for X-Hub-Signature-256) GitHub."""
import time

from bot.channels.security import (messenger_challenge, messenger_signature, messenger_signature_ok,
                                   slack_signature, slack_signature_problem, telegram_secret_ok,
                                   twilio_signature, twilio_signature_ok)

TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMS = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675310", "Digits": "1234",
                 "From": "+14158675310", "To": "+18005551212"}


# -- Twilio ---------------------------------------------------------------------------
def test_twilio_documented_example():
    assert twilio_signature("12345", TWILIO_URL, TWILIO_PARAMS) == "GvWf1cFY/Q7PnoempGyD5oXAezc="
    assert twilio_signature_ok("12345", TWILIO_URL, TWILIO_PARAMS, "GvWf1cFY/Q7PnoempGyD5oXAezc=")


def test_twilio_signature_does_not_depend_on_parameter_order_and_counts_blank_values():
    pairs = list(reversed(list(TWILIO_PARAMS.items()))) + [("Body", "")]
    signature = twilio_signature("tok", "https://shop.example.com/webhooks/whatsapp/webhook", pairs)
    assert twilio_signature_ok("tok", "https://shop.example.com/webhooks/whatsapp/webhook",
                               dict(TWILIO_PARAMS, Body=""), signature)
    assert not twilio_signature_ok("tok", "https://shop.example.com/webhooks/whatsapp/webhook",
                                   TWILIO_PARAMS, signature)          # the blank field is signed too
    repeated = [("MediaUrl", "b"), ("MediaUrl", "a")]
    assert twilio_signature("tok", "u", repeated) == twilio_signature("tok", "u", {"MediaUrl": ["a", "b"]})


def test_twilio_forged_missing_and_unconfigured():
    good = twilio_signature("12345", TWILIO_URL, TWILIO_PARAMS)
    assert not twilio_signature_ok("12345", TWILIO_URL, dict(TWILIO_PARAMS, Digits="9999"), good)   # tampered
    assert not twilio_signature_ok("12345", TWILIO_URL.replace("https", "http"), TWILIO_PARAMS, good)  # other URL
    assert not twilio_signature_ok("other", TWILIO_URL, TWILIO_PARAMS, good)                        # other token
    assert not twilio_signature_ok("12345", TWILIO_URL, TWILIO_PARAMS, None)
    assert not twilio_signature_ok("12345", TWILIO_URL, TWILIO_PARAMS, "")
    assert not twilio_signature_ok("", TWILIO_URL, TWILIO_PARAMS, twilio_signature("", TWILIO_URL, TWILIO_PARAMS))


# -- Messenger ------------------------------------------------------------------------
def test_hub_signature_256_published_example():
    # GitHub documents the same X-Hub-Signature-256 scheme with this example.
    assert messenger_signature("It's a Secret to Everybody", b"Hello, World!") == \
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_messenger_signature_good_forged_missing():
    body = b'{"object":"page","entry":[]}'
    good = messenger_signature("app-secret", body)
    assert messenger_signature_ok("app-secret", body, good)
    assert messenger_signature_ok("app-secret", body, good.upper().replace("SHA256=", "sha256="))
    assert not messenger_signature_ok("app-secret", body + b" ", good)
    assert not messenger_signature_ok("other", body, good)
    assert not messenger_signature_ok("app-secret", body, good.replace("sha256=", "sha1="))
    assert not messenger_signature_ok("app-secret", body, None)
    assert not messenger_signature_ok("", body, messenger_signature("", body))


def test_messenger_handshake():
    assert messenger_challenge("verify-me", "subscribe", "verify-me", "1158201444") == "1158201444"
    assert messenger_challenge("verify-me", "subscribe", "wrong", "1158201444") is None
    assert messenger_challenge("verify-me", "unsubscribe", "verify-me", "1158201444") is None
    assert messenger_challenge("verify-me", "subscribe", None, "1158201444") is None
    assert messenger_challenge("", "subscribe", "", "1158201444") is None


# -- Slack ----------------------------------------------------------------------------
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_BODY = (b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&"
              b"channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&"
              b"response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F"
              b"96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
SLACK_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_slack_documented_example():
    assert slack_signature(SLACK_SECRET, "1531420618", SLACK_BODY) == SLACK_SIGNATURE
    assert slack_signature_problem(SLACK_SECRET, "1531420618", SLACK_BODY, SLACK_SIGNATURE,
                                   now=1531420618 + 10) is None


def test_slack_forged_missing_and_expired():
    now = 1_700_000_000
    stamp = str(now)
    body = b'{"type":"event_callback"}'
    good = slack_signature("secret", stamp, body)
    assert slack_signature_problem("secret", stamp, body, good, now=now) is None
    assert slack_signature_problem("secret", stamp, body + b" ", good, now=now) == "bad signature"
    assert slack_signature_problem("secret", str(now + 1), body, good, now=now) == "bad signature"
    assert slack_signature_problem("other", stamp, body, good, now=now) == "bad signature"
    assert slack_signature_problem("secret", stamp, body, None, now=now) == "missing signature"
    assert slack_signature_problem("secret", None, body, good, now=now) == "missing signature"
    assert slack_signature_problem("secret", "yesterday", body, good, now=now) == "bad timestamp"
    assert slack_signature_problem("", stamp, body, slack_signature("", stamp, body), now=now) == "not configured"
    # Older than five minutes (a replay), or from the future: refused even with a valid signature.
    assert slack_signature_problem("secret", stamp, body, good, now=now + 301) == "stale timestamp"
    assert slack_signature_problem("secret", stamp, body, good, now=now - 301) == "stale timestamp"
    assert slack_signature_problem("secret", stamp, body, good, now=now + 299) is None


def test_slack_uses_the_clock_by_default():
    stamp = str(int(time.time()))
    assert slack_signature_problem("s", stamp, b"{}", slack_signature("s", stamp, b"{}")) is None
    old = str(int(time.time()) - 600)
    assert slack_signature_problem("s", old, b"{}", slack_signature("s", old, b"{}")) == "stale timestamp"


# -- Telegram -------------------------------------------------------------------------
def test_telegram_secret_token_header():
    assert telegram_secret_ok("s3cret", "s3cret")
    assert not telegram_secret_ok("s3cret", "s3cre")
    assert not telegram_secret_ok("s3cret", None)
    assert not telegram_secret_ok("s3cret", "")
    # required: without a configured secret nothing is authentic (anyone could post updates)
    assert not telegram_secret_ok("", None)
    assert not telegram_secret_ok("", "")
    assert not telegram_secret_ok("", "anything")
