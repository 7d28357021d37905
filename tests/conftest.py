"""Shared fixtures: real settings, a real index with the real encoder, real
SQLite files, and rasa-sdk trackers built like the action server builds them."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.settings import load_settings  # noqa: E402


def settings_for(tmp: Path, **overrides: str):
    env = dict(os.environ)
    env.update({"SHOP_VAR_DIR": str(tmp), "PROFILE_DB_URL": f"sqlite:///{tmp}/profiles.db",
                "TRACKER_DB_NAME": str(tmp / "tracker.db")})
    env.update(overrides)
    return load_settings(env)


@pytest.fixture(scope="session")
def session_tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("shop")


@pytest.fixture(scope="session")
def runtime(session_tmp):
    """The action runtime on the demo catalog: real encoder, real FAISS, real SQLite."""
    from actions import runtime as runtime_module

    built = runtime_module.build_runtime(settings_for(session_tmp))
    runtime_module.reset_runtime_for_tests(built)
    yield built
    runtime_module.reset_runtime_for_tests(None)


@pytest.fixture(scope="session")
def encoder(runtime):
    return runtime.encoder


class Conversation:
    """Builds rasa-sdk Trackers turn by turn and runs actions on them, keeping
    slots between turns the way the Rasa server would."""

    def __init__(self, runtime, sender: str) -> None:
        self.runtime = runtime
        self.sender = sender
        self.slots: Dict[str, Any] = {}
        self.messages: List[Dict[str, Any]] = []
        self.events: List[Dict[str, Any]] = []

    def tracker(self, text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None,
                confidence: float = 1.0):
        from rasa_sdk import Tracker

        latest = {"text": text, "intent": {"name": intent, "confidence": confidence},
                  "entities": entities or [], "intent_ranking": []}
        return Tracker(self.sender, dict(self.slots), latest, [], False, None, {}, "action_listen")

    def run(self, action_cls, text: str = "", intent: str = "", entities=None,
            confidence: float = 1.0) -> List[Dict[str, Any]]:
        from rasa_sdk.executor import CollectingDispatcher

        dispatcher = CollectingDispatcher()
        events = action_cls()._safe_handle(dispatcher, self.tracker(text, intent, entities, confidence), {})
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
            elif event.get("event") == "reset_slots":
                self.slots = {}
        self.messages = dispatcher.messages
        self.events = events
        return dispatcher.messages

    def products(self) -> List[Dict[str, Any]]:
        found = []
        for message in self.messages:
            custom = message.get("custom") or {}
            if custom.get("type") == "products":
                found.append(custom["products"])
        return found[0] if found else []

    def services(self) -> Optional[Dict[str, Any]]:
        for message in self.messages:
            custom = message.get("custom") or {}
            if custom.get("type") == "services":
                return custom
        return None

    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.messages)


@pytest.fixture
def conversation(runtime, request):
    import uuid

    return Conversation(runtime, f"test-{request.node.name[:40]}-{uuid.uuid4().hex[:8]}")


# -- real PostgreSQL ------------------------------------------------------------
@pytest.fixture(scope="module")
def postgres_database():
    """A throwaway database on the PostgreSQL server (TEST_POSTGRES_URL), dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text

    admin = create_engine(load_settings().test_postgres_url, isolation_level="AUTOCOMMIT")
    name = f"shop_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - only without a PostgreSQL server
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    yield admin.url.set(database=name)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def profile_store(request, tmp_path):
    """A ProfileStore on a real SQLite file and on a throwaway PostgreSQL database."""
    from actions.profiles import ProfileStore

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/profiles.db"
    else:
        url = request.getfixturevalue("postgres_database").render_as_string(hide_password=False)
    store = ProfileStore(url)
    yield store
    store.dispose()


