"""Reads what a customer's message says about products, catalog-aware.

Rasa's classifier decides *what kind* of message it is (intent); this module
pulls out *the details*: category, budget, brands, colours, sizes, features,
who it is for, and which shown product "the second one" means. Brands,
categories and features come from the loaded catalog, so a shop's own catalog
is understood without retraining.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

_CUR = r"(?:€|\$|£)"
_CUR_WORD = r"(?:eur|euro|euros|usd|dollars?|gbp|pounds?|bucks|quid)"
_NUM = r"(\d{1,3}(?:[ ,]\d{3})+|\d+(?:[.,]\d{1,2})?)(\s*k\b)?"
# A number followed by a unit is not a price ("under 2 kg", "more than 2 people").
_NOT_PRICE_UNIT = (r"(?!\s*(?:kg|g\b|grams?|l\b|litres?|liters?|ltr|cm|mm|m\b|inch|inches|\"|gb|tb|mah|"
                   r"hours?|hrs?|h\b|w\b|watts?|person|people|persons|man\b|seater|seats?|years?|"
                   r"months?|days?|bar\b|cups?|mp\b|hz|%|x\b|pack|pcs|pieces))")

_MAX_WORDS = (r"under|below|less than|cheaper than|max(?:imum)?|up to|upto|no more than|not more than|"
              r"at most|within|budget(?: of| is| is about| around)?|spend(?:ing)?(?: up to| max(?:imum)?| about)?|"
              r"afford(?: up to)?|<=?|lower than|beneath")
_MIN_WORDS = r"over|above|more than|at least|minimum|min|starting at|>=?|higher than"
_AROUND_WORDS = r"around|about|roughly|approximately|approx|~|circa"

COLOUR_SYNONYMS = {
    "gray": "grey", "dark blue": "navy", "navy blue": "navy", "khaki": "olive", "tan": "brown",
    "cream": "beige", "golden": "gold", "violet": "purple", "rose": "pink", "charcoal": "grey",
    "anthracite": "grey", "sky blue": "blue", "light blue": "blue", "burgundy": "red", "maroon": "red",
}
LETTER_SIZES = {"xs": "XS", "s": "S", "small": "S", "m": "M", "medium": "M", "l": "L", "large": "L",
                "xl": "XL", "extra large": "XL", "xxl": "XXL", "x-large": "XL", "xx-large": "XXL",
                "extra small": "XS", "xxs": "XXS", "xxxl": "3XL", "2xl": "2XL", "3xl": "3XL", "4xl": "4XL",
                "5xl": "5XL"}
# Who a product is for, said of the product ("women's", "mens") or of the person
# ("for my son"): the audience filter of the catalog (women / men / kids).
# ("baby" is left out: "baby blue" is a colour; "man" too: "a two man tent".)
AUDIENCE_WORDS = {"women": "women", "womens": "women", "ladies": "women", "men": "men", "mens": "men",
                  "gents": "men", "kids": "kids", "children": "kids", "childrens": "kids", "boys": "kids",
                  "boy": "kids", "girls": "kids", "girl": "kids", "toddler": "kids", "toddlers": "kids",
                  "youth": "kids", "unisex": "unisex"}
_AUDIENCE_RE = re.compile(r"(?<![\w-])(" + "|".join(sorted(AUDIENCE_WORDS, key=len, reverse=True))
                          + r")(?:'s|s'|')?(?![\w-])")
RECIPIENT_AUDIENCE = {"dad": "men", "mum": "women", "wife": "women", "husband": "men", "son": "kids",
                      "daughter": "kids", "brother": "men", "sister": "women", "boyfriend": "men",
                      "girlfriend": "women", "grandmother": "women", "grandfather": "men", "child": "kids",
                      "children": "kids", "nephew": "kids", "niece": "kids", "uncle": "men", "aunt": "women"}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
            "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "former": 1}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10}
RECIPIENTS = {
    "dad": "dad", "father": "dad", "daddy": "dad", "mum": "mum", "mom": "mum", "mother": "mum",
    "mummy": "mum", "wife": "wife", "husband": "husband", "son": "son", "daughter": "daughter",
    "brother": "brother", "sister": "sister", "friend": "friend", "best friend": "friend",
    "boyfriend": "boyfriend", "girlfriend": "girlfriend", "partner": "partner", "colleague": "colleague",
    "coworker": "colleague", "boss": "boss", "grandma": "grandmother", "grandmother": "grandmother",
    "granny": "grandmother", "grandpa": "grandfather", "grandfather": "grandfather", "kid": "child",
    "kids": "children", "child": "child", "children": "children", "teenager": "teenager",
    "nephew": "nephew", "niece": "niece", "uncle": "uncle", "aunt": "aunt", "team": "team",
    "myself": "myself", "me": "myself",
}
STYLES = ("minimalist", "modern", "classic", "retro", "vintage", "sporty", "elegant", "rustic",
          "scandinavian", "industrial", "casual", "professional", "compact", "luxury", "colourful",
          "colorful", "simple", "bold")
MATERIALS = ("full-grain leather", "leather", "suede", "mesh", "merino wool", "wool", "velvet", "linen",
             "cotton", "aluminium", "aluminum", "stainless steel", "steel", "ripstop nylon", "nylon",
             "canvas", "oak", "walnut", "plastic", "fabric", "bamboo", "recycled")
PURPOSES = ("trail running", "running", "hiking", "commuting", "work", "working from home", "home office",
            "gaming", "travel", "travelling", "traveling", "camping", "university", "school", "studying",
            "the office", "office", "marathons", "a marathon", "marathon", "video calls", "photography",
            "the gym", "gym", "backpacking", "mountaineering", "the beach", "music", "cooking", "college")
CHEAPER = ("cheaper", "less expensive", "lower price", "more affordable", "budget option", "too expensive",
           "too pricey", "inexpensive", "less money", "lower priced", "cheapest", "not so expensive")
PRICIER = ("more expensive", "pricier", "higher end", "high-end", "premium", "better quality", "top of the range",
           "fancier", "more upmarket", "best you have")
NEGATORS = ("not", "no", "don't like", "dont like", "do not like", "hate", "without", "except", "avoid",
            "anything but", "other than", "never", "dislike", "not a fan of", "no more", "skip", "except for")


@dataclass
class Parsed:
    text: str
    category: Optional[str] = None
    max_price: Optional[float] = None
    min_price: Optional[float] = None
    brands: List[str] = field(default_factory=list)
    excluded_brands: List[str] = field(default_factory=list)
    exclude_that_brand: bool = False       # "not that brand": resolved against a shown product
    colours: List[str] = field(default_factory=list)
    excluded_colours: List[str] = field(default_factory=list)
    size: Optional[str] = None
    features: List[str] = field(default_factory=list)
    recipient: Optional[str] = None
    audience: Optional[str] = None                        # women / men / kids / unisex
    gift: bool = False
    purpose: Optional[str] = None
    style: Optional[str] = None
    material: Optional[str] = None
    avoided_materials: List[str] = field(default_factory=list)
    references: List[int] = field(default_factory=list)   # 1-based positions; -1 = last
    brand_reference: Optional[str] = None                 # "the Trailmark one"
    refers_to_it: bool = False                            # "it", "that one"
    price_reference: Optional[str] = None                 # "the cheaper one" -> "cheapest"; "priciest"
    several: Optional[str] = None                         # "both", "all": every product meant
    earlier: bool = False                                 # "the one you showed me before"
    direction: Optional[str] = None                       # "cheaper" | "pricier"
    in_stock_only: bool = False
    quantity: int = 1

    @property
    def has_constraints(self) -> bool:
        return any([self.category, self.audience, self.max_price is not None, self.min_price is not None, self.brands,
                    self.excluded_brands, self.exclude_that_brand, self.colours, self.excluded_colours,
                    self.size, self.features, self.direction, self.material, self.avoided_materials])


def _number(raw: str, thousands: Optional[str]) -> Optional[float]:
    raw = raw.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(,\d{3})+", raw):
        raw = raw.replace(",", "")
    value = float(raw.replace(",", "."))
    if thousands:
        value *= 1000
    return value if 0 < value < 10_000_000 else None


def _phrase_regex(phrases: Iterable[str]) -> Optional[re.Pattern]:
    ordered = sorted({p for p in phrases if p}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in ordered) + r")(?![\w-])")


def _negated(text: str, start: int) -> bool:
    """Is the phrase starting at `start` governed by a negation just before it?"""
    window = text[max(0, start - 28):start]
    window = re.split(r"[.,;!?]|(?<!anything) but | and | or | in | only ", window)[-1]
    return any(re.search(r"(?<![\w'])" + re.escape(neg) + r"\b", window) for neg in NEGATORS)


class MessageParser:
    """Built once per catalog; `parse` is pure and cheap (regexes only)."""

    def __init__(self, category_phrases: Sequence[Tuple[str, str]], brands: Iterable[str],
                 colours: Iterable[str], features: Iterable[str]) -> None:
        self._category_of = {phrase: slug for phrase, slug in category_phrases}
        self._category_re = _phrase_regex(self._category_of)
        self._brand_names = {b.lower(): b for b in brands}
        self._brand_re = _phrase_regex(self._brand_names)
        colour_words = {c.lower(): c.lower() for c in colours}
        colour_words.update({k: v for k, v in COLOUR_SYNONYMS.items() if v in colour_words})
        self._colour_of = colour_words
        self._colour_re = _phrase_regex(colour_words)
        # Feature tags shorter than 4 letters ("5g" aside) make too many false hits.
        self._features = {f.lower() for f in features if len(f) >= 4 or any(ch.isdigit() for ch in f)}
        self._feature_re = _phrase_regex(self._features)
        self._recipient_re = re.compile(
            r"\bfor (?:my |a |an |the |our )?(?:little |old |new |elderly |teenage |young )?("
            + "|".join(sorted(map(re.escape, RECIPIENTS), key=len, reverse=True)) + r")\b")
        self._purpose_re = re.compile(r"\b(?:for|to use for|use it for|i use it for|mostly for|go)\s+("
                                      + "|".join(sorted(map(re.escape, PURPOSES), key=len, reverse=True))
                                      + r")\b")
        self._style_re = _phrase_regex(STYLES)
        self._material_re = _phrase_regex(MATERIALS)

    # -- public ------------------------------------------------------------
    def parse(self, text: str) -> Parsed:
        raw = (text or "")[:2000]
        lowered = " ".join(raw.lower().replace("’", "'").split())
        parsed = Parsed(text=raw)
        self._prices(lowered, parsed)
        self._categories(lowered, parsed)
        self._brands(lowered, parsed)
        self._colours(lowered, parsed)
        self._size(lowered, parsed)
        self._features_in(lowered, parsed)
        self._people_and_taste(lowered, parsed)
        self._references(lowered, parsed)
        self._direction(lowered, parsed)
        self._quantity(lowered, parsed)
        return parsed

    def brand_display(self, lowered: str) -> str:
        return self._brand_names.get(lowered, lowered)

    # -- pieces ------------------------------------------------------------
    def _prices(self, text: str, parsed: Parsed) -> None:
        between = re.search(rf"\b(?:between|from)\s*{_CUR}?\s*{_NUM}\s*{_CUR_WORD}?\s*(?:and|to|-)\s*{_CUR}?\s*{_NUM}", text)
        dashed = re.search(rf"{_CUR}?\s*{_NUM}\s*{_CUR_WORD}?\s*(?:-|to)\s*{_CUR}\s*{_NUM}|{_CUR}?\s*{_NUM}\s*(?:-|to)\s*{_NUM}\s*(?:{_CUR}|{_CUR_WORD})", text)
        match = between or dashed
        if match:
            # Groups come as (number, thousands) pairs; only the matched alternative's are set.
            groups = match.groups()
            pairs = [groups[i:i + 2] for i in range(0, len(groups), 2) if groups[i] is not None]
            low = _number(*pairs[0])
            high = _number(*pairs[1])
            if low is not None and high is not None:
                parsed.min_price, parsed.max_price = min(low, high), max(low, high)
                return
        for pattern, kind in ((rf"(?:{_MAX_WORDS})\s*{_CUR}?\s*{_NUM}{_NOT_PRICE_UNIT}", "max"),
                              (rf"(?:{_MIN_WORDS})\s*{_CUR}?\s*{_NUM}{_NOT_PRICE_UNIT}", "min"),
                              (rf"\b(?:{_AROUND_WORDS})\s*{_CUR}?\s*{_NUM}{_NOT_PRICE_UNIT}", "around")):
            for found in re.finditer(pattern, text):
                value = _number(found.group(1), found.group(2))
                if value is None:
                    continue
                has_currency = bool(re.search(rf"{_CUR}|{_CUR_WORD}", text[found.start():found.end() + 8]))
                if kind == "max":
                    parsed.max_price = value
                elif kind == "min" and (has_currency or value >= 10):
                    parsed.min_price = value
                elif kind == "around" and (has_currency or value >= 10):
                    parsed.min_price, parsed.max_price = round(value * 0.75, 2), round(value * 1.15, 2)
                break
        if parsed.max_price is None and parsed.min_price is None:
            # A bare amount with a currency ("a laptop for 800 euros") is a budget.
            bare = re.search(rf"{_CUR}\s*{_NUM}|{_NUM}\s*(?:{_CUR}|{_CUR_WORD})\b", text)
            if bare:
                groups = [g for g in bare.groups()]
                number, thousands = (groups[0], groups[1]) if groups[0] else (groups[2], groups[3])
                value = _number(number, thousands)
                if value is not None:
                    parsed.max_price = value

    def _categories(self, text: str, parsed: Parsed) -> None:
        if self._category_re is None:
            return
        found = [(m.start(), self._category_of[m.group(1)]) for m in self._category_re.finditer(text)]
        if found:
            # "a bag for my laptop": the thing asked for comes first.
            parsed.category = found[0][1]

    def _brands(self, text: str, parsed: Parsed) -> None:
        if re.search(r"\b(?:not|no|don't like|dont like|hate|avoid|other than|except)\s+(?:that|this|the same)\s+brand\b|"
                     r"\b(?:another|different|other) brand\b", text):
            parsed.exclude_that_brand = True
        if self._brand_re is None:
            return
        for match in self._brand_re.finditer(text):
            name = self._brand_names[match.group(1)]
            if re.match(r"\s*one\b", text[match.end():]) and not _negated(text, match.start()):
                parsed.brand_reference = name
                continue
            target = parsed.excluded_brands if _negated(text, match.start()) else parsed.brands
            if name not in target:
                target.append(name)

    def _colours(self, text: str, parsed: Parsed) -> None:
        if self._colour_re is None:
            return
        for match in self._colour_re.finditer(text):
            colour = self._colour_of[match.group(1)]
            target = parsed.excluded_colours if _negated(text, match.start()) else parsed.colours
            if colour not in target:
                target.append(colour)

    def _size(self, text: str, parsed: Parsed) -> None:
        numeric = re.search(r"\b(?:size|sz|eu|uk|wear(?: a)?(?: size)?|size is)\s*(?:eu\s*)?(\d{2}(?:[.,]5)?)\b"
                            r"|\b(\d{2}(?:[.,]5)?)\s*eu\b", text)
        if numeric:
            value = (numeric.group(1) or numeric.group(2)).replace(",", ".")
            if 15 <= float(value) <= 55:
                parsed.size = value
                return
        letters = r"extra large|extra small|x-large|xx-large|xxxl|xxl|xxs|[2-5]xl|xl|xs|small|medium|large|s|m|l"
        letter = re.search(rf"\b(?:size|sz|wear(?: a)?(?: size)?|size is)\s*({letters})\b"
                           rf"|\b({letters})\s+(?:size|socks?)\b"
                           r"|\bin (?:an? )?(small|medium|large|extra large|extra small)\b"
                           r"|(?<![\w-])(xxxl|xxl|xxs|[2-5]xl|xl|xs|x-large|xx-large)(?![\w-])", text)
        if letter:
            parsed.size = LETTER_SIZES[next(g for g in letter.groups() if g)]

    def _features_in(self, text: str, parsed: Parsed) -> None:
        if self._feature_re is None:
            return
        for match in self._feature_re.finditer(text):
            if not _negated(text, match.start()) and match.group(1) not in parsed.features:
                parsed.features.append(match.group(1))

    def _people_and_taste(self, text: str, parsed: Parsed) -> None:
        recipient = self._recipient_re.search(text)
        if recipient:
            parsed.recipient = RECIPIENTS[recipient.group(1)]
            parsed.audience = RECIPIENT_AUDIENCE.get(parsed.recipient)
        said = _AUDIENCE_RE.search(text)
        if said and not _negated(text, said.start()):
            parsed.audience = AUDIENCE_WORDS[said.group(1)]
        parsed.gift = bool(re.search(r"\b(gift|present|birthday|christmas|xmas|anniversary|surprise)\b", text)) \
            or (parsed.recipient not in (None, "myself"))
        purpose = self._purpose_re.search(text)
        if purpose:
            parsed.purpose = purpose.group(1)
        style = self._style_re.search(text) if self._style_re else None
        if style:
            parsed.style = style.group(1)
        for match in self._material_re.finditer(text):
            if _negated(text, match.start()):
                parsed.avoided_materials.append(match.group(1))
            elif parsed.material is None:
                parsed.material = match.group(1)
        if re.search(r"\bvegan\b", text):
            parsed.avoided_materials += [m for m in ("leather", "suede", "full-grain leather", "wool")
                                         if m not in parsed.avoided_materials]
        if re.search(r"\b(?:in stock|available now|available today|ships? (?:today|now))\b", text):
            parsed.in_stock_only = True

    def _references(self, text: str, parsed: Parsed) -> None:
        refs: List[Tuple[int, int]] = []
        for match in re.finditer(r"(?:#|\bno\.?\s*|\bnumber\s+|\bnr\.?\s*|\bitem\s+|\boption\s+|\bproduct\s+)(\d{1,2})\b", text):
            refs.append((match.start(), int(match.group(1))))
        for match in re.finditer(r"\b(" + "|".join(map(re.escape, ORDINALS)) + r")\b", text):
            refs.append((match.start(), ORDINALS[match.group(1)]))
        for match in re.finditer(r"\b(?:the\s+)?(last|latter|final)(?:\s+one)?\b", text):
            refs.append((match.start(), -1))
        for match in re.finditer(r"\bnumber\s+(" + "|".join(NUMBER_WORDS) + r")\b", text):
            refs.append((match.start(), NUMBER_WORDS[match.group(1)]))
        if not refs:
            # "compare 1 and 3", "1 vs 2", or a message that is only a number.
            bare = re.fullmatch(r"\s*(\d{1,2})\s*", text)
            if bare:
                refs.append((0, int(bare.group(1))))
            else:
                pair = re.search(r"\b(\d{1,2})\s*(?:and|&|vs\.?|versus|or|with)\s*(\d{1,2})\b(?!\s*(?:€|\$|£|eur|euro))", text)
                if pair and re.search(r"\b(compare|comparison|differen|vs|versus|better|or)\b", text):
                    refs += [(pair.start(1), int(pair.group(1))), (pair.start(2), int(pair.group(2)))]
        group = re.search(r"\b(first|top|last)\s+(two|three|four|2|3|4)\b", text)
        if group:
            count = int(group.group(2)) if group.group(2).isdigit() else NUMBER_WORDS[group.group(2)]
            refs = [(group.start() + i, (i + 1) if group.group(1) != "last" else -(count - i))
                    for i in range(count)]
        seen = []
        for _, position in sorted(refs):
            if position not in seen and position != 0:
                seen.append(position)
        parsed.references = seen
        parsed.refers_to_it = bool(re.search(r"\b(it|that one|this one|that|this|them|those)\b", text))
        if re.search(r"\bthe (?:cheaper|cheapest|less expensive|least expensive|lower priced)(?: one| ones)?\b", text):
            parsed.price_reference = "cheapest"
        elif re.search(r"\bthe (?:more expensive|most expensive|pricier|priciest|dearer)(?: one| ones)?\b", text):
            parsed.price_reference = "priciest"
        if re.search(r"\b(?:both|the two of them)\b", text):
            parsed.several = "both"
        elif re.search(r"\b(?:each of them|each one|one of each|all of them|all three|all four|"
                       r"all (?:of )?these|all (?:of )?those)\b", text):
            parsed.several = "all"
        parsed.earlier = bool(re.search(r"\b(?:showed|shown|show) me (?:before|earlier|first)|\bfrom (?:before|earlier)\b|"
                                        r"\b(?:previous|earlier|last) (?:results|search|ones)\b", text))

    def _direction(self, text: str, parsed: Parsed) -> None:
        if any(re.search(r"\b" + re.escape(w) + r"\b", text) for w in CHEAPER):
            parsed.direction = "cheaper"
        elif any(re.search(r"\b" + re.escape(w) + r"\b", text) for w in PRICIER):
            parsed.direction = "pricier"

    def _quantity(self, text: str, parsed: Parsed) -> None:
        match = re.search(r"\b(?:add|take|buy|get|want|order|need)\s+(\d{1,2}|" + "|".join(NUMBER_WORDS)
                          + r")\s+(?:of|x|pairs?|units?|pieces?|more)?\b", text)
        if match:
            raw = match.group(1)
            quantity = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
            if 1 <= quantity <= 99:
                parsed.quantity = quantity


def known_features(products) -> List[str]:
    tags: Dict[str, int] = {}
    for product in products:
        for tag in product.features:
            tags[tag] = tags.get(tag, 0) + 1
    return sorted(tags)
