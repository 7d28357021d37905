"""Experiments: deterministic variant assignment, exposures and outcomes in
the profile store, and per-variant conversion with Wilson intervals."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Tuple


def assign(experiment: str, customer_id: str, variants: Mapping[str, float]) -> str:
    """Same answer in every process: SHA-256, not Python's salted hash()."""
    if not variants:
        raise ValueError(f"experiment {experiment!r} has no variants")
    names = sorted(variants)
    total = sum(float(variants[name]) for name in names)
    digest = hashlib.sha256(f"{experiment}\0{customer_id}".encode("utf-8")).digest()
    point = int.from_bytes(digest[:8], "big") / 2 ** 64 * total
    for name in names:
        point -= float(variants[name])
        if point < 0:
            return name
    return names[-1]


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> Tuple[float, float]:
    """Wilson score interval for a proportion; (0, 0) without trials."""
    if trials <= 0:
        return 0.0, 0.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def expose(store, config: Mapping[str, Any], experiment: str, customer_id: str) -> str:
    """The customer's variant, recorded as an exposure (the first one stays)."""
    variants = config["experiments"][experiment]["variants"]
    return store.record_exposure(experiment, customer_id, assign(experiment, customer_id, variants))


def record_goal(store, config: Mapping[str, Any], customer_id: str, goal: str) -> List[str]:
    """Count a goal for every experiment that has it as goal; returns where it counted."""
    counted = []
    for name, spec in (config.get("experiments") or {}).items():
        if spec.get("goal") == goal and store.record_outcome(name, customer_id, goal):
            counted.append(name)
    return counted


@dataclass(frozen=True)
class VariantResult:
    experiment: str
    goal: str
    variant: str
    exposed: int
    converted: int
    low: float
    high: float

    @property
    def rate(self) -> float:
        return self.converted / self.exposed if self.exposed else 0.0


def report(store, z: float = 1.96, experiment: Optional[str] = None) -> List[VariantResult]:
    rows = []
    for row in store.experiment_counts(experiment):
        low, high = wilson_interval(row["converted"], row["exposed"], z)
        rows.append(VariantResult(row["experiment"], row["goal"], row["variant"], row["exposed"],
                                  row["converted"], low, high))
    return rows


def report_table(results: List[VariantResult], z: float = 1.96) -> str:
    if not results:
        return "no experiment exposures recorded yet"
    level = {1.96: "95%", 1.645: "90%", 2.576: "99%"}.get(round(z, 3), f"z={z}")
    lines = [f"| experiment | goal | variant | exposed | converted | conversion | {level} CI (Wilson) |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.experiment} | {r.goal or '-'} | {r.variant} | {r.exposed} | {r.converted} | "
                     f"{r.rate:.1%} | {r.low:.1%} - {r.high:.1%} |")
    return "\n".join(lines)
