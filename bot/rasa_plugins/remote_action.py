"""Custom action calls in the Rasa server: validated by a validator built once,
bounded in time, and answered politely when the action server fails.

Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate`,
which checks the (large) event schema against its meta-schema and builds a new
validator on every action call: about half of the Rasa process's CPU under
load. The result is still validated here, with one validator built at import.

Rasa waits up to 5 minutes for an action server and, when the call fails, logs
it and says nothing, so the customer sees silence. Here a call is bounded by
the action endpoint's `timeout` (endpoints.yml, ACTION_TIMEOUT) and a failed or
timed-out call answers with a short polite message; the next turn works as
usual. Applied by `install()` when Rasa imports bot.rasa_plugins.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Text

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import BotUttered, Event

logger = logging.getLogger(__name__)

UNAVAILABLE_TEXT = "Sorry, give me a moment and try again - I couldn't finish that just now."
DEFAULT_TIMEOUT_SECONDS = 20.0

_stock_run = RemoteAction.run


def _build_validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)          # once, not per call
    return cls(schema)


RESULT_VALIDATOR = _build_validator()


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Same contract as Rasa's: True, or the best-matching ValidationError."""
    error = best_match(RESULT_VALIDATOR.iter_errors(result))
    if error is None:
        return True
    error.message += (". Failed to validate Action server response from API, make sure your response "
                      f"from the Action endpoint is valid. For more information about the format visit "
                      f"{DOCS_BASE_URL}/custom-actions")
    raise error


def action_timeout(action: RemoteAction) -> float:
    raw = (action.action_endpoint.kwargs.get("timeout") if action.action_endpoint else None) or ""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_TIMEOUT_SECONDS


async def run_politely(self: RemoteAction, output_channel, nlg, tracker, domain) -> List[Event]:
    timeout = action_timeout(self)
    try:
        return await asyncio.wait_for(_stock_run(self, output_channel, nlg, tracker, domain), timeout)
    except ActionExecutionRejection:
        raise                         # the action declined: Rasa predicts another one
    except asyncio.TimeoutError:
        logger.error("custom action '%s' took longer than %.0fs; answered with an apology", self.name(), timeout)
    except (ValidationError, Exception) as error:   # unreachable, failing or invalid action server
        logger.error("custom action '%s' failed (%s: %s); answered with an apology",
                     self.name(), type(error).__name__, error)
    return [BotUttered(UNAVAILABLE_TEXT, metadata={"action_failed": self.name()})]


def install() -> None:
    """Patch RemoteAction once per process (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result
    RemoteAction.run = run_politely


def installed() -> bool:
    return RemoteAction.run is run_politely and RemoteAction._validate_action_result is validate_action_result
