"""Faults under load on the scale-out profile (issue 14, section 4): two Rasa
servers and two action servers behind HAProxy, on a throwaway PostgreSQL and a
throwaway Redis started here on spare ports (never the machine's shared ones),
so they can be stopped. REST customers keep talking while a fault happens;
afterwards every message and reply is checked in PostgreSQL (stored once, in
order). One stack is shared by the tests, in this order; the Rasa kill is last."""
import asyncio
import os
import signal
import threading
import time
import uuid

import pytest

from bot.load.run import Plan, drive
from bot.load.storage_check import check_storage
from tests.conftest import TEST_REST_TOKEN, first_products, free_port, text_of
from tests.throwaway_servers import ThrowawayPostgres, ThrowawayRedis

pytestmark = pytest.mark.e2e

REQUESTS = ["tents under 300", "running shoes under 150", "a laptop for video editing", "hiking boots under 200"]
CLEAN_ERRORS = ("http_502", "http_503", "connection:")
# messages of the simulated conversation that always run a custom action (others
# may be classified as, say, out of scope, which Rasa answers by itself)
NEEDS_ACTION = set(REQUESTS) | {"hi", "add the second one to my cart", "checkout", "what do you know about me"}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    from bot.scaled import ScaledStack, scaled_settings
    from bot.training import ensure_model

    var = tmp_path_factory.mktemp("faults")
    postgres = ThrowawayPostgres(free_port()).start()
    redis = ThrowawayRedis(free_port(), var / "redis.log").start()
    overrides = {"SHOP_VAR_DIR": str(var), "RASA_API_TOKEN": "test-token", "WEB_PORT": str(free_port()),
                 "REST_CHANNEL_TOKEN": TEST_REST_TOKEN,
                 # simulated customers type without pause, all from this one address
                 "REST_LIMIT_PER_SESSION": "0", "REST_LIMIT_PER_ADDRESS": "0",
                 "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port()),
                 "SCALED_POSTGRES_URL": postgres.url("shop"), "SCALED_REDIS_URL": redis.url,
                 "ACTION_TIMEOUT": "4", "TICKET_LOCK_LIFETIME": "15", "LOCK_STORE_OUTAGE_SECONDS": "20"}
    for key in ("TRACKER_DB_DIALECT", "TRACKER_DB_HOST", "TRACKER_DB_PORT", "TRACKER_DB_NAME", "PROFILE_DB_URL",
                "CONSOLE_DB_URL", "LOCK_STORE_HOST", "LOCK_STORE_PORT", "LOCK_STORE_DB", "WIDGET_SOCKET_REDIS_URL"):
        overrides[key] = ""           # derived from the two URLs above, whatever the environment says
    settings, storage = scaled_settings(dict(os.environ, **overrides))
    stack = ScaledStack(settings, ensure_model(settings, quiet=True), var / "logs", rasa=2, actions=2,
                        extra_env={**overrides, **storage}, rasa_ports=[free_port(), free_port()],
                        action_ports=[free_port(), free_port()])
    try:
        stack.start()
    except Exception:
        for log in (var / "logs").glob("*.log"):
            print(f"--- {log.name} ---\n" + log.read_text()[-4000:])
        stack.stop()
        redis.stop()
        postgres.remove()
        raise
    yield stack, postgres, redis, postgres.url("shop")
    stack.stop()
    redis.stop()
    postgres.remove()


class Background:
    """Customers talking over REST through the load balancer while a fault happens."""

    def __init__(self, stack, customers: int = 6, seconds: float = 30) -> None:
        plan = Plan(stack.rasa_url, customers, seconds, REQUESTS, socket_share=0.0, timeout=90, ramp=2,
                    retries=8, seed=int(time.time()), rest_namespace="rest:",
                    extra_headers={"Authorization": f"Bearer {TEST_REST_TOKEN}"})
        self.result = None
        self.thread = threading.Thread(target=lambda: setattr(self, "result", asyncio.run(drive(plan))))

    def __enter__(self) -> "Background":
        self.thread.start()
        time.sleep(6)             # conversations under way
        return self

    def __exit__(self, *exc) -> None:
        self.thread.join(300)
        assert not self.thread.is_alive(), "customers still waiting: a request hung"


def after(result, since: float):
    return [t for t in result.turns if t.started >= since]


def assert_stored_once(result, url) -> None:
    report = check_storage(url, result.records)
    assert report.conversations > 0 and report.clean, report.summary() + "\n" + "\n".join(report.examples[:10])


def say(stack, sender, text):
    from tests.conftest import RestClient

    return RestClient(stack).say(sender, text)


def signal_group(process, sig) -> None:
    os.killpg(process.pid, sig)


def test_slow_action_servers_get_a_polite_reply_and_nothing_hangs(faulty):
    stack, _, _, url = faulty
    servers = [stack.process("actions-1"), stack.process("actions-2")]
    with Background(stack, seconds=25) as load:
        stalled = time.monotonic()
        for process in servers:
            signal_group(process, signal.SIGSTOP)        # alive but silent, past the 4 s action timeout
        time.sleep(12)
        for process in servers:
            signal_group(process, signal.SIGCONT)
        resumed = time.monotonic()
    result = load.result
    during = [t for t in after(result, stalled) if t.started < resumed - 6 and t.text in NEEDS_ACTION]
    assert during and all(t.outcome == "apology" for t in during), [(t.text, t.outcome) for t in during]
    assert all(t.latency < 60 for t in result.turns)                       # answered, not hung
    assert not [t for t in result.turns if t.outcome in ("no_reply", "timeout")]
    time.sleep(5)                                                           # health checks see them again
    sender = f"slow-{uuid.uuid4().hex[:8]}"
    assert first_products(say(stack, sender, "tents under 300"))           # the next turn works
    assert_stored_once(result, url)


