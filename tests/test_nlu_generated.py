"""The generated training data is what the generator writes (deterministic), spans
many kinds of product, and keeps the demo catalog's nouns a small part."""
import json

from bot.nlu.generate import OUTPUT, generate
from bot.settings import ROOT


def test_committed_file_is_the_generators_output():
    content, counts = generate()
    assert OUTPUT.read_text(encoding="utf-8") == content, "run: python -m bot nlu-generate"
    assert generate()[0] == content                       # same output every time
    assert counts["request_product"] >= 1000 and counts["out_of_scope"] >= 1000


def test_demo_catalog_nouns_are_a_small_part():
    categories = set()
    for line in (ROOT / "data" / "catalog" / "products.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            categories.add(json.loads(line)["category"].replace("_", " "))
    examples = [l[6:].lower() for l in OUTPUT.read_text(encoding="utf-8").splitlines() if l.startswith("    - ")]
    naming_demo = sum(any(c in e for c in categories) for e in examples)
    assert naming_demo / len(examples) < 0.1
