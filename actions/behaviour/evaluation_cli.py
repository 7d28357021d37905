"""`python -m bot evaluate --orders FILE [--seed N]`: prints one table per task."""
from __future__ import annotations

import sys
import time
from typing import List

from actions.behaviour.config import behaviour_config
from actions.behaviour.evaluation import (K, TaskResult, basket_completion, invoices_from, next_order,
                                          product_texts, scorer_factory)
from actions.behaviour.orders import OrderRules, load_orders
from actions.behaviour.product_vectors import text_vectors
from actions.behaviour.scoring import METHODS, HybridWeights

NOTHING = "no orders to evaluate"


def table(title: str, result: TaskResult) -> str:
    rows = [f"{title} ({result.cases} cases)",
            f"| method | hit@{K} | NDCG@{K} |", "|---|---|---|"]
    for method in METHODS:
        if method in result.hits:
            rows.append(f"| {method} | {result.hits[method]:.3f} | {result.ndcg[method]:.3f} |")
    return "\n".join(rows)


def evaluate(path: str, seed: int, settings, encoder=None) -> List[str]:
    """Both tables as text; the encoder is made here unless one is passed."""
    config = behaviour_config(settings)
    report = load_orders(path, OrderRules.from_config(config))
    out = [f"{path}: {len(report.lines)} order lines used, {len(report.skipped)} rows skipped"]
    invoices = invoices_from(report.lines)
    if not invoices:
        return out + [f"  line {line}: {reason}" for line, reason in report.skipped[:10]] + [NOTHING]
    texts = product_texts(report.lines)
    items = sorted(texts)
    if encoder is None:
        from actions.runtime import make_encoder
        encoder = make_encoder(settings)
    cache = settings.path("var_dir") / config.get("hybrid", {}).get("vector_cache", "behaviour/vectors")
    vectors = text_vectors(encoder, [texts[i] for i in items], cache)
    make = scorer_factory(items, vectors, HybridWeights.from_config(config))
    out.append(table(f"(a) basket completion, 20% of invoices held out, seed {seed}",
                     basket_completion(invoices, make, seed)))
    out.append(table("(b) each customer's last invoice from their earlier ones", next_order(invoices, make)))
    return out


def main(args) -> int:
    from bot.settings import load_settings

    started = time.perf_counter()
    try:
        lines = evaluate(args.orders, args.seed, load_settings())
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n\n".join(lines))
    print(f"\n({time.perf_counter() - started:.1f}s)")
    return 1 if lines[-1] == NOTHING else 0
