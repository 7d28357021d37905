"""The behaviour tables of the profile store on real SQLite and real PostgreSQL:
order lines, promotions shown, experiment exposures and outcomes."""
from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from actions.behaviour.orders import OrderLine


@pytest.fixture
def store(profile_store):
    return profile_store


def test_order_lines_round_trip_replace_and_erase(store):
    customer, invoice = f"c-{uuid.uuid4().hex}", f"I{uuid.uuid4().hex[:8]}"
    lines = [OrderLine(2, invoice, "22728", "ALARM CLOCK", 24, 3.75, datetime(2010, 12, 1, 8, 45), customer, "France"),
             OrderLine(3, "C" + invoice, "22728", "ALARM CLOCK", -4, 3.75, datetime(2010, 12, 2), customer)]
    assert store.replace_orders(lines) == 2
    store.replace_orders(lines)
    rows = store.order_lines(customer)
    assert [(r.invoice, r.quantity, r.unit_price, r.country) for r in rows] == \
        [(invoice, 24, 3.75, "France"), ("C" + invoice, -4, 3.75, "")]
    assert rows[0].ordered_at == datetime(2010, 12, 1, 8, 45)
    store.erase(customer)
    assert store.order_lines(customer) == []


def test_promotions_are_per_session(store):
    customer = f"c-{uuid.uuid4().hex}"
    assert store.promotion_this_session(customer) is None
    store.record_promotion(customer, "welcome_back")
    assert store.promotion_this_session(customer) == "welcome_back"
    store.start_session(customer)
    assert store.promotion_this_session(customer) is None


def test_experiment_counts(store):
    name = f"exp-{uuid.uuid4().hex[:8]}"
    for n, variant in enumerate(["a", "a", "b"]):
        assert store.record_exposure(name, f"{name}-{n}", variant) == variant
    assert store.record_exposure(name, f"{name}-0", "b") == "a"        # first exposure stays
    assert store.record_outcome(name, f"{name}-0", "checkout")
    assert not store.record_outcome(name, f"{name}-0", "checkout")     # once
    assert not store.record_outcome(name, "never-exposed", "checkout")
    assert store.experiment_counts(name) == [
        {"experiment": name, "variant": "a", "goal": "checkout", "exposed": 2, "converted": 1},
        {"experiment": name, "variant": "b", "goal": "checkout", "exposed": 1, "converted": 0}]


def test_recorded_orders_once_per_ref_replace_and_erase(store):
    from bot.checkout_links import CheckoutLine

    customer = f"c-{uuid.uuid4().hex}"
    store.add_to_cart(customer, "TENT-0003", 1)
    store.add_to_cart(customer, "BAG-0001", 1)
    link = f"link:{uuid.uuid4().hex}"
    lines = [CheckoutLine("TENT-0003", 1, 199.0, "EUR")]
    assert store.record_order(link, customer, lines, "checkout_link", from_cart=True)
    assert not store.record_order(link, customer, lines, "checkout_link", from_cart=True)   # followed twice
    profile = store.get(customer)
    assert [(p["product_id"], p["quantity"], p["unit_price"], p["source"]) for p in profile.purchases] == \
        [("TENT-0003", 1, 199.0, "checkout_link")]
    assert [c.product_id for c in profile.cart] == ["BAG-0001"]                              # only what was bought left
    # the completed order the link led to replaces the link's purchases
    order = f"shop:{uuid.uuid4().hex}"
    completed = [CheckoutLine("TENT-0003", 2, 189.0, "EUR")]
    assert store.record_order(order, customer, completed, "order_completed", replaces=link)
    assert [(p["quantity"], p["unit_price"], p["source"]) for p in store.get(customer).purchases] == \
        [(2, 189.0, "order_completed")]
    assert store.recorded_order(link)["replaced_by"] == order
    assert not store.record_order(order, customer, completed, "order_completed")
    # an order reported before its link is followed: the link records nothing later
    later_link = f"link:{uuid.uuid4().hex}"
    assert store.record_order(f"shop:{uuid.uuid4().hex}", customer, lines, "order_completed", replaces=later_link)
    assert not store.record_order(later_link, customer, lines, "checkout_link")
    assert len(store.get(customer).purchases) == 2
    store.erase(customer)
    assert store.recorded_order(link) is None and store.get(customer) is None


def test_a_link_followed_at_the_same_moment_is_recorded_once(store):
    from concurrent.futures import ThreadPoolExecutor

    from bot.checkout_links import CheckoutLine

    customer, ref = f"c-{uuid.uuid4().hex}", f"link:{uuid.uuid4().hex}"
    store.start_session(customer)
    lines = [CheckoutLine("TENT-0003", 1, 199.0, "EUR"), CheckoutLine("BAG-0001", 1, 49.0, "EUR")]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: store.record_order(ref, customer, lines, "checkout_link"), range(8)))
    assert results.count(True) == 1
    assert len(store.get(customer).purchases) == 2
