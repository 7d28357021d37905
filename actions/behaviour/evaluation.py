"""Offline evaluation on an order history, without leaking held-out orders.

(a) Basket completion: a seeded 20% of invoices is held out; from each held-out
    invoice with two or more products one product is left out and predicted from
    the others. Signals are learnt from the other 80% only; the customer's
    history is their training invoices dated before the held-out one.
(b) Next order: each customer's last invoice (with at least one earlier one) is
    predicted from their earlier invoices; signals are learnt from every invoice
    except those last ones.
Hit rate@10 and NDCG@10 per method; items already in the basket are not
recommended in (a).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np

from actions.behaviour.metrics import hit_at_k, ndcg_at_k
from actions.behaviour.orders import OrderLine, baskets
from actions.behaviour.scoring import METHODS, HybridWeights, Scorer
from actions.behaviour.signals import PurchaseSignals

K = 10


@dataclass(frozen=True)
class Invoice:
    number: str
    customer_id: str
    ordered_at: datetime
    items: Tuple[str, ...]   # distinct products, in file order


@dataclass
class TaskResult:
    cases: int = 0
    hits: Dict[str, float] = field(default_factory=dict)
    ndcg: Dict[str, float] = field(default_factory=dict)


def invoices_from(lines: Sequence[OrderLine]) -> List[Invoice]:
    result = []
    for number, group in baskets(lines).items():
        items = tuple(dict.fromkeys(line.stock_code for line in group))
        result.append(Invoice(number, group[0].customer_id, min(l.ordered_at for l in group), items))
    return sorted(result, key=lambda invoice: invoice.number)


def product_texts(lines: Sequence[OrderLine]) -> Dict[str, str]:
    """Each product's most common description (its catalog text)."""
    counts: Dict[str, Dict[str, int]] = {}
    for line in lines:
        names = counts.setdefault(line.stock_code, {})
        names[line.description] = names.get(line.description, 0) + 1
    return {code: max(names.items(), key=lambda kv: (kv[1], kv[0]))[0] or code
            for code, names in counts.items()}


def split_invoices(invoices: Sequence[Invoice], seed: int, held_out: float = 0.2) -> Tuple[List[Invoice], List[Invoice]]:
    shuffled = list(invoices)
    random.Random(seed).shuffle(shuffled)
    cut = int(round(len(shuffled) * held_out))
    return shuffled[cut:], shuffled[:cut]


def _top(scores: np.ndarray, items: Sequence[str], exclude: Sequence[str], position: Dict[str, int],
         k: int = K) -> List[str]:
    scores = scores.astype(np.float64, copy=True)
    for item in exclude:
        if item in position:
            scores[position[item]] = -np.inf
    count = min(k, len(scores))
    top = np.argpartition(-scores, count - 1)[:count] if count else []
    return [items[i] for i in sorted(top, key=lambda i: (-scores[i], i))]


def _history(invoices: Sequence[Invoice]) -> Dict[str, float]:
    counts: Dict[str, float] = {}
    for invoice in invoices:
        for item in invoice.items:
            counts[item] = counts.get(item, 0.0) + 1.0
    return counts


@dataclass(frozen=True)
class Case:
    """One prediction: the context shown, the items that count as right."""
    context: Dict[str, float]
    relevant: Tuple[str, ...]
    history: Dict[str, float]
    exclude: Tuple[str, ...] = ()


ScorerFactory = Callable[[List[Invoice]], Scorer]


def scorer_factory(items: Sequence[str], vectors: np.ndarray, weights: HybridWeights) -> ScorerFactory:
    def make(train: List[Invoice]) -> Scorer:
        return Scorer(PurchaseSignals(items, (i.items for i in train)), vectors, weights)
    return make


def score_cases(scorer: Scorer, cases: Sequence[Case], methods: Sequence[str] = METHODS, k: int = K) -> TaskResult:
    """Mean hit@k and NDCG@k per method over the cases."""
    result = TaskResult(cases=len(cases), hits={m: 0.0 for m in methods}, ndcg={m: 0.0 for m in methods})
    for case in cases:
        for method in methods:
            ranked = _top(scorer.score(method, case.context, case.history), scorer.signals.items,
                          case.exclude, scorer.position, k)
            result.hits[method] += hit_at_k(ranked, case.relevant, k)
            result.ndcg[method] += ndcg_at_k(ranked, case.relevant, k)
    if cases:
        result.hits = {m: v / len(cases) for m, v in result.hits.items()}
        result.ndcg = {m: v / len(cases) for m, v in result.ndcg.items()}
    return result


def basket_cases(train: Sequence[Invoice], held: Sequence[Invoice], seed: int) -> List[Case]:
    """Leave one random product out of each held-out invoice with two or more."""
    by_customer: Dict[str, List[Invoice]] = {}
    for invoice in train:
        by_customer.setdefault(invoice.customer_id, []).append(invoice)
    rng = random.Random(seed + 1)
    cases = []
    for invoice in held:
        if len(invoice.items) < 2:
            continue
        target = invoice.items[rng.randrange(len(invoice.items))]
        context = {item: 1.0 for item in invoice.items if item != target}
        # only what the customer bought before this invoice, never after it
        earlier = [i for i in by_customer.get(invoice.customer_id, []) if i.ordered_at < invoice.ordered_at]
        cases.append(Case(context, (target,), _history(earlier), tuple(context)))
    return cases


def basket_completion(invoices: Sequence[Invoice], make: ScorerFactory, seed: int,
                      methods: Sequence[str] = METHODS) -> TaskResult:
    train, held = split_invoices(invoices, seed)
    return score_cases(make(train), basket_cases(train, held, seed), methods)


def next_order_split(invoices: Sequence[Invoice]) -> Tuple[List[Invoice], List[Case]]:
    """Training invoices (all but each customer's last) and one case per customer."""
    by_customer: Dict[str, List[Invoice]] = {}
    for invoice in sorted(invoices, key=lambda i: (i.ordered_at, i.number)):
        by_customer.setdefault(invoice.customer_id, []).append(invoice)
    cases, held = [], set()
    for customer, bought in sorted(by_customer.items()):
        if len(bought) < 2:
            continue
        held.add(bought[-1].number)
        history = _history(bought[:-1])
        # the history is the context; re-ordering an earlier product counts
        cases.append(Case(history, bought[-1].items, history))
    return [i for i in invoices if i.number not in held], cases


def next_order(invoices: Sequence[Invoice], make: ScorerFactory,
               methods: Sequence[str] = METHODS) -> TaskResult:
    train, cases = next_order_split(invoices)
    return score_cases(make(train), cases, methods)
