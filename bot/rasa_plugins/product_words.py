"""A message the classifier declined (out_of_scope) or was unsure of (nlu_fallback) that
names a kind of product like a shopper does - a search-box query ("oak entry table with
drawers") or a shopping phrase around a product word ("do you have any rain boots") - is
a product request.

The product words are the generic product types of data/generator/vocabulary.yml (several
hundred, every department), singular and plural, and the last word of each ("entry table"
-> table). Questions about the world that happen to name a thing ("how is steel made")
have neither shape, so they stay declined. Rasa 3.6 component, after the FallbackClassifier.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

ROOT = Path(__file__).resolve().parents[2]
DECLINED = {"out_of_scope", "nlu_fallback"}
# Openers of questions and chat, not of a search-box query.
OPENERS = {"i", "i'm", "im", "can", "could", "would", "what", "what's", "whats", "how", "why", "who", "when",
           "where", "which", "is", "are", "do", "does", "did", "will", "should", "tell", "hi", "hello", "hey",
           "yes", "no", "ok", "okay", "thanks", "please", "my", "set", "book", "play", "turn", "call", "remind"}
SHOPPING_CUES = re.compile(r"\b(?:do you (?:have|sell|carry|stock)|have you got|got any|looking for|i'm after|"
                           r"show me|find me|i need (?:a|an|some|new)|i want (?:a|an|some)|i'd like (?:a|an|some)|"
                           r"can i get (?:a|an|some)|any (?:\w+ )?\w+ (?:in|with|for|under)|where can i (?:buy|find))\b")
_WORD = re.compile(r"[a-z][a-z'-]*")


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh", "z")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def product_words(path: Path) -> FrozenSet[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    words = set()
    for group in (data.get("product_types") or {}).values():
        for entry in group:
            entry = str(entry).rstrip("*")
            singular, _, plural = entry.partition("|")
            for form in (singular.strip(), plural.strip() or _plural(singular.strip())):
                last = form.split()[-1] if form else ""
                if len(last) > 2:
                    words.update({last, _plural(last) if form == singular.strip() else last})
    return frozenset(words)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ProductWordsGuard(GraphComponent):
    """Turns a declined or unsure message that reads like a product search into request_product."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"vocabulary": "data/generator/vocabulary.yml", "max_search_words": 7}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ProductWordsGuard":
        return cls(config)

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        path = Path(self._config["vocabulary"])
        self._words = product_words(path if path.is_absolute() else ROOT / path)

    def reads_like_a_product_search(self, text: str) -> bool:
        lowered = " ".join((text or "").lower().replace("’", "'").split())[:500]
        words = _WORD.findall(lowered)
        if not words or not any(w in self._words for w in words):
            return False
        search_like = (len(words) <= int(self._config["max_search_words"]) and "?" not in lowered
                       and words[0] not in OPENERS)
        return search_like or bool(SHOPPING_CUES.search(lowered))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) not in DECLINED or not self.reads_like_a_product_search(message.get(TEXT)):
                continue
            ranking = message.get(INTENT_RANKING_KEY) or []
            score = next((r.get(PREDICTED_CONFIDENCE_KEY, 0.0) for r in ranking
                          if r.get(INTENT_NAME_KEY) == "request_product"), 0.0)
            message.set(INTENT, {INTENT_NAME_KEY: "request_product", PREDICTED_CONFIDENCE_KEY: float(score)},
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data):
        return training_data
