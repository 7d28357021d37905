"""Bot messages in the shapes rasa-webchat renders (plain Python, tested without Rasa).

Text (Markdown in the widget), quick replies as `quick_replies` (the widget's
chips), and the contract payloads as `{"custom": {...}}` for the widget's
custom component (bot/web/static/shop-widget.js): product cards, selectable
service cards, the checkout link. Where cards show products or services, the
plain-text list of the same items and the buttons the cards carry are left out.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List

from bot.channels import render

_SERVICE_LINE = re.compile(r"^\s*[-•*]\s+")


def _markdown_lines(text: str) -> str:
    """rasa-webchat renders Markdown: keep single line breaks as line breaks."""
    return "  \n".join(line.rstrip() for line in text.strip().split("\n"))


def widget_messages(message: Dict[str, Any]) -> List[Dict[str, Any]]:
    """One Rasa bot message as the messages rasa-webchat shows, in order."""
    if not isinstance(message, dict):
        return []
    contract = render.read_message(message)
    custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
    kind = custom.get("type")
    out: List[Dict[str, Any]] = []
    buttons = list(contract.buttons)
    tail = ""
    if contract.products:
        head, tail = contract.head_and_tail
        on_cards = {b.payload for p in contract.products for b in render.product_actions(p)}
        buttons = [b for b in buttons if b.payload not in on_cards]
        if head:
            out.append({"text": _markdown_lines(head)})
        out.append({"custom": {"type": "products",
                               "products": [p.__dict__ for p in contract.products]}})
    elif kind == "services" and isinstance(custom.get("services"), list):
        lines = contract.text.split("\n") if contract.text else []
        head = "\n".join(line for line in lines if not _SERVICE_LINE.match(line)).strip()
        if head:
            out.append({"text": _markdown_lines(head)})
        services = [s for s in custom["services"] if isinstance(s, dict) and s.get("id") and s.get("title")]
        out.append({"custom": {"type": "services", "for_product": str(custom.get("for_product") or ""),
                               "services": services}})
        offered = {render.payload("add_service", {"service_id": s["id"], "product_id": custom.get("for_product")})
                   for s in services}
        buttons = [b for b in buttons if b.payload not in offered]
    elif kind == "checkout" and contract.checkout_url:
        if contract.text:
            out.append({"text": _markdown_lines(contract.text)})
        out.append({"custom": {"type": "checkout", "url": contract.checkout_url,
                               "total": custom.get("total"), "currency": custom.get("currency") or "EUR"}})
    else:
        tail = contract.text
    if buttons:
        out.append({"text": _markdown_lines(tail) if tail else "Pick one:",
                    "quick_replies": [{"content_type": "text", "title": b.title, "payload": b.payload}
                                      for b in buttons]})
    elif tail:
        out.append({"text": _markdown_lines(tail)})
    if contract.image:
        out.append({"attachment": {"type": "image", "payload": {"src": contract.image}}})
    return out
