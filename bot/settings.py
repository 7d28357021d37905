"""Settings: defaults from bot/settings.yml, overridden by environment variables."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = Path(__file__).resolve().parent / "settings.yml"

_PATH_KEYS = {
    "app_venv", "rasa_venv",
    "var_dir", "models_dir", "shared_data_dir", "catalog_path", "services_path",
    "complements_path", "categories_path", "index_cache_dir", "behaviour_config", "nlu_encoder_cache_dir",
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
    values["profile_db_url"] = absolute_sqlite_url(values["profile_db_url"])
    if values["lock_store_type"] == "redis":
        # Rasa's own Redis lock store races between replicas; ours does not.
        values["lock_store_type"] = REDIS_LOCK_STORE
    if not str(values["cors_origins"]).strip():
        values["cors_origins"] = ",".join(default_origins(values))
    if values["tracker_db_dialect"] == "sqlite":
        name = Path(values["tracker_db_name"])
        values["tracker_db_name"] = str(name if name.is_absolute() else ROOT / name)
    return Settings(values)


def origin_of(url: str) -> str:
    """https://shop.example.com/path -> https://shop.example.com (empty for anything else)."""
    parts = urlsplit(str(url or "").strip())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def web_public_url(values: Mapping[str, Any]) -> str:
    """Where customers reach the web process (WEB_PUBLIC_URL, else http://WEB_HOST:WEB_PORT)."""
    return (values["web_public_url"] or f"http://{values['web_host']}:{values['web_port']}").rstrip("/")


def default_origins(values: Mapping[str, Any]) -> list:
    """The shop's own pages and the demo page of the web process."""
    found = [origin_of(values["shop_base_url"]), origin_of(web_public_url(values))]
    return [origin for n, origin in enumerate(found) if origin and origin not in found[:n]]


def origin_list(spec: str) -> list:
    return [item.strip().rstrip("/") for item in str(spec or "").replace(" ", ",").split(",") if item.strip()]


def absolute_sqlite_url(url: str) -> str:
    """sqlite:///relative/path is relative to the repository, not the cwd."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        return prefix + str(ROOT / url[len(prefix):])
    return url
