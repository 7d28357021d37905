"""The ProductWordsGuard component in Rasa's environment: declined or unsure messages
shaped like a product search become product requests; questions about the world and
chat stay as they were; confident intents are never touched."""
import json
import subprocess

from bot.settings import ROOT, load_settings
from bot.training import rasa_env

SCRIPT = r"""
import json, sys
from rasa.shared.nlu.training_data.message import Message
from bot.rasa_plugins.product_words import ProductWordsGuard

guard = ProductWordsGuard({})
out = []
for text, intent in json.loads(sys.stdin.read()):
    message = Message.build(text=text)
    message.set("intent", {"name": intent, "confidence": 0.4})
    message.set("intent_ranking", [{"name": "request_product", "confidence": 0.3}])
    guard.process([message])
    out.append(message.get("intent")["name"])
print(json.dumps(out))
"""

CASES = [
    ("walnut entry table with drawers", "out_of_scope", "request_product"),
    ("do you have any rain boots in size 5", "nlu_fallback", "request_product"),
    ("kids bunk beds", "nlu_fallback", "request_product"),
    ("I need a new phone charger", "out_of_scope", "request_product"),
    ("how is steel made", "out_of_scope", "out_of_scope"),
    ("book a table for two tonight", "out_of_scope", "out_of_scope"),
    ("turn on the lights in the kitchen", "out_of_scope", "out_of_scope"),
    ("what's the capital of peru", "out_of_scope", "out_of_scope"),
    ("blorp", "nlu_fallback", "nlu_fallback"),
    ("", "nlu_fallback", "nlu_fallback"),
    ("compare the two sofas", "compare_products", "compare_products"),
    ("add the blue chair to my cart", "add_to_cart", "add_to_cart"),
]


def test_product_searches_become_requests_and_nothing_else_changes():
    settings = load_settings()
    python = str(settings.path("rasa_venv") / "bin" / "python")
    done = subprocess.run([python, "-c", SCRIPT], input=json.dumps([[t, i] for t, i, _ in CASES]), cwd=ROOT,
                          env=rasa_env(settings), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got == [expected for _, _, expected in CASES]
