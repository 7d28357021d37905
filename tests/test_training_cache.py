"""The Rasa model is cached by a hash of everything that shapes it."""
import shutil
from pathlib import Path

import pytest

from bot import training
from bot.settings import ROOT, load_settings


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A copy of the training inputs, so changing one does not touch the repository."""
    for name in training.TRAINING_FILES:
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("catalog"))
    shutil.copytree(ROOT / "requirements", tmp_path / "requirements")
    monkeypatch.setattr(training, "ROOT", tmp_path)
    return tmp_path, load_settings({"SHOP_VAR_DIR": str(tmp_path / "var"), "SHOP_MODELS_DIR": str(tmp_path / "models")})


def test_hash_is_stable_and_follows_every_input(sandbox):
    root, settings = sandbox
    first = training.model_hash(settings)
    assert training.model_hash(settings) == first
    seen = {first}
    for name in ("config.yml", "domain.yml", "data/nlu.yml", "data/rules.yml", "requirements/rasa.txt"):
        path = root / name
        original = path.read_text()
        path.write_text(original + "\n# changed\n")
        changed = training.model_hash(settings)
        assert changed not in seen, name
        seen.add(changed)
        path.write_text(original)
    assert training.model_hash(settings) == first


def test_catalog_changes_do_not_retrain(sandbox):
    root, settings = sandbox
    before = training.model_hash(settings)
    catalog = root / "data" / "catalog"
    catalog.mkdir()
    (catalog / "products.jsonl").write_text('{"id": "x"}\n')
    assert training.model_hash(settings) == before


def test_existing_model_is_reused_without_training(sandbox, monkeypatch):
    _, settings = sandbox
    target = training.model_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"model")
    monkeypatch.setattr(training.subprocess, "run", lambda *a, **k: pytest.fail("retrained"))
    assert training.ensure_model(settings, quiet=True) == target
