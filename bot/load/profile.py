"""`make profile` (python -m bot profile): CPU milliseconds per turn in the Rasa
process and in the action server, for greeting turns and for recommendation
turns, on the default stack (SQLite, one Rasa, one action server); with
--py-spy, also a sampled profile of both processes per kind of turn
(collapsed stacks + a summary of where the time goes, under --out)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import urllib.request
import uuid
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Callable, Dict, List, Optional

from bot.load.procstat import CpuMeter
from bot.settings import ROOT, load_settings

RECOMMENDATIONS = ["waterproof hiking boots under 150", "a tent for four people", "running shoes under 120",
                   "noise cancelling headphones", "a laptop for video editing", "an office chair under 300",
                   "a lightweight backpack", "a coffee machine for espresso"]


def post_json(url: str, payload: dict, headers: Optional[Dict[str, str]] = None) -> list:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


class Sampler:
    """py-spy record on one process until stopped (raw collapsed stacks)."""

    def __init__(self, py_spy: str, pid: int, out: Path) -> None:
        self.out = out
        self.process = subprocess.Popen([py_spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "200",
                                         "--output", str(out), "--nonblocking", "--subprocesses"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _frame(frame: str) -> str:
    """'function (path/file.py:123)' -> 'function (path/file.py)'."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.split(':')[0]})" if where else name


def summarise(collapsed: Path, top: int = 25) -> List[str]:
    """Share of samples per function, inclusive (in the stack) and self (on top), highest first;
    idle samples (the event loop waiting) are left out."""
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [_frame(f) for f in stack.split(";") if f and not f.startswith("process ")]
        if not frames or frames[-1].startswith(("select (", "poll (", "epoll_wait", "_run_once (")):
            continue
        n = int(count)
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    if not total:
        return ["no samples"]
    lines = [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    lines += ["-- self --"] + [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    return lines


def measure(kind: str, turns: int, run_turn: Callable[[int], None], meter: CpuMeter,
            samplers: Dict[str, Sampler]) -> Dict[str, float]:
    meter.start()
    for number in range(turns):
        run_turn(number)
    used = meter.used()
    for sampler in samplers.values():
        sampler.stop()
    return {name: 1000 * seconds / turns for name, seconds in used.items()}


def main(args) -> int:
    from bot.launcher import Stack
    from bot.training import ensure_model

    scratch = Path(tempfile.mkdtemp(prefix="profile-"))
    out = Path(args.out).resolve() if args.out else None
    py_spy = shutil.which("py-spy") or str(ROOT / ".venv-tools" / "bin" / "py-spy")
    if args.py_spy and not Path(py_spy).exists():
        print("py-spy not found: run `make profile` (installs requirements/profile.txt into .venv-tools)")
        return 2
    overrides = {"SHOP_VAR_DIR": str(scratch), "PROFILE_DB_URL": f"sqlite:///{scratch}/profiles.db",
                 "TRACKER_DB_NAME": str(scratch / "tracker.db"), "RASA_PORT": os.environ.get("PROFILE_RASA_PORT", "25105"),
                 "ACTIONS_PORT": os.environ.get("PROFILE_ACTIONS_PORT", "25155"),
                 "WEB_PORT": os.environ.get("PROFILE_WEB_PORT", "25180"), "RASA_API_TOKEN": uuid.uuid4().hex,
                 "REST_CHANNEL_TOKEN": uuid.uuid4().hex}
    settings = load_settings(dict(os.environ, **overrides))
    stack = Stack(settings, ensure_model(settings, quiet=True), scratch / "logs", extra_env=overrides)
    print(f"starting the default stack on ports {settings.rasa_port}/{settings.actions_port} ...", flush=True)
    stack.start()
    url = stack.rasa_url + "/webhooks/rest/webhook"
    credential = {"Authorization": f"Bearer {settings.rest_channel_token}"}
    post = partial(post_json, headers=credential)
    pids = {"rasa": stack.processes[1].pid, "actions": stack.processes[0].pid}
    results = {}
    try:
        for warm in range(3):
            post(url, {"sender": f"warm-{warm}", "message": "hello"})
            post(url, {"sender": f"warm-{warm}", "message": RECOMMENDATIONS[warm]})
        customers = [f"profile-{uuid.uuid4().hex[:8]}" for _ in range(args.turns)]
        kinds = {
            "greeting": lambda n: post(url, {"sender": customers[n], "message": "hello"}),
            "recommendation": lambda n: post(url, {"sender": customers[n],
                                                   "message": RECOMMENDATIONS[n % len(RECOMMENDATIONS)]}),
        }
        for kind, run_turn in kinds.items():
            samplers = {}
            if args.py_spy:
                out.mkdir(parents=True, exist_ok=True)
                samplers = {name: Sampler(py_spy, pid, out / f"{kind}-{name}.txt") for name, pid in pids.items()}
            results[kind] = measure(kind, args.turns, run_turn, CpuMeter(pids), samplers)
    finally:
        stack.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\nCPU milliseconds per turn ({args.turns} turns of each kind, one at a time, fresh customers):")
    print(f"  {'turn':<16}{'Rasa process':>14}{'action server':>16}")
    for kind, used in results.items():
        print(f"  {kind:<16}{used['rasa']:>11.1f} ms{used['actions']:>13.1f} ms")
    if args.py_spy:
        for path in sorted(out.glob("*.txt")):
            if path.name.endswith("-summary.txt"):
                continue
            summary = summarise(path)
            (out / (path.stem + "-summary.txt")).write_text("\n".join(summary) + "\n")
            print(f"\n{path.stem} (inclusive share of samples; collapsed stacks in {path}):")
            print("\n".join("  " + line for line in summary[:args.top]))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0
