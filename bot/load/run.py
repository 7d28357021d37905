"""Drives simulated customers against one target for a bounded time."""
from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import aiohttp
import numpy as np

from bot.load.clients import Record, RestCustomer, SocketCustomer, Turn, rest_headers
from bot.load.conversations import conversation


@dataclass
class Plan:
    base_url: str
    customers: int
    duration: float
    requests: List[str]
    socket_share: float = 0.3               # this share of customers use socket.io, the rest REST
    customer_of: Optional[Callable[[str], str]] = None   # socket.io session token -> sender id
    timeout: float = 120.0
    ramp: float = 10.0                      # customers start spread over this many seconds
    max_turns: int = 200_000
    seed: int = 0
    transports: List[str] = field(default_factory=lambda: ["polling", "websocket"])
    extra_headers: Dict[str, str] = field(default_factory=dict)
    retries: int = 3                        # REST: how often a 502/503/504 or cut-off message is sent again
    rest_namespace: str = ""                # the prefix the target stores REST conversations under ("rest:")


@dataclass
class Result:
    turns: List[Turn]
    errors: Dict[str, int]
    records: List[Record]
    seconds: float

    def answered(self) -> List[Turn]:
        return [t for t in self.turns if t.outcome in ("ok", "apology", "no_reply")]

    def throughput(self) -> float:
        return len(self.answered()) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float, channel: Optional[str] = None) -> float:
        values = [t.latency for t in self.answered() if channel in (None, t.channel)]
        return float(np.percentile(values, q)) if values else float("nan")

    def outcomes(self) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        for turn in self.turns:
            counts[turn.outcome] = counts.get(turn.outcome, 0) + 1
        return counts

    def server_errors(self) -> int:
        return sum(n for kind, n in self.errors.items() if kind.startswith("http_5"))


async def drive(plan: Plan) -> Result:
    rng = random.Random(plan.seed)
    run = uuid.uuid4().hex[:6]
    turns: List[Turn] = []
    errors: Dict[str, int] = {}
    records: List[Record] = []
    sockets = int(round(plan.customers * plan.socket_share)) if plan.customer_of else 0
    started = time.monotonic()
    deadline = started + plan.duration
    headers = rest_headers(plan.extra_headers)
    connector = aiohttp.TCPConnector(limit=0, force_close=False)

    async with aiohttp.ClientSession(connector=connector) as session:
        async def customer(number: int) -> None:
            await asyncio.sleep(plan.ramp * number / max(1, plan.customers))
            local = random.Random(rng.random())
            visit = 0
            while time.monotonic() < deadline and len(turns) < plan.max_turns:
                visit += 1
                if number < sockets:
                    client = SocketCustomer(plan.base_url, plan.timeout, plan.transports)
                    try:
                        await client.open(plan.customer_of)
                    except Exception as error:
                        kind = f"socketio_connect:{type(error).__name__}"
                        errors[kind] = errors.get(kind, 0) + 1
                        await client.close()
                        await asyncio.sleep(1)
                        continue
                else:
                    client = RestCustomer(session, plan.base_url, f"load-{run}-{number}-{visit}", plan.timeout,
                                          headers, plan.retries, plan.rest_namespace)
                records.append(client.record)
                try:
                    for text in conversation(local, plan.requests):
                        if time.monotonic() >= deadline or len(turns) >= plan.max_turns:
                            break
                        if await client.say(text, turns, errors) is False:
                            break
                finally:
                    if isinstance(client, SocketCustomer):
                        await client.close()

        await asyncio.gather(*(customer(n) for n in range(plan.customers)))
    return Result(turns, errors, records, time.monotonic() - started)
