"""Starts the action server, the Rasa server and the web process (demo shop +
chat widget), waits until all answer, and stops them cleanly. Used by `make run`, the end-to-end tests and the benchmarks."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot.action_server import TOKEN_HEADER
from bot.private_files import private_file, private_sqlite
from bot.settings import ROOT, Settings, absolute_sqlite_url, origin_list
from bot.training import rasa_env


def _kept_secret(settings: Settings, configured: str, filename: str, length: int) -> str:
    """A configured secret, or one generated once and kept under var/ (mode 600)."""
    if configured:
        return configured
    path = settings.path("var_dir") / filename
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(length)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def api_token(settings: Settings) -> str:
    """The token protecting Rasa's HTTP API."""
    return _kept_secret(settings, settings.rasa_api_token, "api_token", 24)


def widget_secret(settings: Settings) -> str:
    """The secret signing the widget's session tokens (shared by the web process
    and Rasa's socket.io channel)."""
    return _kept_secret(settings, settings.widget_session_secret, "widget_secret", 32)


def checkout_secret(settings: Settings) -> str:
    """The secret signing checkout links (the action server issues them, the web
    process follows them)."""
    return _kept_secret(settings, settings.checkout_link_secret, "checkout_secret", 32)


def actions_token(settings: Settings) -> str:
    """The secret Rasa sends with every action call (bot/action_server.py checks it)."""
    return _kept_secret(settings, settings.actions_token, "actions_token", 32)


def secrets_env(settings: Settings) -> Dict[str, str]:
    """The secrets every process gets through its environment (never its command line)."""
    return {"RASA_API_TOKEN": api_token(settings), "ACTIONS_TOKEN": actions_token(settings),
            "WIDGET_SESSION_SECRET": widget_secret(settings), "CHECKOUT_LINK_SECRET": checkout_secret(settings)}


def app_python(settings: Settings) -> str:
    python = settings.path("app_venv") / "bin" / "python"
    return str(python) if python.exists() else sys.executable


def action_server_command(settings: Settings, port: Optional[int] = None,
                          interface: Optional[str] = None) -> List[str]:
    """An action server on `interface`:`port` (default: the settings'); it reads
    ACTIONS_TOKEN from the environment."""
    return [app_python(settings), "-m", "bot.action_server", "--actions", "actions",
            "--port", str(port or settings.actions_port), "--interface", interface or settings.actions_interface]


def rasa_server_command(settings: Settings, model: Path, port: Optional[int] = None,
                        interface: Optional[str] = None) -> List[str]:
    """A Rasa server with the API on; it reads RASA_API_TOKEN from the environment
    (bot/rasa_server.py), so the token is not in the process list."""
    python = str(settings.path("rasa_venv") / "bin" / "python")
    return [python, "-m", "bot.rasa_server", "run", "--model", str(model), "--enable-api",
            "--port", str(port or settings.rasa_port), "--interface", interface or settings.rasa_host,
            "--cors", *origin_list(settings.cors_origins),
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]


def private_databases(settings: Settings) -> None:
    """The SQLite files of customers' data and staff accounts, created 0600 before any
    process opens them (and made 0600 if an earlier version left them readable)."""
    urls = [settings.profile_db_url, settings.console_db_url, f"sqlite:///{settings.path('var_dir') / 'channels.db'}"]
    if settings.tracker_db_dialect == "sqlite":
        urls.append(f"sqlite:///{settings.tracker_db_name}")
    for url in urls:
        private_sqlite(absolute_sqlite_url(url))


def _request(url: str, payload: Optional[dict] = None, timeout: float = 5,
             headers: Optional[Dict[str, str]] = None) -> Optional[dict]:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return json.loads(body) if body.strip().startswith((b"{", b"[")) else {"text": body.decode()}
    except (urllib.error.URLError, OSError, ValueError):
        return None


