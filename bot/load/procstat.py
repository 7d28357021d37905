"""CPU time and memory of running processes, read from /proc (Linux)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def tree(pid: int) -> List[int]:
    """The process and its descendants (Sanic's action server works in a child process)."""
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by the process and its children (0 once gone)."""
    total = 0
    for member in tree(pid):
        fields = _stat(member)
        if fields:
            total += int(fields[11]) + int(fields[12])     # utime, stime
    return total / TICKS


def rss_mb(pid: int) -> float:
    total = 0.0
    for member in tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


@dataclass
class CpuMeter:
    """CPU seconds used by named processes between start() and stop()."""
    pids: Mapping[str, int]

    def start(self) -> "CpuMeter":
        self._start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        return self

    def used(self) -> Dict[str, float]:
        return {name: cpu_seconds(pid) - self._start[name] for name, pid in self.pids.items()}

    def memory(self) -> Dict[str, float]:
        return {name: rss_mb(pid) for name, pid in self.pids.items()}
