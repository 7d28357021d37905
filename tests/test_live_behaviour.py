"""Behaviour in the live recommender: co-purchase, popularity and brand/price
habits from a real SQLite profile store, on the real index and encoder."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from actions.behaviour.live import LiveBehaviour, LiveWeights, live_behaviour
from actions.behaviour.orders import OrderLine
from actions.profiles import ProfileStore
from actions.recommender import Taste, complementary_products, recommend, taste_from_profile
from actions.state import SearchState

TENT, BAG = "TNT-0005", "SLP-0007"      # Northcairn tent; the sleeping bag bought with it


@pytest.fixture
def shop(runtime, tmp_path):
    """The session runtime with its own empty profile store and behaviour cache."""
    store = ProfileStore(f"sqlite:///{tmp_path}/profiles.db")
    yield dataclasses.replace(runtime, store=store, behaviour_cache={})
    store.dispose()


def order(invoice, customer, day, *codes, quantity=1, runtime=None):
    when = datetime(2024, 1, 1) + timedelta(days=day)
    return [OrderLine(n, invoice, code, "", quantity, runtime.product(code).price if runtime else 1.0, when, customer)
            for n, code in enumerate(codes)]


def test_no_history_changes_nothing(shop, runtime):
    state = SearchState(category="outdoor/camping/sleeping_bags", query="sleeping bag")
    with_store = recommend(shop, state, Taste(customer_id="nobody"), 4)
    plain = recommend(runtime, state, Taste(), 4)
    assert [p.id for p, _ in with_store.items] == [p.id for p, _ in plain.items]
    assert not any("bought" in reason for _, reason in with_store.items)


def test_often_bought_with_your_tent_ranks_first_with_its_reason(shop):
    lines = []
    for n in range(3):
        lines += order(f"9{n}", f"other{n}", n, TENT, BAG, runtime=shop)
    lines += order("100", "ana", 10, TENT, runtime=shop)
    shop.store.replace_orders(lines)
    state = SearchState(category="outdoor/camping/sleeping_bags", query="sleeping bag")
    result = recommend(shop, state, Taste(customer_id="ana"), 4)
    first, reason = result.items[0]
    assert first.id == BAG
    assert reason == f"Often bought with your {shop.product(TENT).title}"
    # someone without the tent gets no such reason
    other = recommend(shop, state, Taste(customer_id="zoe"), 4)
    assert not any("bought with" in r for _, r in other.items)


def test_cart_counts_as_owned(shop):
    lines = []
    for n in range(2):
        lines += order(f"9{n}", f"other{n}", n, TENT, BAG, runtime=shop)
    shop.store.replace_orders(lines)
    shop.store.add_to_cart("ben", TENT)
    taste = taste_from_profile(shop.store.get("ben"))
    assert taste.in_cart == [TENT] and taste.customer_id == "ben"
    result = recommend(shop, SearchState(category="outdoor/camping/sleeping_bags", query="sleeping bag"), taste, 4)
    assert result.items[0][0].id == BAG


def test_complementary_products_start_with_what_was_bought_together(shop, runtime):
    plain = complementary_products(runtime, runtime.product(TENT), Taste(), 2)
    assert BAG not in [p.id for p, _ in plain]
    for n in range(2):
        shop.store.record_purchase(f"c{n}", TENT, 1, 359.99, purchased_at=datetime(2024, 2, n + 1, 10, 0))
        shop.store.record_purchase(f"c{n}", BAG, 1, 79.99, purchased_at=datetime(2024, 2, n + 1, 10, 0))
    items = complementary_products(shop, shop.product(TENT), Taste(), 2)
    assert items[0][0].id == BAG
    assert items[0][1] == f"often bought with the {shop.product(TENT).title}"
    assert items[1][0].category != "outdoor/camping/sleeping_bags"        # the next one from another category
    # a disliked product is never offered, whatever the history
    disliked = complementary_products(shop, shop.product(TENT), Taste(disliked_ids=[BAG]), 2)
    assert BAG not in [p.id for p, _ in disliked]


def test_one_basket_together_is_not_enough_to_claim_often(shop):
    shop.store.replace_orders(order("1", "x", 0, TENT, BAG, runtime=shop) + order("2", "ana", 1, TENT, runtime=shop))
    result = recommend(shop, SearchState(category="outdoor/camping/sleeping_bags", query="sleeping bag"), Taste(customer_id="ana"), 4)
    assert not any("bought with" in r for _, r in result.items)


def test_brand_habit_lifts_the_brand_and_says_so(shop, runtime):
    state = SearchState(category="outdoor/camping/sleeping_bags", query="warm sleeping bag")
    plain = recommend(runtime, state, Taste(), 4)
    brand = next(p.brand for p in runtime.products_in("outdoor/camping/sleeping_bags")
                 if p.brand not in {q.brand for q, _ in plain.items[:2]})
    owned = [p.id for p in runtime.index.products if p.brand == brand and p.category != "outdoor/camping/sleeping_bags"][:3]
    shop.store.replace_orders(order("1", "fan", 0, *owned, runtime=shop))
    result = recommend(shop, state, Taste(customer_id="fan"), 4)
    best_rank = lambda items: min([n for n, (p, _) in enumerate(items) if p.brand == brand], default=99)  # noqa: E731
    assert best_rank(result.items) < best_rank(plain.items)
    assert any(reason == f"From {brand}, a brand you often buy" for p, reason in result.items if p.brand == brand)


def test_price_habit_moves_results_towards_what_the_customer_pays(shop, runtime):
    bags = sorted(runtime.products_in("outdoor/camping/sleeping_bags"), key=lambda p: p.price)
    shop.store.replace_orders(order("1", "thrifty", 0, *[p.id for p in bags[:3]], runtime=shop)
                              + order("2", "lavish", 0, *[p.id for p in bags[-3:]], runtime=shop))
    state = SearchState(category="outdoor/camping/sleeping_bags", query="sleeping bag")
    cheap = recommend(shop, state, Taste(customer_id="thrifty"), 4)
    dear = recommend(shop, state, Taste(customer_id="lavish"), 4)
    mean = lambda result: sum(p.price for p, _ in result.items) / len(result.items)   # noqa: E731
    assert mean(cheap) < mean(dear)


def test_cancelled_products_are_no_longer_owned(shop):
    lines = order("1", "ana", 0, TENT, runtime=shop) + order("C2", "ana", 1, TENT, quantity=-1, runtime=shop)
    shop.store.replace_orders(lines)
    assert live_behaviour(shop).owned("ana") == {}


def test_signals_refresh_as_history_grows(shop):
    assert live_behaviour(shop).owned("ana") == {}
    shop.store.record_purchase("ana", TENT, 1, 359.99)
    assert live_behaviour(shop).owned("ana") == {}                 # cached until the refresh time
    assert live_behaviour(shop, refresh=True).owned("ana") == {TENT: 1.0}


def test_weights_come_from_configuration_and_zero_turns_signals_off(shop, runtime):
    from actions.behaviour.config import behaviour_config

    weights = LiveWeights.from_config(behaviour_config(runtime.settings))
    assert weights == LiveWeights(**{k: type(getattr(LiveWeights, k))(v)
                                     for k, v in behaviour_config(runtime.settings)["live"].items()})
    off = LiveWeights(0, 0, 0, 0, 0, 2, 300)
    baskets = [[TENT, BAG]] * 3
    behaviour = LiveBehaviour(runtime.products, baskets, {"ana": {TENT: 1.0}}, off)
    boosts = behaviour.boosts("ana", [BAG, "SLP-0001"])
    assert boosts.score(BAG) == 0.0 and boosts.reason(BAG)      # the reason stays true, no boost
