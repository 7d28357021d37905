"""Customer types on small hand-made histories, and promotions per type:
one per conversation, only when relevant, never to customers who opted out."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from actions.behaviour.config import behaviour_config
from actions.behaviour.customer_types import Bought, History, classify, customer_type
from actions.behaviour.orders import OrderLine
from actions.behaviour.promotions import Moment, choose_promotion
from actions.profiles import ProfileStore

NOW = datetime(2024, 6, 1)
CONFIG = behaviour_config()


def bought(order, days_ago, brand="Trailmark", category="tents", paid=100.0, usual=100.0, product=None):
    return Bought(product or f"{order}-{brand}-{category}-{paid}", str(order), NOW - timedelta(days=days_ago),
                  paid, usual, brand, category)


def kind(history):
    return classify(history, CONFIG, NOW)


HISTORIES = {
    "lapsed": History([bought(1, 400), bought(2, 300, "Eiderline", "backpacks")], sessions=5),
    "disengaged": History([bought(1, 10)], sessions=1),
    "deal_seeker": History([bought(1, 20, paid=70), bought(2, 15, "Eiderline", "backpacks", paid=40, usual=60),
                            bought(3, 5, "Northcairn", "sleeping_bags")], sessions=4),
    "brand_advocate": History([bought(1, 30), bought(2, 20, category="backpacks"),
                               bought(3, 10, category="sleeping_bags")], sessions=3),
    "single_category_regular": History([bought(1, 30, "A"), bought(2, 20, "B"), bought(3, 10, "C"),
                                        bought(4, 5, "D")], sessions=6),
    "multi_category_buyer": History([bought(1, 30, "A", "tents"), bought(2, 20, "B", "laptops"),
                                     bought(2, 20, "C", "sofas")], sessions=2),
}


@pytest.mark.parametrize("expected", sorted(HISTORIES))
def test_each_type_from_a_small_history(expected):
    assert kind(HISTORIES[expected]) == expected


def test_no_rule_gives_the_default_and_types_follow_growing_history():
    history = History([bought(1, 10, "A", "tents"), bought(2, 5, "B", "laptops")], sessions=3)
    assert kind(history) == "occasional_buyer"
    history.bought.append(bought(3, 2, "C", "sofas"))
    assert kind(history) == "multi_category_buyer"
    assert classify(history, CONFIG, NOW + timedelta(days=200)) == "lapsed"


def test_thresholds_come_from_configuration():
    changed = {**CONFIG, "customer_types": {**CONFIG["customer_types"], "rules": [
        {"type": "lapsed", "when": {"orders": {"min": 1}, "days_since_last_order": {"min": 5}}}]}}
    assert classify(HISTORIES["brand_advocate"], changed, NOW) == "lapsed"


class P:
    def __init__(self, id, brand="Trailmark", category="tents"):
        self.id, self.brand, self.category = id, brand, category


RESULTS = [P("a"), P("b", "Eiderline"), P("c", "Northcairn")]


def promote(customer_type, moment=None, opted_out=False, shown=None):
    history = HISTORIES.get(customer_type, History())
    return choose_promotion(customer_type, history, moment or Moment(RESULTS, "tents"), CONFIG, opted_out, shown)


def test_deal_seekers_get_price_drops_first_only_when_there_are_some():
    assert promote("deal_seeker") is None
    promotion = promote("deal_seeker", Moment(RESULTS, "tents", price_drop=lambda pid: pid == "c"))
    assert promotion.id == "price_drops_first" and promotion.first == ["c"]
    assert "1 of these dropped in price" in promotion.text


def test_lapsed_customers_are_welcomed_back():
    promotion = promote("lapsed")
    assert promotion.id == "welcome_back" and "WELCOME10" in promotion.text


def test_brand_advocates_get_early_access_when_their_brand_is_shown():
    promotion = promote("brand_advocate")
    assert promotion.id == "early_access_referral"
    assert "Trailmark regular" in promotion.text and "refer" in promotion.text
    assert promote("brand_advocate", Moment([P("x", "Other")], "tents")) is None


def test_single_category_regulars_hear_about_a_neighbouring_category():
    moment = Moment(RESULTS, "tents", neighbours=lambda c: ["sleeping_bags"] if c == "tents" else [])
    promotion = promote("single_category_regular", moment)
    assert promotion.id == "neighbouring_category"
    assert promotion.text.startswith("Since you often buy tents, you might like our sleeping bags")
    assert promote("single_category_regular", dataclasses.replace(moment, category="laptops")) is None


def test_other_types_opted_out_and_second_promotion_get_nothing():
    assert promote("multi_category_buyer") is None and promote("disengaged") is None
    assert promote("lapsed", opted_out=True) is None
    assert promote("lapsed", shown="welcome_back") is None
    assert promote("lapsed", Moment([], "tents")) is None


# -- in the live assistant, on the real runtime and a real SQLite store ----------
@pytest.fixture
def shop(runtime, tmp_path):
    store = ProfileStore(f"sqlite:///{tmp_path}/profiles.db")
    yield dataclasses.replace(runtime, store=store, behaviour_cache={})
    store.dispose()


def lapsed_orders(shop, customer):
    tents = [p for p in shop.products_in("outdoor/camping/tents")][:2]
    return [OrderLine(1, f"{customer}{n}", p.id, "", 1, p.price, datetime(2020, 1, 1 + n), customer)
            for n, p in enumerate(tents)]


def test_customer_type_from_the_store_and_cancellations(shop):
    shop.store.replace_orders(lapsed_orders(shop, "old"))
    assert customer_type(shop, "old", CONFIG) == "lapsed"
    first = lapsed_orders(shop, "old")[0]
    shop.store.replace_orders([dataclasses.replace(first, invoice="C1", quantity=-1)])
    assert customer_type(shop, "old", CONFIG) == "disengaged"     # one order left, fully cancelled other
    assert customer_type(shop, "nobody", CONFIG) == "disengaged"


def test_live_recommendation_shows_one_promotion_per_conversation(shop, conversation):
    from actions import runtime as runtime_module
    from actions.recommend import ActionRecommend

    customer = conversation.sender
    shop.store.replace_orders(lapsed_orders(shop, customer))
    runtime_module.reset_runtime_for_tests(shop)
    try:
        conversation.run(ActionRecommend, "a tent", "request_product")
        assert "WELCOME10" in conversation.text() and conversation.products()
        conversation.run(ActionRecommend, "a sleeping bag", "request_product")
        assert "WELCOME10" not in conversation.text()                 # once per conversation
        shop.store.start_session(customer)                            # next visit
        shop.store.set_offers_opt_out(customer, True)
        conversation.run(ActionRecommend, "a backpack", "request_product")
        assert "WELCOME10" not in conversation.text() and conversation.products()
        shop.store.set_offers_opt_out(customer, False)
        conversation.run(ActionRecommend, "a tent", "request_product")
        assert "WELCOME10" in conversation.text()
    finally:
        runtime_module.reset_runtime_for_tests(conversation.runtime)


def test_live_deal_seeker_sees_price_drops_first(shop, conversation, runtime):
    from actions import runtime as runtime_module
    from actions.recommend import ActionRecommend

    customer = conversation.sender
    # bought three products at half their catalog price: a deal seeker
    cheap = [p for p in shop.products_in("outdoor/hiking/backpacks")][:3]
    lines = [OrderLine(1, f"{customer}-{n}", p.id, "", 1, p.price / 2,
                       datetime.now() - timedelta(days=10 - n), customer)
             for n, p in enumerate(cheap)]
    shop.store.replace_orders(lines)
    shop.behaviour_cache.clear()
    # a tent this customer is shown, but not first, was bought by others for much more:
    # a price drop now
    runtime_module.reset_runtime_for_tests(shop)
    conversation.run(ActionRecommend, "a tent", "request_product")
    dropped = shop.product(conversation.products()[1]["id"])
    lines += [OrderLine(1, f"other-{n}", dropped.id, "", 1, dropped.price * 1.5,
                       datetime.now() - timedelta(days=30), f"o{n}")
              for n in range(2)]
    shop.store.replace_orders(lines)
    shop.behaviour_cache.clear()   # rebuild the signals now rather than after refresh_seconds
    assert customer_type(shop, customer, CONFIG) == "deal_seeker"
    runtime_module.reset_runtime_for_tests(shop)
    try:
        conversation.run(ActionRecommend, "a tent", "request_product")
        assert "1 of these dropped in price recently" in conversation.text()
        assert conversation.products()[0]["id"] == dropped.id
    finally:
        runtime_module.reset_runtime_for_tests(runtime)
