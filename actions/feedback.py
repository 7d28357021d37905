"""Liking or disliking a shown product: remembered for ranking and filtering."""
from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions import state as slots
from actions.base import ProductAction
from actions.offers import offer_for
from actions.recommender import taste_from_profile


class ActionLikeProduct(ProductAction):
    NAME = "action_like_product"
    INTENT = "like_product"

    def handle_product(self, runtime, dispatcher, tracker, product, parsed):
        customer = slots.customer_id(tracker)
        runtime.store.set_feedback(customer, product.id, +1, product.brand)
        dispatcher.utter_message(text=f"Great choice - I'll remember you like the {product.title} "
                                      f"and keep {product.brand} in mind.")
        taste = taste_from_profile(runtime.store.get(customer))
        return [slots.set_focus(product.id)] + offer_for(runtime, dispatcher, product, taste,
                                                          slots.offered(tracker), slots.shown(tracker))


class ActionDislikeProduct(ProductAction):
    NAME = "action_dislike_product"
    INTENT = "dislike_product"

    def handle_product(self, runtime, dispatcher, tracker, product, parsed):
        runtime.store.set_feedback(slots.customer_id(tracker), product.id, -1, product.brand)
        dispatcher.utter_message(text=f"Noted - I won't show you the {product.title} again unless you ask for it. "
                                      "Say \"show more\" for other options.")
        # The list on screen keeps its numbering: "the second one" still means
        # the second card the customer sees.
        focus = slots.focus(tracker)
        return [SlotSet(slots.FOCUS, None if focus == product.id else focus)]
