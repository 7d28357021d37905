"""Train the Rasa model only when its inputs change (cache keyed by content hash)."""
from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path
from typing import List

from bot.settings import ROOT, Settings

# Rasa training inputs. The catalog under data/catalog is not training data.
TRAINING_FILES = ("config.yml", "domain.yml")
TRAINING_DATA_GLOB = "data/*.yml"
# Rasa components of ours whose code shapes the features the model is trained on.
COMPONENT_FILES = ("bot/rasa_plugins/sentence_featurizer.py", "bot/rasa_plugins/onnx_encoder.py",
                   "bot/rasa_plugins/product_words.py", "data/generator/vocabulary.yml")


def training_data(settings: Settings) -> List[Path]:
    """The committed training data: hand-written files and the generated ones
    (bot/nlu/generate.py). Never the shared measurement files."""
    return sorted(ROOT.glob(TRAINING_DATA_GLOB))


def display(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def nlu_encoder_dir(settings: Settings) -> Path:
    """The ONNX export of the sentence encoder (made once, then reused by fingerprint)."""
    from embeddings.onnx_export import ensure_exported

    return ensure_exported(settings.path("nlu_encoder_cache_dir"), settings.embedding_model)


def model_hash(settings: Settings) -> str:
    digest = hashlib.sha256()
    rasa_lock = ROOT / "requirements" / "rasa.txt"
    components = [ROOT / name for name in COMPONENT_FILES if (ROOT / name).exists()]
    for path in [ROOT / name for name in TRAINING_FILES] + training_data(settings) + [rasa_lock] + components:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    # The encoder's fingerprint names its export directory.
    digest.update(nlu_encoder_dir(settings).name.encode())
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    return settings.path("models_dir") / f"shop-{model_hash(settings)}.tar.gz"


def rasa_executable(settings: Settings) -> str:
    return str(settings.path("rasa_venv") / "bin" / "rasa")


def rasa_env(settings: Settings) -> dict:
    import os

    env = dict(os.environ)
    env.update(settings.as_env())
    # Rasa imports bot.rasa_plugins from the repository.
    env["PYTHONPATH"] = str(ROOT) + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    # Where the Rasa-side featurizer finds the ONNX sentence encoder.
    env["NLU_ENCODER_DIR"] = str(nlu_encoder_dir(settings))
    return env


def ensure_model(settings: Settings, quiet: bool = False) -> Path:
    target = model_path(settings)
    if target.exists():
        if not quiet:
            print(f"model up to date: {display(target)}")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [rasa_executable(settings), "train", "--config", "config.yml", "--domain", "domain.yml",
               "--data", *[display(p) for p in training_data(settings)],
               "--out", str(target.parent), "--fixed-model-name", target.name[:-len(".tar.gz")]]
    print(f"training the Rasa model (inputs changed) -> {target.name}", flush=True)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=rasa_env(settings),
                            stdout=sys.stdout if not quiet else subprocess.DEVNULL, stderr=subprocess.STDOUT)
    if result.returncode != 0 or not target.exists():
        raise SystemExit(f"rasa train failed (exit {result.returncode})")
    print(f"trained in {time.perf_counter() - started:.0f}s", flush=True)
    for old in target.parent.glob("shop-*.tar.gz"):
        if old != target:
            old.unlink()
    return target
