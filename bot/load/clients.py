"""Simulated customers over REST and over the widget's socket.io channel.

Every REST request carries the headers from `rest_headers()`, the one place
to add a credential (LOAD_REST_TOKEN as a bearer token) or other headers.
A REST message answered 502/503/504 or cut off is sent again (a customer
would retry), at most `retries` times; each failed attempt is counted."""
from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import aiohttp

APOLOGIES = ("give me a moment and try again", "something went wrong on my side")
RETRYABLE = {502, 503, 504}


def rest_headers(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    headers = {"Content-Type": "application/json"}
    token = os.environ.get("LOAD_REST_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    headers.update(extra or {})
    return headers


@dataclass
class Turn:
    channel: str
    started: float
    latency: float
    outcome: str                  # ok | apology | no_reply | http_<code> | timeout | connection | ...
    attempts: int = 1
    text: str = ""


@dataclass
class Record:
    """What one simulated conversation sent and received, for the storage check."""
    channel: str
    sender: str                   # what the client sends
    conversation_id: str          # what the tracker store keeps it under
    sent: List[str] = field(default_factory=list)        # messages that must be stored, once each, in order
    maybe: List[str] = field(default_factory=list)       # failed or timed out: stored once or not at all
    replies: List[str] = field(default_factory=list)     # REST: reply texts in order
    complete: bool = True                                # REST: every message answered (replies comparable)


def _outcome(texts: List[str]) -> str:
    if not texts:
        return "no_reply"
    return "apology" if any(a in t for t in texts for a in APOLOGIES) else "ok"


class RestCustomer:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, sender: str, timeout: float,
                 headers: Dict[str, str], retries: int = 3, namespace: str = "") -> None:
        self.session, self.url = session, base_url + "/webhooks/rest/webhook"
        self.timeout, self.headers, self.retries = timeout, headers, retries
        self.record = Record("rest", sender, namespace + sender)

    async def say(self, text: str, turns: List[Turn], errors: Dict[str, int]) -> None:
        started = time.monotonic()
        for attempt in range(1, self.retries + 2):
            kind = None
            try:
                async with self.session.post(self.url, json={"sender": self.record.sender, "message": text},
                                             headers=self.headers,
                                             timeout=aiohttp.ClientTimeout(total=self.timeout)) as response:
                    if response.status == 200:
                        replies = await response.json()
                        texts = [r.get("text") or "" for r in replies]
                        self.record.sent.append(text)
                        self.record.replies.extend(t for t in texts if t)
                        turns.append(Turn("rest", started, time.monotonic() - started, _outcome(texts), attempt, text))
                        return
                    kind = f"http_{response.status}"
                    await response.read()
                    retry = response.status in RETRYABLE
            except asyncio.TimeoutError:
                kind, retry = "timeout", False
            except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as error:
                kind, retry = f"connection:{type(error).__name__}", True
            errors[kind] = errors.get(kind, 0) + 1
            if not retry or attempt > self.retries:
                turns.append(Turn("rest", started, time.monotonic() - started, kind, attempt, text))
                self.record.maybe.append(text)
                self.record.complete = False
                return
            await asyncio.sleep(min(2.0, 0.5 * attempt))


class SocketCustomer:
    """Talks like rasa-webchat: session_request, then user_uttered."""

    def __init__(self, base_url: str, timeout: float, transports: List[str], late_reply: float = 5.0,
                 quiet: float = 0.3) -> None:
        import socketio

        self.url, self.timeout, self.transports = base_url, timeout, transports
        self.late_reply, self.quiet = late_reply, quiet
        # engine.io's client gives up on an HTTP request after 5 s; a browser waits
        # longer for a busy server, and so does a patient customer.
        self.sio = socketio.AsyncClient(reconnection=False, request_timeout=timeout)
        self.received: "asyncio.Queue[dict]" = asyncio.Queue()
        self.confirmed: "asyncio.Queue" = asyncio.Queue()
        self.sio.on("session_confirm", self._confirm)
        self.sio.on("bot_uttered", self._bot)
        self.session: Optional[str] = None
        self.record: Optional[Record] = None

    async def _confirm(self, data):
        await self.confirmed.put(data["session_id"] if isinstance(data, dict) else data)

    async def _bot(self, data):
        await self.received.put(data)

    async def open(self, customer_of) -> None:
        await self.sio.connect(self.url, socketio_path="/socket.io", transports=self.transports,
                               wait_timeout=self.timeout)
        await self.sio.emit("session_request", {"session_id": None})
        self.session = await asyncio.wait_for(self.confirmed.get(), self.timeout)
        conversation = customer_of(self.session)
        self.record = Record("socketio", conversation, conversation)

    async def close(self) -> None:
        try:
            await self.sio.disconnect()
        except Exception:
            pass

    async def say(self, text: str, turns: List[Turn], errors: Dict[str, int]) -> bool:
        """One turn. The message is sent asking for socket.io's acknowledgement, which
        the server gives once its handler has run the whole turn (rasa-webchat asks
        for none; nothing changes for it): the replies that came before the
        acknowledgement are this turn's, and an acknowledged message has been handled.
        False when the turn failed: the caller ends this conversation."""
        import socketio

        started = time.monotonic()
        while not self.received.empty():             # late replies of an earlier turn
            self.received.get_nowait()
        try:
            await self.sio.call("user_uttered", {"message": text, "session_id": self.session, "customData": {}},
                                timeout=self.timeout)
        except (asyncio.TimeoutError, socketio.exceptions.TimeoutError):
            self.record.maybe.append(text)           # may have been handled, or never arrived
            errors["socketio_timeout"] = errors.get("socketio_timeout", 0) + 1
            turns.append(Turn("socketio", started, time.monotonic() - started, "timeout", text=text))
            return False
        except Exception as error:
            self.record.maybe.append(text)
            kind = f"socketio:{type(error).__name__}"
            errors[kind] = errors.get(kind, 0) + 1
            turns.append(Turn("socketio", started, time.monotonic() - started, kind, text=text))
            return False
        latency = time.monotonic() - started
        texts = []
        while not self.received.empty():
            texts.append(self.received.get_nowait().get("text") or "")
        # In the scale-out profile replies travel through Redis to the customer's room
        # and may come just after the acknowledgement: wait for them a moment.
        while True:
            try:
                wait = self.quiet if texts else self.late_reply
                texts.append((await asyncio.wait_for(self.received.get(), wait)).get("text") or "")
            except asyncio.TimeoutError:
                break
        outcome = _outcome(texts)
        # handled and stored - unless the server apologised (a store was unreachable: not stored)
        (self.record.maybe if outcome == "apology" else self.record.sent).append(text)
        turns.append(Turn("socketio", started, latency, outcome, text=text))
        return True
