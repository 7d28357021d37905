"""Starting a conversation: greet returning customers with what we remember."""
from __future__ import annotations

from typing import List

from rasa_sdk.events import ActionExecuted, SessionStarted

from actions import messages, state as slots
from actions.base import ShopAction
from actions.cart import cart_lines

WELCOME = ("Hi! I'm the shop's assistant. Tell me what you're looking for - for example "
           "\"waterproof hiking boots under 120\" or \"a gift for my dad who loves coffee\".")


def remembered(runtime, profile) -> List[str]:
    """The few things worth mentioning when a customer comes back."""
    if profile is None:
        return []
    prefs = profile.preferences
    notes: List[str] = []
    recent = prefs.get("recent_categories") or []
    if recent:
        category = recent[0]
        budget = (prefs.get("budgets") or {}).get(category) or {}
        phrase = runtime.categories.name(category)
        if budget.get("max") is not None:
            phrase += f" under {messages.money(budget['max'])}"
        notes.append(f"you were looking at {phrase}")
    if profile.liked_brands or prefs.get("brands_liked"):
        brands = list(dict.fromkeys(list(prefs.get("brands_liked", [])) + profile.liked_brands))
        notes.append(f"you like {', '.join(brands[:3])}")
    sizes = prefs.get("sizes") or {}
    if "eu_shoe" in sizes:
        notes.append(f"your shoe size is {sizes['eu_shoe']}")
    cart = cart_lines(runtime, profile)
    if cart:
        notes.append(f"you have {sum(q for _, q, _ in cart)} item(s) in your cart")
    return notes


def greeting(runtime, customer_id: str) -> str:
    profile = runtime.store.get(customer_id)
    notes = remembered(runtime, profile)
    if not notes:
        return WELCOME
    return ("Welcome back! Last time " + "; ".join(notes[:3]) + ". I'll keep that in mind - "
            "what can I find for you today?")


class ActionSessionStart(ShopAction):
    NAME = "action_session_start"

    def handle(self, runtime, dispatcher, tracker, domain):
        customer = slots.customer_id(tracker)
        if runtime.store.exists(customer):
            runtime.store.start_session(customer)
            # Greet back only when there is something worth remembering out loud.
            if remembered(runtime, runtime.store.get(customer)):
                dispatcher.utter_message(text=greeting(runtime, customer))
        # Conversation state (what was shown, the current search) stays with the
        # old session; what the customer told us lives on in the profile.
        return [SessionStarted(), ActionExecuted("action_listen")]


class ActionGreet(ShopAction):
    NAME = "action_greet"

    def handle(self, runtime, dispatcher, tracker, domain):
        dispatcher.utter_message(text=greeting(runtime, slots.customer_id(tracker)))
        return []