def test_redis_stopped_for_a_few_seconds(faulty):
    stack, _, redis, url = faulty
    with Background(stack, seconds=30) as load:
        redis.stop()
        time.sleep(4)
        redis.start()
        restarted = time.monotonic()
    result = load.result
    assert not [t for t in result.turns if not t.outcome == "ok"], result.outcomes()   # waited, nothing failed
    assert after(result, restarted)                                        # conversations went on
    assert_stored_once(result, url)
    # no conversation stays locked: every customer of the run answers at once
    for record in result.records[-6:]:
        assert text_of(say(stack, record.sender, "what do you know about me"))


def test_postgres_restart_fails_cleanly_and_keeps_conversation_and_profile(faulty):
    stack, postgres, _, url = faulty
    sender = f"pg-{uuid.uuid4().hex[:8]}"
    shown = first_products(say(stack, sender, "running shoes under 150"))
    say(stack, sender, "add the first one to my cart")
    with Background(stack, seconds=30) as load:
        postgres.stop()
        time.sleep(3)
        postgres.start()
    result = load.result
    failures = {kind for kind in result.errors}
    assert all(kind.startswith(CLEAN_ERRORS) for kind in failures), failures   # 503s, never a 500
    assert not [t for t in result.turns if t.outcome not in ("ok", "apology")], result.outcomes()
    assert_stored_once(result, url)
    known = text_of(say(stack, sender, "what do you know about me"))
    assert "running shoes" in known.lower()
    assert shown[0]["title"] in text_of(say(stack, sender, "what's in my cart"))


def test_while_postgres_is_down_rest_answers_503_and_the_widget_apologises(faulty):
    """Deterministically, without retries: the message is refused cleanly (503 with
    Retry-After, not Rasa's silent 200), the widget gets a short apology, and the
    same message sent again afterwards is stored once."""
    from sqlalchemy import create_engine, text as sql

    from tests.conftest import RestClient
    from tests.widget_client import Widget

    stack, postgres, _, url = faulty
    rest = RestClient(stack)
    sender = f"down-{uuid.uuid4().hex[:8]}"
    say(stack, sender, "hi")

    async def widget_during_outage():
        widget = await Widget(stack).open()
        try:
            postgres.stop()
            await widget.send("tents under 300")
            return await widget.wait_for(lambda m: "give me a moment" in (m.get("text") or ""), 60)
        finally:
            await widget.close()

    try:
        apology = asyncio.run(widget_during_outage())
        status, body = rest.send(sender, "tents under 300")
    finally:
        if not postgres.data.joinpath("postmaster.pid").exists():
            postgres.start()
    assert "try again" in apology["text"]
    assert status == 503 and "try again" in str(body)
    time.sleep(2)
    assert first_products(say(stack, sender, "tents under 300"))
    engine = create_engine(url)
    with engine.connect() as connection:
        users = connection.execute(sql("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' "
                                       "ORDER BY id"), {"s": RestClient.conversation_id(sender)}).scalars().all()
    engine.dispose()
    assert [__import__("json").loads(u)["text"] for u in users] == ["hi", "tents under 300"]


def test_action_server_killed_and_restarted(faulty):
    stack, _, _, url = faulty
    with Background(stack, seconds=25) as load:
        killed = time.monotonic()
        for name in ("actions-1", "actions-2"):
            signal_group(stack.process(name), signal.SIGKILL)
        time.sleep(6)
        restarting = time.monotonic()
    result = load.result
    during = [t for t in after(result, killed + 1) if t.started < restarting and t.text in NEEDS_ACTION]
    assert during and all(t.outcome == "apology" for t in during), [(t.text, t.outcome) for t in during]
    assert not [t for t in result.turns if t.outcome in ("no_reply", "timeout")]
    stack.restart("actions-1")
    sender = f"back-{uuid.uuid4().hex[:8]}"
    assert first_products(say(stack, sender, "tents under 300"))          # the next turn works
    assert_stored_once(result, url)


def test_killing_one_rasa_server_moves_customers_to_the_other(faulty):
    stack, _, _, url = faulty
    with Background(stack, customers=8, seconds=40) as load:
        killed = time.monotonic()
        signal_group(stack.process("rasa-1"), signal.SIGKILL)
    result = load.result
    failures = set(result.errors)
    assert all(kind.startswith(CLEAN_ERRORS) for kind in failures), failures   # clean 502/503 at worst
    later = after(result, killed + 8)                   # out of HAProxy's rotation by now
    assert later and all(t.outcome == "ok" for t in later), result.outcomes()
    assert all(t.outcome == "ok" for t in result.turns), result.outcomes()     # retries answered every message
    senders = {r.sender for r in result.records if r.sent}
    assert len(senders) >= 8
    assert_stored_once(result, url)                                         # retries stored once
