"""The message contract rendered into each messaging platform's shapes.

Input is one bot message as Rasa hands it to an output channel: a dict with
`text`, and optionally `buttons` (quick replies), `custom` (the contract
payload: products, services, checkout, handoff), `image` and `attachment`.
Output is plain data - the bodies of the platform API calls - so everything
here is tested without Rasa and without a network.

A products message carries the same products twice: as cards in `custom` and
as a numbered list in `text`. Where a platform shows cards, the list lines of
the text (a line starting "1." or "-" that names a product's title) are left
out and the rest of the text (intro, question) is kept around the cards.

Nothing here ever puts raw JSON in front of a customer: an unknown `custom`
type is simply not rendered, its `text` is.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

UNSUPPORTED_TEXT = ("Sorry, I can only read text messages. Please type what you're looking for, "
                    "for example \"waterproof hiking boots under 120\".")
TOO_LONG_TEXT = "That message is too long for me - could you send it in shorter parts?"
EXPIRED_BUTTON_TEXT = "That button has expired. Tell me what you're looking for and I'll show fresh options."
MAX_INCOMING_CHARS = 4000
MAX_PRODUCTS = 10

CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}
_LIST_LINE = re.compile(r"^\s*(?:\d+[.)]|[-•*])\s+")


# -- the contract, read defensively ---------------------------------------------------
@dataclass(frozen=True)
class Product:
    id: str
    title: str
    price: Optional[float] = None
    currency: str = "EUR"
    category: str = ""
    brand: str = ""
    url: str = ""
    image: str = ""
    reason: str = ""
    variant_id: str = ""       # the variant the card shows; add to cart buys that one

    @property
    def price_text(self) -> str:
        return money(self.price, self.currency)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass
class Contract:
    """One bot message, with the parts every renderer needs."""
    text: str = ""
    buttons: List[Button] = field(default_factory=list)
    products: List[Product] = field(default_factory=list)
    checkout_url: str = ""
    image: str = ""
    attachment: str = ""

    @property
    def head_and_tail(self) -> Tuple[str, str]:
        return split_text(self.text, self.products)


def money(amount: Any, currency: str = "EUR") -> str:
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    value = float(amount)
    text = f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def is_web_url(value: str) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://")) and " " not in value


def product_from(raw: Any) -> Optional[Product]:
    if not isinstance(raw, dict):
        return None
    product_id = raw.get("id")
    product_id = str(product_id) if isinstance(product_id, (str, int)) and not isinstance(product_id, bool) else ""
    title = _text(raw.get("title"))
    if not product_id or not title:
        return None
    price = raw.get("price")
    price = float(price) if isinstance(price, (int, float)) and not isinstance(price, bool) else None
    return Product(id=product_id, title=title, price=price, currency=_text(raw.get("currency")) or "EUR",
                   category=_text(raw.get("category")), brand=_text(raw.get("brand")),
                   url=_text(raw.get("url")), image=_text(raw.get("image")), reason=_text(raw.get("reason")),
                   variant_id=_text(raw.get("variant_id")))


def read_message(message: Any) -> Contract:
    """A Rasa bot message (possibly malformed) as a Contract."""
    if not isinstance(message, dict):
        return Contract()
    buttons = []
    for raw in (message.get("buttons") or message.get("quick_replies") or []):
        if isinstance(raw, dict):
            title, payload = _text(raw.get("title")), _text(raw.get("payload"))
            if title and payload:
                buttons.append(Button(title, payload))
    custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
    products: List[Product] = []
    checkout_url = ""
    if custom.get("type") == "products" and isinstance(custom.get("products"), list):
        products = [p for p in (product_from(raw) for raw in custom["products"]) if p][:MAX_PRODUCTS]
    elif custom.get("type") == "checkout" and is_web_url(_text(custom.get("url"))):
        checkout_url = _text(custom.get("url"))
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    image = _text(message.get("image"))
    attachment = message.get("attachment")
    return Contract(text=text.strip(), buttons=buttons, products=products, checkout_url=checkout_url,
                    image=image if is_web_url(image) else "",
                    attachment=attachment.strip() if isinstance(attachment, str) else "")


def split_text(text: str, products: Sequence[Product]) -> Tuple[str, str]:
    """(text before the product list, text after it); the list lines are dropped.

    Without products, or when no line lists one, everything is the head."""
    lines = text.split("\n") if text else []
    titles = [p.title for p in products]
    listed = [i for i, line in enumerate(lines)
              if _LIST_LINE.match(line) and any(title in line for title in titles)]
    if not listed:
        return text.strip(), ""
    head = "\n".join(lines[:listed[0]]).strip()
    tail = "\n".join(line for i, line in enumerate(lines[listed[0]:], start=listed[0])
                     if i > listed[-1]).strip()
    return head, tail


def payload(intent: str, entities: Optional[Dict[str, Any]] = None) -> str:
    """The same shape as the action server's quick replies: /intent{"key":"value"}."""
    return f"/{intent}" + (json.dumps(entities, separators=(",", ":")) if entities else "")


