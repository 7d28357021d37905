"""Messages the assistant could not place, and requests outside its job."""
from __future__ import annotations

from actions import state as slots
from actions.base import ShopAction
from actions.messages import capabilities
from actions.recommend import ActionRecommend, looks_like_refinement



class ActionFallback(ShopAction):
    """Low-confidence messages: never products, always a way forward."""
    NAME = "action_fallback"

    def handle(self, runtime, dispatcher, tracker, domain):
        text = slots.latest_text(tracker).strip()
        if not text and not (tracker.latest_message.get("text") or "").strip():
            dispatcher.utter_message(text="I didn't get any text there. What are you looking for today?")
        elif text and not any(ch.isalpha() for ch in text):
            dispatcher.utter_message(text="I can only read words, I'm afraid - tell me what you're looking for, "
                                          "like \"" + runtime.example_request + "\".")
        elif looks_like_refinement(runtime, tracker):
            # The classifier was unsure, but the words refine the current results.
            return ActionRecommend().handle(runtime, dispatcher, tracker, domain, intent="refine_results")
        else:
            dispatcher.utter_message(text="Sorry, I didn't quite get that. " + capabilities(runtime.example_request))
        return []


class ActionPing(ShopAction):
    """Used by the launcher to wait until the index and model are loaded."""
    NAME = "action_ping"

    def handle(self, runtime, dispatcher, tracker, domain):
        return []
