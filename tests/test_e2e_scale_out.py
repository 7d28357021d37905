"""The scale-out profile against the real servers: PostgreSQL tracker store and
profile store, Redis lock store. Same conversation code, other storage."""
import uuid

import pytest
from sqlalchemy import create_engine, text

from bot.settings import load_settings
from tests.conftest import RestClient, first_products, start_stack, text_of

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def postgres_database():
    admin_url = load_settings().test_postgres_url
    name = f"shop_e2e_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - only without a PostgreSQL server
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    url = admin.url.set(database=name)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def scaled(tmp_path_factory, postgres_database):
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            assert connection.recv(16).startswith(b"+PONG")
    except OSError as exc:  # pragma: no cover - only without a Redis server
        pytest.skip(f"Redis not reachable: {exc}")
    url = postgres_database
    running = start_stack(tmp_path_factory.mktemp("scaled"), {
        "RASA_PORT": "16005", "ACTIONS_PORT": "16055",
        "PROFILE_DB_URL": url.render_as_string(hide_password=False).replace("postgresql://", "postgresql+psycopg2://"),
        "TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB_HOST": url.host or "127.0.0.1",
        "TRACKER_DB_PORT": str(url.port or 5432), "TRACKER_DB_NAME": url.database,
        "TRACKER_DB_USER": url.username or "", "TRACKER_DB_PASSWORD": url.password or "",
        "LOCK_STORE_TYPE": "redis", "LOCK_STORE_HOST": "127.0.0.1", "LOCK_STORE_PORT": "6379",
        "LOCK_STORE_DB": "3"})
    yield running, url
    running.stop()


def test_conversation_is_stored_in_postgresql_and_erased_there(scaled):
    running, url = scaled
    rest = RestClient(running)
    sender = f"pg-{uuid.uuid4().hex[:8]}"
    shown = first_products(rest.say(sender, "a tent for four people under 400"))
    assert shown and all(p["price"] <= 400 for p in shown)
    rest.say(sender, "add the first one to my cart")
    engine = create_engine(url)
    with engine.connect() as connection:
        events = connection.execute(text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
        cart = connection.execute(text("SELECT product_id FROM cart_items WHERE customer_id = :s"),
                                  {"s": sender}).scalars().all()
    assert events > 5 and cart == [shown[0]["id"]]
    assert "Welcome back" in text_of(rest.say(sender, "/session_start"))
    rest.say(sender, "forget me")
    assert "erased" in text_of(rest.say(sender, "yes"))
    with engine.connect() as connection:
        users = connection.execute(text("SELECT COUNT(*) FROM events WHERE sender_id = :s AND type_name = 'user'"),
                                   {"s": sender}).scalar()
        customers = connection.execute(text("SELECT COUNT(*) FROM customers WHERE id = :s"), {"s": sender}).scalar()
    engine.dispose()
    assert users == 0 and customers == 0