def product_actions(product: Product) -> List[Button]:
    """The buttons every product card gets."""
    entities = {"product_id": product.id}
    # the variant shown (colour / size asked for) is the one added to the cart
    variant = {"product_id": product.variant_id or product.id}
    return [Button("Details", payload("ask_product_detail", entities)),
            Button("Add to cart", payload("add_to_cart", variant)),
            Button("More like this", payload("more_like", entities))]


def details_payload(product_id: str) -> str:
    return payload("ask_product_detail", {"product_id": product_id})


def shorten(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def chunks(text: str, limit: int) -> List[str]:
    """Split text into pieces of at most `limit` characters, at line breaks when possible."""
    text = text.strip()
    if not text:
        return []
    pieces: List[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


def _without_product_buttons(buttons: Iterable[Button], products: Sequence[Product]) -> List[Button]:
    on_cards = {b.payload for p in products for b in product_actions(p)}
    return [b for b in buttons if b.payload not in on_cards]


# -- Telegram -------------------------------------------------------------------------
TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_CAPTION_LIMIT = 1024
TELEGRAM_CALLBACK_LIMIT = 64
TELEGRAM_REF_PREFIX = "ref:"
TELEGRAM_PICK_PROMPT = "Pick an option:"


@dataclass
class TelegramCall:
    method: str                               # sendMessage, sendPhoto
    params: Dict[str, Any]
    fallback: Optional["TelegramCall"] = None  # sent instead when the platform refuses the call


@dataclass
class TelegramPlan:
    calls: List[TelegramCall]
    reply_keyboard: Dict[str, str]   # button title -> payload, for the reply keyboard just sent
    refs: Dict[str, str]             # short reference -> payload, to remember for callbacks


def telegram_callback_data(button_payload: str) -> Tuple[str, Optional[str]]:
    """(callback_data, reference or None). Payloads over Telegram's 64-byte limit are
    replaced by a short reference (a hash of the payload) that the channel remembers."""
    if len(button_payload.encode("utf-8")) <= TELEGRAM_CALLBACK_LIMIT:
        return button_payload, None
    digest = hashlib.sha256(button_payload.encode("utf-8")).digest()
    ref = TELEGRAM_REF_PREFIX + base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")
    return ref, ref


def telegram_caption(product: Product) -> str:
    lines = [product.title]
    if product.price_text:
        lines.append(product.price_text)
    if product.reason:
        lines.append(product.reason)
    return shorten("\n".join(lines), TELEGRAM_CAPTION_LIMIT)


def telegram_card_keyboard(product: Product, refs: Dict[str, str]) -> Dict[str, Any]:
    buttons = []
    for button in product_actions(product):
        data, ref = telegram_callback_data(button.payload)
        if ref:
            refs[ref] = button.payload
        buttons.append({"text": button.title, "callback_data": data})
    rows = [buttons[:2], buttons[2:]]
    if is_web_url(product.url):
        rows[1].append({"text": "View in shop", "url": product.url})
    return {"inline_keyboard": rows}


def telegram_reply_keyboard(buttons: Sequence[Button]) -> Dict[str, Any]:
    longest = max(len(b.title) for b in buttons)
    per_row = 4 if longest <= 6 else 2 if longest <= 16 else 1
    rows = [[{"text": b.title} for b in buttons[i:i + per_row]] for i in range(0, len(buttons), per_row)]
    return {"keyboard": rows, "resize_keyboard": True, "one_time_keyboard": True}


def telegram_plan(message: Any, chat_id: Any) -> TelegramPlan:
    contract = read_message(message)
    refs: Dict[str, str] = {}
    calls: List[TelegramCall] = []

    def text_calls(text: str) -> List[TelegramCall]:
        return [TelegramCall("sendMessage", {"chat_id": chat_id, "text": part})
                for part in chunks(text, TELEGRAM_TEXT_LIMIT)]

    head, tail = contract.head_and_tail
    calls += text_calls(head)
    # Quick replies and the checkout link go on the last plain text message
    # (a reply keyboard shows under the input box whichever message brought it).
    last_text = len(calls) - 1 if calls else None
    for product in contract.products:
        caption = telegram_caption(product)
        keyboard = telegram_card_keyboard(product, refs)
        as_text = TelegramCall("sendMessage", {"chat_id": chat_id, "text": caption, "reply_markup": keyboard})
        if is_web_url(product.image):
            calls.append(TelegramCall("sendPhoto", {"chat_id": chat_id, "photo": product.image,
                                                    "caption": caption, "reply_markup": keyboard},
                                      fallback=as_text))
        else:
            calls.append(as_text)
    tail_calls = text_calls(tail)
    calls += tail_calls
    if tail_calls:
        last_text = len(calls) - 1

    reply_keyboard: Dict[str, str] = {}
    buttons = _without_product_buttons(contract.buttons, contract.products)
    if buttons:
        if last_text is None:
            calls.append(TelegramCall("sendMessage", {"chat_id": chat_id, "text": TELEGRAM_PICK_PROMPT}))
            last_text = len(calls) - 1
        calls[last_text].params["reply_markup"] = telegram_reply_keyboard(buttons)
        for button in buttons:
            reply_keyboard.setdefault(button.title, button.payload)
    if contract.checkout_url:
        link = {"inline_keyboard": [[{"text": "Go to checkout", "url": contract.checkout_url}]]}
        if last_text is not None and "reply_markup" not in calls[last_text].params:
            calls[last_text].params["reply_markup"] = link
        else:
            calls.append(TelegramCall("sendMessage", {"chat_id": chat_id, "text": "Ready to check out?",
                                                      "reply_markup": link}))
    if contract.image:
        calls.append(TelegramCall("sendPhoto", {"chat_id": chat_id, "photo": contract.image},
                                  fallback=TelegramCall("sendMessage", {"chat_id": chat_id,
                                                                        "text": contract.image})))
    if contract.attachment:
        calls += text_calls(contract.attachment)
    return TelegramPlan(calls=calls, reply_keyboard=reply_keyboard, refs=refs)


# -- WhatsApp (Twilio) ----------------------------------------------------------------
WHATSAPP_BODY_LIMIT = 1600
OPTION_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class WhatsAppPlan:
    bodies: List[str]
    products: List[str]          # product ids in the order they were numbered (empty: none shown)
    options: Dict[str, str]      # "A" -> payload, and the lower-cased title -> payload


def whatsapp_product_lines(number: int, product: Product) -> str:
    first = f"{number}. *{product.title}*"
    if product.price_text:
        first += f" - {product.price_text}"
    lines = [first]
    if product.reason:
        lines.append(f"   {product.reason}")
    if is_web_url(product.url):
        lines.append(f"   {product.url}")
    return "\n".join(lines)


def whatsapp_plan(message: Any, option_offset: int = 0) -> WhatsAppPlan:
    """Products as a numbered list with a link each; quick replies as lettered options.

    `option_offset` continues the letters when one turn sends several messages."""
    contract = read_message(message)
    head, tail = contract.head_and_tail
    sections = [head] if head else []
    if contract.products:
        sections.append("\n".join(whatsapp_product_lines(n, p) for n, p in enumerate(contract.products, 1)))
        count = len(contract.products)
        sections.append("Reply with the number of a product to see its details."
                        if count > 1 else "Reply 1 to see its details.")
    if tail:
        sections.append(tail)
    options: Dict[str, str] = {}
    lines = []
    for index, button in enumerate(contract.buttons[:len(OPTION_LETTERS) - option_offset]):
        letter = OPTION_LETTERS[option_offset + index]
        options[letter] = button.payload
        options.setdefault(button.title.strip().lower(), button.payload)
        lines.append(f"{letter}) {button.title}")
    if lines:
        sections.append("Reply with a letter:\n" + "\n".join(lines))
    if contract.checkout_url and contract.checkout_url not in contract.text:
        sections.append(f"Checkout: {contract.checkout_url}")
    if contract.image:
        sections.append(contract.image)
    if contract.attachment:
        sections.append(contract.attachment)
    bodies = chunks("\n\n".join(sections), WHATSAPP_BODY_LIMIT)
    return WhatsAppPlan(bodies=bodies, products=[p.id for p in contract.products], options=options)


_PICK = re.compile(r"^\s*(?:#|no\.?\s*|number\s+)?(\d{1,2})\s*[.)!]?\s*$", re.IGNORECASE)
_LETTER = re.compile(r"^\s*([A-Za-z])\s*[.)]?\s*$")


def whatsapp_pick(text: str, products: Sequence[str], options: Dict[str, str]) -> Optional[str]:
    """The payload a short answer stands for: "2" -> details of product 2 of the last list,
    "B" or an option's title -> that quick reply. None: pass the text on as it is."""
    number = _PICK.match(text or "")
    if number and products:
        position = int(number.group(1))
        if 1 <= position <= len(products):
            return details_payload(products[position - 1])
    letter = _LETTER.match(text or "")
    if letter and letter.group(1).upper() in options:
        return options[letter.group(1).upper()]
    title = (text or "").strip().lower()
    if title and len(title) > 1 and title in options:
        return options[title]
    return None


# -- Facebook Messenger ---------------------------------------------------------------
MESSENGER_TEXT_LIMIT = 2000
MESSENGER_BUTTON_TEMPLATE_TEXT_LIMIT = 640
MESSENGER_ELEMENTS_LIMIT = 10
MESSENGER_QUICK_REPLIES_LIMIT = 13
MESSENGER_QUICK_REPLY_TITLE_LIMIT = 20
MESSENGER_TITLE_LIMIT = 80
MESSENGER_PAYLOAD_LIMIT = 1000


def messenger_element(product: Product) -> Dict[str, Any]:
    subtitle = " - ".join(part for part in (product.price_text, product.reason) if part)
    element: Dict[str, Any] = {"title": shorten(product.title, MESSENGER_TITLE_LIMIT)}
    if subtitle:
        element["subtitle"] = shorten(subtitle, MESSENGER_TITLE_LIMIT)
    if is_web_url(product.image):
        element["image_url"] = product.image
    if is_web_url(product.url):
        element["default_action"] = {"type": "web_url", "url": product.url}
    element["buttons"] = [{"type": "postback", "title": b.title, "payload": b.payload}
                          for b in product_actions(product)]
    return element


def messenger_quick_replies(buttons: Sequence[Button]) -> List[Dict[str, str]]:
    replies = []
    for button in buttons:
        if len(button.payload) > MESSENGER_PAYLOAD_LIMIT:
            continue
        replies.append({"content_type": "text",
                        "title": shorten(button.title, MESSENGER_QUICK_REPLY_TITLE_LIMIT),
                        "payload": button.payload})
    return replies[:MESSENGER_QUICK_REPLIES_LIMIT]


def messenger_messages(message: Any) -> List[Dict[str, Any]]:
    """The `message` objects to send, in order (each goes in its own Send API call)."""
    contract = read_message(message)
    head, tail = contract.head_and_tail
    messages: List[Dict[str, Any]] = [{"text": part} for part in chunks(head, MESSENGER_TEXT_LIMIT)]
    if contract.products:
        elements = [messenger_element(p) for p in contract.products[:MESSENGER_ELEMENTS_LIMIT]]
        messages.append({"attachment": {"type": "template", "payload": {
            "template_type": "generic", "elements": elements}}})
    messages += [{"text": part} for part in chunks(tail, MESSENGER_TEXT_LIMIT)]
    if contract.checkout_url:
        button = {"type": "web_url", "url": contract.checkout_url, "title": "Checkout"}
        last = messages[-1] if messages else None
        if last is not None and "text" in last and len(last["text"]) <= MESSENGER_BUTTON_TEMPLATE_TEXT_LIMIT:
            messages[-1] = {"attachment": {"type": "template", "payload": {
                "template_type": "button", "text": last["text"], "buttons": [button]}}}
        else:
            messages.append({"attachment": {"type": "template", "payload": {
                "template_type": "button", "text": "Ready to check out?", "buttons": [button]}}})
    if contract.image:
        messages.append({"attachment": {"type": "image", "payload": {"url": contract.image}}})
    if contract.attachment:
        messages += [{"text": part} for part in chunks(contract.attachment, MESSENGER_TEXT_LIMIT)]
    quick = messenger_quick_replies(_without_product_buttons(contract.buttons, contract.products))
    if quick:
        if not messages:
            messages.append({"text": TELEGRAM_PICK_PROMPT})
        messages[-1]["quick_replies"] = quick
    return messages


# -- Slack ----------------------------------------------------------------------------
SLACK_SECTION_LIMIT = 3000
SLACK_BUTTON_TEXT_LIMIT = 75
SLACK_VALUE_LIMIT = 2000
SLACK_ACTIONS_PER_BLOCK = 25
SLACK_BLOCKS_LIMIT = 50
SLACK_FALLBACK_LIMIT = 3000


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_sections(text: str) -> List[Dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(part)}}
            for part in chunks(text, SLACK_SECTION_LIMIT)]


