"""Checks a REST message body before Rasa sees it.

Rasa 3.6's REST channel answers 500 to an empty body or a JSON list, and
files a message without a sender under the shared id "default". These checks
turn every such body into a 400 that says what is wrong. Plain Python, so it
is tested without Rasa.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional

USAGE = 'Send a JSON object like {"sender": "customer-id", "message": "hello"}.'
MAX_SENDER_CHARS = 128


@dataclass(frozen=True)
class Problem:
    status: int
    error: str

    def body(self) -> Dict[str, Any]:
        return {"error": self.error, "usage": USAGE}


def message_problem(body: bytes, max_message_chars: int) -> Optional[Problem]:
    """None when the body is a well-formed message, else what to answer."""
    try:
        data = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError):
        return Problem(400, "The request body is not valid UTF-8 JSON.")
    if not isinstance(data, dict):
        return Problem(400, "The request body must be a JSON object.")
    sender = data.get("sender")
    if isinstance(sender, bool) or not isinstance(sender, (str, int)) or str(sender).strip() == "":
        return Problem(400, '"sender" is required: a non-empty string that identifies the customer.')
    sender = str(sender)
    if len(sender) > MAX_SENDER_CHARS or any(ord(ch) < 32 for ch in sender):
        return Problem(400, f'"sender" must be at most {MAX_SENDER_CHARS} printable characters.')
    message = data.get("message")
    if not isinstance(message, str):
        return Problem(400, '"message" is required and must be a string.')
    if len(message) > max_message_chars:
        return Problem(413, f'"message" is longer than {max_message_chars} characters; please send it in parts.')
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return Problem(400, '"metadata" must be a JSON object when given.')
    return None
