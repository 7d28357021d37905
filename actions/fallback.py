"""Messages the assistant could not place, and requests outside its job."""
from __future__ import annotations

from actions import state as slots
from actions.base import ShopAction
from actions.language import foreign_language, reply_for
from actions.recommend import ActionRecommend, looks_like_refinement


def names_something_sold(runtime, text: str) -> bool:
    """The catalog-aware parser finds a kind of product or a brand the shop has."""
    parsed = runtime.parser.parse(text)
    return bool(parsed.category or parsed.brands)


class ActionFallback(ShopAction):
    """Low-confidence messages: products only when the message names something the
    shop sells (or the search finds a close match); otherwise a way forward."""
    NAME = "action_fallback"

    def handle(self, runtime, dispatcher, tracker, domain):
        text = slots.latest_text(tracker).strip()
        if not text and not (tracker.latest_message.get("text") or "").strip():
            dispatcher.utter_message(text="I didn't get any text there. What are you looking for today?")
        elif text and not any(ch.isalpha() for ch in text):
            dispatcher.utter_message(text="I can only read words, I'm afraid - tell me what you're looking for, "
                                          "like \"" + runtime.example_request + "\".")
        elif foreign_language(text):
            dispatcher.utter_message(text=reply_for(foreign_language(text)))
        elif looks_like_refinement(runtime, tracker):
            # The classifier was unsure, but the words refine the current results.
            return ActionRecommend().handle(runtime, dispatcher, tracker, domain, intent="refine_results")
        elif names_something_sold(runtime, text):
            return ActionRecommend().handle(runtime, dispatcher, tracker, domain, intent="request_product")
        else:
            # The search decides: a close match gets products, anything else the way forward.
            return ActionRecommend().handle(runtime, dispatcher, tracker, domain, intent="request_product",
                                            unsure=True)
        return []


class ActionPing(ShopAction):
    """Used by the launcher to wait until the index and model are loaded."""
    NAME = "action_ping"

    def handle(self, runtime, dispatcher, tracker, domain):
        return []