def _slack_button(title: str, value: str, action_id: str) -> Dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": shorten(title, SLACK_BUTTON_TEXT_LIMIT)},
            "value": value, "action_id": action_id}


def slack_product_blocks(index: int, product: Product, images: bool = True) -> List[Dict[str, Any]]:
    title = slack_escape(product.title)
    linkable = is_web_url(product.url) and not any(ch in product.url for ch in "|<>")
    name = f"*<{product.url.replace('&', '&amp;')}|{title}>*" if linkable else f"*{title}*"
    lines = [name]
    if product.price_text:
        lines.append(slack_escape(product.price_text))
    if product.reason:
        lines.append(slack_escape(product.reason))
    section: Dict[str, Any] = {"type": "section", "block_id": f"product-{index}",
                               "text": {"type": "mrkdwn", "text": shorten("\n".join(lines), SLACK_SECTION_LIMIT)}}
    if images and is_web_url(product.image):
        section["accessory"] = {"type": "image", "image_url": product.image,
                                "alt_text": shorten(product.title, 2000)}
    keys = ("details", "add", "more")
    actions = {"type": "actions", "block_id": f"product-{index}-actions",
               "elements": [_slack_button(b.title, b.payload, f"product-{index}-{key}")
                            for b, key in zip(product_actions(product), keys)]}
    return [section, actions]


