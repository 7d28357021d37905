"""Offline evaluation: metrics by hand on a tiny log, no leakage, the CLI, and
the hybrid target on the shared France order file."""
from __future__ import annotations

import math
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from actions.behaviour import evaluation
from actions.behaviour.evaluation import Case, Invoice, score_cases, scorer_factory
from actions.behaviour.metrics import hit_at_k, ndcg_at_k
from actions.behaviour.scoring import HybridWeights

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "online_retail_france.csv"
LOG2_3 = 1 / math.log2(3)


def test_metrics_by_hand():
    assert hit_at_k(["a", "b", "c"], {"c"}, 2) == 0.0
    assert hit_at_k(["a", "b", "c"], {"c"}, 3) == 1.0
    assert ndcg_at_k(["a", "b"], {"a"}, 10) == 1.0
    assert ndcg_at_k(["x", "a"], {"a"}, 10) == pytest.approx(LOG2_3)
    # two relevant, found at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2(3))
    assert ndcg_at_k(["a", "x", "b"], {"a", "b"}, 10) == pytest.approx(1.5 / (1 + LOG2_3))
    assert ndcg_at_k(["a"], set(), 10) == 0.0


def invoice(number, customer, day, *items):
    return Invoice(number, customer, datetime(2011, 1, 1) + timedelta(days=day), tuple(items))


ITEMS = ["A", "B", "C", "D", "E"]
VECTORS = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0.6, 0.8]], dtype=np.float32)
TRAIN = [invoice("1", "u", 0, "A", "B"), invoice("2", "u", 1, "A", "B"), invoice("3", "v", 2, "A", "C"),
         invoice("4", "v", 3, "D"), invoice("5", "w", 4, "A", "E")]
# A in 4 baskets, B in 2; cosine(A,B) = 2/sqrt(8), cosine(A,C) = cosine(A,E) = 1/2
CASES = [Case({"B": 1.0}, ("A",), {}, ("B",)),        # every method puts A first
         Case({"A": 1.0}, ("C",), {}, ("A",)),        # popularity/co-purchase: [B, C]; similarity: [B, E]
         Case({"C": 1.0}, ("D", "E"), {}, ("C",))]    # popularity/co-purchase: [A, B]; similarity: [D, E]


def test_methods_by_hand_on_a_tiny_log():
    weights = HybridWeights(copurchase=1.0, similarity=2.0, popularity=0.0)
    scorer = scorer_factory(ITEMS, VECTORS, weights)(TRAIN)
    result = score_cases(scorer, CASES, k=2)
    assert result.cases == 3
    assert result.hits == pytest.approx({"popularity": 2 / 3, "co-purchase": 2 / 3,
                                         "embedding similarity": 2 / 3, "hybrid": 2 / 3})
    assert result.ndcg["popularity"] == pytest.approx((1 + LOG2_3 + 0) / 3)
    assert result.ndcg["co-purchase"] == pytest.approx((1 + LOG2_3 + 0) / 3)
    assert result.ndcg["embedding similarity"] == pytest.approx((1 + 0 + 1) / 3)
    # hybrid, case 2: B 1+2, E .707+1.2, C .707 -> [B, E]; case 3: D 2, E 1.6, A 1 -> [D, E]
    assert result.ndcg["hybrid"] == pytest.approx((1 + 0 + 1) / 3)


def test_repeat_weight_brings_back_what_the_customer_bought():
    scorer = scorer_factory(ITEMS, VECTORS, HybridWeights(0, 0, 0, repeat=1.0))(TRAIN)
    case = Case({"A": 1.0}, ("D",), {"D": 2.0}, ("A",))
    assert score_cases(scorer, [case], ["hybrid"], k=1).hits["hybrid"] == 1.0


def test_basket_completion_never_trains_on_held_out_invoices():
    invoices = [invoice(str(n), f"c{n % 3}", n, f"P{n % 7}", f"P{(n + 1) % 7}", f"P{(n + 3) % 7}")
                for n in range(50)]
    seen = {}

    def make(train):
        seen["train"] = {i.number for i in train}
        return scorer_factory([f"P{i}" for i in range(7)], np.eye(7, dtype=np.float32), HybridWeights())(train)

    result = evaluation.basket_completion(invoices, make, seed=0)
    train, held = evaluation.split_invoices(invoices, seed=0)
    assert len(held) == 10 and result.cases == 10
    assert seen["train"] == {i.number for i in train} and not seen["train"] & {i.number for i in held}
    assert evaluation.split_invoices(invoices, seed=0) == (train, held)          # seeded
    for case, held_invoice in zip(evaluation.basket_cases(train, held, 0), held):
        assert set(case.context) | set(case.relevant) == set(held_invoice.items)
        # history: the customer's training invoices before this one only
        expected = [i for i in train if i.customer_id == held_invoice.customer_id
                    and i.ordered_at < held_invoice.ordered_at]
        assert sum(case.history.values()) == sum(len(i.items) for i in expected)


