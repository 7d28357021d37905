"""Exports built with a YAML library: misunderstood messages as Rasa NLU data, a
conversation as a Rasa test story."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping

import yaml

from bot.settings import ROOT


class _Literal(str):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _literal(dumper: yaml.SafeDumper, value: _Literal):
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|")


_Dumper.add_representer(_Literal, _literal)


def one_line(text: str) -> str:
    """NLU examples are one line each: newlines and runs of spaces become one space,
    control characters are dropped."""
    printable = "".join(ch for ch in (text or "") if ch.isprintable() or ch.isspace())
    return " ".join(printable.split())


def domain_intents(domain_path: Path = ROOT / "domain.yml") -> List[str]:
    with open(domain_path, encoding="utf-8") as handle:
        domain = yaml.safe_load(handle) or {}
    names = []
    for entry in domain.get("intents") or []:
        names.append(next(iter(entry)) if isinstance(entry, dict) else str(entry))
    return names


def _dump(document: Any) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100000)


def nlu_yaml(marks: Iterable[Mapping[str, Any]]) -> str:
    """marks: rows with `text` and `correct_intent`. Examples grouped per intent, deduplicated."""
    by_intent: Dict[str, List[str]] = {}
    for mark in marks:
        text = one_line(mark["text"])
        if text and text not in by_intent.setdefault(mark["correct_intent"], []):
            by_intent[mark["correct_intent"]].append(text)
    nlu = []
    for intent in sorted(by_intent):
        examples = "".join(f"- {_example(text)}\n" for text in by_intent[intent])
        nlu.append({"intent": intent, "examples": _Literal(examples)})
    return _dump({"version": "3.1", "nlu": nlu})


def _example(text: str) -> str:
    # Rasa reads `[text](entity)` as entity annotations: keep the customer's brackets literal.
    return text.replace("[", "(").replace("]", ")")


def test_story(sender_id: str, items: List[Dict[str, Any]], corrections: Mapping[int, str]) -> str:
    """A Rasa test story of the transcript; corrected intents replace the predicted ones."""
    steps: List[Dict[str, Any]] = []
    for item in items:
        if item["kind"] == "user":
            intent = corrections.get(item["id"]) or item.get("intent")
            text = one_line(item.get("text") or "")
            if not intent:
                continue
            if not text or text.startswith("/"):  # quick-reply payloads carry no words
                steps.append({"intent": intent})
            else:
                steps.append({"user": _Literal(_example(text) + "\n"), "intent": intent})
        elif item["kind"] == "action" and item.get("name"):
            if item["name"] == "action_session_start":
                continue
            steps.append({"action": item["name"]})
    story = {"story": f"conversation {sender_id}", "steps": steps}
    return _dump({"version": "3.1", "stories": [story]})
