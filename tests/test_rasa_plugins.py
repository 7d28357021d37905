"""The RemoteAction patch loaded with the Rasa server's plugins, run in Rasa's
own environment: action results are still validated (an invalid one is
rejected), by a validator built once; a failing or silent action server gets a
polite reply within the action timeout instead of silence."""
import json
import subprocess

from bot.settings import ROOT, load_settings
from bot.training import rasa_env

SCRIPT = r"""
import asyncio, json, socket
import jsonschema
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, FollowupAction
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import bot.rasa_plugins  # what Rasa imports through endpoints.yml
from bot.rasa_plugins import remote_action

from bot.rasa_plugins import store_failures
out = {"installed": remote_action.installed() and store_failures.installed()}
action = RemoteAction("action_recommend", EndpointConfig(url="http://127.0.0.1:9/webhook", timeout="1"))

# Count schema checks (jsonschema.validate checks the schema against its
# meta-schema on every call: the cost removed) while validating many results.
validator_cls = type(remote_action.RESULT_VALIDATOR.full)
checks = {"schema": 0}
stock_check = validator_cls.check_schema
def counting_check(schema, *a, **k):
    checks["schema"] += 1
    return stock_check(schema, *a, **k)
validator_cls.check_schema = staticmethod(counting_check)
valid = {"events": [{"event": "slot", "name": "search", "value": {"category": "tents"}, "timestamp": None}],
         "responses": [{"text": "Here are some tents"}]}
out["valid"] = all(action._validate_action_result(valid) for _ in range(200))
out["checks_while_validating"] = dict(checks)
jsonschema.validate(valid, RemoteAction.action_response_format_spec())
out["checks_by_stock_validate"] = checks["schema"]
validator_cls.check_schema = stock_check

rejected = []
BAD = ({"events": [{"event": 42}]}, {"events": "not a list"}, {"responses": [7]},
       {"events": [{"event": "slot", "value": 1}]},                 # a slot without its name
       {"events": [{"event": "no_such_event"}]}, {"events": [{"event": "bot", "timestamp": "noon"}]})
for bad in BAD:
    try:
        action._validate_action_result(bad)
        rejected.append(None)
    except ValidationError as error:
        rejected.append("Failed to validate Action server response" in error.message)
out["rejected"] = rejected
# the same verdicts as jsonschema.validate (what Rasa calls) on the same schema
verdicts = []
for sample in (valid,) + BAD:
    try:
        jsonschema.validate(sample, RemoteAction.action_response_format_spec()); verdicts.append(True)
    except ValidationError:
        verdicts.append(False)
out["stock_verdicts"] = verdicts

async def run(endpoint):
    act = RemoteAction("action_recommend", endpoint)
    events = await act.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}),
                           DialogueStateTracker("customer-1", []), Domain.empty())
    assert any(isinstance(e, FollowupAction) and e.action_name == "action_listen" for e in events)  # turn ends
    return [e.text for e in events if isinstance(e, BotUttered)]

# nothing listens: connection refused
out["refused"] = asyncio.run(run(EndpointConfig(url="http://127.0.0.1:9/webhook", timeout="1")))
# accepts and never answers: the timeout
silent = socket.socket(); silent.bind(("127.0.0.1", 0)); silent.listen(8)
port = silent.getsockname()[1]
out["silent"] = asyncio.run(run(EndpointConfig(url=f"http://127.0.0.1:{port}/webhook", timeout="1")))
out["apology"] = remote_action.UNAVAILABLE_TEXT
print(json.dumps(out))
"""


def run_in_rasa_env() -> dict:
    settings = load_settings()
    python = str(settings.path("rasa_venv") / "bin" / "python")
    done = subprocess.run([python, "-c", SCRIPT], cwd=ROOT, env=rasa_env(settings), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_remote_action_patch():
    out = run_in_rasa_env()
    assert out["installed"]
    assert out["valid"]
    # built once: no schema check per call (the counter sees jsonschema.validate's)
    assert out["checks_while_validating"] == {"schema": 0} and out["checks_by_stock_validate"] == 1
    assert out["rejected"] == [True] * 6
    assert out["stock_verdicts"] == [True] + [False] * 6
    assert out["refused"] == [out["apology"]]
    assert out["silent"] == [out["apology"]]
