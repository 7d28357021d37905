"""python -m bot.action_server: rasa-sdk's action server, closed to everyone but Rasa.

rasa-sdk (3.21.1) listens on every interface and runs whatever action any
caller names, for any sender id - read a profile, sign a checkout link, erase a
customer. It has no option for either, so this module builds rasa-sdk's own
Sanic app (rasa_sdk.endpoint.create_app_for_serve) and serves it

- on one interface (ACTIONS_INTERFACE, 127.0.0.1 unless the Rasa servers run
  on other hosts), and
- only to requests carrying the shared secret (ACTIONS_TOKEN, read from the
  environment, never the command line) in the X-Action-Token header, which Rasa
  sends on every call (endpoints.yml, action_endpoint.headers). It is compared in
  constant time before anything else runs; without it: 401, and no action runs.
  Only /health answers without it (it says nothing but "ok").
"""
from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from functools import partial
from typing import Optional

TOKEN_HEADER = "X-Action-Token"
OPEN_PATHS = frozenset({"/health"})
MIN_TOKEN_CHARS = 16
logger = logging.getLogger("bot.action_server")


def token_accepted(expected: str, given: Optional[str]) -> bool:
    """Constant-time comparison; an empty secret never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8", "replace"))


def create_app(actions_package: str, token: str):
    """rasa-sdk's app for the package, behind the token check (module level, so Sanic's
    worker processes can rebuild it)."""
    from rasa_sdk.endpoint import create_app_for_serve
    from rasa_sdk.executor import ActionExecutor
    from sanic import response

    executor = ActionExecutor()
    executor.register_package(actions_package)
    app = create_app_for_serve(executor, cors_origins=None)

    @app.on_request
    async def require_token(request):
        if request.path in OPEN_PATHS:
            return None
        if not token_accepted(token, request.headers.get(TOKEN_HEADER)):
            return response.json({"error": f"missing or wrong {TOKEN_HEADER}"}, status=401)
        return None

    return app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", default="actions", help="the package of actions to serve")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--interface", default="127.0.0.1", help="the address to listen on")
    args = parser.parse_args(argv)
    token = os.environ.get("ACTIONS_TOKEN", "")
    if len(token) < MIN_TOKEN_CHARS:
        print(f"ACTIONS_TOKEN must be set to a secret of at least {MIN_TOKEN_CHARS} characters "
              "(python -m bot run sets it)", file=sys.stderr)
        return 2

    from rasa_sdk import utils
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    utils.configure_colored_logging(logging.INFO)
    utils.update_sanic_log_level()
    loader = AppLoader(factory=partial(create_app, args.actions, token))
    app = loader.load()
    # Same queue of unaccepted connections as the Rasa servers (SANIC_BACKLOG, bot/settings.yml)
    app.prepare(host=args.interface, port=args.port, workers=utils.number_of_sanic_workers(),
                backlog=int(os.environ.get("SANIC_BACKLOG") or 100))
    logger.info("action server on http://%s:%s (calls need %s)", args.interface, args.port, TOKEN_HEADER)
    Sanic.serve(primary=app, app_loader=loader)
    return 0


if __name__ == "__main__":
    from bot.settings import ROOT

    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
