"""Trust: a customer can see what is known about them and erase all of it."""
from __future__ import annotations

import uuid

from rasa_sdk.events import AllSlotsReset, SlotSet

from actions import messages, preferences, state as slots
from actions.base import ShopAction
from actions.cart import cart_lines, cart_summary
from actions.offers_consent import offers_choice
from actions.recommend import ActionRecommend, looks_like_refinement

FORGET = "forget_me"


class ActionWhatDoYouKnow(ShopAction):
    NAME = "action_what_do_you_know"

    def handle(self, runtime, dispatcher, tracker, domain):
        profile = runtime.store.get(slots.customer_id(tracker))
        if profile is None or (profile.is_empty and not profile.offers_opt_out):
            dispatcher.utter_message(text="I don't know anything about you yet - no preferences, likes or cart "
                                          "are stored. What you tell me while shopping is remembered for next time, "
                                          "and you can ask me to forget it whenever you like.")
            return []
        lines = [f"- {line}" for line in preferences.describe(profile.preferences, runtime.categories.name,
                                                               messages.money)]
        for label, ids in (("products you liked", profile.liked), ("products you disliked", profile.disliked)):
            names = [runtime.product(i).title for i in ids if runtime.product(i)]
            if names:
                lines.append(f"- {label}: " + ", ".join(names))
        cart = cart_lines(runtime, profile)
        if cart:
            lines.append("- " + cart_summary(runtime, cart).replace("\n", "\n  "))
        if profile.purchases:
            lines.append(f"- {len(profile.purchases)} past purchase(s)")
        lines.append(f"- {offers_choice(profile.offers_opt_out)}")
        lines.append(f"- visits: {max(profile.sessions, 1)}, first seen {profile.created_at:%d %b %Y}")
        dispatcher.utter_message(text="Here's everything I keep about you:\n" + "\n".join(lines) +
                                      "\nSay \"forget me\" and I'll erase all of it, including our conversations.")
        return []


class ActionAskForgetConfirmation(ShopAction):
    NAME = "action_ask_forget_confirmation"

    def handle(self, runtime, dispatcher, tracker, domain):
        dispatcher.utter_message(
            text="Do you want me to erase everything I know about you - preferences, likes, cart and our "
                 "conversation history? This can't be undone.",
            buttons=[messages.payload_button("Yes, erase everything", "affirm"),
                     messages.payload_button("No, keep it", "deny")],
        )
        return [SlotSet(slots.PENDING, FORGET)]


def erase_customer(runtime, dispatcher, tracker):
    runtime.store.erase(slots.customer_id(tracker))
    dispatcher.utter_message(text="Done. I've erased your profile, cart and our conversation history. "
                                  "If we chat again, I'll start from scratch.")
    # The marker tells the tracker store to delete this conversation's stored
    # history (see bot/rasa_plugins/tracker_store.py); it is never stored itself.
    return [AllSlotsReset(), SlotSet(slots.ERASURE_MARKER, uuid.uuid4().hex)]


class ActionAnswerYes(ShopAction):
    NAME = "action_answer_yes"

    def handle(self, runtime, dispatcher, tracker, domain):
        if tracker.get_slot(slots.PENDING) == FORGET:
            return erase_customer(runtime, dispatcher, tracker)
        dispatcher.utter_message(text="Great! What would you like to do next - find a product, "
                                      "see your cart, or check out?")
        return [SlotSet(slots.PENDING, None)]


class ActionAnswerNo(ShopAction):
    NAME = "action_answer_no"

    def handle(self, runtime, dispatcher, tracker, domain):
        if tracker.get_slot(slots.PENDING) == FORGET:
            dispatcher.utter_message(text="Alright, I've kept everything as it was.")
        elif looks_like_refinement(runtime, tracker):
            # "no Auralis please" is a critique of the results, not a refusal.
            return ActionRecommend().handle(runtime, dispatcher, tracker, domain, intent="refine_results")
        else:
            dispatcher.utter_message(text="No problem. Tell me what you're looking for whenever you're ready.")
        return [SlotSet(slots.PENDING, None)]
