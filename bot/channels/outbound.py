"""Calls to the platforms' APIs (aiohttp). Never raises: a failed call is logged
and reported back, so a platform outage cannot fail a conversation turn."""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, Optional

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 15


@dataclass
class Reply:
    status: int                  # 0 when the request did not get an answer
    body: Any = None             # parsed JSON, or None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class ApiClient:
    """One aiohttp session per event loop (created on first use, inside the
    server's loop - Rasa's own Telegram channel breaks by creating it elsewhere)."""

    def __init__(self, platform: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.platform = platform
        self.timeout = timeout
        self._session: Optional[aiohttp.ClientSession] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    def _current(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
            self._loop = loop
        return self._session

    async def post(self, url: str, *, json_body: Optional[Dict[str, Any]] = None,
                   form: Optional[Dict[str, str]] = None, headers: Optional[Dict[str, str]] = None,
                   auth: Optional[aiohttp.BasicAuth] = None, what: str = "") -> Reply:
        try:
            session = self._current()
            async with session.post(url, json=json_body, data=form, headers=headers, auth=auth) as response:
                raw = await response.read()
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                if response.status >= 300:
                    logger.warning("%s %s answered %s: %s", self.platform, what or "call", response.status,
                                   raw[:500].decode("utf-8", "replace"))
                return Reply(response.status, body)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError) as error:
            logger.warning("%s %s failed: %r", self.platform, what or "call", error)
            return Reply(0, None)

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
