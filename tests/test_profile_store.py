"""Profile store on real SQLite and real PostgreSQL."""
import threading
import uuid

import pytest
from sqlalchemy import text



@pytest.fixture
def store(profile_store):
    return profile_store


def test_unknown_customer_has_no_profile(store):
    assert store.get("nobody") is None
    assert not store.exists("nobody")


def test_preferences_feedback_cart_and_purchases_round_trip(store):
    cid = f"c-{uuid.uuid4().hex}"
    store.update_preferences(cid, lambda p: {**p, "brands_liked": ["Trailmark"], "sizes": {"eu_shoe": "42"}})
    store.update_preferences(cid, lambda p: {**p, "colours_liked": ["blue"]})
    store.set_feedback(cid, "BOOT-0001", +1, "Trailmark")
    store.set_feedback(cid, "BOOT-0002", -1, "Nordhaven")
    store.set_feedback(cid, "BOOT-0002", +1, "Nordhaven")   # changed their mind
    assert store.add_to_cart(cid, "LAP-0001", 1) == 1
    assert store.add_to_cart(cid, "LAP-0001", 2) == 3
    assert store.add_service(cid, "LAP-0001", "protect_2y")
    assert store.add_service(cid, "LAP-0001", "protect_2y")        # no duplicates
    assert not store.add_service(cid, "NOT-IN-CART", "protect_2y")
    store.record_purchase(cid, "TENT-0003", 1, 199.0)
    profile = store.get(cid)
    assert profile.preferences == {"brands_liked": ["Trailmark"], "sizes": {"eu_shoe": "42"}, "colours_liked": ["blue"]}
    assert profile.liked == ["BOOT-0001", "BOOT-0002"] and profile.disliked == []
    assert profile.liked_brands == ["Trailmark", "Nordhaven"]
    assert [(c.product_id, c.quantity, c.services) for c in profile.cart] == [("LAP-0001", 3, ["protect_2y"])]
    assert profile.purchases[0]["product_id"] == "TENT-0003"
    assert store.remove_from_cart(cid, "LAP-0001") and not store.remove_from_cart(cid, "LAP-0001")


def test_sessions_are_counted(store):
    cid = f"c-{uuid.uuid4().hex}"
    assert store.start_session(cid) == 0
    assert store.start_session(cid) == 1
    assert store.get(cid).sessions == 2


def test_erase_removes_everything_and_keeps_an_anonymous_record(store):
    cid = f"c-{uuid.uuid4().hex}"
    other = f"c-{uuid.uuid4().hex}"
    before = store.erasure_count()
    for customer in (cid, other):
        store.update_preferences(customer, lambda p: {"budgets": {"tents": {"max": 200, "min": None}}})
        store.set_feedback(customer, "TENT-0001", -1, "Trailmark")
        store.add_to_cart(customer, "TENT-0002")
        store.record_purchase(customer, "TENT-0003", 1, 10.0)
        store.record_handoff(customer, "a person please")
    assert store.erase(cid)
    assert store.get(cid) is None
    assert store.erasure_count() == before + 1
    # nothing left anywhere under that id, the other customer untouched
    with store.engine.connect() as connection:
        for table in ("feedback", "cart_items", "purchases", "handoff_requests"):
            count = connection.execute(text(f"SELECT COUNT(*) FROM {table} WHERE customer_id = :c"), {"c": cid}).scalar()
            assert count == 0, table
        columns = list(connection.execute(text("SELECT * FROM erasures LIMIT 1")).keys())
        assert columns == ["id", "erased_at"]
    assert store.get(other).cart[0].product_id == "TENT-0002"
    assert not store.erase(f"never-seen-{uuid.uuid4().hex}")


def test_concurrent_updates_do_not_lose_writes(store):
    cid = f"c-{uuid.uuid4().hex}"
    store.update_preferences(cid, lambda p: p)

    def add_item(n):
        store.add_to_cart(cid, f"P-{n}")

    threads = [threading.Thread(target=add_item, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.get(cid).cart) == 20


def test_hostile_ids_and_text_are_stored_verbatim(store):
    cid = "x'); DROP TABLE customers; --"
    store.update_preferences(cid, lambda p: {"style": "<script>alert(1)</script>"})
    store.record_handoff(cid, "' OR 1=1 --" * 500)
    assert store.get(cid).preferences["style"] == "<script>alert(1)</script>"
    assert store.open_handoffs(cid) == 1


def _writes(store):
    """Counts INSERT/UPDATE/DELETE statements the store sends."""
    from sqlalchemy import event

    seen = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    return seen


def test_unchanged_preferences_are_not_written(store):
    cid = f"c-{uuid.uuid4().hex}"
    store.update_preferences(cid, lambda p: p)                      # a new customer is written
    store.update_preferences(cid, lambda p: {**p, "colours_liked": ["blue"]})
    writes = _writes(store)
    assert store.update_preferences(cid, lambda p: {**p, "colours_liked": ["blue"]}) == {"colours_liked": ["blue"]}
    assert writes == []
    store.update_preferences(cid, lambda p: {**p, "colours_liked": ["green"]})
    assert len(writes) == 1 and store.get(cid).preferences == {"colours_liked": ["green"]}


def test_unchanged_customer_type_and_promotion_lookups_write_nothing(store):
    cid = f"c-{uuid.uuid4().hex}"
    store.start_session(cid)
    assert store.set_customer_type(cid, "lapsed")
    writes = _writes(store)
    assert not store.set_customer_type(cid, "lapsed")
    assert store.promotion_this_session(cid) is None
    assert writes == []
