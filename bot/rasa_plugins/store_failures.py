"""A tracker store that is unreachable fails the message instead of hiding it.

Rasa wraps every tracker store in FailSafeTrackerStore, which on an error reads
an empty tracker and saves to an in-memory store instead: during a database
outage a customer's conversation silently restarts from nothing and the
messages never reach the database. Here the error propagates, so the channel
answers 503 (REST) or an apology (widget) and the message can be sent again
once the database is back. Applied by `install()` when Rasa imports
bot.rasa_plugins."""
from __future__ import annotations

import logging

from rasa.core.tracker_store import FailSafeTrackerStore

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(RuntimeError):
    """The tracker store could not be read or written."""


def _refuse(self: FailSafeTrackerStore, error: Exception) -> None:
    logger.error("tracker store unavailable (%s: %s); the message is refused", type(error).__name__, error)
    raise TrackerStoreUnavailable(str(error)) from error


def install() -> None:
    FailSafeTrackerStore.on_tracker_store_error = _refuse
    FailSafeTrackerStore.on_tracker_store_retrieve_error = _refuse


def installed() -> bool:
    return FailSafeTrackerStore.on_tracker_store_error is _refuse
