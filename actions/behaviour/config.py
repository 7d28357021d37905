"""The behaviour configuration (bot/behaviour.yml), loaded once per path."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "bot" / "behaviour.yml"


@lru_cache(maxsize=8)
def _load(path: str) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def behaviour_config(settings=None, path: Optional[Path] = None) -> Dict[str, Any]:
    """The whole document; `settings.behaviour_config` (env BEHAVIOUR_CONFIG) picks the file."""
    if path is None and settings is not None:
        path = settings.values.get("behaviour_config")
    return _load(str(path or DEFAULT_PATH))
