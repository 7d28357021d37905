"""Real phrasing from ../shared/data, split into a training half and a held-out half.

WANDS queries are real shop searches (-> request_product); CLINC150 out-of-scope
requests are real messages an assistant must decline (-> out_of_scope). Even
positions train the model, odd positions are kept for evaluation only
(tests/test_nlu_heldout.py). The training half is written under var/, never
committed: shared/ stays the single copy of that data.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Dict, List, Set, Tuple

import yaml

from bot.settings import ROOT, Settings

WANDS = "wands_queries_dev.tsv"
CLINC = "clinc150_oos_dev.json"


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def wands_queries(shared: Path) -> List[str]:
    path = shared / WANDS
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        return [row["query"].strip() for row in csv.DictReader(handle, delimiter="\t") if row.get("query")]


def clinc_requests(shared: Path) -> List[str]:
    path = shared / CLINC
    if not path.exists():
        return []
    return [t.strip() for t in json.loads(path.read_text(encoding="utf-8")).get("out_of_scope", []) if t.strip()]


def split(items: List[str]) -> Tuple[List[str], List[str]]:
    return items[0::2], items[1::2]


def _existing_examples() -> Set[str]:
    seen: Set[str] = set()
    for path in sorted(ROOT.glob("data/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    seen.add(_normal(line[2:]))
    return seen


def write_training_half(settings: Settings) -> Path:
    """Write var/training/nlu_shared.yml (empty when shared data is absent)."""
    shared = Path(settings.shared_data_dir)
    seen = _existing_examples()
    intents: Dict[str, List[str]] = {"request_product": [], "out_of_scope": []}
    for intent, items in (("request_product", split(wands_queries(shared))[0]),
                          ("out_of_scope", split(clinc_requests(shared))[0])):
        for text in items:
            key = _normal(text)
            if key and key not in seen:   # the validator warns on repeated examples
                seen.add(key)
                intents[intent].append(text)
    target = settings.path("var_dir") / "training" / "nlu_shared.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    blocks = [{"intent": name, "examples": "".join(f"- {t}\n" for t in texts)}
              for name, texts in intents.items() if texts]
    content = yaml.safe_dump({"version": "3.1", "nlu": blocks}, sort_keys=False, allow_unicode=True, width=1000)
    if not target.exists() or target.read_text(encoding="utf-8") != content:
        target.write_text(content, encoding="utf-8")
    return target
