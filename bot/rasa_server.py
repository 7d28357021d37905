"""python -m bot.rasa_server run ...: Rasa 3.6's own command line, with what that
command line cannot say safely. Run by the Rasa environment's python.

- The HTTP API token comes from the environment (RASA_API_TOKEN), never from
  the command line, where every user of the machine could read it in the
  process list. It is handed to Rasa's CLI inside this process.
- Rasa's CORS setup sends `Access-Control-Max-Age: None` (Sanic-CORS's default
  max_age is None): a valid number of seconds is set before Rasa configures it.

The allowed origins stay Rasa's `--cors` (the launcher passes the shop's origins).
"""
from __future__ import annotations

import os
import sys
from typing import List, Optional

CORS_MAX_AGE_SECONDS = 600


def with_valid_cors_max_age() -> None:
    import rasa.server

    original = rasa.server.configure_cors
    if getattr(original, "shop_max_age", False):
        return

    def configure_cors(app, cors_origins=""):
        app.config.CORS_MAX_AGE = CORS_MAX_AGE_SECONDS
        original(app, cors_origins)

    configure_cors.shop_max_age = True
    rasa.server.configure_cors = configure_cors


def rasa_arguments(argv: List[str], token: str) -> List[str]:
    """Rasa's arguments with the API token added (refused on the command line itself)."""
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in argv):
        raise SystemExit("give the API token in RASA_API_TOKEN, not on the command line")
    return list(argv) + (["--auth-token", token] if token else [])


def main(argv: Optional[List[str]] = None) -> None:
    arguments = rasa_arguments(sys.argv[1:] if argv is None else argv, os.environ.get("RASA_API_TOKEN", ""))
    with_valid_cors_max_age()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa"] + arguments       # this process's copy only: /proc/<pid>/cmdline keeps the original
    rasa_main()


if __name__ == "__main__":
    main()
