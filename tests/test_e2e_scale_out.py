"""The scale-out profile against the real servers: PostgreSQL tracker store and
profile store, Redis lock store, and two replicas (each a Rasa server with its
own action server) sharing them. Same conversation code, other storage."""
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import RestClient, first_products, free_port, start_stack, text_of

pytestmark = pytest.mark.e2e

WIDGET_SECRET = "scale-out-widget-secret-0123456789abcdef"


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
    shared = {
        "PROFILE_DB_URL": url.render_as_string(hide_password=False).replace("postgresql://", "postgresql+psycopg2://"),
        "TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB_HOST": url.host or "127.0.0.1",
        "TRACKER_DB_PORT": str(url.port or 5432), "TRACKER_DB_NAME": url.database,
        "TRACKER_DB_USER": url.username or "", "TRACKER_DB_PASSWORD": url.password or "",
        "LOCK_STORE_TYPE": "redis", "LOCK_STORE_HOST": "127.0.0.1", "LOCK_STORE_PORT": "6379",
        "LOCK_STORE_DB": "3",
        # the widget on either replica; socket.io messages pass between them through Redis
        "WIDGET_SESSION_SECRET": WIDGET_SECRET, "WIDGET_SOCKET_REDIS_URL": "redis://127.0.0.1:6379/4"}
    first = start_stack(tmp_path_factory.mktemp("replica-a"), {**shared, "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port())})
    try:
        second = start_stack(tmp_path_factory.mktemp("replica-b"),
                             {**shared, "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port()),
                              "RASA_API_TOKEN": "test-token"})
    except Exception:
        first.stop()
        raise
    yield first, url, second
    second.stop()
    first.stop()


def test_conversation_is_stored_in_postgresql_and_erased_there(scaled):
    running, url, _ = scaled
    rest = RestClient(running)
    sender = f"pg-{uuid.uuid4().hex[:8]}"
    conversation = rest.conversation_id(sender)                  # the id in both stores
    shown = first_products(rest.say(sender, "a tent for four people under 400"))
    assert shown and all(p["price"] <= 400 for p in shown)
    rest.say(sender, "add the first one to my cart")
    engine = create_engine(url)
    with engine.connect() as connection:
        events = connection.execute(text("SELECT COUNT(*) FROM events WHERE sender_id = :s"),
                                    {"s": conversation}).scalar()
        cart = connection.execute(text("SELECT product_id FROM cart_items WHERE customer_id = :s"),
                                  {"s": conversation}).scalars().all()
    assert events > 5 and cart == [shown[0]["id"]]
    assert "Welcome back" in text_of(rest.say(sender, "/session_start"))
    rest.say(sender, "forget me")
    assert "erased" in text_of(rest.say(sender, "yes"))
    with engine.connect() as connection:
        users = connection.execute(text("SELECT COUNT(*) FROM events WHERE sender_id = :s AND type_name = 'user'"),
                                   {"s": conversation}).scalar()
        customers = connection.execute(text("SELECT COUNT(*) FROM customers WHERE id = :s"),
                                       {"s": conversation}).scalar()
    engine.dispose()
    assert users == 0 and customers == 0


def test_replicas_share_one_conversation(scaled):
    """Turns of one customer land on alternating replicas, as behind a load
    balancer without sticky sessions; the conversation carries over."""
    first, _, second = scaled
    a, b = RestClient(first), RestClient(second)
    sender = f"lb-{uuid.uuid4().hex[:8]}"
    shown = first_products(a.say(sender, "running shoes under 200"))
    more = first_products(b.say(sender, "show more"))               # replica B knows what A showed
    assert len(shown) >= 3 and len(more) >= 2
    assert not {p["id"] for p in shown} & {p["id"] for p in more}
    assert all(p["price"] <= 200 and p["category"] == "running_shoes" for p in more)
    added = text_of(a.say(sender, "add the second one to my cart"))  # "second" as shown by replica B
    assert more[1]["title"] in added
    assert more[1]["title"] in text_of(b.say(sender, "what's in my cart"))


def test_concurrent_messages_for_one_customer_are_serialised(scaled):
    """Both replicas receive messages of one customer at once; the Redis lock
    store makes them take turns, so every turn is stored whole and in order."""
    first, url, second = scaled
    clients = [RestClient(first), RestClient(second)]
    sender = f"lock-{uuid.uuid4().hex[:8]}"
    messages = [f"tents under {300 + 10 * i}" for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda item: clients[item[0] % 2].send(sender, item[1]), enumerate(messages)))
    assert all(status == 200 and replies for status, replies in results)
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                                  {"s": RestClient.conversation_id(sender)}).all()
    engine.dispose()
    users = [json.loads(data)["text"] for kind, data in rows if kind == "user"]
    assert sorted(users) == sorted(messages)           # none lost
    # Each user message is followed by its own bot reply before the next one starts.
    kinds = [kind for kind, _ in rows if kind in ("user", "bot")]
    turns = "".join("u" if kind == "user" else "b" for kind in kinds)
    assert "uu" not in turns and turns.count("u") == len(messages)


def test_agent_reply_reaches_a_widget_connected_to_another_replica(scaled):
    """The console may reach any replica; the customer's socket is on one of them
    (fails without WIDGET_SOCKET_REDIS_URL: replica B has no such socket)."""
    import asyncio

    from bot.console import rasa_api
    from bot.identity import SessionSigner
    from tests.widget_client import Widget

    first, _, second = scaled
    console = rasa_api.RasaApi(second.rasa_url, second.token)

    async def scenario():
        widget = await Widget(first).open()
        customer = SessionSigner(WIDGET_SECRET).verify(widget.session).customer_id
        try:
            await widget.send("can I talk to a person")
            await widget.wait_for(lambda m: "colleague" in (m.get("text") or ""))
            await console.append_events(customer, [rasa_api.agent_message("Hello from replica B",
                                                                          "Maria")])
            reply = await widget.wait_for(lambda m: m.get("text") == "Hello from replica B", 20)
            await console.append_events(customer, [rasa_api.resume_event(), rasa_api.listen_event()])
            await widget.send("running shoes under 200")
            products = await widget.wait_for(lambda m: (m.get("custom") or {}).get("type") == "products")
            return reply, products
        finally:
            await widget.close()

    reply, products = asyncio.run(scenario())
    assert reply["text"] == "Hello from replica B"
    assert all(p["price"] <= 200 for p in products["custom"]["products"])