def test_next_order_holds_out_each_customers_last_invoice():
    invoices = [invoice("1", "u", 0, "A"), invoice("2", "u", 5, "B", "C"), invoice("3", "v", 1, "D"),
                invoice("4", "w", 2, "A"), invoice("5", "w", 3, "E")]
    train, cases = evaluation.next_order_split(invoices)
    assert [i.number for i in train] == ["1", "3", "4"]
    assert [(c.context, c.relevant) for c in cases] == [({"A": 1.0}, ("B", "C")), ({"A": 1.0}, ("E",))]


HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"


def test_cli_runs_on_a_small_file(tmp_path):
    rows = []
    for n in range(30):
        for code, name in ((n % 5, "RED MUG"), ((n + 1) % 5, "BLUE MUG"), ((n + 2) % 6, "TEA TOWEL")):
            rows.append(f"5{n:05d},{code}{name[0]},{name} {code},2,12/{1 + n % 20}/2010 9:00,1.5,{100 + n % 4},France")
    rows.append("C599999,1R,RED MUG 1,-1,12/25/2010 9:00,1.5,100,France")
    rows.append("599998,POST,POSTAGE,1,12/25/2010 9:00,15,100,France")
    path = tmp_path / "small.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    env = dict(os.environ, SHOP_VAR_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "bot", "evaluate", "--orders", str(path), "--seed", "3"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "91 order lines used, 1 rows skipped" in out
    assert "(a) basket completion, 20% of invoices held out, seed 3 (6 cases)" in out
    assert "(b) each customer's last invoice from their earlier ones (4 cases)" in out
    for method in ("popularity", "co-purchase", "embedding similarity", "hybrid"):
        assert out.count(f"| {method} | ") == 2
    assert list((tmp_path / "behaviour" / "vectors").glob("*.npy"))   # embeddings cached
    missing = subprocess.run([sys.executable, "-m", "bot", "evaluate", "--orders", str(tmp_path / "no.csv")],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert missing.returncode == 2 and "error" in missing.stderr


def test_a_file_without_usable_orders_is_reported_not_crashed(tmp_path):
    from actions.behaviour.evaluation_cli import NOTHING, evaluate
    from bot.settings import load_settings

    path = tmp_path / "bad.csv"
    path.write_text("InvoiceNo,StockCode,Quantity\n1,2,3\n")
    lines = evaluate(str(path), 0, load_settings(dict(os.environ, SHOP_VAR_DIR=str(tmp_path))), encoder=object())
    assert lines[-1] == NOTHING
    assert "  line 1: missing column: InvoiceDate, UnitPrice, CustomerID" in lines


def test_hybrid_beats_target_on_the_shared_file(encoder):
    """The issue's target: hybrid hit@10 >= 0.26 on basket completion, seed 0."""
    from actions.behaviour.evaluation_cli import evaluate
    from bot.settings import load_settings

    settings = load_settings()   # the repository's var/ keeps the description embeddings
    text = "\n".join(evaluate(str(SHARED), 0, settings, encoder=encoder))
    basket = text.split("(b)")[0]
    row = next(line for line in basket.splitlines() if line.startswith("| hybrid |"))
    hit = float(row.split("|")[2])
    assert hit >= 0.26, text
    co = float(next(l for l in basket.splitlines() if l.startswith("| co-purchase |")).split("|")[2])
    assert hit > co


def test_similarity_to_the_closest_basket_item_or_to_the_mean():
    context = {"A": 1.0, "C": 1.0}
    closest = scorer_factory(ITEMS, VECTORS, HybridWeights(similarity_to="max"))(TRAIN).similarity(context)
    assert closest == pytest.approx([1.0, 1.0, 1.0, 1.0, 0.8])
    mean = scorer_factory(ITEMS, VECTORS, HybridWeights(similarity_to="mean"))(TRAIN).similarity(context)
    assert mean == pytest.approx([0.5, 0.5, 0.5, 0.5, 0.7])
    assert HybridWeights.from_config({"hybrid": {"similarity_to": "mean", "weights": {"repeat": 2}}}) == \
        HybridWeights(repeat=2.0, similarity_to="mean")
    with pytest.raises(ValueError):
        HybridWeights.from_config({"hybrid": {"similarity_to": "median"}})
