"""Custom action calls in the Rasa server: validated by a validator built once,
bounded in time, and answered politely when the action server fails.

Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate`,
which checks the (large) event schema against its meta-schema and builds a new
validator on every action call: about half of the Rasa process's CPU under
load. The result is still validated here, with one validator built at import.

Rasa also opens a new HTTP session (and TCP connection) per action call; here
calls share one keep-alive session per event loop.

Rasa waits up to 5 minutes for an action server and, when the call fails, logs
it and says nothing, so the customer sees silence. Here a call is bounded by
the action endpoint's `timeout` (endpoints.yml, ACTION_TIMEOUT) and a failed or
timed-out call answers with a short polite message; the next turn works as
usual. Applied by `install()` when Rasa imports bot.rasa_plugins.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
import aiohttp
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import BotUttered, Event, FollowupAction
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

UNAVAILABLE_TEXT = "Sorry, give me a moment and try again - I couldn't finish that just now."
DEFAULT_TIMEOUT_SECONDS = 20.0

_stock_run = RemoteAction.run


def _build_validator(schema: Dict[Text, Any]):
    cls = validator_for(schema)
    cls.check_schema(schema)          # once, not per call
    return cls(schema)


class ResultValidator:
    """The action-result schema, checked quickly for valid results.

    Each event must match exactly one `oneOf` branch, and the branches differ by
    the constant `event` name; so an event is valid exactly when it passes the
    common part and the one branch named by its `event`. Valid results take that
    path; anything else is checked by the full validator, for Rasa's own error."""

    def __init__(self, schema: Dict[Text, Any]) -> None:
        self.full = _build_validator(schema)
        self.top = self.common = None
        self.branches: Dict[str, Any] = {}
        events = schema.get("properties", {}).get("events", {})
        item = events.get("items", {})
        try:
            for branch in item["oneOf"]:
                self.branches[branch["properties"]["event"]["const"]] = _build_validator(branch)
        except (KeyError, TypeError):
            return                    # another shape: always the full validator
        self.common = _build_validator({k: v for k, v in item.items() if k != "oneOf"})
        top = dict(schema, properties=dict(schema["properties"], events={"type": "array"}))
        self.top = _build_validator(top)

    def _fast_valid(self, result: Any) -> bool:
        if self.top is None or not self.top.is_valid(result):
            return False
        for event in result.get("events") or []:
            branch = self.branches.get(event.get("event")) if isinstance(event, dict) else None
            if branch is None or not self.common.is_valid(event) or not branch.is_valid(event):
                return False
        return True

    def first_error(self, result: Any) -> Optional[ValidationError]:
        if self._fast_valid(result):
            return None
        return best_match(self.full.iter_errors(result))


RESULT_VALIDATOR = ResultValidator(RemoteAction.action_response_format_spec())


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Same contract as Rasa's: True, or the best-matching ValidationError."""
    error = RESULT_VALIDATOR.first_error(result)
    if error is None:
        return True
    error.message += (". Failed to validate Action server response from API, make sure your response "
                      f"from the Action endpoint is valid. For more information about the format visit "
                      f"{DOCS_BASE_URL}/custom-actions")
    raise error


class _Borrowed:
    """`async with` on a shared session: lends it, leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc: Any) -> bool:
        return False


class KeepAliveEndpoint(EndpointConfig):
    """The action endpoint with one keep-alive session per event loop."""

    _sessions: Dict[int, aiohttp.ClientSession] = {}

    @classmethod
    def of(cls, endpoint: EndpointConfig) -> "KeepAliveEndpoint":
        copy = cls(endpoint.url, endpoint.params, endpoint.headers, endpoint.basic_auth, endpoint.token,
                   endpoint.token_name, endpoint.cafile, **endpoint.kwargs)
        copy.type = endpoint.type
        return copy

    def session(self) -> Any:
        loop = asyncio.get_running_loop()
        shared = self._sessions.get(id(loop))
        if shared is None or shared.closed:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) \
                if self.basic_auth else None
            shared = aiohttp.ClientSession(headers=self.headers, auth=auth,
                                           connector=aiohttp.TCPConnector(limit=200, keepalive_timeout=30))
            self._sessions[id(loop)] = shared
        return _Borrowed(shared)


def action_timeout(action: RemoteAction) -> float:
    raw = (action.action_endpoint.kwargs.get("timeout") if action.action_endpoint else None) or ""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_TIMEOUT_SECONDS


async def run_politely(self: RemoteAction, output_channel, nlg, tracker, domain) -> List[Event]:
    timeout = action_timeout(self)
    if self.action_endpoint is not None and not isinstance(self.action_endpoint, KeepAliveEndpoint):
        self.action_endpoint = KeepAliveEndpoint.of(self.action_endpoint)
    try:
        return await asyncio.wait_for(_stock_run(self, output_channel, nlg, tracker, domain), timeout)
    except ActionExecutionRejection:
        raise                         # the action declined: Rasa predicts another one
    except asyncio.TimeoutError:
        logger.error("custom action '%s' took longer than %.0fs; answered with an apology", self.name(), timeout)
    except (ValidationError, Exception) as error:   # unreachable, failing or invalid action server
        logger.error("custom action '%s' failed (%s: %s); answered with an apology",
                     self.name(), type(error).__name__, error)
    apology: List[Event] = [BotUttered(UNAVAILABLE_TEXT, metadata={"action_failed": self.name()})]
    if self.name() == ACTION_SESSION_START_NAME:
        return apology            # no session started: the next message tries again
    # End the turn here: without the action's events the policies would predict
    # the fallback action, which fails the same way, until Rasa's circuit breaker.
    return apology + [FollowupAction(ACTION_LISTEN_NAME)]


def install() -> None:
    """Patch RemoteAction once per process (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result
    RemoteAction.run = run_politely


def installed() -> bool:
    return RemoteAction.run is run_politely and RemoteAction._validate_action_result is validate_action_result
