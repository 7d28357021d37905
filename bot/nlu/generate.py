"""Generate NLU training data from templates: how people ask, over many kinds of products.

    python -m bot nlu-generate      # rewrites data/nlu_generated.yml

Deterministic (one seeded random generator per intent), so the file only changes
when the templates or the vocabulary do; tests/test_nlu_generated.py checks that
the committed file is what the generator writes. Examples already in the
hand-written files are skipped (Rasa's validator warns on repeats).
"""
from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Dict, Iterable, List, Set, Tuple

import yaml

from bot.settings import ROOT

GENERATOR_DIR = ROOT / "data" / "generator"
OUTPUT = ROOT / "data" / "nlu_generated.yml"
SEED = 16
_SLOT = re.compile(r"\{([a-z_0-9]+)\}")
_VOWEL_SOUND = re.compile(r"^(?:[aeio]|u(?![nsr]i|ni)|hour|honest|heir|[fhlmnrsx]\b)", re.IGNORECASE)


def normal(text: str) -> str:
    return " ".join(text.lower().split())


def plural(singular: str) -> str:
    if singular.endswith(("s", "x", "ch", "sh", "z")):
        return singular + "es"
    if singular.endswith("y") and singular[-2:-1] not in "aeiou":
        return singular[:-1] + "ies"
    return singular + "s"


class ProductType:
    """One product type from the vocabulary: 'sofa', 'pair of jeans|jeans', 'bedding*'."""

    def __init__(self, entry: str) -> None:
        self.mass = entry.endswith("*")
        entry = entry.rstrip("*")
        singular, _, plural_form = entry.partition("|")
        self.singular = singular.strip()
        self.plural = plural_form.strip() or (self.singular if self.mass else plural(self.singular))


def article(phrase: str, mass: bool) -> str:
    if mass:
        return f"some {phrase}"
    return ("an " if _VOWEL_SOUND.match(phrase) else "a ") + phrase


class Generator:
    def __init__(self, vocabulary: dict, templates: dict) -> None:
        self.products = [ProductType(e) for group in vocabulary["product_types"].values() for e in group]
        self.words: Dict[str, List[str]] = {k: [str(v) for v in vs] for k, vs in vocabulary.items()
                                            if k != "product_types"}
        self.words.update({k: [str(v) for v in vs] for k, vs in templates.get("out_of_scope_words", {}).items()})
        # Plural keys for the second value of a kind: {colour2}, {ordinal2} ...
        self.aliases = {"colour": "colours", "material": "materials", "size": "sizes", "style": "styles",
                        "brand": "brands", "feature": "features", "audience": "audiences", "room": "rooms",
                        "occasion": "occasions", "price": "prices", "qty": "quantities", "ordinal": "ordinals",
                        "position": "positions", "aspect": "product_aspects", "pattern": "patterns"}
        self.phrases: Dict[str, List[str]] = {k: [str(v) for v in vs] for k, vs in templates["phrases"].items()}
        self.intents = templates["intents"]

    def _value(self, name: str, rng: random.Random, state: dict, depth: int) -> str:
        base = name.rstrip("0123456789")
        if base in ("product", "products", "a_product"):
            kind = rng.choice(self.products)
            state.setdefault("mass", kind.mass)
            if base == "a_product":
                return article(kind.singular, kind.mass)
            return kind.plural if base == "products" else kind.singular
        if base == "a_np":
            inner: dict = {}
            phrase = self.fill(rng.choice(self.phrases["np1"]), rng, inner, depth + 1)
            return article(phrase, inner.get("mass", False))
        if base in ("n", "m"):
            return str(rng.randint(1, 6) if depth else rng.randint(2, 99))
        if base in self.phrases:
            return self.fill(rng.choice(self.phrases[base]), rng, state, depth + 1)
        key = self.aliases.get(base, base)
        if key in self.words:
            return rng.choice(self.words[key])
        raise KeyError(f"template slot {{{name}}} has no phrase list or vocabulary")

    def fill(self, template: str, rng: random.Random, state: dict, depth: int = 0) -> str:
        if depth > 6:
            raise RecursionError(f"templates nest too deeply at {template!r}")
        return _SLOT.sub(lambda m: self._value(m.group(1), rng, state, depth), template)

    def examples(self, intent: str, skip: Set[str]) -> List[str]:
        spec = self.intents[intent]
        rng = random.Random(f"{SEED}:{intent}")
        templates = [str(t) for t in spec["templates"]]
        wanted = int(spec["count"])
        seen: Set[str] = set()
        out: List[str] = []
        attempts = 0
        while len(out) < wanted and attempts < wanted * 20:
            attempts += 1
            text = " ".join(self.fill(templates[attempts % len(templates)], rng, {}).split())
            text = _vary(text, rng)
            key = normal(text)
            if key in seen or key in skip:
                continue
            seen.add(key)
            out.append(text)
        return out


def _vary(text: str, rng: random.Random) -> str:
    """Typing habits: capitalised or not, with or without the final punctuation."""
    roll = rng.random()
    if roll < 0.45:
        text = text[:1].upper() + text[1:]
    elif roll < 0.55:
        text = text.lower()
    if text.endswith(("?", ".", "!")) and rng.random() < 0.3:
        text = text[:-1]
    return text


def hand_written_examples(paths: Iterable[Path]) -> Set[str]:
    seen: Set[str] = set()
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    seen.add(normal(line[2:]))
    return seen


def generate() -> Tuple[str, Dict[str, int]]:
    vocabulary = yaml.safe_load((GENERATOR_DIR / "vocabulary.yml").read_text(encoding="utf-8"))
    templates = yaml.safe_load((GENERATOR_DIR / "templates.yml").read_text(encoding="utf-8"))
    generator = Generator(vocabulary, templates)
    skip = hand_written_examples(p for p in sorted((ROOT / "data").glob("*.yml")) if p != OUTPUT)
    lines = ["# Generated by `python -m bot nlu-generate` from data/generator/ - do not edit by hand.",
             'version: "3.1"', "", "nlu:"]
    counts: Dict[str, int] = {}
    for intent in generator.intents:
        examples = generator.examples(intent, skip)
        skip.update(normal(e) for e in examples)     # an example belongs to one intent only
        counts[intent] = len(examples)
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {e}" for e in examples] + [""]
    return "\n".join(lines), counts


def main(args=None) -> int:
    content, counts = generate()
    OUTPUT.write_text(content, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0
