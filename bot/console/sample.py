"""Writes conversations into a tracker `events` table the way Rasa 3.6 stores them
(for tests and the benchmark)."""
from __future__ import annotations

import json
import random
from typing import Any, Dict, List, Optional

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bot.console import db


class ConversationWriter:
    """Builds one conversation's events; `rows()` gives them in the events table's shape."""

    def __init__(self, sender_id: str, start: float, channel: str = "rest") -> None:
        self.sender_id = sender_id
        self.clock = start
        self.channel = channel
        self.events: List[Dict[str, Any]] = []
        self.action("action_session_start")
        self._add("session_started", {"event": "session_started"})
        self.action("action_listen")

    def _add(self, type_name: str, data: Dict[str, Any], intent: Optional[str] = None,
             action: Optional[str] = None) -> None:
        self.clock += 1.5
        data = dict(data, timestamp=self.clock)
        self.events.append({"sender_id": self.sender_id, "type_name": type_name, "timestamp": self.clock,
                            "intent_name": intent, "action_name": action, "data": json.dumps(data)})

    def action(self, name: str) -> "ConversationWriter":
        self._add("action", {"event": "action", "name": name, "policy": "RulePolicy", "confidence": 1.0},
                  action=name)
        return self

    def user(self, text: str, intent: str, confidence: float = 0.93) -> "ConversationWriter":
        parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": [],
                 "intent_ranking": [{"name": intent, "confidence": confidence}]}
        self._add("user", {"event": "user", "text": text, "parse_data": parse,
                           "input_channel": self.channel, "message_id": f"m{len(self.events)}"},
                  intent=intent)
        return self

    def bot(self, text: str, custom: Optional[Dict[str, Any]] = None,
            buttons: Optional[List[Dict[str, Any]]] = None) -> "ConversationWriter":
        self._add("bot", {"event": "bot", "text": text, "metadata": {},
                          "data": {"elements": None, "quick_replies": None, "buttons": buttons,
                                   "attachment": None, "image": None, "custom": custom}})
        return self

    def pause(self) -> "ConversationWriter":
        self._add("pause", {"event": "pause"})
        return self

    def resume(self) -> "ConversationWriter":
        self._add("resume", {"event": "resume"})
        return self

    def turn(self, text: str, intent: str, action: str, reply: str,
             custom: Optional[Dict[str, Any]] = None, confidence: float = 0.93) -> "ConversationWriter":
        self.user(text, intent, confidence).action(action)
        if reply is not None:
            self.bot(reply, custom)
        return self.action("action_listen")


def product(pid: str = "BOOT-0012", title: str = "Trailmark Ridgeline GTX Waterproof Hiking Boot",
            price: float = 114.99) -> Dict[str, Any]:
    return {"id": pid, "title": title, "price": price, "currency": "EUR", "category": "hiking_boots",
            "brand": "Trailmark", "url": f"https://shop.example.com/products/{pid}",
            "image": "https://shop.example.com/static/catalog/hiking_boots.svg",
            "reason": "Waterproof, as you asked; under your 120 budget"}


def write(engine: Engine, conversations: List[ConversationWriter]) -> None:
    db.tracker_metadata.create_all(engine)
    rows = [row for conversation in conversations for row in conversation.events]
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(db.events), rows[start:start + 5000])


WORDS = ("hiking boots", "laptop", "headphones", "sofa", "rain jacket", "coffee machine", "desk lamp",
         "running shoes", "backpack", "monitor", "blender", "tent")
CHANNELS = ("rest", "socketio", "telegram", "whatsapp", "messenger", "slack")


def random_conversation(rng: random.Random, index: int, start: float) -> ConversationWriter:
    channel = rng.choice(CHANNELS)
    writer = ConversationWriter(f"{channel}:customer-{index:05d}", start, channel)
    writer.turn("hi", "greet", "action_greet", "Hi! What are you looking for?")
    for _ in range(rng.randint(1, 4)):
        thing = rng.choice(WORDS)
        budget = rng.randint(3, 40) * 10
        writer.turn(f"{thing} under {budget}", "request_product", "action_recommend",
                    f"Here are some {thing} I'd suggest:", {"type": "products", "products": [product()]})
        roll = rng.random()
        if roll < 0.3:
            writer.turn("details of #1", "ask_product_detail", "action_product_details", "It is waterproof.")
        if roll < 0.2:
            writer.turn("add it to my cart", "add_to_cart", "action_add_to_cart", "Added to your cart.")
        if roll < 0.1:
            writer.turn("checkout", "checkout", "action_checkout", "Here is your checkout link",
                        {"type": "checkout", "url": "https://shop.example.com/checkout/x", "total": 114.99,
                         "currency": "EUR"})
        if 0.9 < roll:
            writer.turn("what's the weather", "out_of_scope", "action_fallback", "Sorry, I can only help shopping.")
        if 0.95 < roll:
            writer.turn("can I talk to a person", "ask_for_human", "action_request_human",
                        "Someone will answer within 2 hours.", {"type": "handoff", "request_id": index})
    return writer


def fill(engine: Engine, count: int, seed: int = 7, start: float = 1_760_000_000.0) -> None:
    rng = random.Random(seed)
    batch: List[ConversationWriter] = []
    for index in range(count):
        batch.append(random_conversation(rng, index, start + index * 137.0))
        if len(batch) == 1000:
            write(engine, batch)
            batch = []
    if batch:
        write(engine, batch)
