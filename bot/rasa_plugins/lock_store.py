"""Redis lock store that is safe with several Rasa replicas.

Rasa 3.6's RedisLockStore keeps each conversation's ticket queue as one Redis
value and updates it by read-modify-write. Two replicas receiving messages of
the same customer at the same moment can both read the queue, hand out the
same ticket and process in parallel, so one turn's events overwrite the other's
(tests/test_e2e_scale_out.py caught a lost message). Here every read-modify-write
of a queue happens under a short Redis mutex (SET NX with expiry), which makes
ticket handling atomic across processes.
"""
from __future__ import annotations

from typing import Any, Optional, Text

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

MUTEX_SECONDS = 5          # a queue update takes milliseconds; expiry guards against a crashed holder
MUTEX_WAIT_SECONDS = 10


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
