"""Product tokeniser: the words a lexical index sees, for products and queries alike.

Shoppers type sizes, units and model numbers the way they happen to remember them
("48x34", "48 x 34 in", "1/2\"", "3.5mm", "BD8872-5x8"), so both sides are cut the
same way: numbers apart from their units, units spelled one way, dimensions split
into their numbers, model numbers kept whole *and* split into their parts (so the
exact code and a partial one both match), apostrophes dropped, plurals folded.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, List

# Units spelled one way. Only applied right after a number, so "in" the
# preposition never becomes an inch.
UNITS = {
    "in": "inch", "inch": "inch", "inches": "inch", '"': "inch", "''": "inch",
    "ft": "ft", "foot": "ft", "feet": "ft", "'": "ft",
    "mm": "mm", "cm": "cm", "m": "m", "meter": "m", "metre": "m", "meters": "m", "metres": "m",
    "yd": "yd", "yard": "yd", "yards": "yd",
    "w": "watt", "watt": "watt", "watts": "watt", "kw": "kw", "v": "volt", "volt": "volt", "volts": "volt",
    "a": "amp", "amp": "amp", "amps": "amp", "mah": "mah", "wh": "wh",
    "gal": "gal", "gallon": "gal", "gallons": "gal", "qt": "qt", "quart": "qt", "l": "l", "liter": "l",
    "litre": "l", "liters": "l", "litres": "l", "ml": "ml", "oz": "oz", "ounce": "oz", "ounces": "oz",
    "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb", "kg": "kg", "g": "g", "gram": "g", "grams": "g",
    "btu": "btu", "psi": "psi", "gpm": "gpm", "cfm": "cfm", "mph": "mph", "rpm": "rpm", "hz": "hz",
    "gb": "gb", "tb": "tb", "mb": "mb", "k": "k", "pc": "piece", "pcs": "piece", "pk": "pack",
    "piece": "piece", "pieces": "piece", "pack": "pack", "packs": "pack", "sq": "sq", "cu": "cu",
}

# Words that only glue a phrase together; they carry no product meaning.
STOPWORDS = frozenset(
    "a an the and or of for with to in on at by from as is are be it its this that these those "
    "my your our me i you we x".split()
)

_NUMBER = r"\d+(?:[.,]\d+)*(?:/\d+)?"
_INCH_MARK = re.compile(r"(\d)\s*(?:\"|''|”|″)")            # 1/2"  -> 1/2 inch
_FOOT_MARK = re.compile(r"(\d)\s*(?:'|’|′)(?![a-z])")      # 6'    -> 6 ft
# 48x34 -> 48 x 34, but not inside a code (bd8872-5x8 stays one model number)
_TIMES = re.compile(rf"(?<![a-wyz0-9.\-/])({_NUMBER})\s*(?:x|×|\*)\s*(?=\d)")
_WITH = re.compile(r"\bw/\s*")                             # w/seat -> with seat
_APOSTROPHE = re.compile(r"['’`´]s\b|['’`´]")
_RAW = re.compile(r"[a-z0-9]+(?:[-./,][a-z0-9]+)*")
_NUMBER_UNIT = re.compile(rf"^({_NUMBER})([a-z]+)$")
_PARTS = re.compile(r"\d+(?:\.\d+)?(?:/\d+)?|[a-z]+")


def fold(text: str) -> str:
    """Lowercase, accents off, one kind of quote."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def stem(word: str) -> str:
    """Light plural folding (boots -> boot, batteries -> battery, boxes -> box);
    anything shorter than four letters or not plural-looking is left alone."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "os")):
        return word[:-1]
    return word


def _clean_number(text: str) -> str:
    if "," in text and re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")        # 1,000 -> 1000
    return text


def _is_code(token: str) -> bool:
    """A model number or SKU: letters and digits mixed (bd8872-5x8, m10-1.5, run-0001)."""
    return any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def raw_words(text: str) -> List[str]:
    """The words as typed (folded), before units, codes and plurals: what spelling sees."""
    return _RAW.findall(_APOSTROPHE.sub("", fold(text)))


def _prepare(text: str) -> str:
    text = fold(text)
    text = _WITH.sub("with ", text)
    text = _INCH_MARK.sub(r"\1 inch ", text)
    text = _FOOT_MARK.sub(r"\1 ft ", text)
    text = _TIMES.sub(r"\1 x ", text)
    return _APOSTROPHE.sub("", text)


def _expand(token: str, previous_is_number: bool) -> List[str]:
    token = token.strip(".,/-")
    if not token:
        return []
    if previous_is_number and token in UNITS:
        return [UNITS[token]]
    if re.fullmatch(_NUMBER, token):
        return [_clean_number(token)]
    match = _NUMBER_UNIT.match(token)
    if match and match.group(2) in UNITS:          # 3.5mm -> 3.5 mm, 60w -> 60 watt
        return [_clean_number(match.group(1)), UNITS[match.group(2)]]
    if _is_code(token) or "-" in token or "/" in token or "." in token:
        # Whole (an exact code ranks first; typed with or without its dashes) and
        # parts (a partial code, or "t shirt" for "t-shirts", still matches).
        parts: List[str] = []
        units_only = True
        for part in _PARTS.findall(token):
            if part == "x":
                continue
            if part.isalpha() and parts and re.fullmatch(_NUMBER, parts[-1]) and part in UNITS:
                part = UNITS[part]                  # 10-ft -> 10 ft, 3/4-in -> 3/4 inch
            elif part.isalpha():
                units_only = False
            parts.append(part)
        if units_only:
            return parts                            # 1-1/2, 10-ft: numbers and units, not a code
        whole = re.sub(r"[-./]", "", token)
        if whole.isalpha():
            whole = stem(whole)
        out = [whole] + [stem(p) if p.isalpha() else p for p in parts]
        return [t for t in dict.fromkeys(out) if t and t not in STOPWORDS]
    if token in STOPWORDS:
        return []
    return [stem(token)]


def tokenize(text: str) -> List[str]:
    """Index terms of a product field or a query, in order (duplicates kept: BM25 counts them)."""
    tokens: List[str] = []
    previous_is_number = False
    for raw in _RAW.findall(_prepare(text)):
        if raw == "x" and previous_is_number:      # the "x" of a dimension carries nothing
            continue
        expanded = _expand(raw, previous_is_number)
        tokens.extend(expanded)
        previous_is_number = bool(expanded) and bool(re.fullmatch(_NUMBER, expanded[-1]))
    return tokens


def tokenize_many(texts: Iterable[str]) -> List[List[str]]:
    return [tokenize(text) for text in texts]


def code_terms(tokens: Iterable[str]) -> List[str]:
    """The model-number / SKU terms among tokens (exact matches on these rank first)."""
    return [t for t in tokens if _is_code(t) and len(t) >= 4]
