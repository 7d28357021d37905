"""`python -m bot nlu-report`: how well a trained model reads real customers' words.

Three figures on the shared measurement files (never trained on):
- SIMMC 2.0 customer turns: predicted intent among the turn's accepted intents
  (overall and per dialogue act);
- WANDS furniture-shop search queries: read as a product request or refinement;
- CLINC150 out-of-scope requests: declined (out_of_scope or the fallback).
"""
from __future__ import annotations

import json
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from bot.nlu.measurement import (DECLINED_INTENTS, PRODUCT_INTENTS, clinc_requests, simmc_turns,
                                 wands_queries)
from bot.settings import ROOT, Settings


@dataclass
class NluReport:
    simmc: float
    simmc_by_act: Dict[str, Tuple[float, int]]
    wands: float
    clinc: float
    counts: Dict[str, int]
    parse_ms: float
    misses: Dict[str, List[Tuple[str, str]]] = field(default_factory=dict)
    # What the misses were read as, per group (intent -> count).
    missed_as: Dict[str, Dict[str, int]] = field(default_factory=dict)

    def lines(self) -> List[str]:
        out = [f"SIMMC 2.0 turns, intent accepted:        {self.simmc:.3f} ({self.counts['simmc']} turns)"]
        for act, (rate, n) in sorted(self.simmc_by_act.items()):
            out.append(f"  {act:<22} {rate:.3f} ({n})")
        out.append(f"WANDS queries, read as product requests:  {self.wands:.3f} ({self.counts['wands']} queries)")
        out.append(f"CLINC150 out-of-scope, declined:          {self.clinc:.3f} ({self.counts['clinc']} requests)")
        out.append(f"parse time per message (one at a time, model loaded): {self.parse_ms:.1f} ms")
        for group, counts in sorted(self.missed_as.items()):
            top = sorted(counts.items(), key=lambda item: -item[1])[:6]
            out.append(f"  misses in {group} read as: " + ", ".join(f"{name} {n}" for name, n in top))
        return out


def parse_texts(settings: Settings, model: Path, texts: Sequence[str]) -> Tuple[List[Tuple[str, float]], float]:
    """Intent and confidence for each text, from the model loaded once in the Rasa
    environment, and the seconds spent parsing (loading excluded)."""
    from bot.training import rasa_env

    python = settings.path("rasa_venv") / "bin" / "python"
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.json", Path(tmp) / "out.json"
        source.write_text(json.dumps(list(texts)), encoding="utf-8")
        result = subprocess.run([str(python), "-m", "bot.nlu.parse_batch", str(model), str(source), str(target)],
                                cwd=ROOT, env=rasa_env(settings), capture_output=True, text=True)
        if result.returncode != 0 or not target.exists():
            raise RuntimeError(f"parsing failed (exit {result.returncode}): {result.stderr[-3000:]}")
        output = json.loads(target.read_text(encoding="utf-8"))
        return [(name, confidence) for name, confidence in output["results"]], float(output["parse_seconds"])


def measure(settings: Settings, model: Path, keep_misses: int = 0) -> NluReport:
    shared = Path(settings.shared_data_dir)
    turns = simmc_turns(shared)
    queries = wands_queries(shared)
    requests = clinc_requests(shared)
    texts = [t.utterance for t in turns] + queries + requests
    parsed, seconds = parse_texts(settings, model, texts)
    predicted = [name for name, _ in parsed]
    parse_ms = seconds * 1000 / max(1, len(texts))
    simmc_pred = predicted[:len(turns)]
    wands_pred = predicted[len(turns):len(turns) + len(queries)]
    clinc_pred = predicted[len(turns) + len(queries):]

    missed_as: Dict[str, Dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_act: Dict[str, List[bool]] = defaultdict(list)
    misses: Dict[str, List[Tuple[str, str]]] = defaultdict(list)
    for turn, name in zip(turns, simmc_pred):
        hit = name in turn.accepted
        by_act[turn.act].append(hit)
        if not hit:
            missed_as[turn.act][name] += 1
        if not hit and len(misses[turn.act]) < keep_misses:
            misses[turn.act].append((turn.utterance, name))
    wands_hits = [name in PRODUCT_INTENTS for name in wands_pred]
    clinc_hits = [name in DECLINED_INTENTS for name in clinc_pred]
    for group, names, hits in (("WANDS", wands_pred, wands_hits), ("CLINC", clinc_pred, clinc_hits)):
        for name, hit in zip(names, hits):
            if not hit:
                missed_as[group][name] += 1
    if keep_misses:
        misses["WANDS"] = [(q, n) for q, n, h in zip(queries, wands_pred, wands_hits) if not h][:keep_misses]
        misses["CLINC"] = [(q, n) for q, n, h in zip(requests, clinc_pred, clinc_hits) if not h][:keep_misses]
    all_simmc = [hit for hits in by_act.values() for hit in hits]
    return NluReport(
        simmc=sum(all_simmc) / len(all_simmc),
        simmc_by_act={act: (sum(hits) / len(hits), len(hits)) for act, hits in by_act.items()},
        wands=sum(wands_hits) / len(wands_hits),
        clinc=sum(clinc_hits) / len(clinc_hits),
        counts={"simmc": len(turns), "wands": len(queries), "clinc": len(requests)},
        parse_ms=parse_ms, misses=dict(misses), missed_as={k: dict(v) for k, v in missed_as.items()})


def main(args) -> int:
    from bot.nlu.measurement import available
    from bot.settings import load_settings
    from bot.training import ensure_model

    settings = load_settings()
    if not available(Path(settings.shared_data_dir)):
        print(f"the measurement files are not in {settings.shared_data_dir}")
        return 1
    model = Path(args.model) if args.model else ensure_model(settings, quiet=True)
    report = measure(settings, model, keep_misses=args.misses)
    print(f"model: {model.name}")
    print("\n".join(report.lines()))
    for group, items in report.misses.items():
        print(f"-- misses, {group}:")
        for text, name in items:
            print(f"   {name:<20} {text}")
    return 0
