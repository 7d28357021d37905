"""The runtime (index, model, stores) is built once per process, even when many
requests arrive at once."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, threading
from actions import runtime
results = []
barrier = threading.Barrier(8)
def call():
    barrier.wait()
    results.append(id(runtime.get_runtime()))
threads = [threading.Thread(target=call) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({"loads": runtime.load_count, "distinct": len(set(results)), "calls": len(results)}))
"""


def test_runtime_loaded_once_under_concurrent_calls(tmp_path):
    env = dict(os.environ, SHOP_VAR_DIR=str(tmp_path), PROFILE_DB_URL=f"sqlite:///{tmp_path}/p.db")
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"loads": 1, "distinct": 1, "calls": 8}


def test_settings_come_from_yaml_and_environment():
    from bot.settings import load_settings

    defaults = load_settings({})
    assert defaults.rasa_port == 5005 and defaults.lock_store_type == "in_memory"
    assert defaults.profile_db_url.startswith("sqlite:////")       # made absolute
    custom = load_settings({"RASA_PORT": "6005", "PROFILE_DB_URL": "postgresql+psycopg2://u@h/db"})
    assert custom.rasa_port == 6005 and custom.profile_db_url == "postgresql+psycopg2://u@h/db"
    env = custom.as_env()
    assert env["RASA_PORT"] == "6005" and env["TRACKER_DB_DIALECT"] == "sqlite"