def slack_message(message: Any, images: bool = True) -> Optional[Dict[str, Any]]:
    """One chat.postMessage body (without `channel`), or None when there is nothing to say.

    `images=False` renders the same message without image accessories, for when
    Slack cannot fetch a product image (it then refuses the whole message)."""
    contract = read_message(message)
    head, tail = contract.head_and_tail
    blocks: List[Dict[str, Any]] = _slack_sections(head)
    for index, product in enumerate(contract.products, start=1):
        blocks += slack_product_blocks(index, product, images)
    blocks += _slack_sections(tail)
    if contract.image and images:
        blocks.append({"type": "image", "image_url": contract.image, "alt_text": "image"})
    elif contract.image:
        blocks += _slack_sections(contract.image)
    if contract.attachment:
        blocks += _slack_sections(contract.attachment)
    buttons = _without_product_buttons(contract.buttons, contract.products)
    elements = [_slack_button(b.title, b.payload, f"reply-{i}")
                for i, b in enumerate(buttons, start=1) if len(b.payload) <= SLACK_VALUE_LIMIT]
    if contract.checkout_url:
        elements.append({"type": "button", "text": {"type": "plain_text", "text": "Checkout"},
                         "url": contract.checkout_url, "action_id": "checkout-link", "style": "primary"})
    for start in range(0, len(elements), SLACK_ACTIONS_PER_BLOCK):
        blocks.append({"type": "actions", "block_id": f"replies-{start // SLACK_ACTIONS_PER_BLOCK + 1}",
                       "elements": elements[start:start + SLACK_ACTIONS_PER_BLOCK]})
    fallback = contract.text or "\n".join(p.title for p in contract.products)
    if not blocks and not fallback:
        return None
    # `text` is the notification and screen-reader version; it is mrkdwn too.
    body: Dict[str, Any] = {"text": slack_escape(shorten(fallback, SLACK_FALLBACK_LIMIT)) if fallback else "…"}
    if blocks:
        body["blocks"] = blocks[:SLACK_BLOCKS_LIMIT]
    return body


# -- incoming text helpers ------------------------------------------------------------
_SLACK_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_SLACK_LINK = re.compile(r"<([^<>|]+)\|([^<>]+)>|<([^<>|]+)>")


def slack_plain_text(text: str) -> str:
    """Slack's message markup as the customer typed it: no mentions, links as shown."""
    text = _SLACK_MENTION.sub("", text)
    text = _SLACK_LINK.sub(lambda m: m.group(2) or m.group(3) or m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def telegram_command(text: str) -> str:
    """Telegram's /start and /help commands as the intents they mean."""
    first, _, rest = text.strip().partition(" ")
    command = first.split("@", 1)[0].lower()
    if command == "/start":
        return payload("greet")
    if command == "/help":
        return payload("bot_capabilities")
    return text


def first_of(values: Any) -> Optional[str]:
    """First value of a form field (parsed forms map names to lists)."""
    if isinstance(values, list):
        values = values[0] if values else None
    return values if isinstance(values, str) else None

