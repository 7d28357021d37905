"""Questions about a shown product that no attribute answers ("is it machine
washable?", "is the first one good for artificial turf?"): answered from the
product's own description, by quoting the sentences closest to the question
(sentence encoder), or by saying plainly that the description doesn't say."""
from __future__ import annotations

import re
from typing import List, Optional

import numpy as np

from embeddings.catalog import Product

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
MAX_QUOTED = 2


def description_sentences(product: Product) -> List[str]:
    text = " ".join((product.description or "").split())
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 3]


def closest_sentences(encoder, question: str, sentences: List[str], min_similarity: float) -> List[str]:
    if not sentences or not question.strip():
        return []
    vectors = encoder.encode([question] + sentences)
    scores = vectors[1:] @ vectors[0]
    order = [int(i) for i in np.argsort(-scores) if scores[int(i)] >= min_similarity][:MAX_QUOTED]
    return [sentences[i] for i in sorted(order)]     # in the description's own order


def answer_from_description(runtime, product: Product, question: str) -> Optional[str]:
    """Quoted sentences, or a plain "doesn't say"; None when there is no description at all."""
    sentences = description_sentences(product)
    if not sentences:
        return None
    quoted = closest_sentences(runtime.encoder, question, sentences,
                               float(runtime.settings.description_answer_min_similarity))
    if quoted:
        return f"Here's what the description of the {product.title} says: " + " ".join(f"\"{s}\"" for s in quoted)
    return f"The description of the {product.title} doesn't say, I'm afraid."
