"""JSON from untrusted clients, with a bound on nesting (plain Python, standard library).

Python's json module recurses once per level: a body nested a few thousand levels
deep raises RecursionError (a 500 wherever only ValueError is caught), and one
nested a few hundred levels deep parses but later breaks whatever walks it
(deep copies, schema checks, the tracker store's serialisation). Every body from
outside - REST, socket.io packets, messaging webhooks, the web process's
endpoints - is checked here first, so too deep is a plain ValueError like any
other malformed body.
"""
from __future__ import annotations

import json
import re
from typing import Any, Union

MAX_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class TooDeep(ValueError):
    """JSON nested deeper than allowed."""


def nesting_depth(text: str, stop_above: int = 1 << 30) -> int:
    """How deeply arrays and objects nest in `text` (strings skipped); stops counting
    once past `stop_above`."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_above:
                    break
        else:
            depth -= 1
    return deepest


def loads(raw: Union[str, bytes, bytearray], max_depth: int = MAX_DEPTH) -> Any:
    """json.loads for untrusted input: ValueError (TooDeep for nesting) for anything
    that is not UTF-8 JSON within `max_depth` levels."""
    if isinstance(raw, (bytes, bytearray)):
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError("not UTF-8") from exc
    if nesting_depth(raw, max_depth) > max_depth:
        raise TooDeep(f"JSON nested more than {max_depth} levels deep")
    try:
        return json.loads(raw)
    except RecursionError as exc:   # cannot happen within max_depth; kept as a last line
        raise TooDeep("JSON nested too deeply") from exc


class SocketJson:
    """The json module python-socketio uses for packets, with the same bound on loads."""

    @staticmethod
    def dumps(*args: Any, **kwargs: Any) -> str:
        return json.dumps(*args, **kwargs)

    @staticmethod
    def loads(raw: Union[str, bytes], *args: Any, **kwargs: Any) -> Any:
        return loads(raw)
