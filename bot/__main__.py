"""Command line: python -m bot {index,train,run,bench,bench-catalog,nlu-report,...}."""
from __future__ import annotations

import argparse
import signal
import sys
import time

from bot.settings import ROOT, load_settings


def cmd_index(args) -> int:
    from actions.runtime import make_encoder
    from embeddings.catalog import catalog_for_start
    from embeddings.hybrid import build_or_load_search, settings_from

    settings = load_settings()
    try:
        report = catalog_for_start(settings.catalog_path, settings.shop_currency)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{settings.catalog_path} ({report.format}):\n{report.summary()}")
    encoder = make_encoder(settings)
    index_config, search_config = settings_from(settings)
    loaded = build_or_load_search(report.products, encoder, settings.path("index_cache_dir"),
                                  index_config, search_config, progress=True)
    result = loaded.index
    state = "reused cached" if result.from_cache else "built"
    lexical = "reused" if loaded.lexical_from_cache else "built"
    print(f"index {state}: {len(result.index.products)} products, {result.index.kind}, "
          f"{loaded.seconds:.2f}s (lexical index {lexical}), key {result.key}")
    return 0


def cmd_train(args) -> int:
    from bot.training import ensure_model

    ensure_model(load_settings())
    return 0


def cmd_run(args) -> int:
    from bot.go_live import go_live_warnings
    from bot.launcher import Stack
    from bot.training import ensure_model

    from embeddings.catalog import catalog_for_start

    settings = load_settings()
    try:
        # A catalog that is refused or loads no products stops the start, with its report.
        report = catalog_for_start(settings.catalog_path, settings.shop_currency)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"catalog {settings.catalog_path} ({report.format}): {report.summary()}", flush=True)
    model = ensure_model(settings, quiet=False)
    if args.scaled:
        from bot.scaled import ScaledStack, scaled_settings

        settings, overrides = scaled_settings()
        stack = ScaledStack(settings, model, settings.path("var_dir") / "logs", rasa=args.rasa,
                            actions=args.actions, extra_env=overrides)
        what = f"{args.actions} action server(s), {args.rasa} Rasa server(s) behind HAProxy, and the web process"
    else:
        stack = Stack(settings, model, settings.path("var_dir") / "logs")
        what = "the action server, Rasa and the web process"
    stopping = {"now": False}

    def stop(signum, frame):
        stopping["now"] = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"starting {what} (logs in var/logs/) ...", flush=True)
    started = time.perf_counter()
    try:
        stack.start()
    except (RuntimeError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        stack.stop()
        return 1
    if settings.rest_channel_token:
        rest = (f"curl -s {stack.rasa_url}/webhooks/rest/webhook -H 'Content-Type: application/json' "
                f"-H \"Authorization: Bearer $REST_CHANNEL_TOKEN\" "
                f"-d '{{\"sender\": \"me\", \"message\": \"waterproof hiking boots under 120\"}}'")
    else:
        rest = f"off - set REST_CHANNEL_TOKEN to use {stack.rasa_url}/webhooks/rest/webhook"
    print(f"ready in {time.perf_counter() - started:.0f}s\n"
          f"  chat over REST:   {rest}\n"
          f"  demo shop + chat: {stack.web_url}/\n"
          f"  widget snippet:   <script src=\"{stack.web_url}/widget.js\" async></script>\n"
          f"  support console:  {stack.console_url}/  (first admin: CONSOLE_ADMIN_EMAIL and "
          "CONSOLE_ADMIN_PASSWORD, or python -m bot.console create-admin)\n"
          f"  socket.io:        {stack.rasa_url}/socket.io/\n"
          f"  Rasa HTTP API:    {stack.rasa_url}  (token in var/api_token or RASA_API_TOKEN)\n"
          f"  action server:    {stack.actions_url}  (calls need the token in var/actions_token or ACTIONS_TOKEN)\n"
          + (f"  behind HAProxy:   Rasa on ports {stack.rasa_ports}, action servers on {stack.action_ports}; "
             f"PostgreSQL {settings.profile_db_url.split('@')[-1]}, Redis lock store db {settings.lock_store_db}\n"
             if args.scaled else ""), flush=True)
    warnings = go_live_warnings(settings)
    if warnings:
        print("Before going live (docs/security.md):\n" + "\n".join(f"  warning: {w}" for w in warnings))
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while not stopping["now"]:
            for process in stack.processes:
                if process.poll() is not None:
                    print(f"a server stopped unexpectedly (code {process.returncode}); see var/logs/",
                          file=sys.stderr)
                    stopping["now"] = True
            time.sleep(0.5)
    finally:
        print("\nstopping ...", flush=True)
        stack.stop()
        print("stopped.")
    return 0


def cmd_bench_catalog(args) -> int:
    from bot.bench_catalog import main as bench_catalog_main

    return bench_catalog_main(args)


def cmd_bench(args) -> int:
    from bot.bench import main as bench_main

    return bench_main(args)


def cmd_load(args) -> int:
    from bot.load.main import main as load_main

    return load_main(args)


def cmd_profile(args) -> int:
    from bot.load.profile import main as profile_main

    return profile_main(args)


def cmd_import_orders(args) -> int:
    from pathlib import Path

    from actions.behaviour.config import behaviour_config
    from actions.behaviour.order_import import import_orders
    from actions.behaviour.orders import OrderRules, load_orders
    from actions.profiles import ProfileStore

    settings = load_settings()
    config = behaviour_config(settings)
    try:
        report = load_orders(args.file, OrderRules.from_config(config))
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    store = ProfileStore(settings.profile_db_url)
    try:
        out = Path(args.add_products) if args.add_products else None
        print(import_orders(store, report, out, config.get("orders", {})))
        if report.lines:
            from actions.behaviour.known_types import classify_customers
            from embeddings.catalog import load_catalog

            products = {p.id: p for p in load_catalog(settings.catalog_path).products}
            counts = classify_customers(settings, store, products, [l.customer_id for l in report.lines], config)
            print("customer types: " + ", ".join(f"{name} {n}" for name, n in counts.most_common()))
    finally:
        store.dispose()
    return 0 if report.lines else 1


def cmd_evaluate(args) -> int:
    from actions.behaviour.evaluation_cli import main as evaluate_main

    return evaluate_main(args)


def cmd_experiments(args) -> int:
    from actions.behaviour.experiments_cli import main as experiments_main

    return experiments_main(args)


def cmd_nlu_generate(args) -> int:
    from bot.nlu.generate import main as generate_main

    return generate_main(args)


def cmd_nlu_report(args) -> int:
    from bot.nlu.report import main as report_main

    return report_main(args)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("index", help="build or reuse the product index").set_defaults(func=cmd_index)
    commands.add_parser("train", help="train the Rasa model if its inputs changed").set_defaults(func=cmd_train)
    run = commands.add_parser("run", help="start the action server, Rasa and the web process")
    run.add_argument("--scaled", action="store_true",
                     help="N Rasa and M action servers behind HAProxy on PostgreSQL and Redis")
    run.add_argument("--rasa", type=int, default=2, help="Rasa servers (--scaled)")
    run.add_argument("--actions", type=int, default=2, help="action servers (--scaled)")
    run.set_defaults(func=cmd_run)
    bench = commands.add_parser("bench", help="measure latency, search speed and memory")
    bench.add_argument("--turns", type=int, default=60)
    bench.add_argument("--synthetic", type=int, default=100_000)
    bench.add_argument("--search-only", action="store_true",
                       help="only the in-process hybrid search figures (no stack, no turns)")
    bench.add_argument("--no-long-messages", dest="long_messages", action="store_false",
                       help="skip the greeting latency under a flood of long messages")
    bench.set_defaults(func=cmd_bench)
    shop = commands.add_parser("bench-catalog", help="import, index and turn costs of a shop's own catalog")
    shop.add_argument("--rows", type=int, default=30_000, help="rows per format for the import timing")
    shop.add_argument("--big-mb", type=int, default=200, help="size of the streamed import (0: skip)")
    shop.add_argument("--variants", type=int, default=50_000, help="variants in the index build (0: skip)")
    shop.add_argument("--turns", type=int, default=40, help="REST turns on a shared catalog (0: skip)")
    shop.set_defaults(func=cmd_bench_catalog)
    load = commands.add_parser("load", help="load test (loopback, bounded): throughput, latency, errors, storage")
    load.add_argument("--targets", default="scaled", help="comma-separated: scaled, default, stock")
    load.add_argument("--rasa", default="1,2", help="Rasa servers of the scaled target, e.g. 1,2 (side by side)")
    load.add_argument("--actions", type=int, default=2, help="action servers of the scaled target")
    load.add_argument("--customers", type=int, default=200)
    load.add_argument("--duration", type=float, default=300, help="seconds per target")
    load.add_argument("--socket-share", type=float, default=0.3, help="share of customers on socket.io")
    load.add_argument("--rest-only", action="store_true", help="default target over REST only")
    load.add_argument("--timeout", type=float, default=120, help="seconds a customer waits for a reply")
    load.add_argument("--seed", type=int, default=0)
    load.add_argument("--keep-logs", action="store_true")
    load.set_defaults(func=cmd_load)
    profile = commands.add_parser("profile", help="CPU per turn in Rasa and the action server (optionally py-spy)")
    profile.add_argument("--turns", type=int, default=60)
    profile.add_argument("--py-spy", action="store_true", help="also sample both processes with py-spy")
    profile.add_argument("--out", default="var/profile", help="where py-spy's output goes")
    profile.add_argument("--top", type=int, default=25)
    profile.add_argument("--json", help="also write the CPU figures to this file")
    profile.set_defaults(func=cmd_profile)
    orders = commands.add_parser("import-orders", help="import an order history (CSV) into the profile store")
    orders.add_argument("file")
    orders.add_argument("--add-products", metavar="OUT.jsonl",
                        help="also add the orders' products to this catalog file")
    orders.set_defaults(func=cmd_import_orders)
    evaluate = commands.add_parser("evaluate", help="offline evaluation of the recommenders on an order history")
    evaluate.add_argument("--orders", required=True)
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.set_defaults(func=cmd_evaluate)
    experiments = commands.add_parser("experiments", help="experiment results")
    experiments.add_argument("action", choices=["report"])
    experiments.add_argument("--name", help="only this experiment")
    experiments.set_defaults(func=cmd_experiments)
    commands.add_parser("nlu-generate", help="write data/nlu_generated.yml from data/generator/"
                        ).set_defaults(func=cmd_nlu_generate)
    nlu = commands.add_parser("nlu-report", help="intent figures on the shared measurement files")
    nlu.add_argument("--model", help="a trained model (default: the current one, trained if needed)")
    nlu.add_argument("--misses", type=int, default=0, help="also print this many misses per group")
    nlu.set_defaults(func=cmd_nlu_report)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
