"""The kinds of product the shop carries that come closest to a request it can't
serve: "We don't carry that; the closest we have are ...", with a button for each."""
from __future__ import annotations

from typing import List

import numpy as np

from actions import messages

CLOSEST_KINDS = 3


def closest_kinds(runtime, text: str, count: int = CLOSEST_KINDS) -> List[str]:
    """Category slugs with products, nearest to the text by the sentence encoder."""
    slugs = sorted({p.category for p in runtime.products.values() if p.category})
    if not slugs or not text.strip():
        return []
    # encode_query caches each name, so only the first request pays for them.
    names = np.stack([runtime.encoder.encode_query(runtime.categories.name(s)) for s in slugs])
    scores = names @ runtime.encoder.encode_query(text)
    return [slugs[int(i)] for i in np.argsort(-scores)[:count]]


def not_carried_reply(runtime, dispatcher, text: str) -> None:
    kinds = closest_kinds(runtime, text)
    names = [runtime.categories.name(k) for k in kinds]
    reply = "We don't carry that, I'm afraid."
    if names:
        reply += " The closest kinds of product we do carry are " + (
            ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]) + "."
    dispatcher.utter_message(
        text=reply,
        buttons=[messages.payload_button(runtime.categories.name(k).capitalize(), "request_product",
                                         {"category": k}) for k in kinds] or None)
