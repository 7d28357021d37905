"""`make bench`: latency of real turns against the running stack, search speed
on the demo catalog and on a synthetic 100,000-product catalog, index build
time, and the action server's memory - all from one run."""
from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np

from bot.settings import load_settings

QUERY_CATEGORIES = 10   # requests name the catalog's largest categories, by the catalog's own names
WISHES = ["", "waterproof ", "lightweight ", "black ", "cheap ", "premium ", "comfortable "]
BUDGET_QUANTILES = (None, 0.5, 0.8)     # no budget, or one that half / most of the category fits


def percentile(values: List[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def timed(function: Callable[[], object], repeat: int) -> List[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def post(url: str, payload: dict, headers: Optional[Dict[str, str]] = None) -> list:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def status_of_post(url: str, payload: dict, headers: Dict[str, str]) -> int:
    try:
        post(url, payload, headers)
        return 200
    except urllib.error.HTTPError as error:
        return error.code


LONG_TEXT = ("I am looking for a pair of waterproof hiking boots in brown leather for long walks in the "
             "mountains, size 42, ideally under 150 euros, and something to keep my feet dry in the rain. ")


def long_message(chars: int) -> str:
    return (LONG_TEXT * (chars // len(LONG_TEXT) + 1))[:chars]


def bench_long_messages(url: str, headers: Dict[str, str], chars: int, flooders: int = 5, samples: int = 15,
                        one_client: bool = False) -> dict:
    """Greeting latency of other customers while `flooders` clients send `chars`-character
    messages back to back. one_client: all of them as one customer from one address (what
    the rate limits see); else every long message from a new customer and address (each
    within the limits: what the length limit alone bounds). Addresses go in X-Forwarded-For,
    which the stack trusts from 127.0.0.1, so the greeters never share the flood's limits."""
    stop = threading.Event()
    statuses: Dict[int, int] = {}
    lock = threading.Lock()

    def flood(worker: int) -> None:
        sent = 0
        while not stop.is_set():
            sent += 1
            sender = "flood-one" if one_client else f"flood-{worker}-{sent}-{uuid.uuid4().hex[:6]}"
            address = "203.0.113.1" if one_client else f"203.0.{worker % 250}.{sent % 250 + 1}"
            status = status_of_post(url, {"sender": sender, "message": long_message(chars)},
                                    dict(headers, **{"X-Forwarded-For": address}))
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
            if status == 429:
                time.sleep(0.2)         # what a client told to slow down does

    def greet() -> List[float]:
        latencies = []
        for n in range(samples):
            sender = f"greeter-{uuid.uuid4().hex[:8]}"
            address = f"198.51.100.{n % 250 + 1}"
            latencies += timed(lambda: post(url, {"sender": sender, "message": "hi"},
                                            dict(headers, **{"X-Forwarded-For": address})), 1)
        return latencies

    quiet = greet()                    # measured right before, under the same machine conditions
    threads = [threading.Thread(target=flood, args=(n,), daemon=True) for n in range(flooders)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + (120 if one_client else 3)
    while time.monotonic() < deadline:  # one client: until the limits hold it (its burst is spent)
        time.sleep(0.5)
        if not one_client or statuses.get(429):
            break
    during = greet()
    stop.set()
    for thread in threads:
        thread.join(180)
    return {"quiet": quiet, "during": during, "statuses": statuses}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def product_queries(count: int, prices: Dict[str, List[float]], names: Dict[str, str]) -> List[str]:
    """Realistic requests that the catalog can answer (a budget no product
    fits gets a short 'nothing fits' turn, which would flatter the figures)."""
    queries = []
    for category in sorted(prices, key=lambda key: (-len(prices[key]), key))[:QUERY_CATEGORIES]:
        words = names[category]
        for wish in WISHES:
            for quantile in BUDGET_QUANTILES:
                budget = "" if quantile is None else f" under {int(np.quantile(prices[category], quantile))}"
                queries.append(f"{wish}{words}{budget}")
    np.random.default_rng(0).shuffle(queries)
    return queries[:count]


def category_prices(settings) -> Tuple[Dict[str, List[float]], Dict[str, str]]:
    """Prices per category key, and each category's name as the catalog writes it."""
    from embeddings.catalog import load_catalog

    prices: Dict[str, List[float]] = {}
    names: Dict[str, str] = {}
    for product in load_catalog(settings.catalog_path).products:
        prices.setdefault(product.category, []).append(product.price)
        names[product.category] = product.category_name.lower()
    return prices, names


def rest_headers(stack) -> Dict[str, str]:
    return {"Authorization": f"Bearer {stack.settings.rest_channel_token}"}


def bench_turns(stack, turns: int, queries: List[str]) -> dict:
    url = stack.rasa_url + "/webhooks/rest/webhook"
    headers = rest_headers(stack)
    for warm in ("hello", queries[0]):                  # first-call costs are not what we measure
        post(url, {"sender": "bench-warm", "message": warm}, headers)
    greet, recommend, misses = [], [], []
    for number in range(turns):
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        # alternate, so both kinds of turn see the same machine conditions
        greet += timed(lambda: post(url, {"sender": sender, "message": "hello"}, headers), 1)
        replies = []
        took = timed(lambda: replies.extend(post(url, {"sender": sender, "message": queries[number]}, headers)), 1)
        if any((r.get("custom") or {}).get("type") == "products" for r in replies):
            recommend += took
        else:                           # read as something else: not a recommendation turn to time
            misses.append(queries[number])
    return {"greet": greet, "recommend": recommend, "misses": misses}


def synthetic_catalog(base_index, size: int):
    """100k products: demo products with jittered vectors, prices and ids."""
    from dataclasses import replace

    rng = np.random.default_rng(1)
    picks = rng.integers(0, len(base_index.products), size)
    vectors = base_index.vectors[picks] + rng.normal(0, 0.04, (size, base_index.vectors.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    factors = rng.uniform(0.7, 1.3, size)
    products = [replace(base_index.products[p], id=f"SYN-{i:06d}",
                        variants=tuple(replace(v, id=f"SYN-{i:06d}:{n}", price=round(v.price * f, 2))
                                       for n, v in enumerate(base_index.products[p].variants)))
                for i, (p, f) in enumerate(zip(picks, factors))]
    return products, vectors


def bench_search(runtime, synthetic_size: int, queries: List[str]) -> dict:
    from actions.runtime import index_settings
    from embeddings.filters import SearchFilters
    from embeddings.index import ProductIndex, build_or_load

    settings = index_settings(runtime.settings)
    vectors = [runtime.encoder.encode_query(q) for q in queries]
    demo = runtime.index
    largest = max(demo.products, key=lambda p: sum(o.category == p.category for o in demo.products)).category
    budget = float(np.median([p.price for p in demo.products if p.category == largest]))
    filtered = SearchFilters(categories=(largest,), max_price=budget, in_stock=True)
    results = {}
    results["demo_unfiltered"] = timed(lambda: demo.search_vector(vectors[0], SearchFilters(), 10), 1)  # warm
    results["demo_unfiltered"] = [t for v in vectors for t in timed(lambda: demo.search_vector(v, SearchFilters(), 10), 1)]
    results["demo_filtered"] = [t for v in vectors for t in timed(lambda: demo.search_vector(v, filtered, 10), 1)]
    fresh = [f"{q} for the weekend {i}" for i, q in enumerate(queries[:60])]
    results["demo_encode_and_search"] = [t for q in fresh for t in timed(
        lambda: demo.search_vector(runtime.encoder.encode_query(q), filtered, 10), 1)]

    products, synthetic_vectors = synthetic_catalog(demo, synthetic_size)
    started = time.perf_counter()
    big = ProductIndex.from_vectors(products, synthetic_vectors, settings)
    big_build = time.perf_counter() - started
    flat = ProductIndex.from_vectors(products, synthetic_vectors, settings, kind="flat")
    results["big_unfiltered"] = [t for v in vectors for t in timed(lambda: big.search_vector(v, SearchFilters(), 10), 1)]
    results["big_filtered"] = [t for v in vectors for t in timed(lambda: big.search_vector(v, filtered, 10), 1)]
    results["big_exact_unfiltered"] = [t for v in vectors[:50] for t in timed(
        lambda: flat.search_vector(v, SearchFilters(), 10), 1)]
    recall = np.mean([len({h.product.id for h in big.search_vector(v, SearchFilters(), 10)} &
                          {h.product.id for h in flat.search_vector(v, SearchFilters(), 10)}) / 10
                      for v in vectors[:100]])

    scratch = Path(tempfile.mkdtemp(prefix="bench-index-"))
    try:
        built = build_or_load(demo.products, runtime.encoder, scratch, settings, progress=False)
        reloaded = build_or_load(demo.products, runtime.encoder, scratch, settings, progress=False)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"samples": results, "big_kind": big.kind, "big_build_s": big_build, "big_recall": float(recall),
            "demo_build_s": built.seconds, "demo_reload_s": reloaded.seconds, "demo_size": len(demo.products),
            "big_size": len(products)}


def line(label: str, samples: List[float]) -> str:
    return f"  {label:<44} p50 {percentile(samples, 50):8.2f} ms   p95 {percentile(samples, 95):8.2f} ms"


def search_only(settings, args) -> int:
    """`python -m bot bench --search-only`: in-process search figures, no stack."""
    from actions.runtime import build_runtime

    runtime = build_runtime(settings)
    print(hybrid_section(runtime, args.synthetic, product_queries(200, *category_prices(settings))))
    return 0


def hybrid_section(runtime, size: int, queries: List[str]) -> str:
    from bot.bench_search import bench_hybrid, bench_threads, bench_torch_threads, report
    from embeddings.index import ProductIndex
    from embeddings.hybrid import settings_from

    products, vectors = synthetic_catalog(runtime.index, size)
    hybrid = bench_hybrid(runtime, products, vectors, queries[:100])
    flat = ProductIndex.from_vectors(products, vectors, settings_from(runtime.settings)[0], kind="flat")
    query_vectors = np.stack([runtime.encoder.encode_query(q) for q in queries[:160]])
    threads = bench_threads(flat, query_vectors)
    torch_threads = bench_torch_threads(runtime.encoder, queries[:30])
    return report(line, hybrid, threads, torch_threads)


def main(args) -> int:
    from actions.runtime import build_runtime
    from bot.launcher import Stack
    from bot.training import ensure_model

    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    overrides = {"SHOP_VAR_DIR": str(scratch), "PROFILE_DB_URL": f"sqlite:///{scratch}/profiles.db",
                 "TRACKER_DB_NAME": str(scratch / "tracker.db"), "RASA_PORT": os.environ.get("BENCH_RASA_PORT", "25005"),
                 "ACTIONS_PORT": os.environ.get("BENCH_ACTIONS_PORT", "25055"), "RASA_API_TOKEN": uuid.uuid4().hex,
                 "REST_CHANNEL_TOKEN": uuid.uuid4().hex, "TRUSTED_PROXIES": "127.0.0.1"}
    settings = load_settings(dict(os.environ, **overrides))
    if getattr(args, "search_only", False):
        try:
            return search_only(settings, args)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    prices, names = category_prices(settings)
    stack = Stack(settings, ensure_model(settings, quiet=True), scratch / "logs", extra_env=overrides)
    print(f"starting the stack on ports {settings.rasa_port}/{settings.actions_port} ...", flush=True)
    stack.start()
    try:
        turns = bench_turns(stack, args.turns, product_queries(args.turns, prices, names))
        actions_pid = stack.processes[0].pid
        memory = rss_mb(actions_pid)
        floods = {}
        if args.long_messages:
            url, headers = stack.rasa_url + "/webhooks/rest/webhook", rest_headers(stack)
            limit = int(settings.max_message_chars)
            floods = {f"5 customers sending {limit:,}-character messages (the longest allowed)":
                      bench_long_messages(url, headers, limit),
                      f"1 customer on 5 connections sending {limit:,}-character messages (one turn at a time, rate limited)":
                      bench_long_messages(url, headers, limit, one_client=True),
                      "5 customers sending 10,000-character messages (refused: over the limit)":
                      bench_long_messages(url, headers, 10_000)}
    finally:
        stack.stop()
    runtime = build_runtime(settings)
    search = bench_search(runtime, args.synthetic, product_queries(200, prices, names))
    hybrid = hybrid_section(runtime, args.synthetic, product_queries(200, prices, names))
    shutil.rmtree(scratch, ignore_errors=True)

    greet50, rec50 = percentile(turns["greet"], 50), percentile(turns["recommend"], 50)
    greet95, rec95 = percentile(turns["greet"], 95), percentile(turns["recommend"], 95)
    s = search["samples"]
    print(f"\nTurns over REST ({args.turns} each, alternating, fresh customers):")
    print(line("greeting turn", turns["greet"]))
    print(line("recommendation turn", turns["recommend"]))
    if turns["misses"]:
        print(f"  ({len(turns['misses'])} requests answered without products, not timed: "
              f"{', '.join(repr(m) for m in turns['misses'][:5])})")
    print(f"  ratio recommendation/greeting               p50 {rec50 / greet50:8.2f}x     p95 {rec95 / greet95:8.2f}x"
          f"   (target p50 <= 1.3x)")
    if floods:
        print("\nA greeting of another customer while others send long messages (REST, 15 greetings "
              "right before and 15 during each flood):")
        for label, result in floods.items():
            ratio = percentile(result["during"], 50) / percentile(result["quiet"], 50)
            print(f"  {label}\n" + line("  before", result["quiet"]) + "\n" + line("  during", result["during"])
                  + f"   {ratio:5.1f}x   flood answers {dict(sorted(result['statuses'].items()))}")
    print(f"\nSearch (top 10, in process):")
    print(line(f"demo catalog ({search['demo_size']}), unfiltered", s["demo_unfiltered"]))
    print(line(f"demo catalog, category+budget filter", s["demo_filtered"]))
    print(line(f"demo catalog, encode new query + search", s["demo_encode_and_search"]))
    print(line(f"synthetic {search['big_size']:,} ({search['big_kind']}), unfiltered", s["big_unfiltered"]))
    print(line(f"synthetic {search['big_size']:,}, category+budget filter", s["big_filtered"]))
    print(line(f"synthetic {search['big_size']:,}, exact flat scan", s["big_exact_unfiltered"]))
    print(f"  synthetic {search['big_kind']} recall@10 vs exact: {search['big_recall']:.3f}; "
          f"speed-up vs flat p50: {percentile(s['big_exact_unfiltered'], 50) / percentile(s['big_unfiltered'], 50):.1f}x"
          f"   (target p50 < 5 ms)")
    print(f"\nIndex build:")
    print(f"  demo catalog, encode + index from scratch   {search['demo_build_s']:8.2f} s")
    print(f"  demo catalog, reload from cache             {search['demo_reload_s']:8.3f} s")
    print(f"  synthetic {search['big_size']:,} vectors, {search['big_kind']} build    {search['big_build_s']:8.2f} s")
    print(hybrid)
    print(f"\nAction server memory (RSS after the turns): {memory:.0f} MB")
    return 0
