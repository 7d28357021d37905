"""Redis lock store that is safe with several Rasa replicas.

Rasa 3.6's RedisLockStore keeps each conversation's ticket queue as one Redis
value and updates it by read-modify-write. Two replicas receiving messages of
the same customer at the same moment can both read the queue, hand out the
same ticket and process in parallel, so one turn's events overwrite the other's
(tests/test_e2e_scale_out.py caught a lost message). Here every read-modify-write
of a queue happens under a short Redis mutex (SET NX with expiry), which makes
ticket handling atomic across processes.

When Redis is briefly unreachable (restarted), a message waits for it instead
of failing at once; a ticket that cannot be cleaned up expires by itself.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, Text, TypeVar

import redis
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore, TicketLock
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

MUTEX_SECONDS = 5          # a queue update takes milliseconds; expiry guards against a crashed holder
MUTEX_WAIT_SECONDS = 10
# While Redis is unreachable (restarting), a message waits this long for it
# before failing (the REST channel then answers 503, the widget an apology).
OUTAGE_WAIT_SECONDS = float(os.environ.get("LOCK_STORE_OUTAGE_SECONDS") or 20)
T = TypeVar("T")


def _unreachable(error: BaseException) -> bool:
    causes = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
    return isinstance(error, causes) or (isinstance(error, LockError) and isinstance(error.__context__, causes))


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            options = {k: v for k, v in endpoint_config.kwargs.items() if v not in (None, "")}
            kwargs = {"host": endpoint_config.url or "localhost", **options, **kwargs}
        if "port" in kwargs:
            kwargs["port"] = int(kwargs["port"])
        if "db" in kwargs:
            kwargs["db"] = int(kwargs["db"])
        super().__init__(**kwargs)

    def _mutex(self, conversation_id: Text):
        return self.red.lock(f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_SECONDS,
                             blocking_timeout=MUTEX_WAIT_SECONDS)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)

    async def _when_reachable(self, operation: Callable[[], T]) -> T:
        deadline = time.monotonic() + OUTAGE_WAIT_SECONDS
        while True:
            try:
                return operation()
            except Exception as error:
                if not _unreachable(error) or time.monotonic() > deadline:
                    raise
                logger.warning("lock store unreachable (%s); retrying", error)
                await asyncio.sleep(0.5)

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        ticket = await self._when_reachable(lambda: self.issue_ticket(conversation_id, lock_lifetime))
        try:
            deadline = time.monotonic() + OUTAGE_WAIT_SECONDS
            while True:
                try:
                    acquired = await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
                    break
                except Exception as error:
                    if not _unreachable(error) or time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.5)
            yield acquired
        finally:
            try:
                await self._when_reachable(lambda: self.cleanup(conversation_id, ticket))
            except Exception as error:   # the ticket expires after its lifetime
                logger.warning("could not release a conversation lock (%s); it expires by itself", error)
