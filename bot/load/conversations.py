"""What each simulated customer says: a shopping conversation built from the
loaded catalog (categories and their prices), the same for every target so
figures compare."""
from __future__ import annotations

import random
from typing import List

from bot.bench import category_prices, product_queries

REFINEMENTS = ["cheaper please", "show me more", "in black", "something lighter", "not that brand"]
QUESTIONS = ["tell me more about the first one", "is the second one waterproof?",
             "what's the difference between the first two?"]


def conversation(rng: random.Random, requests: List[str]) -> List[str]:
    """Greeting, request, refinement, question, add to cart, checkout, what do you know about me."""
    return ["hi", rng.choice(requests), rng.choice(REFINEMENTS), rng.choice(QUESTIONS),
            "add the second one to my cart", "checkout", "what do you know about me"]


def request_pool(settings, size: int = 200) -> List[str]:
    return product_queries(size, *category_prices(settings))
