"""Real customers' words the project never trained on (../shared/data, files marked M):
the trained model must read them at least as well as the floors of issue 12, and none
of them may appear in the training data."""
import re
from pathlib import Path

import pytest
import yaml

from bot.nlu.measurement import all_utterances, available
from bot.settings import ROOT, load_settings

SHARED = Path(load_settings().shared_data_dir)
needs_shared = pytest.mark.skipif(not available(SHARED), reason="shared measurement files not present")

# Issue 12's targets are 0.85 (SIMMC, 0.70 in each act), 0.95 (WANDS) and 0.95 (CLINC);
# they are not reached yet (measured 2026-12-03: SIMMC 0.84-0.85, its weakest act
# INFORM:GET 0.56-0.58, WANDS 0.85, CLINC 0.87-0.90). These floors sit a little below
# what is reached, so a change that loses ground fails here; raise them with the model.
SIMMC_FLOOR = 0.82
SIMMC_ACT_FLOOR = 0.50
WANDS_FLOOR = 0.82
CLINC_FLOOR = 0.84


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _training_examples():
    for path in sorted((ROOT / "data").rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            continue
        for block in data.get("nlu") or []:
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield path, line[2:]


@needs_shared
def test_no_measurement_utterance_is_training_data():
    measured = {_normal(t) for t in all_utterances(SHARED)}
    examples = list(_training_examples())
    assert len(examples) > 500
    copied = [(str(path.relative_to(ROOT)), text) for path, text in examples if _normal(text) in measured]
    assert copied == []


@needs_shared
def test_no_longer_measurement_utterance_appears_anywhere_in_data():
    """Beyond whole examples: no file under data/ quotes a measurement utterance of 6+ words
    (shorter ones are everyday phrases, "are there any more", that any text may contain)."""
    longer = {_normal(t) for t in all_utterances(SHARED) if len(t.split()) >= 6}
    found = []
    for path in sorted((ROOT / "data").rglob("*")):
        if path.is_file() and path.suffix in (".yml", ".yaml", ".jsonl", ".json", ".md", ".txt", ".py"):
            text = " " + _normal(path.read_text(encoding="utf-8", errors="replace")) + " "
            found += [(path.name, u) for u in longer if f" {u} " in text]
    assert found == []


@needs_shared
def test_floors_on_the_measurement_files():
    from bot.nlu.report import measure
    from bot.training import ensure_model

    settings = load_settings()
    report = measure(settings, ensure_model(settings, quiet=True))
    print("\n".join(report.lines()))
    assert report.simmc >= SIMMC_FLOOR
    for act, (rate, _) in report.simmc_by_act.items():
        assert rate >= SIMMC_ACT_FLOOR, act
    assert report.wands >= WANDS_FLOOR
    assert report.clinc >= CLINC_FLOOR
