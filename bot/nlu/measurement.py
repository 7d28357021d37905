"""The shared measurement files (../shared/data, marked M): read for measuring only.

Nothing here writes them anywhere: the project must never train on them
(tests/test_nlu_floors.py checks that none of their utterances is in data/).
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

SIMMC = "simmc2_dev_utterances.tsv"
WANDS = "wands_queries_dev.tsv"
CLINC = "clinc150_oos_dev.json"
MEASUREMENT_FILES = (SIMMC, WANDS, CLINC)

# What counts as "read as a product request" for a shop search query.
PRODUCT_INTENTS = frozenset({"request_product", "refine_results"})
# What counts as "declined without products" for an out-of-scope request.
DECLINED_INTENTS = frozenset({"out_of_scope", "nlu_fallback"})


@dataclass(frozen=True)
class SimmcTurn:
    act: str
    utterance: str
    accepted: Tuple[str, ...]


def simmc_turns(shared: Path) -> List[SimmcTurn]:
    """Turns with accepted intents; those without only point at the scene and are skipped."""
    with open(shared / SIMMC, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    turns = []
    for row in rows:
        accepted = tuple(i for i in (row.get("accepted_intents") or "").split("|") if i)
        if accepted and (row.get("utterance") or "").strip():
            turns.append(SimmcTurn(row["simmc_act"], row["utterance"].strip(), accepted))
    return turns


def wands_queries(shared: Path) -> List[str]:
    with open(shared / WANDS, encoding="utf-8") as handle:
        return [row["query"].strip() for row in csv.DictReader(handle, delimiter="\t") if (row.get("query") or "").strip()]


def clinc_requests(shared: Path) -> List[str]:
    data = json.loads((shared / CLINC).read_text(encoding="utf-8"))
    return [t.strip() for t in data.get("out_of_scope", []) if t.strip()]


def all_utterances(shared: Path) -> List[str]:
    """Every utterance of the measurement files, scene references included (for the
    no-training-on-them check)."""
    with open(shared / SIMMC, encoding="utf-8") as handle:
        simmc = [(row.get("utterance") or "").strip() for row in csv.DictReader(handle, delimiter="\t")]
    return [t for t in simmc if t] + wands_queries(shared) + clinc_requests(shared)


def available(shared: Path) -> bool:
    return all((shared / name).exists() for name in MEASUREMENT_FILES)
