"""Throwaway PostgreSQL and Redis servers on spare ports, for tests that stop
and start them (never the machine's shared servers)."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import List, Optional


def _wait_port(port: int, up: bool, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if (probe.connect_ex(("127.0.0.1", port)) == 0) == up:
                return
        time.sleep(0.2)
    raise TimeoutError(f"port {port} still {'down' if up else 'up'}")


class ThrowawayRedis:
    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log = port, log
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "ThrowawayRedis":
        # no persistence: a restart loses everything, like a cache node replaced
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no"],
                                        stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        _wait_port(self.port, True)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
        _wait_port(self.port, False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"


class ThrowawayPostgres:
    """initdb + pg_ctl as the postgres system user (initdb refuses root)."""

    def __init__(self, port: int) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.bin = Path(found[-1]).parent
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="throwaway-pg-"))
        self.data = self.dir / "data"

    def _as_postgres(self, command: List[str]) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                       timeout=120)

    def start(self) -> "ThrowawayPostgres":
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        if not self.data.exists():
            self._as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                               "--auth=trust", "--no-sync"])
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                           "-w", "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                           "start"])
        _wait_port(self.port, True)
        return self

    def stop(self) -> None:
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop"])

    def restart(self) -> None:
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "restart",
                           "-l", str(self.dir / "server.log")])

    def remove(self) -> None:
        try:
            self.stop()
        except Exception:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"
