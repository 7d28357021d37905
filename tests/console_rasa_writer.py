"""Run with .venv-rasa: writes conversations with Rasa's own events and the project's
erasing SQL tracker store (argv: tracker.db, write|erase)."""
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from bot.rasa_plugins.tracker_store import ErasableSQLTrackerStore  # noqa: E402


def user(text, intent, confidence):
    return UserUttered(text, {"name": intent, "confidence": confidence}, input_channel="telegram",
                       parse_data={"text": text, "intent": {"name": intent, "confidence": confidence},
                                   "entities": []})


async def main(path: str, mode: str) -> None:
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = ErasableSQLTrackerStore(domain=domain, dialect="sqlite", db=path)
    if mode == "write":
        for sender, text in (("real:ana", "<b>boots</b> under 120"), ("real:forgotten", "my secret street")):
            tracker = DialogueStateTracker(sender, domain.slots)
            for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                          user(text, "request_product", 0.97), ActionExecuted("action_recommend"),
                          BotUttered("Here are some boots", {"custom": {"type": "products", "products": [
                              {"id": "BOOT-1", "title": "Real Boot", "price": 99.0, "currency": "EUR"}]}}),
                          ActionExecuted("action_listen")):
                tracker.update(event)
            await store.save(tracker)
    else:
        tracker = await store.retrieve("real:forgotten")
        for event in (user("forget me", "forget_me", 0.99), ActionExecuted("action_answer_yes"),
                      BotUttered("Done."), SlotSet("erasure_marker", "abc"), ActionExecuted("action_listen")):
            tracker.update(event)
        await store.save(tracker)


asyncio.run(main(sys.argv[1], sys.argv[2]))
