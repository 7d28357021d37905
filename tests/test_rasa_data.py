"""Rasa's own checks: the training data validates without a single warning, and
the test stories under tests/ pass with no prediction error."""
import subprocess

import pytest

from bot.settings import ROOT, load_settings
from bot.training import ensure_model, rasa_env, rasa_executable, training_data


def run_rasa(args, tmp_path):
    settings = load_settings()
    command = [rasa_executable(settings), *args]
    return subprocess.run(command, cwd=ROOT, env=rasa_env(settings), capture_output=True, text=True, timeout=900)


def test_data_validates_without_warnings(tmp_path):
    data = [str(p) for p in training_data(load_settings())]
    result = run_rasa(["data", "validate", "--fail-on-warnings", "--domain", "domain.yml", "--config", "config.yml",
                       "--data", *data], tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "UserWarning" not in output, output[-4000:]


def test_test_stories_pass(tmp_path):
    model = ensure_model(load_settings(), quiet=True)
    out = tmp_path / "results"
    result = run_rasa(["test", "--model", str(model), "--stories", "tests", "--fail-on-prediction-errors",
                       "--out", str(out), "--nlu", "tests/nlu_cases.yml"], tmp_path)
    output = result.stdout + result.stderr
    failed = out / "failed_test_stories.yml"
    assert result.returncode == 0, output[-4000:] + (failed.read_text() if failed.exists() else "")
    if failed.exists():
        assert "stories: []" in failed.read_text() or "- story" not in failed.read_text()
