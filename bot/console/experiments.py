"""The console's experiment report: per experiment and variant, customers exposed,
customers who reached the goal, conversion and its confidence interval - the same
figures as `python -m bot experiments report` (actions/behaviour/experiments.py),
read from the profile store (PROFILE_DB_URL)."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from aiohttp import web

from actions.behaviour.config import behaviour_config
from actions.behaviour.experiments import VariantResult, report
from bot.console.profiles import profile_store


def confidence_label(z: float) -> str:
    return {1.96: "95%", 1.645: "90%", 2.576: "99%"}.get(round(z, 3), f"z={z}")


def experiment_report(settings) -> Dict[str, Any]:
    """What the page shows: each experiment's configuration and its rows, in the CLI's order."""
    config = behaviour_config(settings)
    z = float(config.get("confidence_z", 1.96))
    rows: List[VariantResult] = report(profile_store(settings), z)
    configured = config.get("experiments") or {}
    names = list(dict.fromkeys([r.experiment for r in rows] + list(configured)))
    experiments = []
    for name in names:
        spec = configured.get(name) or {}
        experiments.append({"name": name, "active": bool(spec.get("active")), "configured": name in configured,
                            "goal": spec.get("goal", ""), "variants": spec.get("variants") or {},
                            "rows": [r for r in rows if r.experiment == name]})
    return {"experiments": experiments, "level": confidence_label(z), "z": z}


async def experiments_page(request: web.Request) -> web.Response:
    from bot.console.app import CONSOLE_KEY, _audit, _render

    settings = request.app[CONSOLE_KEY].settings
    data = await asyncio.to_thread(experiment_report, settings)
    await _audit(request, "view_experiments")
    return _render(request, "experiments.html", **data)
