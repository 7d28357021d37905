"""Settings: defaults from bot/settings.yml, overridden by environment variables."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = Path(__file__).resolve().parent / "settings.yml"

_PATH_KEYS = {
    "app_venv", "rasa_venv",
    "var_dir", "models_dir", "shared_data_dir", "catalog_path", "services_path",
    "complements_path", "categories_path", "index_cache_dir", "behaviour_config",
}


def _coerce(default: Any, raw: str) -> Any:
    """Give an environment string the type of the YAML default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


@dataclass(frozen=True)
class Settings:
    values: Dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def path(self, name: str) -> Path:
        return Path(self.values[name])

    def as_env(self) -> Dict[str, str]:
        """The settings as environment variables, for child processes."""
        spec = _load_spec()
        return {entry["env"]: str(self.values[key]) for key, entry in spec.items()}


REDIS_LOCK_STORE = "bot.rasa_plugins.lock_store.AtomicRedisLockStore"


def _load_spec() -> Dict[str, Dict[str, Any]]:
    with open(SETTINGS_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_settings(environ: Optional[Mapping[str, str]] = None) -> Settings:
    environ = os.environ if environ is None else environ
    values: Dict[str, Any] = {}
    for key, entry in _load_spec().items():
        default = entry["default"]
        raw = environ.get(entry["env"])
        value = _coerce(default, raw) if raw not in (None, "") else default
        if key in _PATH_KEYS:
            path = Path(value)
            value = str(path if path.is_absolute() else (ROOT / path).resolve())
        values[key] = value
    values["profile_db_url"] = _absolute_sqlite_url(values["profile_db_url"])
    if values["lock_store_type"] == "redis":
        # Rasa's own Redis lock store races between replicas; ours does not.
        values["lock_store_type"] = REDIS_LOCK_STORE
    if values["tracker_db_dialect"] == "sqlite":
        name = Path(values["tracker_db_name"])
        values["tracker_db_name"] = str(name if name.is_absolute() else ROOT / name)
    return Settings(values)


def _absolute_sqlite_url(url: str) -> str:
    """sqlite:///relative/path is relative to the repository, not the cwd."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        return prefix + str(ROOT / url[len(prefix):])
    return url
