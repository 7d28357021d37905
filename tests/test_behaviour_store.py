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
