"""The scale-out profile: N Rasa servers and M action servers behind HAProxy,
on PostgreSQL (tracker store, profile store, support console) and Redis (lock
store, socket.io messages between replicas). `make run-scaled`, or
`python -m bot run --scaled --rasa N --actions M`.

Customers reach HAProxy on RASA_PORT (REST, socket.io with sticky sessions,
webhooks, the HTTP API); Rasa reaches the action servers through HAProxy on
ACTIONS_PORT. Each Rasa server and action server listens on its own port from
SCALED_FIRST_PORT on. Every process logs to var/logs/; stop() ends them all.
"""
from __future__ import annotations

import shutil
import string
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Dict, List, Optional

from sqlalchemy.engine import make_url

from bot.launcher import Stack, _request, action_server_ready, port_in_use
from bot.settings import REDIS_LOCK_STORE, ROOT, Settings, load_settings

TEMPLATE = ROOT / "bot" / "templates" / "haproxy.cfg"


def _answers(url: str) -> bool:
    return _request(url, timeout=30) is not None


def storage_env(postgres_url: str, redis_url: str) -> Dict[str, str]:
    """Settings (environment) for PostgreSQL and Redis, from two URLs."""
    url = make_url(postgres_url)
    redis = redis_url.rstrip("/")
    host_port = redis.split("://", 1)[-1].split("/", 1)[0]
    redis_host, _, redis_port = host_port.rpartition("@")[2].partition(":")
    sql = url.set(drivername="postgresql+psycopg2").render_as_string(hide_password=False)
    return {
        "TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB_HOST": url.host or "127.0.0.1",
        "TRACKER_DB_PORT": str(url.port or 5432), "TRACKER_DB_NAME": url.database or "shop",
        "TRACKER_DB_USER": url.username or "", "TRACKER_DB_PASSWORD": url.password or "",
        "PROFILE_DB_URL": sql, "CONSOLE_DB_URL": sql, "CONSOLE_TRACKER_DB_URL": sql,
        "LOCK_STORE_TYPE": "redis", "LOCK_STORE_HOST": redis_host or "127.0.0.1",
        "LOCK_STORE_PORT": redis_port or "6379", "LOCK_STORE_DB": "1",
        "WIDGET_SOCKET_REDIS_URL": f"{redis}/2",
    }


def ensure_database(postgres_url: str) -> None:
    """Create the database when it is missing and the server lets us (a managed
    one may not; then it must exist already)."""
    from sqlalchemy import create_engine, text

    url = make_url(postgres_url).set(drivername="postgresql+psycopg2")
    probe = create_engine(url, pool_pre_ping=True)
    try:
        with probe.connect():
            return
    except Exception:
        pass
    finally:
        probe.dispose()
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        admin.dispose()


def haproxy_config(bind_host: str, public_port: int, actions_port: int, rasa_ports: List[int],
                   action_ports: List[int]) -> str:
    rasa = "\n".join(f"    server rasa{i + 1} 127.0.0.1:{p} check cookie rasa{i + 1}" for i, p in enumerate(rasa_ports))
    actions = "\n".join(f"    server actions{i + 1} 127.0.0.1:{p} check" for i, p in enumerate(action_ports))
    return string.Template(TEMPLATE.read_text()).substitute(
        bind_host=bind_host, public_port=public_port, actions_port=actions_port,
        rasa_servers=rasa, action_servers=actions)


