"""How well the running model reads our own held-out cases (tests/nlu_cases.yml),
through the real Rasa server's /model/parse. The shared measurement files have
their own floors in tests/test_nlu_floors.py."""
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.e2e


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
    # 0.90 before the generated product data (many more product examples than small
    # talk); 0.88 measured with it (2026-12-03). Issue 12 keeps this open.
    assert accuracy >= 0.85