# -- the real stack -------------------------------------------------------------
class RestClient:
    """Talks to the running Rasa server over its REST channel (with the stack's REST
    credential) and HTTP API."""

    def __init__(self, stack) -> None:
        self.stack = stack
        self.base = stack.rasa_url
        self.headers = {"Content-Type": "application/json",
                        "Authorization": f"Bearer {stack.settings.rest_channel_token}"}

    @staticmethod
    def conversation_id(sender) -> str:
        """The id Rasa stores a REST sender's conversation under (for the HTTP API and stores)."""
        from bot.identity import rest_conversation_id

        return rest_conversation_id(sender)

    def send(self, sender: str, message, raw: bytes = None):
        import json
        import urllib.request

        data = raw if raw is not None else json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(self.base + "/webhooks/rest/webhook", data=data, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"[]")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def say(self, sender: str, message: str):
        status, replies = self.send(sender, message)
        assert status == 200, replies
        return replies

    def api(self, path: str):
        import json
        import urllib.request

        separator = "&" if "?" in path else "?"
        with urllib.request.urlopen(f"{self.base}{path}{separator}token={self.stack.token}", timeout=30) as response:
            return json.loads(response.read())

    def parse(self, text: str):
        import json
        import urllib.request

        request = urllib.request.Request(f"{self.base}/model/parse?token={self.stack.token}",
                                         data=json.dumps({"text": text}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


def products_in(replies):
    return [p for r in replies if (r.get("custom") or {}).get("type") == "products" for p in r["custom"]["products"]]


def first_products(replies):
    for reply in replies:
        if (reply.get("custom") or {}).get("type") == "products":
            return reply["custom"]["products"]
    return []


def services_in(replies):
    return [r["custom"] for r in replies if (r.get("custom") or {}).get("type") == "services"]


def text_of(replies):
    return "\n".join(r.get("text") or "" for r in replies)


def free_port() -> int:
    """A port nothing listens on now (the OS picks it), so parallel runs never collide."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Every test stack's REST credential (RestClient sends it).
TEST_REST_TOKEN = "test-rest-channel-token-0123456789"
# The first console admin of the shared stack (tests/test_e2e_handoff.py logs in with it).
STACK_ADMIN = ("admin@shop.test", "stack-admin-password-1")


def start_stack(var: Path, overrides: Dict[str, str]):
    """Real action server + real Rasa server with the trained model (+ the web process)."""
    from bot.launcher import Stack
    from bot.training import ensure_model

    overrides = {"SHOP_VAR_DIR": str(var), "RASA_API_TOKEN": "test-token", "WEB_PORT": str(free_port()),
                 "CONSOLE_DB_URL": f"sqlite:///{var}/console.db", "REST_CHANNEL_TOKEN": TEST_REST_TOKEN,
                 **overrides}
    settings = load_settings(dict(os.environ, **overrides))
    model = ensure_model(settings, quiet=True)
    running = Stack(settings, model, var / "logs", extra_env=overrides)
    try:
        running.start()
    except Exception:
        for log in (var / "logs").glob("*.log"):
            print(f"--- {log.name} ---\n" + log.read_text()[-5000:])
        running.stop()
        raise
    return running


def sqlite_overrides(var: Path) -> Dict[str, str]:
    """A stack of its own: SQLite profile and tracker stores under var, free ports."""
    return {"PROFILE_DB_URL": f"sqlite:///{var}/profiles.db", "TRACKER_DB_NAME": str(var / "tracker.db"),
            "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port())}


ARTIFACTS = ROOT / "test-artifacts"


def run_browser_script(script: str, screenshots: List[Path], env: Dict[str, str], timeout: float = 400):
    """Run tests/browser/<script> in node against Debian's Chromium (playwright-core from
    the widget's node_modules); returns the JSON line it prints last."""
    import json
    import shutil
    import subprocess

    node = shutil.which("node")
    widget_dir = ROOT / "bot" / "web" / "widget"
    if not node or not (widget_dir / "node_modules" / "playwright-core").exists() \
            or not os.path.exists("/usr/bin/chromium"):
        pytest.fail("the browser test needs node, `make setup` (playwright-core) and /usr/bin/chromium")
    ARTIFACTS.mkdir(exist_ok=True)
    for screenshot in screenshots:
        if screenshot.exists():
            screenshot.unlink()
    run = subprocess.run([node, str(ROOT / "tests" / "browser" / script)], cwd=ROOT, text=True,
                         capture_output=True, timeout=timeout,
                         env=dict(os.environ, WIDGET_DIR=str(widget_dir), ARTIFACTS=str(ARTIFACTS), **env))
    print(run.stdout[-6000:], run.stderr[-4000:])
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The embedded default on test ports: SQLite tracker and profile stores."""
    var = tmp_path_factory.mktemp("stack")
    running = start_stack(var, {
        "PROFILE_DB_URL": f"sqlite:///{var}/profiles.db", "TRACKER_DB_NAME": str(var / "tracker.db"),
        "CONSOLE_ADMIN_EMAIL": STACK_ADMIN[0], "CONSOLE_ADMIN_PASSWORD": STACK_ADMIN[1],
        "RASA_PORT": os.environ.get("TEST_RASA_PORT") or str(free_port()),
        "ACTIONS_PORT": os.environ.get("TEST_ACTIONS_PORT") or str(free_port())})
    yield running
    running.stop()


@pytest.fixture(scope="session")
def rest(stack):
    return RestClient(stack)
