"""Customer types kept in the profile store when they are computed (recommendation
turns, order import), on real SQLite and PostgreSQL, for the support console."""
from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta

from actions.behaviour.config import behaviour_config
from actions.behaviour.known_types import classify_customers
from actions.behaviour.orders import OrderLine
from actions.profiles import ProfileStore

CONFIG = behaviour_config()


def test_store_keeps_the_latest_type_and_erases_it(profile_store):
    customer = f"c-{uuid.uuid4().hex}"
    assert not profile_store.set_customer_type(customer, "lapsed")     # unknown customers get no row
    profile_store.start_session(customer)
    assert profile_store.set_customer_type(customer, "lapsed")
    assert not profile_store.set_customer_type(customer, "lapsed")     # unchanged: no write
    assert profile_store.set_customer_type(customer, "brand_advocate")
    assert profile_store.customer_types([customer]) == {customer: "brand_advocate"}
    assert customer in profile_store.customers_of_type("brand_advocate")
    profile_store.erase(customer)
    assert profile_store.customer_types([customer]) == {}


def test_types_are_kept_on_import_and_follow_the_history(runtime, tmp_path):
    store = ProfileStore(f"sqlite:///{tmp_path}/profiles.db")
    try:
        tents = [p for p in runtime.products_in("outdoor/camping/tents") if p.brand == "Northcairn"][:3]
        old = [OrderLine(1, f"old-{n}", p.id, "", 1, p.price, datetime(2020, 1, 1 + n), "old") for n, p in enumerate(tents[:2])]
        fan = [OrderLine(1, f"fan-{n}", p.id, "", 1, p.price, datetime.utcnow() - timedelta(days=30 - n), "fan")
               for n, p in enumerate(tents)]
        store.replace_orders(old + fan)
        counts = classify_customers(runtime.settings, store, runtime.products, ["old", "fan", "old"], CONFIG)
        assert store.customer_types() == {"old": "lapsed", "fan": "brand_advocate"}
        assert counts == {"lapsed": 1, "brand_advocate": 1}
        # the old customer comes back and buys again: the kept type follows on the next recommendation
        from actions import runtime as runtime_module
        from actions.recommend import ActionRecommend
        from tests.conftest import Conversation

        store.replace_orders([OrderLine(1, "old-new", tents[2].id, "", 1, tents[2].price, datetime.utcnow(), "old")])
        shop = dataclasses.replace(runtime, store=store, behaviour_cache={})
        runtime_module.reset_runtime_for_tests(shop)
        try:
            Conversation(shop, "old").run(ActionRecommend, "a tent", "request_product")
        finally:
            runtime_module.reset_runtime_for_tests(runtime)
        assert store.customer_types(["old"]) != {"old": "lapsed"}
    finally:
        store.dispose()
