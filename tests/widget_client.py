"""A socket.io client that talks to the Rasa server the way rasa-webchat does
(used by the widget, handoff and scale-out tests)."""
from __future__ import annotations

import asyncio
import time

import socketio


class Widget:
    def __init__(self, stack) -> None:
        self.url = stack.rasa_url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.session = None
        self.received: "asyncio.Queue[dict]" = asyncio.Queue()
        self._confirmed: "asyncio.Queue[str]" = asyncio.Queue()
        self.sio.on("session_confirm", self._on_confirm)
        self.sio.on("bot_uttered", self._on_bot)

    async def _on_confirm(self, data):
        await self._confirmed.put(data["session_id"] if isinstance(data, dict) else data)

    async def _on_bot(self, data):
        await self.received.put(data)

    async def open(self, session_id=None, request_session=True, headers=None) -> "Widget":
        await self.sio.connect(self.url, socketio_path="/socket.io", transports=["websocket"], headers=headers or {})
        if request_session:
            await self.sio.emit("session_request", {"session_id": session_id})
            self.session = await asyncio.wait_for(self._confirmed.get(), 30)
        else:
            self.session = session_id
        return self

    async def close(self) -> None:
        await self.sio.disconnect()

    async def send(self, text: str) -> None:
        await self.sio.emit("user_uttered", {"message": text, "session_id": self.session, "customData": {}})

    async def say(self, text: str, timeout: float = 120, quiet: float = 3.0) -> list:
        await self.send(text)
        return await self.replies(timeout, quiet)

    async def replies(self, timeout: float = 120, quiet: float = 3.0) -> list:
        """Everything the bot sends for one turn: the first reply, then until it goes quiet."""
        got = [await asyncio.wait_for(self.received.get(), timeout)]
        while True:
            try:
                got.append(await asyncio.wait_for(self.received.get(), quiet))
            except asyncio.TimeoutError:
                return got

    async def collect(self, seconds: float) -> list:
        """Whatever arrives within `seconds` (nothing, while the bot is paused)."""
        got, deadline = [], time.monotonic() + seconds
        while True:
            try:
                got.append(await asyncio.wait_for(self.received.get(), max(0.05, deadline - time.monotonic())))
            except asyncio.TimeoutError:
                return got

    async def wait_for(self, predicate, timeout: float = 90) -> dict:
        """The first message matching predicate; earlier ones are passed over."""
        deadline = time.monotonic() + timeout
        while True:
            message = await asyncio.wait_for(self.received.get(), max(0.05, deadline - time.monotonic()))
            if predicate(message):
                return message
