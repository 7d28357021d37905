"""Shop colour names ("Heather Navy", "Solid Baby Blue Blend") to the plain colours
customers say ("navy", "blue").

A general approach, not a list per shop: a colour name is split into words; each
word that names a colour in everyday English contributes itself and its basic
colour family (maroon -> red, navy -> blue); words that only qualify a colour
("light", "solid", "heather", "blend") contribute nothing unless nothing else in
the name is a colour (a plain "Athletic Heather" is a grey marl).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, FrozenSet, Tuple

# The basic colour terms customers use; each is its own family.
BASIC = ("black", "white", "grey", "red", "pink", "orange", "yellow", "green", "blue", "navy",
         "purple", "brown", "beige", "gold", "silver", "multicolour")

# Everyday colour words (paint charts, clothing, furniture) and the basic
# colour(s) each belongs to. Written from general knowledge of English colour
# names; a shop's own words that are not here still match literally.
FAMILY: Dict[str, Tuple[str, ...]] = {
    "gray": ("grey",), "charcoal": ("grey",), "ash": ("grey",), "asphalt": ("grey",), "slate": ("grey",),
    "graphite": ("grey",), "anthracite": ("grey",), "smoke": ("grey",), "stone": ("grey", "beige"),
    "granite": ("grey",), "pewter": ("grey", "silver"), "steel": ("grey", "silver"), "heather": ("grey",),
    "marl": ("grey",), "melange": ("grey",), "oxford": ("grey",), "gunmetal": ("grey",),
    "jet": ("black",), "onyx": ("black",), "ebony": ("black",), "noir": ("black",),
    "ivory": ("white",), "cream": ("white", "beige"), "snow": ("white",), "natural": ("beige", "white"),
    "ecru": ("beige",), "oatmeal": ("beige",), "sand": ("beige",), "khaki": ("beige", "green"),
    "tan": ("brown", "beige"), "camel": ("brown", "beige"), "taupe": ("brown", "grey"),
    "chocolate": ("brown",), "coffee": ("brown",), "mocha": ("brown",), "espresso": ("brown",),
    "walnut": ("brown",), "chestnut": ("brown",), "cognac": ("brown",), "rust": ("orange", "brown"),
    "maroon": ("red",), "burgundy": ("red",), "wine": ("red",), "cherry": ("red",), "scarlet": ("red",),
    "crimson": ("red",), "cardinal": ("red",), "brick": ("red",), "ruby": ("red",), "oxblood": ("red",),
    "coral": ("pink", "orange"), "salmon": ("pink", "orange"), "rose": ("pink",), "blush": ("pink",),
    "fuchsia": ("pink",), "magenta": ("pink", "purple"), "raspberry": ("pink",), "berry": ("pink", "purple"),
    "peach": ("orange", "pink"), "apricot": ("orange",), "tangerine": ("orange",), "amber": ("orange", "yellow"),
    "mustard": ("yellow",), "lemon": ("yellow",), "butter": ("yellow",), "canary": ("yellow",),
    "daisy": ("yellow",), "gold": ("gold", "yellow"), "golden": ("gold", "yellow"),
    "olive": ("green",), "forest": ("green",), "kelly": ("green",), "mint": ("green",), "sage": ("green",),
    "lime": ("green",), "emerald": ("green",), "jade": ("green",), "moss": ("green",), "pine": ("green",),
    "army": ("green",), "military": ("green",), "hunter": ("green",), "bottle": ("green",),
    "camo": ("green", "multicolour"), "camouflage": ("green", "multicolour"),
    "teal": ("blue", "green"), "turquoise": ("blue", "green"), "aqua": ("blue", "green"),
    "cyan": ("blue",), "sky": ("blue",), "azure": ("blue",), "cobalt": ("blue",), "sapphire": ("blue",),
    "royal": ("blue",), "denim": ("blue",), "indigo": ("blue", "purple"), "petrol": ("blue", "green"),
    "navy": ("navy", "blue"), "midnight": ("navy", "blue"),
    "lavender": ("purple",), "lilac": ("purple",), "violet": ("purple",), "plum": ("purple",),
    "mauve": ("purple", "pink"), "orchid": ("purple",), "eggplant": ("purple",), "aubergine": ("purple",),
    "silver": ("silver", "grey"), "chrome": ("silver",), "platinum": ("silver",),
    "multicolor": ("multicolour",), "multi": ("multicolour",), "rainbow": ("multicolour",),
    "tie-dye": ("multicolour",),
}
# A customer's spelling that means a basic term.
SPELLINGS = {"gray": "grey", "multicolor": "multicolour", "multi-colour": "multicolour",
             "multi-color": "multicolour", "colourful": "multicolour", "colorful": "multicolour"}
# Words that only qualify a colour; "heather" qualifies when a hue follows or precedes it.
QUALIFIERS = frozenset({"heather", "marl", "melange", "oxford"})


def _words(name: str) -> Tuple[str, ...]:
    return tuple(w for w in re.split(r"[^a-z0-9-]+", name.lower()) if w)


@lru_cache(maxsize=65536)
def colour_terms(name: str) -> FrozenSet[str]:
    """Every word a customer could use for this colour name, lowercased: the
    name itself, its colour words and their basic families."""
    lowered = " ".join(_words(name))
    if not lowered:
        return frozenset()
    terms = {lowered}
    words = _words(name)
    hue_words = [w for w in words if (w in BASIC or w in FAMILY or w in SPELLINGS) and w not in QUALIFIERS]
    if not hue_words:
        hue_words = [w for w in words if w in QUALIFIERS]
    for word in hue_words:
        word = SPELLINGS.get(word, word)
        terms.add(word)
        terms.update(FAMILY.get(word, ()))
    return frozenset(terms)


def plain_colour(word: str) -> str:
    """A customer's colour word in the form used for matching ("Gray" -> "grey")."""
    lowered = " ".join(_words(word))
    return SPELLINGS.get(lowered, lowered)


def colour_words() -> FrozenSet[str]:
    """Words that name a colour in general English (for reading messages)."""
    return frozenset(BASIC) | frozenset(FAMILY) | frozenset(SPELLINGS)


def matches(wanted: str, name: str) -> bool:
    return plain_colour(wanted) in colour_terms(name)
