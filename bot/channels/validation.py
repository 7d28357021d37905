"""Checks a REST message body before Rasa sees it.

Rasa 3.6's REST channel answers 500 to an empty body, a JSON list or a body
nested too deeply, files a message without a sender under the shared id
"default", and takes the output channel from the body. These checks turn every
such body into a 400 (413 when too long) that says what is wrong. Plain Python,
so it is tested without Rasa.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

from bot import safe_json

USAGE = 'Send a JSON object like {"sender": "customer-id", "message": "hello"}.'
MAX_SENDER_CHARS = 128
DEFAULT_MAX_MESSAGE_CHARS = 2000
MAX_BODY_BYTES = 64 * 1024
FIELDS = ("sender", "message", "metadata")


@dataclass(frozen=True)
class Problem:
    status: int
    error: str

    def body(self) -> Dict[str, Any]:
        return {"error": self.error, "usage": USAGE}


def message_problem(body: bytes, max_message_chars: int) -> Optional[Problem]:
    """None when the body is a well-formed message, else what to answer."""
    if len(body) > MAX_BODY_BYTES:
        return Problem(413, f"The request body is larger than {MAX_BODY_BYTES // 1024} KB.")
    try:
        data = safe_json.loads(body) if body else None
    except safe_json.TooDeep:
        return Problem(400, f"The request body is nested more than {safe_json.MAX_DEPTH} levels deep.")
    except ValueError:
        return Problem(400, "The request body is not valid UTF-8 JSON.")
    if not isinstance(data, dict):
        return Problem(400, "The request body must be a JSON object.")
    unknown = sorted(str(key) for key in data if key not in FIELDS)
    if unknown:
        return Problem(400, f"Unknown field(s) {', '.join(unknown)[:200]}: a message has only "
                            f"{', '.join(FIELDS)}.")
    sender = data.get("sender")
    if isinstance(sender, bool) or not isinstance(sender, (str, int)) or str(sender).strip() == "":
        return Problem(400, '"sender" is required: a non-empty string that identifies the customer.')
    if isinstance(sender, int) and abs(sender) >= 10 ** MAX_SENDER_CHARS:
        return Problem(400, f'"sender" must be at most {MAX_SENDER_CHARS} printable characters.')
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
