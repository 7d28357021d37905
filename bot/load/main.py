"""`make load` (python -m bot load): simulated customers against the assistant,
loopback only, bounded in time and turns.

Targets, each started for the run on free ports and stopped afterwards:
  scaled-N  the scale-out profile with N Rasa servers (--rasa 1,2 runs both in
            one run), on a throwaway database of the PostgreSQL server and on Redis
  default   `make run`: one Rasa, one action server, SQLite
  stock     a stock `rasa init` bot (in-memory tracker, no action server), REST
            only, with the same conversations (--compare-stock runs it beside
            `default`, also REST only)
For each: throughput, latency percentiles, errors by kind, CPU and memory per
process, and a check that every message and reply is stored once, in order.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from bot.load.procstat import CpuMeter
from bot.load.run import Plan, Result, drive
from bot.settings import load_settings


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def base_overrides(scratch: Path) -> Dict[str, str]:
    # Every simulated customer comes from this machine's one address, so the
    # per-address rate limits are off for the run; the per-conversation ones stay.
    return {"SHOP_VAR_DIR": str(scratch), "RASA_API_TOKEN": uuid.uuid4().hex, "WEB_PORT": str(free_port()),
            "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port()),
            "CONSOLE_DB_URL": f"sqlite:///{scratch}/console.db",
            "REST_CHANNEL_TOKEN": uuid.uuid4().hex, "REST_LIMIT_PER_ADDRESS": "0", "WIDGET_LIMIT_PER_ADDRESS": "0"}


def rest_credential(settings) -> Dict[str, str]:
    """The header our REST channel wants (the stock bot has no settings and needs none)."""
    token = settings.rest_channel_token if settings is not None else ""
    return {"Authorization": f"Bearer {token}"} if token else {}


def customer_of(settings):
    from bot.identity import SessionSigner
    from bot.launcher import widget_secret

    signer = SessionSigner(widget_secret(settings))
    return lambda token: signer.verify(token).customer_id


@contextmanager
def default_target(scratch: Path) -> Iterator[tuple]:
    from bot.launcher import Stack
    from bot.training import ensure_model

    overrides = {**base_overrides(scratch), "PROFILE_DB_URL": f"sqlite:///{scratch}/profiles.db",
                 "TRACKER_DB_NAME": str(scratch / "tracker.db")}
    settings = load_settings(dict(os.environ, **overrides))
    stack = Stack(settings, ensure_model(settings, quiet=True), scratch / "logs", extra_env=overrides)
    stack.start()
    try:
        pids = {"rasa": stack.processes[1].pid, "actions": stack.processes[0].pid, "web": stack.processes[2].pid}
        yield stack.rasa_url, settings, pids, f"sqlite:///{settings.tracker_db_name}"
    finally:
        stack.stop()


@contextmanager
def scaled_target(scratch: Path, rasa: int, actions: int) -> Iterator[tuple]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.scaled import ScaledStack, scaled_settings
    from bot.training import ensure_model

    server = make_url(load_settings().scaled_postgres_url)
    database = f"shop_load_{uuid.uuid4().hex[:10]}"
    url = server.set(database=database).render_as_string(hide_password=False)
    overrides = {**base_overrides(scratch), "SCALED_POSTGRES_URL": url, "SCALED_FIRST_PORT": str(free_port()),
                 "LOCK_STORE_DB": os.environ.get("LOAD_LOCK_STORE_DB", "7")}
    redis = load_settings().scaled_redis_url.rstrip("/")
    overrides["WIDGET_SOCKET_REDIS_URL"] = f"{redis}/{os.environ.get('LOAD_SOCKET_REDIS_DB', '8')}"
    settings, storage = scaled_settings(dict(os.environ, **overrides))
    stack = ScaledStack(settings, ensure_model(settings, quiet=True), scratch / "logs", rasa=rasa,
                        actions=actions, extra_env={**overrides, **storage},
                        rasa_ports=[free_port() for _ in range(rasa)],
                        action_ports=[free_port() for _ in range(actions)])
    try:
        stack.start()
        pids = {name: process.pid for name, process in stack.named.items()}
        yield stack.rasa_url, settings, pids, make_url(url).set(drivername="postgresql+psycopg2")
    finally:
        stack.stop()
        admin = create_engine(server.set(database="postgres", drivername="postgresql+psycopg2"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def stock_target(scratch: Path) -> Iterator[tuple]:
    from bot.load.stock import start_stock_bot, wait_for_stock_bot

    settings = load_settings()
    port = free_port()
    process = start_stock_bot(settings, port, scratch / "logs" / "stock-rasa.log")
    try:
        wait_for_stock_bot(port, process)
        yield f"http://127.0.0.1:{port}", None, {"rasa": process.pid}, None
    finally:
        import signal

        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except Exception:
            os.killpg(process.pid, signal.SIGKILL)


def warm_up(base_url: str, headers: Dict[str, str]) -> None:
    import json
    import urllib.request

    for message in ("hi", "tents under 300"):
        request = urllib.request.Request(base_url + "/webhooks/rest/webhook",
                                         data=json.dumps({"sender": f"warm-{uuid.uuid4().hex[:6]}",
                                                          "message": message}).encode(),
                                         headers={"Content-Type": "application/json", **headers})
        urllib.request.urlopen(request, timeout=120).read()


def run_phase(name: str, target, args, requests: List[str], rest_only: bool) -> dict:
    from bot.load.storage_check import check_storage

    scratch = Path(tempfile.mkdtemp(prefix=f"load-{name}-"))
    print(f"\n== {name}: starting ...", flush=True)
    try:
        with target(scratch) as (base_url, settings, pids, tracker_url):
            credential = rest_credential(settings)
            warm_up(base_url, credential)
            plan = Plan(base_url, args.customers, args.duration, requests, extra_headers=credential,
                        rest_namespace="rest:" if settings is not None else "",
                        socket_share=0.0 if rest_only else args.socket_share,
                        customer_of=None if rest_only or settings is None else customer_of(settings),
                        timeout=args.timeout, seed=args.seed)
            meter = CpuMeter(pids).start()
            print(f"   {args.customers} customers for {args.duration:.0f}s at {datetime.now():%H:%M:%S} ...",
                  flush=True)
            result: Result = asyncio.run(drive(plan))
            cpu = meter.used()
            memory = meter.memory()
            storage = check_storage(str(tracker_url) if not hasattr(tracker_url, "render_as_string")
                                    else tracker_url.render_as_string(hide_password=False),
                                    result.records) if tracker_url else None
    finally:
        if not args.keep_logs:
            shutil.rmtree(scratch, ignore_errors=True)
    report = {"name": name, "result": result, "cpu": cpu, "memory": memory, "storage": storage}
    print_phase(report)
    return report


def print_phase(report: dict) -> None:
    result: Result = report["result"]
    answered = len(result.answered())
    print(f"   turns answered: {answered} in {result.seconds:.0f}s = {result.throughput():.1f} msg/s; "
          f"latency p50 {result.percentile(50):.2f}s  p95 {result.percentile(95):.2f}s  p99 {result.percentile(99):.2f}s")
    for channel in ("rest", "socketio"):
        if any(t.channel == channel for t in result.answered()):
            print(f"     {channel:<9} p50 {result.percentile(50, channel):.2f}s  p95 {result.percentile(95, channel):.2f}s  "
                  f"p99 {result.percentile(99, channel):.2f}s")
    print(f"   outcomes: {result.outcomes()}")
    print(f"   errors by kind (every failed attempt): {result.errors or 'none'}; 5xx responses: {result.server_errors()}")
    for name in sorted(report["cpu"]):
        seconds = report["cpu"][name]
        per_turn = 1000 * seconds / answered if answered else float("nan")
        print(f"   {name:<10} CPU {seconds:7.1f}s ({100 * seconds / result.seconds:5.1f}% of a core, "
              f"{per_turn:6.1f} ms per turn)  RSS {report['memory'][name]:6.0f} MB")
    if report["storage"] is not None:
        storage = report["storage"]
        print(f"   stored: {storage.summary()} -> {'OK' if storage.clean else 'PROBLEMS'}")
        for example in storage.examples[:5]:
            print(f"     {example}")


def main(args) -> int:
    from bot.load.conversations import request_pool

    settings = load_settings()
    requests = request_pool(settings)
    print(f"load test at {datetime.now():%Y-%m-%d %H:%M} on {os.cpu_count()} cores "
          f"(load average {os.getloadavg()[0]:.1f}): loopback only, {args.customers} customers, "
          f"{args.duration:.0f}s per target", flush=True)
    reports = []
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    for target in targets:
        if target == "scaled":
            for count in [int(n) for n in str(args.rasa).split(",")]:
                reports.append(run_phase(f"scaled, {count} Rasa + {args.actions} action servers",
                                         lambda scratch, c=count: scaled_target(scratch, c, args.actions),
                                         args, requests, rest_only=False))
        elif target == "default":
            reports.append(run_phase("default (make run, SQLite)", default_target, args, requests,
                                     rest_only=args.rest_only))
        elif target == "stock":
            reports.append(run_phase("stock rasa init bot", stock_target, args, requests, rest_only=True))
        else:
            print(f"unknown target {target!r}")
            return 2
    print("\n== summary (same machine, same run)")
    print(f"   {'target':<42}{'msg/s':>8}{'p50 s':>8}{'p95 s':>8}{'p99 s':>8}{'5xx':>6}{'stored':>10}")
    for report in reports:
        result, storage = report["result"], report["storage"]
        print(f"   {report['name']:<42}{result.throughput():>8.1f}{result.percentile(50):>8.2f}"
              f"{result.percentile(95):>8.2f}{result.percentile(99):>8.2f}{result.server_errors():>6}"
              f"{('-' if storage is None else 'OK' if storage.clean else 'PROBLEMS'):>10}")
    by_name = {r["name"].split(" ")[0]: r for r in reports}
    if "default" in by_name and "stock" in by_name:
        ratio = by_name["default"]["result"].throughput() / max(1e-9, by_name["stock"]["result"].throughput())
        print(f"   default / stock throughput: {ratio:.2f}x")
    failed = any(r["result"].server_errors() or (r["storage"] is not None and not r["storage"].clean)
                 for r in reports)
    return 1 if failed else 0
