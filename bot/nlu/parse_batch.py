"""Parse many messages with a trained model, in the Rasa environment (Python 3.10).

    .venv-rasa/bin/python -m bot.nlu.parse_batch MODEL.tar.gz IN.json OUT.json

IN.json is a list of texts; OUT.json gets {"results": [[intent, confidence], ...],
"parse_seconds": time spent parsing (model loading excluded)}. The model
is loaded once and each text goes through the same NLU pipeline as /model/parse,
without a server, so measuring a model takes seconds rather than a stack start.
"""
from __future__ import annotations

import asyncio
import json
import sys
import time


async def _parse_all(model: str, texts):
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    await agent.parse_message("hello")      # first call builds lazily-made parts
    started = time.perf_counter()
    results = []
    for text in texts:
        parsed = await agent.parse_message(text)
        intent = parsed.get("intent") or {}
        results.append([intent.get("name"), float(intent.get("confidence") or 0.0)])
    return {"results": results, "parse_seconds": time.perf_counter() - started}


def main(argv) -> int:
    import logging

    logging.disable(logging.INFO)   # a debug line per message would double the time
    model, source, target = argv
    with open(source, encoding="utf-8") as handle:
        texts = json.load(handle)
    results = asyncio.run(_parse_all(model, texts))
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(results, handle)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
