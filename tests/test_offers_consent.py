"""Saying no to offers in the dialogue, and yes again: the choice is kept in the
profile store, promotions respect it, and "what do you know about me" says it."""
from __future__ import annotations

import dataclasses

import pytest

from actions.offers_consent import ActionAcceptOffers, ActionDeclineOffers
from actions.privacy import ActionWhatDoYouKnow
from actions.profiles import ProfileStore
from tests.test_customer_types import lapsed_orders


def test_decline_and_accept_are_kept_and_confirmed(conversation, runtime):
    customer = conversation.sender
    conversation.run(ActionAcceptOffers, "you can send me offers again", "accept_offers")
    assert "already on" in conversation.text()
    assert runtime.store.get(customer) is None                       # nothing stored for a no-op
    conversation.run(ActionDeclineOffers, "no more offers please", "decline_offers")
    assert "no more offers" in conversation.text().lower() and runtime.store.get(customer).offers_opt_out
    conversation.run(ActionDeclineOffers, "stop sending me promotions", "decline_offers")
    assert "already" in conversation.text() and runtime.store.get(customer).offers_opt_out
    conversation.run(ActionWhatDoYouKnow, "what do you know about me", "what_do_you_know")
    assert "offers and promotions: you said no" in conversation.text()
    conversation.run(ActionAcceptOffers, "you can send me offers again", "accept_offers")
    assert "may mention an offer" in conversation.text() and not runtime.store.get(customer).offers_opt_out
    conversation.run(ActionWhatDoYouKnow, "what do you know about me", "what_do_you_know")
    assert "don't know anything" in conversation.text()             # back to the default: nothing to tell
    runtime.store.update_preferences(customer, lambda p: {**p, "recent_categories": ["tents"]})
    conversation.run(ActionWhatDoYouKnow, "what do you know about me", "what_do_you_know")
    assert "offers and promotions: I may mention one" in conversation.text()


@pytest.fixture
def shop(runtime, tmp_path):
    from actions import runtime as runtime_module

    store = ProfileStore(f"sqlite:///{tmp_path}/profiles.db")
    swapped = dataclasses.replace(runtime, store=store, behaviour_cache={})
    runtime_module.reset_runtime_for_tests(swapped)
    yield swapped
    runtime_module.reset_runtime_for_tests(runtime)
    store.dispose()


def test_a_customer_who_declined_in_the_dialogue_gets_no_promotion(shop, conversation):
    from actions.recommend import ActionRecommend

    customer = conversation.sender
    shop.store.replace_orders(lapsed_orders(shop, customer))       # lapsed: the welcome-back offer fits
    conversation.run(ActionDeclineOffers, "I don't want deals", "decline_offers")
    for request in ("a tent", "a sleeping bag"):
        conversation.run(ActionRecommend, request, "request_product")
        assert conversation.products() and "WELCOME10" not in conversation.text()
    conversation.run(ActionAcceptOffers, "show me offers again", "accept_offers")
    conversation.run(ActionRecommend, "a backpack", "request_product")
    assert "WELCOME10" in conversation.text()
    assert "no more offers" in conversation.text()                 # how to say no, beside the offer
