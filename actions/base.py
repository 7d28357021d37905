"""Base class for the shop's actions.

Actions do blocking work (encoding, FAISS, SQL), so each runs in a worker
thread and the action server's event loop stays free for other customers.
Any unexpected error becomes a polite reply instead of a failed turn.
"""
from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import Runtime, get_runtime

logger = logging.getLogger(__name__)

SORRY = ("Sorry, something went wrong on my side and I couldn't finish that. "
         "Your cart and preferences are safe - please try again in a moment.")


class ShopAction(Action, ABC):
    NAME = ""

    def name(self) -> Text:
        return self.NAME

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return await asyncio.to_thread(self._safe_handle, dispatcher, tracker, domain)

    def _safe_handle(self, dispatcher, tracker, domain):
        try:
            return self.handle(get_runtime(), dispatcher, tracker, domain) or []
        except Exception:
            logger.exception("action %s failed for %s", self.NAME, tracker.sender_id)
            dispatcher.utter_message(text=SORRY)
            return []

    @abstractmethod
    def handle(self, runtime: Runtime, dispatcher: CollectingDispatcher, tracker: Tracker,
               domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        """Do the work; return the events for Rasa."""


class ProductAction(ShopAction, ABC):
    """An action about the one product the customer points at ("the second
    one", a button, the product in focus). A reference that fails gets its
    polite explanation and nothing else happens."""
    INTENT = ""     # the intent a "which one?" button sends back

    def handle(self, runtime: Runtime, dispatcher: CollectingDispatcher, tracker: Tracker,
               domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        from actions.references import choice_buttons, resolve_in_conversation
        from actions.state import entity, latest_text

        parsed = runtime.parser.parse(latest_text(tracker))
        quantity = entity(tracker, "quantity")
        if quantity and str(quantity).isdigit() and 1 <= int(quantity) <= 99:
            parsed.quantity = int(quantity)      # carried by a "which one?" button
        resolved = resolve_in_conversation(runtime, tracker, parsed)
        if resolved.first is None:
            # Ambiguous or unknown: ask, with a button per candidate; never act on a guess.
            dispatcher.utter_message(text=resolved.problem,
                                     buttons=choice_buttons(resolved, self.INTENT or intent_of(tracker),
                                                            parsed.quantity) or None)
            return []
        return self.handle_product(runtime, dispatcher, tracker, resolved.first, parsed)

    @abstractmethod
    def handle_product(self, runtime: Runtime, dispatcher: CollectingDispatcher, tracker: Tracker,
                       product, parsed) -> List[Dict[Text, Any]]:
        """Act on the product the message points at."""


def intent_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""
