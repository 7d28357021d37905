"""Experiments: stable hash assignment (across processes), balance, recorded
exposures and outcomes, and a report equal to hand-computed figures."""
from __future__ import annotations

import dataclasses
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from actions.behaviour.experiments import (assign, expose, record_goal, report, report_table,
                                           wilson_interval)
from actions.profiles import ProfileStore

ROOT = Path(__file__).resolve().parents[1]
CONFIG = {"experiments": {"cta": {"variants": {"a": 1, "b": 1}, "goal": "checkout"},
                          "other": {"variants": {"x": 1}, "goal": "signup"}}}
CUSTOMERS = [f"customer-{n}" for n in range(40)]


@pytest.fixture
def store(tmp_path):
    store = ProfileStore(f"sqlite:///{tmp_path}/p.db")
    yield store
    store.dispose()


def test_assignment_is_stable_across_processes():
    code = ("import sys; sys.path.insert(0, '.');"
            "from actions.behaviour.experiments import assign;"
            f"print(','.join(assign('cta', c, {{'a': 1, 'b': 1}}) for c in {CUSTOMERS!r}))")
    here = ",".join(assign("cta", c, {"a": 1, "b": 1}) for c in CUSTOMERS)
    for seed in ("0", "12345"):     # different hash salts: Python's hash() would differ
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                              env=dict(os.environ, PYTHONHASHSEED=seed), timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == here


def test_assignment_is_roughly_balanced_and_follows_weights():
    counts = {"a": 0, "b": 0}
    for n in range(10_000):
        counts[assign("cta", f"u{n}", {"a": 1, "b": 1})] += 1
    assert abs(counts["a"] - 5_000) < 250          # ~5 standard deviations
    weighted = sum(assign("cta", f"u{n}", {"a": 3, "b": 1}) == "a" for n in range(10_000))
    assert 7_250 < weighted < 7_750
    # experiments are independent: another name reshuffles the customers
    same = sum(assign("cta", f"u{n}", {"a": 1, "b": 1}) == assign("new", f"u{n}", {"a": 1, "b": 1})
               for n in range(10_000))
    assert 4_700 < same < 5_300
    with pytest.raises(ValueError):
        assign("cta", "u", {})


def test_wilson_interval_by_hand():
    # 3 of 10, z = 1.96: centre (0.3 + 0.19208) / 1.38416, margin 1.96 * sqrt(0.021 + 0.009604) / 1.38416
    low, high = wilson_interval(3, 10)
    assert low == pytest.approx(0.10779, abs=1e-4) and high == pytest.approx(0.60322, abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 0.0)
    assert wilson_interval(0, 5)[0] == 0.0 and wilson_interval(5, 5)[1] == 1.0


def test_report_equals_hand_computed_figures(store):
    exposed = {c: expose(store, CONFIG, "cta", c) for c in CUSTOMERS[:10]}
    assert expose(store, CONFIG, "cta", CUSTOMERS[0]) == exposed[CUSTOMERS[0]]   # first exposure stays
    converters = CUSTOMERS[:4]
    for customer in converters + converters[:1]:   # counted once per customer
        record_goal(store, CONFIG, customer, "checkout")
    assert record_goal(store, CONFIG, "never-exposed", "checkout") == []
    rows = {r.variant: r for r in report(store)}
    for variant in ("a", "b"):
        n = sum(v == variant for v in exposed.values())
        k = sum(exposed[c] == variant for c in converters)
        row = rows[variant]
        assert (row.experiment, row.goal, row.exposed, row.converted) == ("cta", "checkout", n, k)
        assert row.rate == pytest.approx(k / n)
        z = 1.96
        centre = (k / n + z * z / (2 * n)) / (1 + z * z / n)
        margin = z * math.sqrt(k / n * (1 - k / n) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        assert row.low == pytest.approx(max(0, centre - margin)) and row.high == pytest.approx(centre + margin)
    table = report_table(report(store))
    assert "| cta | checkout | a |" in table and "95% CI (Wilson)" in table


def test_erasure_removes_exposures(store):
    expose(store, CONFIG, "cta", "gone")
    store.erase("gone")
    assert report(store) == []


def test_cli_report(tmp_path):
    store = ProfileStore(f"sqlite:///{tmp_path}/p.db")
    for customer in ("u1", "u2", "u3"):
        store.record_exposure("cta", customer, "a")
    store.record_outcome("cta", "u1", "checkout")
    store.dispose()
    env = dict(os.environ, PROFILE_DB_URL=f"sqlite:///{tmp_path}/p.db", SHOP_VAR_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "bot", "experiments", "report"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    low, high = wilson_interval(1, 3)
    assert f"| cta | checkout | a | 3 | 1 | 33.3% | {low:.1%} - {high:.1%} |" in done.stdout


def test_live_ranking_experiment_exposes_and_counts_checkouts(runtime, tmp_path, conversation):
    """With the experiment active, recommending exposes the customer and checkout converts."""
    from actions import runtime as runtime_module
    from actions.cart import ActionCheckout
    from actions.recommend import ActionRecommend
    from bot.settings import Settings

    config_path = tmp_path / "behaviour.yml"
    text = (ROOT / "bot" / "behaviour.yml").read_text().replace("active: false", "active: true")
    config_path.write_text(text)
    store = ProfileStore(f"sqlite:///{tmp_path}/profiles.db")
    shop = dataclasses.replace(runtime, store=store, behaviour_cache={},
                               settings=Settings({**runtime.settings.values, "behaviour_config": str(config_path)}))
    runtime_module.reset_runtime_for_tests(shop)
    try:
        conversation.run(ActionRecommend, "a tent", "request_product")
        product = conversation.products()[0]["id"]
        store.add_to_cart(conversation.sender, product)
        conversation.run(ActionCheckout, "checkout", "checkout")
        rows = report(store)
        assert len(rows) == 1 and rows[0].experiment == "behaviour_ranking"
        assert (rows[0].exposed, rows[0].converted, rows[0].goal) == (1, 1, "checkout")
        assert rows[0].variant == assign("behaviour_ranking", conversation.sender, {"control": 1, "behaviour": 1})
    finally:
        runtime_module.reset_runtime_for_tests(runtime)
        store.dispose()
