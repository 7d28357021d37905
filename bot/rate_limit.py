"""Token-bucket rate limits kept in memory (plain Python).

A bucket per key (a conversation, a client address) holds up to `per_minute`
tokens and refills at `per_minute` a minute; a message takes one token from
every bucket it counts against, or none if any of them is empty. Each process
keeps its own buckets: with several replicas a client gets up to that many
times the limit, which still bounds what one client can cost.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Dict, Optional, Sequence, Tuple

MAX_KEYS = 100_000


class RateLimiter:
    def __init__(self, per_minute: float, max_keys: int = MAX_KEYS) -> None:
        self.capacity = float(per_minute)
        self.rate = float(per_minute) / 60.0
        self.max_keys = max_keys
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()   # key -> (tokens, at)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def _tokens(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - at) * self.rate)

    def wait(self, key: str, now: float) -> float:
        """Seconds until `key` has a token again (0: it has one now)."""
        tokens = self._tokens(key, now)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, key: str, now: float) -> None:
        self._buckets[key] = (self._tokens(key, now) - 1, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)


def admit(limits: Sequence[Tuple[RateLimiter, str]], now: Optional[float] = None) -> float:
    """0 when every (limiter, key) has a token (they are all taken), else the seconds
    to wait before trying again (nothing is taken)."""
    now = time.monotonic() if now is None else now
    active = [(limiter, key) for limiter, key in limits if limiter.enabled]
    locks = sorted({id(l): l._lock for l, _ in active}.items())
    for _, lock in locks:
        lock.acquire()
    try:
        wait = max((limiter.wait(key, now) for limiter, key in active), default=0.0)
        if wait == 0:
            for limiter, key in active:
                limiter.take(key, now)
        return wait
    finally:
        for _, lock in reversed(locks):
            lock.release()


class ChatLimits:
    """What one chat channel allows: messages per minute per conversation and per address."""

    def __init__(self, per_session: float, per_address: float) -> None:
        self.session = RateLimiter(per_session)
        self.address = RateLimiter(per_address)

    def admit(self, session: str, address: str, now: Optional[float] = None) -> float:
        return admit([(self.session, session), (self.address, address)], now)

    @classmethod
    def from_credentials(cls, credentials: Dict, session_default: float, address_default: float) -> "ChatLimits":
        def number(name: str, default: float) -> float:
            value = (credentials or {}).get(name)
            return float(value) if value not in (None, "") else default

        return cls(number("limit_per_session", session_default), number("limit_per_address", address_default))
