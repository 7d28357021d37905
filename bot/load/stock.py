"""A stock `rasa init` bot for comparison (in-memory tracker store, no action
server): built once in var/stock-bot/<hash of the Rasa lock file>/ with the
project's Rasa environment, and started on a spare port."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from pathlib import Path

from bot.settings import ROOT, Settings
from bot.training import rasa_env, rasa_executable


def stock_dir(settings: Settings) -> Path:
    digest = hashlib.sha256((ROOT / "requirements" / "rasa.txt").read_bytes()).hexdigest()[:12]
    return settings.path("var_dir") / "stock-bot" / digest


def ensure_stock_bot(settings: Settings) -> Path:
    """The project directory of the stock bot, with its trained model."""
    target = stock_dir(settings)
    if list((target / "models").glob("*.tar.gz")):
        return target
    scratch = target.with_name(target.name + ".building")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    print("building the stock `rasa init` bot for comparison (once) ...", flush=True)
    env = rasa_env(settings)
    env.pop("PYTHONPATH", None)     # nothing of ours in the stock bot
    done = subprocess.run([rasa_executable(settings), "init", "--no-prompt", "--init-dir", str(scratch)],
                          cwd=scratch, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0 or not list((scratch / "models").glob("*.tar.gz")):
        raise RuntimeError("rasa init failed:\n" + done.stdout[-3000:])
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)
    return target


def start_stock_bot(settings: Settings, port: int, log: Path) -> subprocess.Popen:
    project = ensure_stock_bot(settings)
    model = sorted((project / "models").glob("*.tar.gz"))[-1]
    env = rasa_env(settings)
    env.pop("PYTHONPATH", None)
    log.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([rasa_executable(settings), "run", "--model", str(model), "--port", str(port),
                                "--interface", "127.0.0.1"], cwd=project, env=env,
                               stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)
    return process


def wait_for_stock_bot(port: int, process: subprocess.Popen, timeout: float = 240) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the stock bot exited (code {process.returncode})")
        try:
            # Sanic answers only after Rasa's start-up listener has loaded the model
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/webhooks/rest/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError("the stock bot did not start")
