"""Conversation state kept in Rasa slots (erased with the conversation).

Durable preferences live in the profile store; what was just shown, the
current search and the product in focus live here, because they only make
sense inside this conversation.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

SHOWN = "shown_products"
PREVIOUS = "previous_products"     # the results shown before the current ones
SEARCH = "search"
FOCUS = "focus_product"
PENDING = "pending_confirmation"
OFFERED = "offered_for"
ERASURE_MARKER = "erasure_marker"   # read by bot.rasa_plugins.tracker_store
MAX_SEEN = 200


@dataclass
class SearchState:
    category: Optional[str] = None
    query: str = ""
    like_id: Optional[str] = None
    max_price: Optional[float] = None
    min_price: Optional[float] = None
    brands: List[str] = field(default_factory=list)
    exclude_brands: List[str] = field(default_factory=list)
    colours: List[str] = field(default_factory=list)
    size: Optional[str] = None
    features: List[str] = field(default_factory=list)
    recipient: Optional[str] = None
    audience: Optional[str] = None         # women / men / kids, from "for my son", "women's"
    cheaper_than: Optional[str] = None     # product id the results must undercut
    below_price: Optional[float] = None    # from "cheaper": undercut what was shown
    seen: List[str] = field(default_factory=list)
    asked: List[str] = field(default_factory=list)

    @classmethod
    def from_slot(cls, value: Any) -> Optional["SearchState"]:
        if not isinstance(value, dict):
            return None
        known = {k: v for k, v in value.items() if k in cls.__dataclass_fields__}
        try:
            return cls(**known)
        except TypeError:
            return None

    def to_slot(self) -> Dict[str, Any]:
        data = asdict(self)
        data["seen"] = data["seen"][-MAX_SEEN:]
        return data


def shown(tracker: Tracker) -> List[str]:
    value = tracker.get_slot(SHOWN)
    return [str(v) for v in value] if isinstance(value, list) else []


def previous(tracker: Tracker) -> List[str]:
    value = tracker.get_slot(PREVIOUS)
    return [str(v) for v in value] if isinstance(value, list) else []


def search_state(tracker: Tracker) -> Optional[SearchState]:
    return SearchState.from_slot(tracker.get_slot(SEARCH))


def focus(tracker: Tracker) -> Optional[str]:
    value = tracker.get_slot(FOCUS)
    return str(value) if value else None


def offered(tracker: Tracker) -> List[str]:
    value = tracker.get_slot(OFFERED)
    return [str(v) for v in value] if isinstance(value, list) else []


def customer_id(tracker: Tracker) -> str:
    return tracker.sender_id


def latest_text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    # Button payloads ("/add_to_cart{...}") carry entities, not words to parse.
    return "" if text.startswith("/") else text


def entity(tracker: Tracker, name: str) -> Optional[str]:
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == name and item.get("value") not in (None, ""):
            return str(item["value"])
    return None


def set_shown(ids: List[str]) -> SlotSet:
    return SlotSet(SHOWN, list(ids))


def set_focus(product_id: Optional[str]) -> SlotSet:
    return SlotSet(FOCUS, product_id)
