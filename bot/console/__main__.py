"""python -m bot.console [serve | create-admin | bench]"""
from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import re
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.settings import load_settings


def cmd_serve(args) -> int:
    from aiohttp import web

    from bot.console import create_console_app

    settings = load_settings()
    app = create_console_app(settings)
    port = args.port or settings.console_port
    print(f"support console on http://{settings.console_host}:{port}/", flush=True)
    web.run_app(app, host=settings.console_host, port=port, print=None)
    return 0


def cmd_create_admin(args) -> int:
    from bot.console import auth, db

    settings = load_settings()
    engine = db.make_engine(db.absolute_sqlite_url(settings.console_db_url))
    db.create_console_tables(engine)
    email = args.email or input("e-mail: ")
    password = os.environ.get("CONSOLE_ADMIN_PASSWORD") or getpass.getpass("password: ")
    try:
        auth.create_staff(engine, email, password, args.role, by="command line", display_name=args.name)
    except auth.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"created {args.role} {auth.normalise_email(email)}")
    return 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _bench_http(settings, console_engine, tracker_engine, runs: int) -> dict:
    import aiohttp
    from aiohttp import web

    from bot.console import create_console_app

    app = create_console_app(settings, console_engine, tracker_engine)
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    figures = {}
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            page = await (await client.get(base + "/login")).text()
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            response = await client.post(base + "/login", data={
                "email": settings.console_admin_email, "password": settings.console_admin_password,
                "csrf_token": token}, allow_redirects=False)
            assert response.status == 302, response.status
            cases = {
                "list, newest first": "/",
                "list, page 100": "/?page=100",
                "search text 'coffee machine'": "/?q=coffee+machine",
                "search text, no match": "/?q=zzzz-nothing",
                "search customer id": "/?customer=customer-0421",
                "filter channel + outcome": "/?channel=telegram&outcome=checkout",
                "filter date range": "/?date_from=2025-10-10&date_to=2025-10-12",
                "API list": "/api/conversations?q=tent",
                "transcript": "/conversations/rest:customer-00000",
            }
            for label, path in cases.items():
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    async with client.get(base + path) as answer:
                        await answer.read()
                        assert answer.status in (200, 404), (path, answer.status)
                    times.append((time.perf_counter() - started) * 1000)
                figures[label] = (statistics.median(times), max(times))
    finally:
        await runner.cleanup()
    return figures


def cmd_bench(args) -> int:
    from bot.console import db, sample, summary

    scratch = Path(tempfile.mkdtemp(prefix="console-bench-"))
    env = dict(os.environ, SHOP_VAR_DIR=str(scratch),
               CONSOLE_DB_URL=args.console_url or f"sqlite:///{scratch}/console.db",
               CONSOLE_TRACKER_DB_URL=args.tracker_url or f"sqlite:///{scratch}/tracker.db",
               CONSOLE_ADMIN_EMAIL="bench@example.com", CONSOLE_ADMIN_PASSWORD="bench-password-1",
               CONSOLE_MAX_IP_FAILURES="1000")
    settings = load_settings(env)
    tracker = db.make_engine(settings.console_tracker_db_url)
    console = db.make_engine(settings.console_db_url)
    db.create_console_tables(console)
    started = time.perf_counter()
    sample.fill(tracker, args.conversations)
    with tracker.connect() as connection:
        from sqlalchemy import func, select

        events = connection.execute(select(func.count()).select_from(db.events)).scalar()
    print(f"tracker store: {args.conversations} conversations, {events} events "
          f"({time.perf_counter() - started:.1f}s to write) in {settings.console_tracker_db_url.split('@')[-1]}; console db "
          f"{settings.console_db_url.split('@')[-1]}")
    started = time.perf_counter()
    summary.sync(console, tracker)
    print(f"first sync of the summary table: {time.perf_counter() - started:.2f}s")
    started = time.perf_counter()
    summary.sync(console, tracker)
    print(f"sync with nothing new: {(time.perf_counter() - started) * 1000:.1f} ms")
    figures = asyncio.run(_bench_http(settings, console, tracker, args.runs))
    print(f"HTTP, logged in, {args.runs} requests each (median / max ms):")
    for label, (median, worst) in figures.items():
        print(f"  {label:32s} {median:7.1f} / {worst:7.1f}")
    slowest = max(m for m, _ in figures.values())
    print(f"slowest median: {slowest:.1f} ms (target < 300 ms)")
    tracker.dispose()
    console.dispose()
    shutil.rmtree(scratch, ignore_errors=True)
    return 0 if slowest < 300 else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.console")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="run the console alone (default)")
    serve.add_argument("--port", type=int, default=0)
    admin = commands.add_parser("create-admin", help="create a staff account "
                                "(password from CONSOLE_ADMIN_PASSWORD or asked)")
    admin.add_argument("--email", default="")
    admin.add_argument("--role", default="admin", choices=("admin", "agent"))
    admin.add_argument("--name", default="", help="the name customers see (default: from the e-mail)")
    bench = commands.add_parser("bench", help="fill a scratch tracker store and time list and search")
    bench.add_argument("--conversations", type=int, default=10000)
    bench.add_argument("--runs", type=int, default=10)
    bench.add_argument("--tracker-url", default="", help="e.g. an empty PostgreSQL database")
    bench.add_argument("--console-url", default="", help="the console's database (default: scratch SQLite)")
    args = parser.parse_args(argv)
    if args.command == "create-admin":
        return cmd_create_admin(args)
    if args.command == "bench":
        return cmd_bench(args)
    if args.command is None:
        args.port = 0
    return cmd_serve(args)


if __name__ == "__main__":
    sys.exit(main())
