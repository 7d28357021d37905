"""What the messaging channels remember between webhooks, with an expiry.

- event ids already handled (Slack retries, Telegram/Twilio/Messenger redeliveries),
- short references behind Telegram buttons whose payload is over 64 bytes,
- per customer: the products last shown as a numbered list and the quick replies
  last offered, so "2" or a reply-keyboard tap means what the customer saw.

Kept in one SQLite file (default <var_dir>/channels.db) so a restart of the Rasa
server neither forgets handled events nor breaks the buttons already in chats.
Keys are stored as SHA-256 hashes, so the file holds no phone numbers or user ids.
Several Rasa replicas on one host can share the file; replicas on different
hosts each keep their own (see README).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from typing import Any, Callable, Optional

from bot.private_files import private_file

SCHEMA = """
CREATE TABLE IF NOT EXISTS channel_memory (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    expires REAL NOT NULL
)"""
PRUNE_EVERY = 500


class ChannelMemory:
    def __init__(self, path: str = "", clock: Callable[[], float] = time.time) -> None:
        self.path = path or ":memory:"
        if self.path != ":memory:":
            private_file(self.path)               # handled ids and picks of customers: owner only
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=10, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL" if self.path != ":memory:" else "PRAGMA journal_mode=MEMORY")
        self._db.execute(SCHEMA)
        self._writes = 0

    @staticmethod
    def _key(namespace: str, key: str) -> str:
        return hashlib.sha256(f"{namespace}\x00{key}".encode("utf-8")).hexdigest()

    def _maybe_prune(self) -> None:
        self._writes += 1
        if self._writes % PRUNE_EVERY == 0:
            self._db.execute("DELETE FROM channel_memory WHERE expires <= ?", (self._clock(),))

    def put(self, namespace: str, key: str, value: Any, ttl: float) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO channel_memory (key, value, expires) VALUES (?, ?, ?)",
                             (self._key(namespace, key), json.dumps(value), self._clock() + ttl))
            self._maybe_prune()

    def get(self, namespace: str, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value, expires FROM channel_memory WHERE key = ?",
                                   (self._key(namespace, key),)).fetchone()
        if row is None or row[1] <= self._clock():
            return default
        try:
            return json.loads(row[0])
        except ValueError:
            return default

    def claim(self, namespace: str, key: str, ttl: float) -> bool:
        """True the first time a key is claimed (until it expires), False after that.
        Atomic, so two deliveries of one event racing each other get one True."""
        return self.claimed_at(namespace, key, ttl) is None

    def claimed_at(self, namespace: str, key: str, ttl: float) -> Optional[float]:
        """None the first time a key is claimed (until it expires, and the key is now
        claimed); after that, when it was first claimed (0 if not known)."""
        hashed = self._key(namespace, key)
        now = self._clock()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM channel_memory WHERE key = ? AND expires <= ?", (hashed, now))
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO channel_memory (key, value, expires) VALUES (?, ?, ?)",
                    (hashed, json.dumps({"claimed_at": now}), now + ttl))
                earlier = None
                if cursor.rowcount != 1:
                    earlier = self._db.execute("SELECT value FROM channel_memory WHERE key = ?",
                                               (hashed,)).fetchone()
                self._db.execute("COMMIT")
            except Exception:
                self._db.execute("ROLLBACK")
                raise
            self._maybe_prune()
        if earlier is None:
            return None
        try:
            return float(json.loads(earlier[0]).get("claimed_at") or 0)
        except (ValueError, AttributeError, TypeError):
            return 0.0          # claimed before claim times were kept

    def close(self) -> None:
        with self._lock:
            self._db.close()


_shared: dict = {}


def memory_at(path: str) -> ChannelMemory:
    """One ChannelMemory per file per process (the channels share it)."""
    key = path or ":memory:"
    if key not in _shared:
        _shared[key] = ChannelMemory(path)
    return _shared[key]


def optional_str(value: Optional[Any]) -> str:
    return str(value).strip() if value is not None else ""