@dataclass
class ScaledStack:
    settings: Settings
    model: Path
    log_dir: Path
    rasa: int = 2
    actions: int = 2
    extra_env: Dict[str, str] = field(default_factory=dict)
    rasa_ports: List[int] = field(default_factory=list)
    action_ports: List[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        first = int(self.settings.scaled_first_port)
        self.rasa_ports = self.rasa_ports or [first + i for i in range(self.rasa)]
        self.action_ports = self.action_ports or [first + 50 + i for i in range(self.actions)]
        self.stack = Stack(self.settings, self.model, self.log_dir, extra_env=self.extra_env)
        self.named: Dict[str, object] = {}

    # what clients use: the load balancer
    @property
    def rasa_url(self) -> str:
        return self.stack.rasa_url

    @property
    def web_url(self) -> str:
        return self.stack.web_url

    @property
    def token(self) -> str:
        return self.stack.token

    @property
    def processes(self):
        return self.stack.processes

    def _haproxy(self) -> str:
        found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
        if not found:
            raise RuntimeError("HAProxy is not installed: `make run-scaled` installs it (apt-get install haproxy)")
        return found

    def _spawn(self, name: str, command: List[str], env: Dict[str, str]):
        process = self.stack._spawn(name, command, env)
        self.named[name] = process
        return process

    def start(self) -> "ScaledStack":
        haproxy = self._haproxy()
        s = self.settings
        ports = [int(s.rasa_port), int(s.actions_port), int(s.web_port)] + self.rasa_ports + self.action_ports
        for port in ports:
            if port_in_use(port):
                raise RuntimeError(f"port {port} is already in use - is the assistant already running? "
                                   "Set RASA_PORT / ACTIONS_PORT / WEB_PORT / SCALED_FIRST_PORT.")
        ensure_database(s.profile_db_url)
        env = self.stack._env()
        for number, port in enumerate(self.action_ports, 1):
            self._spawn(f"actions-{number}", self.stack.actions_command(port),
                        self.stack.actions_env(dict(env, ACTIONS_PORT=str(port))))
        for number, port in enumerate(self.rasa_ports, 1):
            self._spawn(f"rasa-{number}", self.stack.rasa_command(port), env)
        config = s.path("var_dir") / "haproxy.cfg"
        config.write_text(haproxy_config(s.rasa_host, int(s.rasa_port), int(s.actions_port),
                                         self.rasa_ports, self.action_ports))
        self._spawn("haproxy", [haproxy, "-f", str(config), "-db"], env)
        self._spawn("web", [self.stack.python, "-m", "bot.web"], env)
        self.wait_ready(float(s.startup_timeout))
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = {f"actions-{n}": f"http://127.0.0.1:{p}/webhook" for n, p in enumerate(self.action_ports, 1)}
        pending.update({f"rasa-{n}": f"http://127.0.0.1:{p}/status?token={self.token}"
                        for n, p in enumerate(self.rasa_ports, 1)})
        pending["haproxy"] = f"{self.rasa_url}/lb-health"
        pending["web"] = f"{self.web_url}/health"
        while pending and time.monotonic() < deadline:
            for name, process in self.named.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited during start-up (code {process.returncode}); "
                                       f"see {self.log_dir}/{name}.log")
            for name, url in list(pending.items()):
                if name.startswith("actions-"):
                    ok = action_server_ready(url, self.settings)
                elif name.startswith("rasa-"):
                    status = _request(url)
                    ok = bool(status and status.get("model_file"))
                else:
                    ok = _request(url, timeout=5) is not None
                if ok:
                    del pending[name]
            time.sleep(0.5)
        if pending:
            raise TimeoutError(f"not ready after {timeout:.0f}s: {', '.join(sorted(pending))}; see {self.log_dir}")
        # HAProxy sees every server up (health checks run every 2 seconds)
        time.sleep(4.5)

    def process(self, name: str):
        return self.named[name]

    def restart(self, name: str, wait: float = 240) -> None:
        """Start a stopped Rasa or action server again on its port (fault tests)."""
        env = self.stack._env()
        number = int(name.rsplit("-", 1)[1])
        if name.startswith("actions-"):
            port = self.action_ports[number - 1]
            command, env = self.stack.actions_command(port), self.stack.actions_env(dict(env, ACTIONS_PORT=str(port)))
            ready = partial(action_server_ready, f"http://127.0.0.1:{port}/webhook", self.settings, 30)
        else:
            port = self.rasa_ports[number - 1]
            command = self.stack.rasa_command(port)
            ready = partial(_answers, f"http://127.0.0.1:{port}/")
        old = self.named.get(name)
        if old is not None and old in self.stack.processes:
            self.stack.processes.remove(old)
        process = self._spawn(name, command, env)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited on restart; see {self.log_dir}/{name}.log")
            if ready():
                time.sleep(4.5)         # the load balancer's health checks see it
                return
            time.sleep(0.5)
        raise TimeoutError(f"{name} not ready after restart")

    def stop(self, timeout: float = 20) -> None:
        self.stack.stop(timeout)


def scaled_env(settings: Settings, base: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """PostgreSQL and Redis for the scaled profile: SCALED_POSTGRES_URL and
    SCALED_REDIS_URL, unless the individual settings are set in the environment."""
    import os

    environ = dict(os.environ if base is None else base)
    derived = storage_env(settings.scaled_postgres_url, settings.scaled_redis_url)
    return {key: environ.get(key) or value for key, value in derived.items()}


def scaled_settings(environ: Optional[Dict[str, str]] = None) -> tuple:
    """The settings of the scaled profile and the environment overrides behind them."""
    import os

    base = dict(os.environ if environ is None else environ)
    overrides = scaled_env(load_settings(base), base)
    settings = load_settings({**base, **overrides})
    assert settings.lock_store_type == REDIS_LOCK_STORE
    return settings, overrides
