"""The profile store as the console reads it (PROFILE_DB_URL): experiment figures
and customer types. One store per URL for the process (it keeps a connection pool)."""
from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional

_stores: Dict[str, Any] = {}
_lock = threading.Lock()


def profile_store(settings):
    from actions.profiles import ProfileStore

    url = settings.profile_db_url
    with _lock:
        if url not in _stores:
            _stores[url] = ProfileStore(url)
        return _stores[url]


def customer_type_names() -> List[str]:
    """The types a customer can have (bot/behaviour.yml decides the default's name)."""
    from actions.behaviour.config import behaviour_config
    from actions.behaviour.customer_types import TYPES

    return list(TYPES) + [str(behaviour_config().get("customer_types", {}).get("default", "occasional_buyer"))]


def senders_of_type(settings, customer_type: str) -> Optional[List[str]]:
    """Customer ids (= conversation ids) last classified as this type; None for no filter."""
    if not customer_type:
        return None
    return profile_store(settings).customers_of_type(customer_type)
