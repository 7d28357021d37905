"""How well the trained model reads messages it never saw: our own held-out
cases, and the held-out halves of real shop queries (WANDS) and real
out-of-scope requests (CLINC150) from ../shared/data (the other halves are
training data, see bot/shared_training.py). Figures are printed; floors guard
against regressions."""
from pathlib import Path

import pytest
import yaml

from bot.settings import load_settings
from bot.shared_training import CLINC, WANDS, clinc_requests, split, wands_queries

pytestmark = pytest.mark.e2e

PRODUCT_INTENTS = {"request_product", "refine_results", "show_more", "more_like", "state_preference"}
SHARED = Path(load_settings().shared_data_dir)


def load_cases():
    data = yaml.safe_load((Path(__file__).parent / "nlu_cases.yml").read_text())
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield block["intent"], line[2:]


def test_held_out_cases(rest):
    cases = list(load_cases())
    wrong = [(intent, text, rest.parse(text)["intent"]["name"]) for intent, text in cases]
    wrong = [w for w in wrong if w[0] != w[2]]
    accuracy = 1 - len(wrong) / len(cases)
    print(f"held-out intent accuracy: {accuracy:.3f} on {len(cases)} cases; misses: {wrong[:15]}")
    assert accuracy >= 0.90


@pytest.mark.skipif(not (SHARED / WANDS).exists(), reason="shared data not present")
def test_real_shop_queries_are_product_requests(rest):
    queries = split(wands_queries(SHARED))[1]
    hits = sum(rest.parse(q)["intent"]["name"] in PRODUCT_INTENTS for q in queries)
    rate = hits / len(queries)
    print(f"WANDS queries read as product requests: {rate:.3f} ({hits}/{len(queries)})")
    assert rate >= 0.80


@pytest.mark.skipif(not (SHARED / CLINC).exists(), reason="shared data not present")
def test_real_out_of_scope_requests_are_not_product_requests(rest):
    requests = split(clinc_requests(SHARED))[1]
    names = [rest.parse(text)["intent"]["name"] for text in requests]
    declined = sum(n in ("out_of_scope", "nlu_fallback") for n in names)
    product_like = sum(n in PRODUCT_INTENTS for n in names)
    print(f"CLINC150 out-of-scope declined: {declined / len(names):.3f}; "
          f"read as product requests: {product_like / len(names):.3f}")
    assert declined / len(names) >= 0.80
    assert product_like / len(names) <= 0.10