# What the launcher sends an action server to learn that it is ready.
ACTION_PING = {"next_action": "action_ping", "sender_id": "launcher-readiness-check",
               "tracker": {"sender_id": "launcher-readiness-check", "slots": {}, "latest_message": {},
                           "events": [], "paused": False, "followup_action": None,
                           "active_loop": {}, "latest_action_name": None},
               "domain": {}, "version": "3.6.21"}


def action_server_ready(url: str, settings: Settings, timeout: float = 60) -> bool:
    """True when the action server at `url` (its /webhook) runs an action for us:
    the ping carries the shared secret, like every call Rasa makes."""
    return _request(url, ACTION_PING, timeout=timeout, headers={TOKEN_HEADER: actions_token(settings)}) is not None


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


@dataclass
class Stack:
    settings: Settings
    model: Path
    log_dir: Path
    extra_env: Dict[str, str] = field(default_factory=dict)
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.settings.rasa_host}:{self.settings.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.settings.actions_host}:{self.settings.actions_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.settings.web_host}:{self.settings.web_port}"

    @property
    def console_url(self) -> str:
        """Where staff reach the console: under the web process, or its own address."""
        if self.settings.console_separate:
            return f"http://{self.settings.console_host}:{self.settings.console_port}/console"
        return self.web_url + "/console"

    @property
    def token(self) -> str:
        return api_token(self.settings)

    def _env(self) -> Dict[str, str]:
        env = rasa_env(self.settings)
        env.update(self.extra_env)
        env.update(self.settings.as_env())      # normalised values win over raw overrides
        env.update(secrets_env(self.settings))
        return env

    @property
    def python(self) -> str:
        return app_python(self.settings)

    def actions_command(self, port) -> List[str]:
        return action_server_command(self.settings, port)

    @staticmethod
    def actions_env(env: Dict[str, str]) -> Dict[str, str]:
        return dict(env, SHOP_ACTIONS_WARM_UP="1")

    def rasa_command(self, port) -> List[str]:
        return rasa_server_command(self.settings, self.model, port)

    def _spawn(self, name: str, command: List[str], env: Dict[str, str]) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        log = open(private_file(self.log_dir / f"{name}.log"), "ab")   # logs quote customers
        # Own process group, so Ctrl-C in the terminal reaches us first and we
        # stop the children in order. umask 077: whatever they create (databases,
        # logs) is their owner's only.
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True, umask=0o077)
        self.processes.append(process)
        return process

    def start(self) -> "Stack":
        # Another instance on our ports would answer the readiness checks for us.
        ports = [self.settings.actions_port, self.settings.rasa_port, self.settings.web_port]
        if self.settings.console_separate:
            ports.append(self.settings.console_port)
        for port in ports:
            if port_in_use(int(port)):
                raise RuntimeError(f"port {port} is already in use - is the assistant already running? "
                                   "Set RASA_PORT / ACTIONS_PORT / WEB_PORT to use other ports.")
        private_databases(self.settings)
        env = self._env()
        self._spawn("actions", self.actions_command(self.settings.actions_port), self.actions_env(env))
        self._spawn("rasa", self.rasa_command(self.settings.rasa_port), env)
        self._spawn("web", [self.python, "-m", "bot.web"], env)
        self.wait_ready(float(self.settings.startup_timeout))
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        actions_ready = rasa_ready = web_ready = False
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"a server exited during start-up (code {process.returncode}); "
                                       f"see logs in {self.log_dir}")
            if not actions_ready:
                actions_ready = action_server_ready(self.actions_url + "/webhook", self.settings)
            if actions_ready and not rasa_ready:
                status = _request(f"{self.rasa_url}/status?token={self.token}")
                rasa_ready = bool(status and status.get("model_file"))
            if not web_ready:
                web_ready = _request(self.web_url + "/health", timeout=5) is not None
            if actions_ready and rasa_ready and web_ready:
                return
            time.sleep(0.5)
        raise TimeoutError(f"servers not ready after {timeout:.0f}s; see logs in {self.log_dir}")

    def stop(self, timeout: float = 20) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
