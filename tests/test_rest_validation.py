"""The REST body checks that stand in front of Rasa's REST channel."""
import json

import pytest

from bot.channels.validation import MAX_SENDER_CHARS, message_problem


def body(**fields):
    return json.dumps(fields).encode()


@pytest.mark.parametrize("raw,status,words", [
    (b"", 400, "JSON"), (b"{oops", 400, "JSON"), (b"\xff\xfe", 400, "UTF-8"), (b"[]", 400, "object"),
    (b"null", 400, "object"), (b'"text"', 400, "object"),
    (body(message="hi"), 400, "sender"), (body(sender="", message="hi"), 400, "sender"),
    (body(sender="   ", message="hi"), 400, "sender"), (body(sender=True, message="hi"), 400, "sender"),
    (body(sender=["a"], message="hi"), 400, "sender"), (body(sender="a\nb", message="hi"), 400, "printable"),
    (body(sender="s" * (MAX_SENDER_CHARS + 1), message="hi"), 400, "at most"),
    (body(sender="a"), 400, "message"), (body(sender="a", message=None), 400, "message"),
    (body(sender="a", message=3), 400, "message"), (body(sender="a", message="x" * 101), 413, "100 characters"),
    (body(sender="a", message="hi", metadata="x"), 400, "metadata"),
    # Rasa would take the output channel from the body: only sender, message and metadata are accepted
    (body(sender="a", message="hi", input_channel="socketio"), 400, "Unknown field"),
    (body(sender="a", message="hi", extra={"a": 1}), 400, "Unknown field"),
    # nested past any real metadata (990 levels parse, then break what walks them; 5,000 recurse)
    (b'{"sender": "a", "message": "hi", "metadata": ' + b'{"k":' * 990 + b'1' + b'}' * 990 + b'}', 400, "nested"),
    (b'{"sender": "a", "message": "hi", "metadata": ' + b'[' * 5000 + b']' * 5000 + b'}', 400, "nested"),
    (b'{"sender": "a", "message": "' + b'x' * (70 * 1024) + b'"}', 413, "KB"),
])
def test_malformed_bodies_are_explained(raw, status, words):
    problem = message_problem(raw, max_message_chars=100)
    assert problem is not None and problem.status == status and words in problem.error
    assert "sender" in problem.body()["usage"]


@pytest.mark.parametrize("raw", [
    body(sender="a", message=""), body(sender=42, message="hi"), body(sender="ü-ünicode", message="🙂"),
    body(sender="a", message="x" * 100), body(sender="a", message="hi", metadata={"k": 1}),
    body(sender="a", message="hi", metadata={"a": {"b": {"c": [1, {"d": "[{not nesting}]"}]}}}),
    body(sender="s" * MAX_SENDER_CHARS, message="<script>alert(1)</script>"),
])
def test_well_formed_bodies_pass(raw):
    assert message_problem(raw, max_message_chars=100) is None
