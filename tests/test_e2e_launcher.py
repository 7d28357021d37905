"""`python -m bot run` (what `make run` ends in): starts both servers, says where
to talk to them and what to set before going live, protects the HTTP API with a
token that no process list shows, and stops everything on Ctrl-C."""
import json
import os
import queue
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.e2e

RASA_PORT, ACTIONS_PORT, WEB_PORT = free_port(), free_port(), free_port()
REST_TOKEN = "launcher-rest-token-0123456789"


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def status_of(url: str, data: bytes = None, headers: dict = None) -> int:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("launched")
    env = dict(os.environ, SHOP_VAR_DIR=str(tmp_path), RASA_PORT=str(RASA_PORT), ACTIONS_PORT=str(ACTIONS_PORT),
               WEB_PORT=str(WEB_PORT), REST_CHANNEL_TOKEN=REST_TOKEN,
               PROFILE_DB_URL=f"sqlite:///{tmp_path}/profiles.db", TRACKER_DB_NAME=str(tmp_path / "tracker.db"))
    for name in ("RASA_API_TOKEN", "ACTIONS_TOKEN", "SHOP_ORDER_SECRET", "TRUSTED_PROXIES", "CONSOLE_SEPARATE"):
        env.pop(name, None)
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines: "queue.Queue[str]" = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    output = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and not any("Press Ctrl-C" in line for line in output):
        try:
            output.append(lines.get(timeout=1))
        except queue.Empty:
            assert process.poll() is None, "".join(output)
    yield process, lines, output, tmp_path
    if process.poll() is None:
        process.kill()


def test_second_instance_on_the_same_ports_is_refused(launched):
    process, _, _, var = launched
    env = dict(os.environ, SHOP_VAR_DIR=str(var / "second"), RASA_PORT=str(RASA_PORT),
               ACTIONS_PORT=str(ACTIONS_PORT), WEB_PORT=str(WEB_PORT))
    second = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert second.returncode == 1 and "already in use" in second.stderr
    assert process.poll() is None                    # the first instance is untouched


def test_run_serves_protects_the_api_and_stops_cleanly_on_ctrl_c(launched):
    process, lines, output, var = launched
    banner = "".join(output)
    assert f"127.0.0.1:{RASA_PORT}/webhooks/rest/webhook" in banner and "socket.io" in banner
    assert f"http://127.0.0.1:{WEB_PORT}/widget.js" in banner             # the demo shop and widget
    assert status_of(f"http://127.0.0.1:{WEB_PORT}/health") == 200

    # what a shop must still set is said at start, one warning each (the token is never printed)
    assert "Before going live" in banner and REST_TOKEN not in banner
    for setting in ("WEB_PUBLIC_URL", "SHOP_BASE_URL", "TRUSTED_PROXIES", "CONSOLE_SEPARATE", "SHOP_ORDER_SECRET"):
        assert f"warning: {setting}" in banner, setting
    assert "warning: REST_CHANNEL_TOKEN" not in banner                 # set here

    body = json.dumps({"sender": "launcher", "message": "tents under 300"}).encode()
    rest = f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook"
    assert status_of(rest, body) == 401                                  # REST needs its credential
    assert status_of(rest, body, {"Authorization": f"Bearer {REST_TOKEN}"}) == 200
    token_file = var / "api_token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = token_file.read_text().strip()
    # no process shows the API token or the action server's secret on its command line
    actions_token = (var / "actions_token").read_text().strip()
    cmdlines = []
    for proc in os.listdir("/proc"):
        try:
            cmdlines.append(open(f"/proc/{proc}/cmdline", "rb").read().decode(errors="replace"))
        except OSError:
            continue
    assert any("bot.rasa_server" in line and str(RASA_PORT) in line for line in cmdlines)
    assert not any(token in line or actions_token in line for line in cmdlines)
    tracker = f"http://127.0.0.1:{RASA_PORT}/conversations/rest:launcher/tracker"
    assert status_of(tracker) == 401
    assert status_of(tracker + "?token=wrong") == 401
    assert status_of(tracker + f"?token={token}") == 200

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    assert "stopped." in "".join(rest)
    assert not port_open(RASA_PORT) and not port_open(ACTIONS_PORT) and not port_open(WEB_PORT)
