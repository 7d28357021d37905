"""Saying no to offers and promotions, and yes again: the customer's choice is
kept in the profile store (`offers_opt_out`), which the promotions respect
(actions/behaviour/promote.py) and "what do you know about me" mentions."""
from __future__ import annotations

from actions import state as slots
from actions.base import ShopAction

DECLINED = ("Understood - no more offers or promotions from me. I'll still help you find products, "
            "and you can say \"you can send me offers again\" whenever you change your mind.")
ALREADY_DECLINED = "You've already told me no offers, and I'm sticking to that - you won't see any promotions."
ACCEPTED = ("Thanks - I may mention an offer now and then when it fits what you're looking for, "
            "at most one per conversation. Say \"no more offers please\" to stop them again.")
ALREADY_ACCEPTED = ("Offers are already on: I may mention one now and then, at most one per conversation. "
                    "Say \"no more offers please\" if you'd rather not see them.")


def offers_choice(opted_out: bool) -> str:
    """The customer's choice in plain words (for "what do you know about me")."""
    if opted_out:
        return "offers and promotions: you said no, so I don't show any (say \"you can send me offers again\" to change that)"
    return "offers and promotions: I may mention one now and then (say \"no more offers please\" to stop them)"


class ActionDeclineOffers(ShopAction):
    NAME = "action_decline_offers"

    def handle(self, runtime, dispatcher, tracker, domain):
        customer = slots.customer_id(tracker)
        profile = runtime.store.get(customer)
        already = profile is not None and profile.offers_opt_out
        runtime.store.set_offers_opt_out(customer, True)
        dispatcher.utter_message(text=ALREADY_DECLINED if already else DECLINED)
        return []


class ActionAcceptOffers(ShopAction):
    NAME = "action_accept_offers"

    def handle(self, runtime, dispatcher, tracker, domain):
        customer = slots.customer_id(tracker)
        profile = runtime.store.get(customer)
        if profile is None or not profile.offers_opt_out:
            dispatcher.utter_message(text=ALREADY_ACCEPTED)
            return []
        runtime.store.set_offers_opt_out(customer, False)
        dispatcher.utter_message(text=ACCEPTED)
        return []
