#!/usr/bin/env python3
"""Generate the demo product catalog: data/catalog/products.jsonl.

Every product is assembled from the hand-written tables in this file: per
category there is a list of brands, model names, product "kinds" (sub-types
with their own price band, materials and feature odds) and sentence templates
for the description.  A small hook per category turns the random picks into a
shop-style title, hard specs (litres, RAM, seats ...) and a price.

Run from the repository root:

    python data/catalog/generate.py

The output is byte-identical on every run: one seeded ``random.Random`` makes
every choice, only ordered containers (tuples, lists, dicts) are iterated and
nothing depends on time or on hash randomisation.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

SEED = 20261123
OUTPUT = Path(__file__).resolve().parent / "products.jsonl"
CURRENCY = "EUR"
MAX_TRIES = 400  # attempts per product before giving up on a unique title/description

# Where each category sits in the shop's tree: the catalog carries the path, as
# a shop's own export would, and nothing else reads the category names.
CATEGORY_PATHS = {
    "running_shoes": "Sports > Running > Running Shoes",
    "sports_socks": "Sports > Running > Sports Socks",
    "hiking_boots": "Outdoor > Hiking > Hiking Boots",
    "backpacks": "Outdoor > Hiking > Backpacks",
    "water_bottles": "Outdoor > Hiking > Water Bottles",
    "tents": "Outdoor > Camping > Tents",
    "sleeping_bags": "Outdoor > Camping > Sleeping Bags",
    "laptops": "Electronics > Computers > Laptops",
    "computer_mice": "Electronics > Computers > Computer Mice",
    "laptop_bags": "Electronics > Computers > Laptop Bags",
    "headphones": "Electronics > Audio > Headphones",
    "smartphones": "Electronics > Mobile > Smartphones",
    "phone_cases": "Electronics > Mobile > Phone Cases",
    "power_banks": "Electronics > Mobile > Power Banks",
    "coffee_machines": "Kitchen > Coffee > Coffee Machines",
    "coffee_grinders": "Kitchen > Coffee > Coffee Grinders",
    "coffee_beans": "Kitchen > Coffee > Coffee Beans",
    "sofas": "Home > Living Room > Sofas",
    "cushions": "Home > Living Room > Cushions",
    "office_chairs": "Home > Office > Office Chairs",
    "desk_lamps": "Home > Office > Desk Lamps",
}

COLOURS = (
    "black", "white", "grey", "blue", "navy", "red", "green", "olive", "brown",
    "beige", "yellow", "orange", "pink", "purple", "silver", "gold",
)
FOR_TAGS = ("men", "women", "unisex", "kids", "gift")

# Tags whose presence in the copy is a promise to the customer: the title and
# description may only use these words when the product carries the tag (or a
# longer tag containing it, e.g. "wireless charging compatible").
STRICT_TAGS = (
    "waterproof", "noise cancelling", "decaf", "organic", "vegan", "fair trade",
    "sofa bed", "carbon plate", "lugged sole", "reclining", "milk frother",
    "freestanding", "machine washable", "wireless", "5g",
)


# ---------------------------------------------------------------------------
# Small text helpers
# ---------------------------------------------------------------------------

def norm(text: str) -> str:
    """Lowercase, turn punctuation into spaces, keep decimal points and %.

    Used to check that a feature tag such as "usb-c" or "16gb ram" is really
    mentioned in a description ("USB-C charging", "16GB RAM").
    """
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text.lower())
    return " " + " ".join(re.sub(r"[^a-z0-9.%]+", " ", text).split()) + " "


def mentions(text: str, tag: str) -> bool:
    return norm(tag) in norm(text)


def with_article(phrase: str) -> str:
    """Prefix "a" or "an" by sound ("an 8-core", "an IPS", "a unisex")."""
    first = phrase.split()[0]
    low = first.lower()
    vowel = low[0] in "aeiou" and not low.startswith(("uni", "use", "eu", "one"))
    number = re.match(r"(8|11(?!\d)|18(?!\d))", low) is not None
    initialism = first.isupper() and len(first) > 1 and low[0] in "fhlmnrsx"
    return ("an " if vowel or number or initialism else "a ") + phrase


def cap(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def join_list(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def join_words(*words: str) -> str:
    return " ".join(w for w in words if w)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def drop(features: list[str], *tags: str) -> None:
    for tag in tags:
        while tag in features:
            features.remove(tag)


def fmt_num(value: float) -> str:
    """1.30 -> "1.3", 14.0 -> "14"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------
# Shared random helpers
# ---------------------------------------------------------------------------

def shop_price(rng: random.Random, value: float, low: float, high: float) -> float:
    """Round a raw value to a shop price ending in .99, .00 or .50.

    Prices under 100 snap to whole euros, bigger ones to tens (129.99, 1299.00)
    the way real shops price them; the result always stays inside [low, high].
    """
    value = min(max(value, low + 1), high)
    ending = rng.choices((0.99, 0.00, 0.50), weights=(70, 20, 10))[0]
    step = 10 if value >= 100 else 1
    price = round(value / step) * step - 1 + ending
    while price < low:
        price += step
    while price > high:
        price -= step
    return round(price, 2)


def product_rating(rng: random.Random) -> float:
    # Shop ratings cluster around 4.3-4.5 with a thin tail of weaker products.
    return round(min(5.0, max(3.2, rng.gauss(4.35, 0.36))), 1)


def availability(rng: random.Random) -> str:
    return rng.choices(("in_stock", "low_stock", "out_of_stock"), weights=(80, 12, 8))[0]


def pick_colours(rng: random.Random, palette: tuple[str, ...], counts=(1, 2, 3, 4),
                 weights=(30, 30, 25, 15)) -> list[str]:
    k = min(rng.choices(counts, weights=weights)[0], len(palette))
    chosen = rng.sample(palette, k)
    return [c for c in palette if c in chosen]  # palette order keeps lists stable


def gift(rng: random.Random, chance: float) -> list[str]:
    return ["gift"] if rng.random() < chance else []


# Footwear: contiguous EU size runs that differ a little between products.
SHOE_SIZE_SPANS = {
    "men": ((39, 41), (45, 47)),
    "women": ((36, 37), (41, 42)),
    "unisex": ((36, 38), (44, 47)),
}
GENDER_WORD = {"men": "Men's", "women": "Women's", "unisex": ""}
WEARER = {"men": "men", "women": "women", "unisex": "anyone"}


def shoe_fit(rng: random.Random, who: str) -> dict:
    (lo_a, lo_b), (hi_a, hi_b) = SHOE_SIZE_SPANS[who]
    sizes = [str(n) for n in range(rng.randint(lo_a, lo_b), rng.randint(hi_a, hi_b) + 1)]
    return {"for": [who], "sizes": sizes, "size_min": sizes[0], "size_max": sizes[-1],
            "wearer": WEARER[who]}


# ---------------------------------------------------------------------------
# Category model
# ---------------------------------------------------------------------------

def kind(name: str, label: str, price: tuple[float, float], desc: tuple[str, ...],
         use: tuple[str, ...], weight: int = 10, materials: tuple[str, ...] = (),
         base: tuple[str, ...] = (), extra: dict[str, float] | None = None, **specific) -> dict:
    """One sub-type of a category (e.g. trail vs. road running shoe).

    base: feature tags every product of this kind has.
    extra: optional feature tags with the chance of each being present.
    specific: anything the category hook needs (screen sizes, litres ...) and
    optional overrides: brands, models, palette, openers, specs, closers.
    """
    spec = dict(name=name, label=label, price=price, desc=desc, use=use, weight=weight,
                materials=materials, base=base, extra=extra or {})
    spec.update(specific)
    return spec


@dataclass(frozen=True)
class Category:
    slug: str
    prefix: str
    count: int
    brands: tuple[str, ...]
    models: tuple[str, ...]
    kinds: tuple[dict, ...]
    openers: tuple[str, ...]     # first sentence: what it is and who it is for
    specs: tuple[str, ...]       # hard numbers (weight, RAM, litres ...)
    closers: tuple[str, ...]     # use case, fit or care note
    palette: tuple[str, ...]
    price_range: tuple[float, float]
    hook: Callable[[random.Random, dict], None]
    phrases: dict | None = None  # category-specific feature phrases


# ---------------------------------------------------------------------------
# Feature phrases: how each tag is put into words.  Every phrase contains its
# tag verbatim (ignoring case and hyphens) so the copy always backs the tags.
# ---------------------------------------------------------------------------

PHRASES: dict[str, tuple[str, ...]] = {
    # footwear
    "breathable": ("a breathable {material} upper", "breathable {material} that keeps feet cool"),
    "cushioned": ("a cushioned foam midsole", "soft, cushioned landings from a high-stack midsole"),
    "reflective": ("reflective details for visibility in low light", "reflective trims for dark evenings"),
    "lightweight": ("a lightweight build", "a lightweight construction that never feels bulky"),
    "vegan": ("a fully vegan construction", "vegan materials throughout"),
    "recycled materials": ("fabrics made partly from recycled materials", "recycled materials wherever possible"),
    "wide fit": ("a wide fit that gives toes room to spread", "a wide fit through the forefoot"),
    "carbon plate": ("a full-length carbon plate for a snappy toe-off", "a springy carbon plate embedded in the foam"),
    "trail": ("deep lugs for grip on any trail", "an outsole that bites into loose trail"),
    "waterproof": ("a waterproof membrane that keeps puddles out", "a waterproof lining that still lets sweat escape"),
    "rock plate": ("a flexible rock plate that shields against sharp stones",),
    "stability": ("a firm stability frame that guides overpronating feet", "medial posts that add stability"),
    "ankle support": ("padded ankle support", "a high collar for ankle support"),
    "lugged sole": ("a grippy lugged sole", "a deep lugged sole that sheds mud"),
    "crampon compatible": ("a stiff, crampon-compatible sole", "a crampon-compatible heel welt"),
    "insulated": ("an insulated lining for cold days",),
    "resoleable": ("a stitched welt that makes the boot resoleable",),
    # computers and phones
    "usb-c": ("USB-C charging",),
    "backlit keyboard": ("a backlit keyboard", "a quiet, backlit keyboard"),
    "fingerprint reader": ("a fingerprint reader in the power button",),
    "wi-fi 6e": ("Wi-Fi 6E for fast, stable connections",),
    "touchscreen": ("a responsive touchscreen",),
    "numeric keypad": ("a full-size numeric keypad",),
    "dedicated graphics": ("dedicated graphics with {vram} GB of video memory",),
    "rgb keyboard": ("a per-key RGB keyboard",),
    "convertible": ("a convertible 360-degree hinge",),
    "stylus": ("a pressure-sensitive stylus in the box",),
    "privacy shutter": ("a webcam privacy shutter",),
    "colour accurate": ("a colour accurate panel calibrated at the factory",),
    "5g": ("5G connectivity", "fast 5G data"),
    "wireless charging": ("wireless charging", "support for wireless charging"),
    "fast charging": ("{watts} W fast charging",),
    "ip68": ("an IP68 rating against dust and water",),
    "dual sim": ("dual SIM support",),
    "telephoto": ("a {zoom}x telephoto lens",),
    "expandable storage": ("expandable storage via microSD",),
    "headphone jack": ("a 3.5 mm headphone jack",),
    "rugged": ("a rugged, rubberised shell",),
    # audio
    "noise cancelling": ("adaptive noise cancelling that tunes itself to your surroundings",
                         "active noise cancelling for planes and trains"),
    "wireless": ("a wireless connection that is quick to pair",),
    "bluetooth": ("Bluetooth 5.3 for a stable connection", "Bluetooth pairing with phones and laptops"),
    "transparency mode": ("a transparency mode for hearing announcements",),
    "foldable": ("foldable earcups that pack flat", "a foldable design for travel"),
    "multipoint": ("multipoint pairing with two devices at once",),
    "hi-res audio": ("hi-res audio support",),
    "sweat resistant": ("a sweat resistant IPX4 build",),
    "ear hooks": ("secure ear hooks that stay put on sprints",),
    "wired": ("a tangle-resistant wired connection",),
    "in-line microphone": ("an in-line microphone for calls",),
    "detachable microphone": ("a detachable microphone with a mute switch",),
    "volume limited": ("output that is volume limited to 85 dB",),
    # coffee
    "espresso": ("proper espresso at the touch of a button",),
    "bean-to-cup": ("bean-to-cup brewing",),
    "built-in grinder": ("a built-in grinder with adjustable fineness",),
    "milk frother": ("a steam-wand milk frother for lattes", "an automatic milk frother"),
    "cup warmer": ("a cup warmer on top",),
    "pid temperature control": ("PID temperature control for stable shots",),
    "dual boiler": ("a dual boiler so you can steam while you brew",),
    "programmable": ("a programmable timer so coffee is ready when you wake",),
    "thermal carafe": ("a thermal carafe that keeps coffee hot for hours",),
    "keep warm": ("a keep-warm plate",),
    "auto shut-off": ("auto shut-off after 30 minutes",),
    "filter": ("a replaceable carbon filter",),
    "pod": ("a pod system that brews in under a minute",),
    "app control": ("app control for recipes and maintenance reminders",),
    "compact": ("a compact footprint", "a compact shape that fits small spaces"),
    "single origin": ("single origin beans traceable to one region",),
    "blend": ("a carefully balanced blend",),
    "organic": ("certified organic farming", "organic cultivation without synthetic pesticides"),
    "fair trade": ("Fair Trade certification", "Fair Trade sourcing"),
    "decaf": ("a gentle Swiss Water decaf process",),
    "100% arabica": ("100% Arabica beans",),
    "conical burrs": ("{burr} mm conical burrs",),
    "flat burrs": ("{burr} mm flat burrs",),
    "ceramic burrs": ("ceramic burrs that stay cool",),
    "timer": ("a 30-minute auto-off timer",),
    "low retention": ("low retention, so little coffee is left behind",),
    "single dosing": ("a single dosing hopper",),
    "manual": ("a smooth manual crank",),
    # furniture
    "sofa bed": ("a pull-out sofa bed with a sprung mattress",),
    "reclining": ("power reclining seats",),
    "removable covers": ("removable covers",),
    "machine washable": ("covers that are machine washable at 30 degrees",),
    "solid wood frame": ("a solid wood frame", "a kiln-dried solid wood frame"),
    "pocket sprung": ("pocket sprung seat cushions",),
    "feather filled": ("feather filled back cushions",),
    "storage": ("hidden storage under the seat",),
    "stain resistant": ("a stain resistant fabric finish",),
    "modular": ("modular sections you can rearrange",),
    "pet friendly": ("a tightly woven, pet friendly fabric",),
    "ergonomic": ("an ergonomic shape",),
    "lumbar support": ("adjustable lumbar support",),
    "adjustable armrests": ("4D adjustable armrests",),
    "headrest": ("an adjustable headrest",),
    "synchro tilt": ("a synchro tilt mechanism that moves seat and back together",),
    "seat slider": ("a seat slider for depth adjustment",),
    "footrest": ("a retractable footrest",),
    "height adjustable": ("a height adjustable gas lift",),
    "memory foam": ("a memory foam core",),
    # outdoor
    "freestanding": ("a freestanding pole structure that pitches anywhere",),
    "2-season": ("a 2-season rating",),
    "3-season": ("a 3-season rating",),
    "4-season": ("a 4-season rating",),
    "two doors": ("two doors and two porches",),
    "blackout bedroom": ("a blackout bedroom for lie-ins",),
    "footprint included": ("a matching groundsheet protector (footprint included)",),
    "inflatable": ("inflatable air beams instead of poles",),
    "hydration compatible": ("a hydration-compatible sleeve for a 3-litre reservoir",),
    "laptop sleeve": ("a padded laptop sleeve", "a laptop sleeve that takes up to 16-inch machines"),
    "rain cover": ("an integrated rain cover",),
    "hip belt": ("a padded hip belt with zip pockets",),
    "ventilated back": ("a ventilated back panel",),
    "chest strap": ("an adjustable chest strap with a whistle buckle",),
    "adjustable back": ("an adjustable back system",),
    "anti-theft pocket": ("a hidden anti-theft pocket",),
    "carry-on size": ("carry-on size dimensions for cabin luggage",),
    "down fill": ("responsibly sourced down fill rated at {fill_power} fill power",),
    "synthetic fill": ("hollowfibre synthetic fill that stays warm when damp",),
    "compressible": ("a compressible fill that packs into a small stuff sack",),
    "hood": ("a drawcord hood",),
    "two-way zip": ("a two-way zip for venting",),
    # bags and accessories
    "padded laptop compartment": ("a padded laptop compartment",),
    "water-repellent": ("a water-repellent coating",),
    "trolley sleeve": ("a trolley sleeve that slides over suitcase handles",),
    "rfid pocket": ("an RFID pocket for cards",),
    "detachable strap": ("a detachable strap with a shoulder pad",),
    "lockable zips": ("lockable zips",),
    "rechargeable": ("a rechargeable battery",),
    "silent clicks": ("silent clicks",),
    "multi-device": ("multi-device switching between three computers",),
    "programmable buttons": ("{buttons} programmable buttons",),
    "adjustable dpi": ("adjustable DPI you can change on the fly",),
    "rgb lighting": ("RGB lighting",),
    "left-handed": ("a left-handed shape",),
    "merino wool": ("a merino wool blend that resists odour",),
    "moisture wicking": ("moisture wicking yarns",),
    "anti-blister": ("an anti-blister heel tab",),
    "compression": ("graduated compression from ankle to calf",),
    "seamless toe": ("a seamless toe",),
    "arch support": ("an elasticated band for arch support",),
    "drop protection": ("{drop_m} m drop protection",),
    "magnetic": ("a built-in magnetic ring for mounts and chargers",),
    "wireless charging compatible": ("a back that stays wireless charging compatible",),
    "card slots": ("{slots} card slots inside the cover",),
    "raised edges": ("raised edges around screen and camera",),
    "kickstand": ("a fold-out kickstand",),
    "biodegradable": ("a biodegradable plant-based shell",),
    "slim": ("a slim profile",),
    "laptop charging": ("enough output for laptop charging",),
    "solar panel": ("a fold-out solar panel for top-ups off-grid",),
    "led torch": ("a built-in LED torch",),
    "digital display": ("a digital display showing the remaining charge",),
    "pass-through charging": ("pass-through charging",),
    "removable cover": ("a removable cover with a hidden zip",),
    "hollowfibre filled": ("a hollowfibre filled inner",),
    "outdoor": ("an outdoor fabric that shrugs off showers",),
    "fade resistant": ("a fade resistant finish",),
    "led": ("an energy-efficient LED panel",),
    "dimmable": ("dimmable light", "five dimmable brightness levels"),
    "adjustable colour temperature": ("adjustable colour temperature from warm 2700 K to cool 6500 K",),
    "usb charging port": ("a USB charging port in the base",),
    "touch controls": ("touch controls",),
    "flicker-free": ("flicker-free light that is easy on the eyes",),
    "clamp mount": ("a sturdy clamp mount",),
    "memory function": ("a memory function that recalls your last setting",),
    "bpa-free": ("BPA-free materials",),
    "leakproof": ("a leakproof lid",),
    "dishwasher safe": ("dishwasher safe parts",),
    "straw lid": ("a flip-up straw lid",),
    "collapsible": ("a collapsible silicone body",),
    "carry loop": ("a carry loop",),
}

FEATURE_LEADS = (
    "Highlights include {items}.",
    "You also get {items}.",
    "It comes with {items}.",
    "Other details include {items}.",
    "Look out for {items}.",
    "Practical extras include {items}.",
    "On the feature list: {items}.",
)
# Only used when there are at least two phrases, to break the list rhythm.
FEATURE_PAIR_LEADS = (
    "{first} sits alongside {rest}.",
    "{first} is joined by {rest}.",
)


# ---------------------------------------------------------------------------
# Engine: context -> hook -> description -> product record
# ---------------------------------------------------------------------------

def weighted(rng: random.Random, kinds: tuple[dict, ...]) -> dict:
    return rng.choices(kinds, weights=[k["weight"] for k in kinds])[0]


def roll_features(rng: random.Random, spec: dict) -> list[str]:
    tags = list(spec["base"])
    for tag, chance in spec["extra"].items():
        if rng.random() < chance:
            tags.append(tag)
    return tags


def new_context(rng: random.Random, cat: Category, state: dict) -> dict:
    spec = weighted(rng, cat.kinds)
    uses = spec["use"]
    use = rng.choice(uses)
    other_uses = [u for u in uses if u != use] or list(uses)
    return {
        "kind": spec,
        "state": state,
        "brand": rng.choice(spec.get("brands", cat.brands)),
        "model": rng.choice(spec.get("models", cat.models)),
        "label": spec["label"],
        "desc": rng.choice(spec["desc"]),
        "use": use,
        "use2": rng.choice(other_uses),  # closers use a second use case to avoid repeats
        "material": rng.choice(spec["materials"]) if spec["materials"] else None,
        "features": roll_features(rng, spec),
        "for": [],
        "sizes": [],
    }


def phrase_for(rng: random.Random, cat: Category, tag: str, ctx: dict) -> str:
    options = (cat.phrases or {}).get(tag) or PHRASES.get(tag)
    if not options:
        raise KeyError(f"{cat.slug}: no phrase for feature tag {tag!r}")
    return rng.choice(options).format_map(ctx)


def feature_sentence(rng: random.Random, cat: Category, tags: list[str], ctx: dict) -> str:
    phrases = [phrase_for(rng, cat, tag, ctx) for tag in tags]
    singular_first = phrases[0].startswith(("a ", "an "))  # "A lid sits ..." but not "Parts sits ..."
    if len(phrases) >= 2 and singular_first and rng.random() < 0.3:
        lead = rng.choice(FEATURE_PAIR_LEADS)
        return lead.format(first=cap(phrases[0]), rest=join_list(phrases[1:]))
    return rng.choice(FEATURE_LEADS).format(items=join_list(phrases))


def compose(rng: random.Random, cat: Category, ctx: dict) -> str:
    """2-4 sentences: opener, specs, features not yet mentioned, closer."""
    spec = ctx["kind"]
    sentences = [cap(rng.choice(spec.get("openers", cat.openers)).format_map(ctx))]
    specs = spec.get("specs", cat.specs)
    if specs:
        sentences.append(cap(rng.choice(specs).format_map(ctx)))
    pending = [t for t in ctx["features"] if not mentions(" ".join(sentences), t)]
    if pending:
        sentences.append(feature_sentence(rng, cat, pending, ctx))
    if len(sentences) < 2 or rng.random() < 0.8:
        sentences.append(cap(rng.choice(spec.get("closers", cat.closers)).format_map(ctx)))
    return " ".join(sentences)


def check_claims(cat: Category, title: str, description: str, features: list[str]) -> None:
    """Fail loudly if the copy and the tags disagree (a generator bug)."""
    for tag in features:
        if not mentions(description, tag):
            raise AssertionError(f"{cat.slug}: tag {tag!r} not backed by: {description}")
    for tag in STRICT_TAGS:
        claimed = mentions(title, tag) or mentions(description, tag)
        if claimed and not any(norm(tag) in norm(f) for f in features):
            raise AssertionError(f"{cat.slug}: {tag!r} claimed without tag: {title} / {description}")


def build_product(rng: random.Random, cat: Category, number: int, state: dict, seen: dict) -> dict:
    for _ in range(MAX_TRIES):
        ctx = new_context(rng, cat, state)
        cat.hook(rng, ctx)
        ctx["features"] = list(dict.fromkeys(ctx["features"]))
        ctx.setdefault("name", f"{ctx['brand']} {ctx['model']}")
        for key in ("desc", "material"):
            if ctx[key]:
                ctx["a_" + key] = with_article(ctx[key])
        title = ctx["title"]
        if title in seen["titles"]:
            continue
        description = compose(rng, cat, ctx)
        if description in seen["descriptions"]:
            continue
        check_claims(cat, title, description, ctx["features"])
        seen["titles"].add(title)
        seen["descriptions"].add(description)
        state.setdefault(cat.slug, []).append(ctx["name"])
        spec = ctx["kind"]
        product_id = f"{cat.prefix}-{number:04d}"
        return {
            "id": product_id,
            "title": title,
            "description": description,
            "category": CATEGORY_PATHS[cat.slug],
            "brand": ctx["brand"],
            "price": shop_price(rng, ctx["value"], *cat.price_range),
            "currency": CURRENCY,
            "colours": pick_colours(rng, ctx.get("palette") or spec.get("palette") or cat.palette,
                                    **spec.get("colour_counts", {})),
            "sizes": ctx["sizes"],
            "material": ctx["material"],
            "rating": product_rating(rng),
            "availability": availability(rng),
            "url": f"/products/{slugify(title)}-{product_id.lower()}",
            "image_url": f"/static/catalog/{cat.slug}.svg",
            "features": ctx["features"],
            "for": [t for t in FOR_TAGS if t in ctx["for"]],
        }
    raise RuntimeError(f"{cat.slug}: could not build a unique product #{number}")


# ===========================================================================
# Category tables and hooks
# ===========================================================================

# --- running_shoes ---------------------------------------------------------

RUN_ROAD_BRANDS = ("Stridelab", "Pacewell", "Kinetro", "Aerolope")
RUN_TRAIL_BRANDS = ("Trailmark", "Kinetro", "Aerolope")
RUN_ROAD_MODELS = ("Glide", "Tempo", "Vela", "Surge", "Cadence", "Drift", "Flux", "Stratus",
                   "Halcyon", "Rally", "Meridian", "Quill", "Lumen", "Orbit")
RUN_TRAIL_MODELS = ("Scree", "Talus", "Switchback", "Moraine", "Ridgerun", "Bluff", "Gully")

RUN_KINDS = (
    kind("daily", "Road Running Shoe", (89, 159), weight=34,
         desc=("neutral daily trainer", "cushioned everyday road shoe", "versatile road trainer"),
         use=("easy miles and long weekend runs", "daily training on roads and treadmills",
              "steady runs from 5K up to the half marathon"),
         materials=("engineered mesh", "knit", "recycled mesh"), base=("breathable",),
         extra={"cushioned": .6, "reflective": .35, "lightweight": .3, "vegan": .25,
                "recycled materials": .25, "wide fit": .15},
         grams=(240, 300), drops=(6, 8, 10)),
    kind("race", "Carbon Racing Shoe", (169, 219), weight=12,
         desc=("carbon-plated racing shoe", "race-day super shoe"),
         use=("race day from 10K to the marathon", "fast tempo sessions and race day"),
         materials=("monofilament mesh", "engineered mesh"), base=("carbon plate", "lightweight"),
         extra={"breathable": .5, "recycled materials": .2}, grams=(185, 230), drops=(6, 8)),
    kind("trail", "Trail Running Shoe", (99, 169), weight=26, brands=RUN_TRAIL_BRANDS,
         models=RUN_TRAIL_MODELS,
         desc=("grippy trail shoe", "rugged off-road runner", "mountain trail shoe"),
         use=("muddy forest paths and rocky singletrack", "ultra-distance trail races",
              "technical mountain trails"),
         materials=("ripstop mesh", "engineered mesh", "abrasion-resistant mesh"), base=("trail",),
         extra={"waterproof": .45, "rock plate": .35, "lightweight": .3, "vegan": .2,
                "recycled materials": .2},
         grams=(260, 330), drops=(4, 6, 8)),
    kind("stability", "Stability Running Shoe", (109, 169), weight=15,
         desc=("supportive stability shoe", "stable daily trainer"),
         use=("runners who overpronate", "long runs when your form starts to fade"),
         materials=("engineered mesh", "knit"), base=("stability", "cushioned"),
         extra={"wide fit": .3, "breathable": .5, "reflective": .3}, grams=(270, 320), drops=(8, 10, 12)),
    kind("entry", "Running Shoe", (49, 79), weight=13,
         desc=("entry-level running shoe", "no-fuss starter shoe"),
         use=("a first couch-to-5K plan", "gym sessions and short jogs"),
         materials=("mesh", "knit"), base=("lightweight",),
         extra={"breathable": .6, "cushioned": .4, "vegan": .3}, grams=(230, 290), drops=(8, 10)),
)


def hook_running_shoes(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    waterproof = "waterproof" in feats
    who = rng.choices(("men", "women", "unisex"), weights=(44, 44, 12))[0]
    c.update(shoe_fit(rng, who))
    c["model"] = f"{c['model']} {rng.randint(2, 9)}" + (rng.choice((" WP", " Dry")) if waterproof else "")
    c["title"] = join_words(c["brand"], c["model"], GENDER_WORD[who],
                            "Waterproof" if waterproof else "", spec["label"])
    c["grams"] = rng.randrange(spec["grams"][0], spec["grams"][1], 5)
    c["a_drop"] = with_article(f"{rng.choice(spec['drops'])} mm")
    c["value"] = rng.uniform(*spec["price"]) + (15 if waterproof else 0)


RUNNING_SHOES = Category(
    slug="running_shoes", prefix="RUN", count=72,
    brands=RUN_ROAD_BRANDS, models=RUN_ROAD_MODELS, kinds=RUN_KINDS,  # trail kind adds Trailmark
    openers=(
        "The {name} is {a_desc} made for {use}.",
        "{brand}'s {model} is {a_desc} built for {use}.",
        "Made for {use}, the {name} is {a_desc} with {a_material} upper.",
        "If you want {a_desc}, the {name} is tuned for {use}.",
    ),
    specs=(
        "Each shoe weighs about {grams} g and has {a_drop} heel-to-toe drop.",
        "It comes in at roughly {grams} g per shoe with {a_drop} drop.",
        "The {material} upper sits on a midsole with {a_drop} drop, and a single shoe weighs around {grams} g.",
    ),
    closers=(
        "Available in EU sizes {size_min} to {size_max}.",
        "It fits true to size, so order your usual running shoe size.",
        "A dependable choice for {use2}.",
        "Also a great pick for {use2}.",
    ),
    palette=("black", "white", "grey", "blue", "navy", "red", "green", "orange", "pink", "purple", "yellow"),
    price_range=(49, 220), hook=hook_running_shoes,
    phrases={"recycled materials": ("an upper made partly from recycled materials",
                                    "recycled materials in the upper and laces")},
)


# --- hiking_boots ----------------------------------------------------------

BOOT_BRANDS = ("Trailmark", "Northcairn", "Ridgewell", "Bramblegate", "Alpenrook")
BOOT_MODELS = ("Ridgeline", "Scarp", "Corrie", "Fellside", "Highpass", "Larch", "Granite",
               "Bracken", "Moorland", "Crag", "Glenmore", "Tarn", "Kestrel Peak", "Summit Path")
BREATHABLE_UPPERS = ("suede and mesh", "synthetic", "recycled synthetic")
LEATHERS = ("leather", "suede", "nubuck")

BOOT_KINDS = (
    kind("hiking", "Hiking Boot", (99, 179), weight=32,
         desc=("versatile mid-cut hiking boot", "all-round hiking boot", "comfortable day-hiking boot"),
         use=("long day hikes on rocky paths", "wet woodland walks", "weekend hill walking"),
         materials=("suede and mesh", "nubuck leather", "synthetic"), base=("ankle support",),
         extra={"waterproof": .45, "breathable": .6, "lugged sole": .3, "lightweight": .3,
                "vegan": .5, "recycled materials": .2, "wide fit": .15},
         grams=(1000, 1300), lugs=(4, 5)),
    kind("trekking", "Leather Trekking Boot", (159, 289), weight=24,
         desc=("sturdy leather trekking boot", "supportive trekking boot"),
         use=("multi-day treks with a loaded pack", "long-distance trails in changeable weather"),
         materials=("full-grain leather", "nubuck leather"), base=("ankle support",),
         extra={"waterproof": .55, "lugged sole": .5, "wide fit": .2, "resoleable": .3},
         grams=(1300, 1650), lugs=(5, 6)),
    kind("mountain", "Mountain Boot", (229, 349), weight=14,
         desc=("stiff alpine mountain boot", "technical mountain boot"),
         use=("alpine scrambles and glacier approaches", "winter mountaineering routes"),
         materials=("full-grain leather", "synthetic"), base=("crampon compatible", "ankle support"),
         extra={"waterproof": .8, "lugged sole": .6, "insulated": .3},
         grams=(1600, 2000), lugs=(6, 7)),
    kind("light", "Lightweight Hiking Boot", (89, 159), weight=20,
         desc=("lightweight hiking boot", "nimble fast-hiking boot"),
         use=("fast hikes on well-kept trails", "summer hut-to-hut tours", "travel and light trekking"),
         materials=("synthetic", "suede and mesh", "recycled synthetic"), base=("lightweight",),
         extra={"waterproof": .35, "breathable": .6, "vegan": .4, "recycled materials": .3,
                "ankle support": .5},
         grams=(750, 1000), lugs=(3, 4)),
)


def hook_hiking_boots(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    if any(word in c["material"] for word in LEATHERS):
        drop(feats, "vegan")             # leather and suede are never vegan
    if c["material"] not in BREATHABLE_UPPERS:
        drop(feats, "breathable")        # only mesh/synthetic uppers are sold as breathable
    if c["material"] == "recycled synthetic" and "recycled materials" not in feats:
        feats.append("recycled materials")
    waterproof = "waterproof" in feats
    who = rng.choices(("men", "women", "unisex"), weights=(40, 40, 20))[0]
    c.update(shoe_fit(rng, who))
    if waterproof:
        c["model"] += rng.choice((" WP", " Dry", " Storm"))
    c["title"] = join_words(c["brand"], c["model"], GENDER_WORD[who],
                            "Waterproof" if waterproof else "", spec["label"])
    c["grams"] = rng.randrange(spec["grams"][0], spec["grams"][1], 10)
    c["lug"] = rng.choice(spec["lugs"])
    c["value"] = (rng.uniform(*spec["price"]) + (20 if waterproof else 0)
                  + (15 if "lugged sole" in feats else 0))


HIKING_BOOTS = Category(
    slug="hiking_boots", prefix="BOOT", count=70, brands=BOOT_BRANDS, models=BOOT_MODELS,
    kinds=BOOT_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "Built for {use}, the {name} pairs {a_material} upper with a supportive midsole.",
        "{brand} designed the {model} as {a_desc} that handles {use}.",
        "Head out on {use} in the {name}, {a_desc} with {a_material} upper.",
    ),
    specs=(
        "A pair weighs around {grams} g in size 42, and {lug} mm lugs grip on loose ground.",
        "The {material} upper is stitched to a rubber outsole with {lug} mm lugs.",
        "Expect a weight of roughly {grams} g per pair (size 42) and {lug} mm deep lugs.",
    ),
    closers=(
        "Available in EU sizes {size_min} to {size_max}.",
        "Break them in on a few short walks before a big trip.",
        "A trusted companion for {use2}.",
        "Pair them with merino hiking socks for all-day comfort on {use2}.",
    ),
    palette=("brown", "black", "grey", "olive", "beige", "navy", "green"),
    price_range=(79, 349), hook=hook_hiking_boots,
)


# --- laptops ---------------------------------------------------------------

LAPTOP_BRANDS = ("Corvane", "Nexbyte", "Lumetra", "Altrix", "Quillon")

LAPTOP_KINDS = (
    kind("ultrabook", "Ultrabook", (849, 1599), weight=16, models=("Aero", "Slate", "Wisp", "Linea"),
         desc=("thin-and-light ultrabook", "premium ultraportable"),
         use=("working from cafés, trains and hotel rooms", "students who carry a laptop all day"),
         materials=("aluminium", "magnesium alloy", "recycled aluminium"),
         base=("lightweight", "usb-c", "backlit keyboard"),
         extra={"fingerprint reader": .6, "wi-fi 6e": .5, "touchscreen": .2},
         screens=(13.3, 14.0), cpus=("8-core", "10-core", "12-core"), rams=(16, 32),
         storages=(512, 1024), oled=.5, refresh=(60, 90, 120), kg=(0.98, 1.35),
         battery=(14, 20), charger=(45, 65)),
    kind("everyday", "Laptop", (449, 849), weight=18, models=("Vista", "Daybook", "Open", "Core"),
         desc=("dependable everyday laptop", "family-friendly all-rounder"),
         use=("homework, streaming and video calls", "home office work and online banking"),
         materials=("plastic", "aluminium"), base=("usb-c",),
         extra={"backlit keyboard": .5, "fingerprint reader": .3, "numeric keypad": .5},
         screens=(14.0, 15.6, 16.0), cpus=("6-core", "8-core"), rams=(8, 16),
         storages=(256, 512), oled=.1, refresh=(60,), kg=(1.5, 1.9),
         battery=(9, 13), charger=(45, 65)),
    kind("gaming", "Gaming Laptop", (1199, 2499), weight=14, models=("Forge", "Raptor", "Havoc", "Blaze"),
         desc=("high-refresh gaming laptop", "powerful gaming machine"),
         use=("competitive shooters and big open-world games", "gaming at home and at LAN parties"),
         materials=("aluminium", "plastic"), base=("dedicated graphics", "rgb keyboard"),
         extra={"usb-c": .8, "wi-fi 6e": .6},
         screens=(15.6, 16.0, 17.3), cpus=("12-core", "14-core", "16-core"), rams=(16, 32),
         storages=(1024, 2048), oled=.15, refresh=(144, 165, 240), kg=(2.2, 2.9),
         battery=(5, 8), charger=(230, 280), vram=(8, 12, 16)),
    kind("creator", "Creator Laptop", (1499, 2499), weight=10, models=("Studio", "Canvas", "Prism"),
         desc=("creator laptop", "workstation-class notebook for creatives"),
         use=("photo and video editing", "3D work, music production and colour grading"),
         materials=("aluminium", "magnesium alloy"), base=("dedicated graphics", "colour accurate", "usb-c"),
         extra={"backlit keyboard": .7, "touchscreen": .3},
         screens=(14.0, 16.0), cpus=("12-core", "14-core"), rams=(32, 64),
         storages=(1024, 2048), oled=.7, refresh=(60, 120), kg=(1.6, 2.1),
         battery=(10, 14), charger=(100, 140), vram=(8, 12)),
    kind("business", "Business Laptop", (899, 1699), weight=14, models=("Ledger", "Element", "Summit"),
         desc=("secure business laptop", "road-warrior business notebook"),
         use=("business travel and hybrid work", "spreadsheets, video meetings and long commutes"),
         materials=("magnesium alloy", "aluminium", "carbon fibre"),
         base=("fingerprint reader", "privacy shutter", "usb-c"),
         extra={"backlit keyboard": .8, "wi-fi 6e": .5, "lightweight": .4},
         screens=(13.3, 14.0), cpus=("8-core", "10-core", "12-core"), rams=(16, 32),
         storages=(512, 1024), oled=.2, refresh=(60,), kg=(1.15, 1.45),
         battery=(13, 18), charger=(65,)),
    kind("convertible", "2-in-1 Laptop", (599, 1199), weight=12, models=("Flip", "Twist", "Fold"),
         desc=("flexible 2-in-1 laptop", "convertible touchscreen laptop"),
         use=("sketching, note-taking and lectures", "watching films in tent mode and working in laptop mode"),
         materials=("aluminium", "plastic"), base=("convertible", "touchscreen", "usb-c"),
         extra={"stylus": .6, "backlit keyboard": .5},
         screens=(13.3, 14.0), cpus=("6-core", "8-core", "10-core"), rams=(8, 16),
         storages=(256, 512), oled=.35, refresh=(60,), kg=(1.25, 1.5),
         battery=(10, 14), charger=(45, 65)),
    kind("budget", "Laptop", (399, 549), weight=10, models=("Lite", "Go", "Start"),
         desc=("budget-friendly laptop", "affordable starter laptop"),
         use=("browsing, email and schoolwork", "a first laptop for school"),
         materials=("plastic",), base=("usb-c",), extra={"numeric keypad": .4},
         screens=(14.0, 15.6), cpus=("4-core", "6-core"), rams=(8,), storages=(128, 256),
         oled=0, refresh=(60,), kg=(1.45, 1.8), battery=(8, 11), charger=(45,)),
)
LAPTOP_RAM_PREMIUM = {8: 0, 16: 60, 32: 220, 64: 450}
LAPTOP_STORAGE_PREMIUM = {128: 0, 256: 20, 512: 60, 1024: 150, 2048: 330}


def storage_label(gb: int) -> str:
    return f"{gb // 1024}TB" if gb >= 1024 else f"{gb}GB"


def hook_laptops(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    screen = rng.choice(spec["screens"])
    ram, storage = rng.choice(spec["rams"]), rng.choice(spec["storages"])
    oled = rng.random() < spec["oled"]
    refresh = rng.choice(spec["refresh"])
    storage_text = storage_label(storage)
    panel = join_words(f"{refresh}Hz" if refresh > 60 else "", "OLED" if oled else "IPS")
    feats[:0] = [f"{ram}gb ram", f"{storage_text.lower()} ssd"]
    if oled:
        feats.append("oled")
    if refresh >= 120:
        feats.append(f"{refresh}hz")
    c["model"] = f"{c['model']} {int(screen)}"
    c["title"] = (f"{c['brand']} {c['model']}{' OLED' if oled else ''} {spec['label']}, "
                  f"{ram}GB RAM, {storage_text} SSD")
    cpu = rng.choice(spec["cpus"])
    c.update(screen=fmt_num(screen), ram=ram, storage=storage_text, panel=panel,
             a_cpu=with_article(cpu), weight=fmt_num(rng.uniform(*spec["kg"])),
             battery=rng.randint(*spec["battery"]), charger=rng.choice(spec["charger"]),
             vram=rng.choice(spec.get("vram", (4,))))
    c["for"] = gift(rng, 0.1)
    c["value"] = (rng.uniform(spec["price"][0], spec["price"][0] + (spec["price"][1] - spec["price"][0]) * 0.6)
                  + LAPTOP_RAM_PREMIUM[ram] + LAPTOP_STORAGE_PREMIUM[storage] + (120 if oled else 0))
    c["value"] = min(c["value"], spec["price"][1])


LAPTOPS = Category(
    slug="laptops", prefix="LAP", count=72, brands=LAPTOP_BRANDS, models=("Vista",),
    kinds=LAPTOP_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand} built the {model} for {use}.",
        "Designed for {use}, the {name} is {a_desc} with {a_material} chassis.",
        "Meet the {name}, {a_desc} made for {use}.",
    ),
    specs=(
        "Under the hood sits {a_cpu} processor with {ram}GB RAM and a {storage} SSD,"
        " driving a {screen}-inch {panel} display.",
        "It pairs {a_cpu} processor with {ram}GB RAM and a {storage} SSD, all behind a {screen}-inch {panel} screen.",
        "The {screen}-inch {panel} display is backed by {a_cpu} chip, {ram}GB RAM and a {storage} SSD.",
    ),
    closers=(
        "Battery life is rated at up to {battery} hours of video playback.",
        "It weighs {weight} kg and is rated for up to {battery} hours away from the socket.",
        "A solid pick for {use2}.",
        "A {charger} W charger is included in the box.",
    ),
    palette=("silver", "grey", "black", "blue", "white", "gold"),
    price_range=(399, 2499), hook=hook_laptops,
    phrases={"usb-c": ("USB-C charging", "two USB-C ports")},
)


# --- headphones ------------------------------------------------------------

HEADPHONE_BRANDS = ("Sonavo", "Auralis", "Echowave", "Hushline", "Corvane")
HP_WIRELESS_SPECS = (
    "{driver} mm drivers deliver the sound, and {a_battery} keeps it going through long journeys.",
    "Inside are {driver} mm drivers and {a_battery} that charges quickly.",
    "{a_battery} and {driver} mm drivers sit inside {a_material} frame.",
)
HP_BUDS_SPECS = (
    "Each earbud holds {a_battery}, and the charging case adds another {case_hours} hours.",
    "You get {a_battery} per charge plus {case_hours} more hours from the pocket-sized case.",
)
HP_WIRED_SPECS = (
    "{driver} mm drivers and a {cable} m cable make them an easy everyday pair.",
    "The {cable} m cable ends in a standard plug, and {driver} mm drivers keep vocals clear.",
)

HEADPHONE_KINDS = (
    kind("over_anc", "Wireless Noise Cancelling Over-Ear Headphones", (149, 449), weight=20,
         models=("Hush", "Nocturne", "Halo", "Silentium", "Aura"), series=(500, 700, 900),
         desc=("premium over-ear headphone", "noise cancelling travel headphone"),
         use=("long-haul flights and noisy commutes", "focused work in open-plan offices"),
         materials=("protein leather", "aluminium", "recycled plastic"),
         base=("noise cancelling", "wireless", "bluetooth"),
         extra={"usb-c": .8, "foldable": .5, "multipoint": .5, "transparency mode": .5, "hi-res audio": .3},
         hours=(25, 60, 5), drivers=(38, 40, 45), specs=HP_WIRELESS_SPECS),
    kind("over", "Wireless Over-Ear Headphones", (59, 179), weight=12,
         models=("Tone", "Studio", "Groove", "Vibe"), series=(200, 300, 400),
         desc=("comfortable over-ear headphone", "wireless over-ear headphone"),
         use=("music at home and on the move", "podcasts, playlists and video calls"),
         materials=("plastic", "protein leather", "aluminium"), base=("wireless", "bluetooth"),
         extra={"foldable": .6, "usb-c": .6, "multipoint": .3},
         hours=(30, 70, 5), drivers=(40, 45, 50), specs=HP_WIRELESS_SPECS),
    kind("on", "Wireless On-Ear Headphones", (39, 129), weight=8,
         models=("Pocket", "Loop", "Swing"), series=(100, 200),
         desc=("compact on-ear headphone", "light on-ear headphone"),
         use=("city walks and short commutes", "everyday listening"),
         materials=("plastic", "aluminium"), base=("wireless", "bluetooth", "lightweight"),
         extra={"foldable": .6, "usb-c": .6}, hours=(20, 50, 5), drivers=(32, 40),
         specs=HP_WIRELESS_SPECS),
    kind("buds_anc", "True Wireless Noise Cancelling Earbuds", (79, 279), weight=18,
         models=("Pulse Buds", "Pods", "Drift Buds", "Nano"), series=(2, 3, 4, 5),
         desc=("premium true wireless earbud", "noise cancelling in-ear earbud"),
         use=("commutes, flights and busy cafés", "calls and music throughout the day"),
         materials=("plastic", "recycled plastic"),
         base=("noise cancelling", "wireless", "bluetooth"),
         extra={"transparency mode": .6, "usb-c": .8, "sweat resistant": .5, "wireless charging": .5},
         hours=(6, 10, 1), case_hours=(18, 30), drivers=(10, 11), specs=HP_BUDS_SPECS),
    kind("sport", "Sports Wireless Earbuds", (39, 159), weight=12,
         models=("Sprint", "Race", "Active"), series=(1, 2, 3),
         desc=("secure-fit sports earbud", "sweat-proofed training earbud"),
         use=("runs, gym sessions and spin classes", "outdoor training in all weather"),
         materials=("silicone", "plastic"), base=("wireless", "bluetooth", "sweat resistant"),
         extra={"ear hooks": .6, "usb-c": .6}, hours=(6, 12, 1), case_hours=(16, 24),
         drivers=(10, 12), specs=HP_BUDS_SPECS),
    kind("wired", "Wired In-Ear Headphones", (19, 99), weight=8,
         models=("Core", "Clarity", "Reference"), series=(10, 20, 30),
         desc=("wired in-ear headphone", "classic wired earphone"),
         use=("phones and laptops with a headphone socket", "critical listening on a budget"),
         materials=("aluminium", "plastic"), base=("wired", "in-line microphone"),
         extra={"hi-res audio": .3, "usb-c": .3}, hours=None, drivers=(8, 10), specs=HP_WIRED_SPECS),
    kind("gaming", "Gaming Headset", (49, 199), weight=10,
         models=("Raid", "Clutch", "Vortex"), series=(5, 7, 9),
         desc=("over-ear gaming headset", "comfortable gaming headset"),
         use=("long gaming sessions and team chat", "console and PC gaming"),
         materials=("plastic", "aluminium"), base=("detachable microphone",),
         extra={"wireless": .5, "usb-c": .5}, hours=(20, 40, 5), drivers=(50, 53),
         specs=HP_WIRELESS_SPECS),
    kind("kids", "Kids' Wireless Headphones", (19, 49), weight=6,
         models=("Jellybean", "Sprout", "Pebble"), series=(1, 2),
         desc=("durable children's headphone", "colourful kids' headphone"),
         use=("car journeys and tablet time", "school trips and holidays"),
         materials=("plastic",), base=("volume limited", "wireless", "bluetooth"),
         extra={"foldable": .5}, hours=(20, 30, 5), drivers=(32, 40),
         palette=("blue", "pink", "green", "yellow", "purple", "red"),
         specs=HP_WIRELESS_SPECS),
)


def hook_headphones(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    if spec["name"] == "gaming" and "wireless" in feats:
        c["label"] = "Wireless Gaming Headset"
    if spec["hours"] and "wired" not in feats and ("wireless" in feats or spec["name"] != "gaming"):
        lo, hi, step = spec["hours"]
        hours = rng.randrange(lo, hi + 1, step)
        feats.append(f"{hours}-hour battery")
        c["a_battery"] = with_article(f"{hours}-hour battery")
        c["case_hours"] = rng.randint(*spec.get("case_hours", (0, 0)))
    elif spec["name"] == "gaming":
        c["kind"] = dict(spec, specs=HP_WIRED_SPECS)  # a cabled headset has no battery to talk about
    c["model"] = f"{c['model']} {rng.choice(spec['series'])}"
    c["title"] = join_words(c["brand"], c["model"], c["label"])
    c["driver"] = rng.choice(spec["drivers"])
    c["cable"] = rng.choice(("1.2", "1.5", "2"))
    c["for"] = (["kids", "gift"] if spec["name"] == "kids" else ["unisex"] + gift(rng, 0.5))
    c["value"] = rng.uniform(*spec["price"])


HEADPHONES = Category(
    slug="headphones", prefix="HP", count=66, brands=HEADPHONE_BRANDS, models=("Tone",),
    kinds=HEADPHONE_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand} tuned the {model} for {use}.",
        "Made for {use}, the {name} is {a_desc} with a clear, punchy sound.",
        "Meet the {name}: {a_desc} that shines on {use}.",
    ),
    specs=HP_WIRELESS_SPECS,
    closers=(
        "A thoughtful gift for music lovers.",
        "An easy recommendation for {use2}.",
        "A carry pouch is included.",
        "Just as good for {use2}.",
    ),
    palette=("black", "white", "silver", "navy", "beige", "pink", "green", "blue"),
    price_range=(19, 449), hook=hook_headphones,
)


# --- smartphones -----------------------------------------------------------

PHONE_BRANDS = ("Corvane", "Nexbyte", "Lumetra", "Voltia", "Orbitel")
PHONE_SPECS = (
    "It has {a_screen} {panel} display, a {mp}MP main camera and {storage} storage.",
    "The {screen}-inch {panel} screen sits above a {mp}MP main camera, with {storage} storage for photos and apps.",
    "You get {storage} storage, a {mp}MP main camera and {a_screen} {panel} display.",
)

PHONE_KINDS = (
    kind("flagship", "Smartphone", (799, 1299), weight=18, models=("Nova", "Zenith", "Vertex"),
         tiers=("", " Pro", " Ultra"), gens=(10, 11, 12),
         desc=("flagship smartphone", "top-of-the-range phone"),
         use=("mobile photography and video", "gaming, streaming and heavy multitasking"),
         materials=("aluminium", "titanium", "glass"), base=("5g", "usb-c", "ip68"),
         extra={"wireless charging": .9, "telephoto": .7, "fast charging": .6, "dual sim": .4},
         screens=(6.1, 6.4, 6.7, 6.8), mps=(50, 108, 200), storages=(256, 512, 1024),
         oled=1.0, refresh=(120,), batteries=(4400, 5000, 5500), watts=(45, 65, 80), updates=(6, 7)),
    kind("midrange", "Smartphone", (299, 599), weight=30, models=("Pulse", "Sola", "Arc", "Edge"),
         tiers=("", " Plus", " Lite"), gens=(6, 7, 8),
         desc=("great-value mid-range phone", "well-rounded mid-range smartphone"),
         use=("everyday apps, photos and social media", "streaming, messaging and navigation"),
         materials=("plastic", "aluminium", "glass"), base=("5g", "usb-c"),
         extra={"fast charging": .6, "dual sim": .6, "expandable storage": .4, "ip68": .3,
                "headphone jack": .25},
         screens=(6.4, 6.5, 6.6, 6.7), mps=(50, 64, 108), storages=(128, 256),
         oled=0.7, refresh=(90, 120), batteries=(5000, 5500), watts=(25, 33, 45), updates=(4, 5)),
    kind("budget", "Smartphone", (149, 279), weight=18, models=("Go", "Mini", "Spark"),
         tiers=("", " Plus"), gens=(3, 4, 5),
         desc=("affordable smartphone", "budget-friendly phone"),
         use=("calls, messaging and light browsing", "a first phone or a reliable spare"),
         materials=("plastic",), base=("usb-c", "dual sim"),
         extra={"5g": .4, "expandable storage": .7, "headphone jack": .6},
         screens=(6.5, 6.6, 6.7), mps=(13, 48, 50), storages=(64, 128),
         oled=0.1, refresh=(60, 90), batteries=(5000, 6000), watts=(15, 18, 25), updates=(2, 3)),
    kind("compact", "Compact Smartphone", (499, 899), weight=10, models=("Mini", "Pocket", "Neo"),
         tiers=("", " Pro"), gens=(3, 4, 5),
         desc=("compact flagship phone", "small phone with big-phone power"),
         use=("one-handed use", "people who hate oversized phones"),
         materials=("aluminium", "glass"), base=("5g", "usb-c"),
         extra={"wireless charging": .7, "ip68": .6, "fast charging": .4},
         screens=(5.9, 6.0, 6.1), mps=(50,), storages=(128, 256, 512),
         oled=1.0, refresh=(120,), batteries=(3900, 4200, 4500), watts=(30, 45), updates=(5, 6)),
    kind("foldable", "Foldable Smartphone", (1199, 1799), weight=7, models=("Fold", "Flip", "Origami"),
         tiers=("", " Pro"), gens=(2, 3, 4),
         desc=("foldable smartphone", "book-style folding phone"),
         use=("reading, multitasking and video on a tablet-sized screen", "fitting a big screen into a small pocket"),
         materials=("aluminium", "titanium"), base=("5g", "usb-c", "foldable"),
         extra={"wireless charging": .8, "telephoto": .5, "fast charging": .5},
         screens=(7.6, 7.8, 8.0), mps=(50, 108), storages=(256, 512),
         oled=1.0, refresh=(120,), batteries=(4400, 4800), watts=(45, 65), updates=(5, 7)),
    kind("rugged", "Rugged Smartphone", (249, 549), weight=7, models=("Terra", "Bastion", "Quarry"),
         tiers=("", " Pro"), gens=(2, 3, 5),
         desc=("rugged outdoor smartphone", "tough job-site phone"),
         use=("building sites, farms and festivals", "hiking, climbing and fishing trips"),
         materials=("rubberised polycarbonate", "aluminium"), base=("rugged", "ip68", "usb-c"),
         extra={"5g": .5, "dual sim": .6, "expandable storage": .5, "headphone jack": .4},
         screens=(6.1, 6.5, 6.6), mps=(48, 50, 64), storages=(128, 256),
         oled=0.2, refresh=(60, 90, 120), batteries=(6500, 8000, 10000), watts=(18, 33), updates=(3, 4)),
)
PHONE_STORAGE_PREMIUM = {64: 0, 128: 0, 256: 60, 512: 180, 1024: 350}


def hook_smartphones(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    storage = rng.choice(spec["storages"])
    storage_text = storage_label(storage)
    mp = rng.choice(spec["mps"])
    oled = rng.random() < spec["oled"]
    refresh = rng.choice(spec["refresh"])
    feats[:0] = [f"{storage_text.lower()} storage", f"{mp}mp main camera"]
    if oled:
        feats.append("oled")
    if refresh >= 120:
        feats.append("120hz")
    c["model"] = f"{c['model']} {rng.choice(spec['gens'])}{rng.choice(spec['tiers'])}"
    c["title"] = join_words(c["brand"], c["model"], "5G" if "5g" in feats else "",
                            spec["label"] + ",", storage_text)
    screen = fmt_num(rng.choice(spec["screens"]))
    c.update(screen=screen, a_screen=with_article(f"{screen}-inch"), mp=mp, storage=storage_text,
             panel=join_words(f"{refresh}Hz" if refresh > 60 else "", "OLED" if oled else "LCD"),
             battery=rng.choice(spec["batteries"]), watts=rng.choice(spec["watts"]),
             zoom=rng.choice((3, 5)), updates=rng.choice(spec["updates"]))
    c["for"] = gift(rng, 0.2)
    c["value"] = rng.uniform(*spec["price"]) + PHONE_STORAGE_PREMIUM[storage]


SMARTPHONES = Category(
    slug="smartphones", prefix="PHN", count=66, brands=PHONE_BRANDS, models=("Nova",),
    kinds=PHONE_KINDS, specs=PHONE_SPECS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} that makes light work of {use}.",
        "Built for {use}, the {name} is {a_desc} in {a_material} body.",
        "Meet the {name}, {a_desc} with {a_material} frame.",
    ),
    closers=(
        "The {battery} mAh battery comfortably lasts a full day.",
        "{brand} promises {updates} years of software updates.",
        "A smart choice for {use2}.",
        "Its {battery} mAh battery and {updates} years of updates make it a phone to keep.",
    ),
    palette=("black", "white", "silver", "blue", "green", "purple", "gold", "pink"),
    price_range=(149, 1799), hook=hook_smartphones,
    phrases={"foldable": ("a foldable inner display with a crease-free hinge",)},
)


# --- coffee_machines -------------------------------------------------------

COFFEE_MACHINE_BRANDS = ("Cremalta", "Brewmont", "Tazzaro", "Kettleby", "Vapora")
CM_BAR_SPECS = (
    "A {bar}-bar pump and a {tank} L water tank keep the shots coming.",
    "It runs a {bar}-bar pump from a removable {tank} L tank and heats up in about {heat} seconds.",
    "With a {bar}-bar pump, a {tank} L tank and a {heat}-second heat-up, mornings move quickly.",
)
CM_FILTER_SPECS = (
    "It brews up to {cups} cups at once from a {tank} L water tank.",
    "The {tank} L tank is enough for {cups} cups, brewed in about {brew} minutes.",
)
CM_POD_SPECS = (
    "The {tank} L water tank is good for around a dozen cups and heats up in {heat} seconds.",
    "It heats up in {heat} seconds and holds {tank} L of water in a removable tank.",
)

COFFEE_MACHINE_KINDS = (
    kind("espresso", "{bar}-Bar Espresso Machine", (149, 899), weight=26,
         models=("Duetto", "Barista", "Piccolo", "Classica", "Forza"),
         desc=("semi-automatic espresso machine", "traditional espresso machine"),
         use=("lattes, flat whites and cappuccinos at home", "learning to pull café-style shots"),
         materials=("stainless steel", "brushed aluminium", "plastic"), base=("espresso",),
         extra={"milk frother": .8, "cup warmer": .4, "pid temperature control": .3, "dual boiler": .12},
         bars=(15, 19, 20), tanks=(1.2, 1.5, 2.0, 2.5), specs=CM_BAR_SPECS),
    kind("bean_to_cup", "Bean-to-Cup Coffee Machine", (349, 1499), weight=20,
         models=("Automatica", "Prima", "Luce", "Momento"),
         desc=("fully automatic bean-to-cup machine", "one-touch bean-to-cup coffee machine"),
         use=("busy households that want fresh coffee without the fuss", "home offices and shared kitchens"),
         materials=("stainless steel", "plastic"), base=("bean-to-cup", "espresso", "built-in grinder"),
         extra={"milk frother": .8, "programmable": .3, "app control": .25, "cup warmer": .3},
         bars=(15, 19), tanks=(1.5, 1.8, 2.0), specs=CM_BAR_SPECS),
    kind("filter", "{cups}-Cup Filter Coffee Machine", (39, 199), weight=22,
         models=("Morning", "Sunrise", "Heritage", "Brewday"),
         desc=("filter coffee machine", "classic drip coffee maker"),
         use=("big weekend breakfasts", "offices and busy family kitchens"),
         materials=("stainless steel", "plastic"), base=("filter",),
         extra={"thermal carafe": .4, "programmable": .6, "keep warm": .4, "auto shut-off": .5},
         cups=(8, 10, 12, 15), tanks=(1.25, 1.5, 1.8), specs=CM_FILTER_SPECS),
    kind("pod", "Pod Coffee Machine", (49, 179), weight=22,
         models=("Capsa", "Pronto", "Dot", "Minima"),
         desc=("compact pod coffee machine", "quick pod machine"),
         use=("small kitchens and student flats", "a quick coffee before work"),
         materials=("plastic", "stainless steel"), base=("pod",),
         extra={"milk frother": .35, "compact": .6, "auto shut-off": .5},
         tanks=(0.7, 0.8, 1.0), specs=CM_POD_SPECS),
    kind("grind_brew", "Grind and Brew Filter Coffee Machine", (129, 249), weight=10,
         models=("Millhouse", "Fresco", "Granary"),
         desc=("grind-and-brew filter machine", "filter machine that grinds its own beans"),
         use=("coffee drinkers who want freshly ground filter coffee", "slow Sunday mornings"),
         materials=("stainless steel", "plastic"), base=("filter", "built-in grinder", "programmable"),
         extra={"thermal carafe": .5, "keep warm": .3}, cups=(10, 12), tanks=(1.5, 1.8),
         specs=CM_FILTER_SPECS),
)
CM_TITLE_EXTRAS = (("milk frother", "with Milk Frother"), ("thermal carafe", "with Thermal Carafe"))


def hook_coffee_machines(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    bar = rng.choice(spec.get("bars", (0,)))
    cups = rng.choice(spec.get("cups", (0,)))
    if bar:
        feats.append(f"{bar} bar")
    extra = next((text for tag, text in CM_TITLE_EXTRAS if tag in feats), "")
    c["title"] = join_words(c["brand"], c["model"], spec["label"].format(bar=bar, cups=cups), extra)
    c.update(bar=bar, cups=cups, tank=fmt_num(rng.choice(spec["tanks"])),
             heat=rng.choice((25, 30, 40, 45)), brew=rng.choice((6, 8, 10)))
    c["for"] = gift(rng, 0.15)
    c["value"] = (rng.uniform(*spec["price"]) + (40 if "milk frother" in feats else 0)
                  + (250 if "dual boiler" in feats else 0))


COFFEE_MACHINES = Category(
    slug="coffee_machines", prefix="COF", count=64, brands=COFFEE_MACHINE_BRANDS, models=("Prima",),
    kinds=COFFEE_MACHINE_KINDS, specs=CM_BAR_SPECS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} designed for {use}.",
        "Made for {use}, the {name} is {a_desc} with {a_material} housing.",
        "Bring the café home with the {name}, {a_desc} in {material}.",
    ),
    closers=(
        "The drip tray and water tank are removable for easy cleaning.",
        "Perfect for {use2}.",
        "Descaling alerts remind you when it needs some care.",
        "Also a great fit for {use2}.",
    ),
    palette=("black", "silver", "white", "red", "beige"),
    price_range=(39, 1799), hook=hook_coffee_machines,
    phrases={"filter": ("filter coffee by the jug",)},
)


# --- sofas -----------------------------------------------------------------

SOFA_BRANDS = ("Hearthwell", "Lounora", "Oakmere", "Sofara", "Tallowby")
SOFA_MODELS = ("Ashby", "Harlow", "Mila", "Camden", "Elsworth", "Fenwick", "Rowan", "Isla",
               "Bexley", "Hollis", "Marlow", "Otto", "Wren", "Tamsin", "Arlo", "Briar", "Linnea")
# material -> (title word, colours the fabric is sold in)
SOFA_FABRICS = {
    "velvet": ("Velvet", ("green", "navy", "pink", "yellow", "grey", "olive", "blue")),
    "linen blend": ("Linen-Blend", ("beige", "grey", "white", "olive", "blue")),
    "boucle": ("Boucle", ("white", "beige", "grey", "brown")),
    "woven fabric": ("Fabric", ("grey", "beige", "navy", "green", "blue", "brown")),
    "corduroy": ("Corduroy", ("brown", "olive", "beige", "orange", "grey")),
    "full-grain leather": ("Leather", ("brown", "black", "beige")),
    "faux leather": ("Faux Leather", ("black", "brown", "grey", "white")),
}
SOFA_FABRIC_NAMES = tuple(SOFA_FABRICS)
SOFA_SOFT_FABRICS = ("velvet", "linen blend", "boucle", "woven fabric", "corduroy")

SOFA_KINDS = (
    kind("two", "2-Seater Sofa", (349, 1299), weight=18,
         desc=("compact 2-seater sofa", "cosy 2-seater love seat"),
         use=("small living rooms and studio flats", "reading corners and snugs"),
         materials=SOFA_FABRIC_NAMES, base=("2-seater",),
         extra={"removable covers": .4, "machine washable": .5, "solid wood frame": .5,
                "pocket sprung": .4, "feather filled": .25, "stain resistant": .3, "pet friendly": .15},
         width=(150, 185), depth=(85, 95)),
    kind("three", "3-Seater Sofa", (499, 1899), weight=22,
         desc=("roomy 3-seater sofa", "generous 3-seater"),
         use=("family film nights", "open-plan living rooms"),
         materials=SOFA_FABRIC_NAMES, base=("3-seater",),
         extra={"removable covers": .4, "machine washable": .5, "solid wood frame": .55,
                "pocket sprung": .45, "feather filled": .3, "stain resistant": .3, "pet friendly": .15},
         width=(195, 230), depth=(88, 100)),
    kind("four", "4-Seater Sofa", (799, 2499), weight=8,
         desc=("extra-long 4-seater sofa", "grand 4-seater"),
         use=("large living rooms and big families", "hosting friends for game nights"),
         materials=SOFA_FABRIC_NAMES, base=("4-seater", "solid wood frame"),
         extra={"removable covers": .3, "machine washable": .5, "pocket sprung": .5, "feather filled": .3},
         width=(240, 275), depth=(92, 102)),
    kind("corner", "Corner Sofa", (899, 2999), weight=16,
         desc=("L-shaped corner sofa", "spacious corner sofa"),
         use=("open-plan family living", "lounging with the whole family"),
         materials=SOFA_FABRIC_NAMES, base=("corner sofa",),
         extra={"modular": .4, "removable covers": .35, "machine washable": .5, "storage": .2,
                "pocket sprung": .4, "stain resistant": .3, "pet friendly": .2},
         width=(240, 300), depth=(160, 210)),
    kind("sofa_bed", "Sofa Bed", (449, 1599), weight=16,
         desc=("practical sofa bed", "two-in-one sofa bed"),
         use=("guest rooms and home offices", "small flats with overnight visitors"),
         materials=SOFA_SOFT_FABRICS, base=("sofa bed",),
         extra={"removable covers": .4, "machine washable": .5, "storage": .3, "stain resistant": .2},
         width=(160, 215), depth=(85, 98)),
    kind("recliner", "Recliner Sofa", (699, 2299), weight=10,
         desc=("power recliner sofa", "electric reclining sofa"),
         use=("home cinema evenings", "putting your feet up after work"),
         materials=("full-grain leather", "faux leather", "woven fabric"), base=("reclining",),
         extra={"solid wood frame": .4, "pocket sprung": .3, "usb-c": .4},
         width=(180, 230), depth=(90, 100)),
)


def hook_sofas(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    title_word, palette = SOFA_FABRICS[c["material"]]
    if c["material"] not in SOFA_SOFT_FABRICS:
        drop(feats, "removable covers", "machine washable", "pet friendly")
    if "removable covers" not in feats:
        drop(feats, "machine washable")  # only a removable cover can go in the machine
    c["palette"] = palette
    c["title"] = join_words(c["brand"], c["model"], title_word, spec["label"])
    c.update(w=rng.randrange(spec["width"][0], spec["width"][1] + 1, 5),
             d=rng.randrange(spec["depth"][0], spec["depth"][1] + 1),
             h=rng.randrange(72, 96), sh=rng.randrange(42, 50))
    leather = 1.35 if "leather" in c["material"] else 1.0
    c["value"] = rng.uniform(*spec["price"]) * leather


SOFAS = Category(
    slug="sofas", prefix="SOF", count=64, brands=SOFA_BRANDS, models=SOFA_MODELS, kinds=SOFA_KINDS,
    openers=(
        "The {name} is {a_desc} upholstered in {material}, made for {use}.",
        "{brand}'s {model} is {a_desc} for {use}.",
        "Sink into the {name}, {a_desc} covered in soft {material}.",
        "Made for {use}, the {name} is {a_desc} with clean, modern lines.",
    ),
    specs=(
        "It measures W {w} x D {d} x H {h} cm, with a seat height of {sh} cm.",
        "At {w} cm wide and {d} cm deep it fits neatly into most living rooms.",
        "Overall dimensions are {w} x {d} x {h} cm (W x D x H).",
    ),
    closers=(
        "Delivered in two parts and ready to use in minutes.",
        "A lovely fit for {use2}.",
        "Check your door widths before ordering; the back feet unscrew for tight hallways.",
        "Equally at home in {use2}.",
    ),
    palette=("grey", "beige"),
    price_range=(349, 2999), hook=hook_sofas,
    phrases={"usb-c": ("a USB-C charging port in the armrest",)},
)


# --- office_chairs ---------------------------------------------------------

CHAIR_BRANDS = ("Posturo", "Seatwise", "Ergonest", "Deskhaven", "Oakmere")
CHAIR_MODELS = ("Align", "Contour", "Axis", "Poise", "Cadre", "Tandem", "Balance", "Flow",
                "Kinesis", "Spine", "Arbor")
CHAIR_MATERIAL_WORD = {"mesh": "Mesh", "fabric": "Fabric", "full-grain leather": "Leather",
                       "faux leather": "Faux Leather"}

CHAIR_KINDS = (
    kind("ergonomic", "Ergonomic {word} Office Chair", (199, 899), weight=32,
         desc=("fully adjustable ergonomic chair", "ergonomic task chair"),
         use=("long days at a home office desk", "eight-hour workdays and deep focus"),
         materials=("mesh",), base=("ergonomic", "lumbar support", "breathable"),
         extra={"adjustable armrests": .8, "headrest": .5, "synchro tilt": .6, "seat slider": .5,
                "reclining": .3}, caps=(120, 136, 150)),
    kind("executive", "{word} Executive Office Chair", (249, 1199), weight=18,
         desc=("high-back executive chair", "classic executive chair"),
         use=("boardrooms and home studies", "long calls and video meetings"),
         materials=("full-grain leather", "faux leather"), base=("memory foam",),
         extra={"headrest": .5, "lumbar support": .6, "adjustable armrests": .4, "reclining": .5},
         caps=(120, 136)),
    kind("task", "{word} Task Chair", (89, 229), weight=20,
         desc=("compact task chair", "no-nonsense desk chair"),
         use=("home offices with limited space", "students and part-time desk work"),
         materials=("mesh", "fabric"), base=("height adjustable",),
         extra={"lumbar support": .5, "adjustable armrests": .3, "breathable": .3},
         caps=(100, 110, 120)),
    kind("gaming", "Gaming Chair", (149, 449), weight=18,
         desc=("racing-style gaming chair", "supportive gaming chair"),
         use=("long gaming sessions", "streaming and late-night raids"),
         materials=("faux leather", "fabric"), base=("reclining", "headrest", "lumbar support"),
         extra={"footrest": .4, "adjustable armrests": .7}, caps=(120, 136, 150)),
    kind("kneeling", "Ergonomic Kneeling Chair", (89, 249), weight=6,
         desc=("kneeling chair", "posture-friendly kneeling stool"),
         use=("active sitting at a standing-height desk", "short spells of upright sitting"),
         materials=("fabric", "mesh"), base=("ergonomic", "memory foam"), extra={},
         caps=(100, 110)),
)


def hook_office_chairs(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    if c["material"] != "mesh":
        drop(feats, "breathable")  # only the mesh backs are sold as breathable
    if spec["name"] == "kneeling":
        c["material"] = "beech wood and fabric" if c["material"] == "fabric" else c["material"]
    label = spec["label"].format(word=CHAIR_MATERIAL_WORD.get(c["material"], ""))
    c["model"] = c["model"] + rng.choice(("", " Pro", " Plus", " 2", " Air"))
    suffix = "with Headrest" if "headrest" in feats and spec["name"] != "gaming" else ""
    c["title"] = join_words(c["brand"], c["model"], label, suffix)
    c.update(cap=rng.choice(spec["caps"]), seat_lo=rng.randrange(40, 47), seat_hi=rng.randrange(50, 58),
             warranty=rng.choice((2, 5, 10)))
    c["value"] = rng.uniform(*spec["price"]) + 20 * len(feats)


OFFICE_CHAIRS = Category(
    slug="office_chairs", prefix="CHR", count=64, brands=CHAIR_BRANDS, models=CHAIR_MODELS,
    kinds=CHAIR_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand} designed the {model} as {a_desc} for {use}.",
        "Built for {use}, the {name} is {a_desc} finished in {material}.",
        "The {name} from {brand} is {a_desc} suited to {use}.",
    ),
    specs=(
        "It supports up to {cap} kg, and the seat height adjusts from {seat_lo} to {seat_hi} cm.",
        "Rated for users up to {cap} kg, it has a gas lift covering {seat_lo} to {seat_hi} cm.",
        "The seat adjusts between {seat_lo} and {seat_hi} cm and the frame is tested to {cap} kg.",
    ),
    closers=(
        "Backed by a {warranty}-year warranty.",
        "Assembly takes about 20 minutes with the included tools.",
        "Also well suited to {use2}.",
        "Smooth-rolling castors work on carpet and hard floors.",
    ),
    palette=("black", "grey", "white", "navy", "brown"),
    price_range=(89, 1199), hook=hook_office_chairs,
    phrases={"breathable": ("a breathable mesh back",),
             "reclining": ("a reclining backrest that locks in several positions",)},
)


# --- tents -----------------------------------------------------------------

OUTDOOR_BRANDS = ("Trailmark", "Northcairn", "Ridgewell", "Cloudhollow", "Bramblegate")
TENT_MODELS = ("Ridgeback", "Bivvy Star", "Heron", "Kestrel", "Skylark", "Moorhen", "Bothy",
               "Lantern", "Nightjar", "Corrie", "Basecamp", "Fernhollow", "Stag")

TENT_KINDS = (
    kind("ultralight", "Ultralight Backpacking Tent", (199, 599), weight=18, caps=(1, 2),
         desc=("ultralight backpacking tent", "featherweight trekking shelter"),
         use=("thru-hikes and long-distance trails", "bikepacking and fast-and-light trips"),
         materials=("ripstop nylon", "silnylon"), season=3, base=("lightweight",),
         extra={"freestanding": .5, "waterproof": .6, "two doors": .4, "footprint included": .3},
         kg_base=0.45, kg_per=0.45),
    kind("backpacking", "Backpacking Tent", (149, 449), weight=20, caps=(2, 3),
         desc=("lightweight backpacking tent", "versatile trekking tent"),
         use=("wild camping and multi-day hikes", "canoe trips and hut-free treks"),
         materials=("ripstop nylon", "ripstop polyester"), season=3, base=("freestanding",),
         extra={"lightweight": .5, "waterproof": .6, "two doors": .6, "footprint included": .3},
         kg_base=0.9, kg_per=0.6),
    kind("mountain", "Mountain Tent", (399, 899), weight=10, caps=(2, 3),
         desc=("storm-ready 4-season mountain tent", "expedition dome tent"),
         use=("winter camping and alpine expeditions", "high camps in wind and snow"),
         materials=("ripstop nylon", "ripstop polyester"), season=4, base=("freestanding",),
         extra={"waterproof": .9, "two doors": .5, "footprint included": .4},
         kg_base=1.5, kg_per=0.9),
    kind("family", "Family Tunnel Tent", (199, 899), weight=18, caps=(4, 5, 6, 8),
         desc=("spacious family tunnel tent", "roomy family camping tent"),
         use=("family campsite holidays", "week-long stays at the campsite"),
         materials=("polyester", "polycotton"), season=3, base=(),
         extra={"blackout bedroom": .6, "waterproof": .55, "two doors": .4},
         kg_base=4.0, kg_per=2.2),
    kind("air", "Inflatable Air Tent", (499, 1199), weight=8, caps=(4, 5, 6),
         desc=("inflatable air tent", "quick-pitch air-beam family tent"),
         use=("family holidays with minimal pitching hassle", "festival weekends in comfort"),
         materials=("polyester", "polycotton"), season=3, base=("inflatable",),
         extra={"blackout bedroom": .6, "waterproof": .8},
         kg_base=6.0, kg_per=2.8),
    kind("popup", "Pop-Up Tent", (39, 129), weight=12, caps=(2, 3, 4),
         desc=("quick pop-up tent", "instant pop-up tent"),
         use=("festivals and summer weekends", "back-garden sleepovers and short trips"),
         materials=("polyester",), season=2, base=("pop-up",),
         extra={"waterproof": .15, "blackout bedroom": .3},
         kg_base=1.5, kg_per=0.6),
)


def hook_tents(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    people = rng.choice(spec["caps"])
    feats[:0] = [f"{people}-person", f"{spec['season']}-season"]
    c["title"] = join_words(c["brand"], c["model"], f"{people}-Person {spec['season']}-Season",
                            spec["label"])
    kg = spec["kg_base"] + spec["kg_per"] * people * rng.uniform(0.9, 1.15)
    c.update(people=people, season=spec["season"], weight=fmt_num(round(kg, 1)),
             hh=rng.choice((2000, 3000, 4000, 5000)), pitch=rng.choice((3, 5, 8, 10, 15)))
    c["for"] = ["kids"] if people >= 4 and rng.random() < 0.4 else []
    c["value"] = rng.uniform(*spec["price"]) + (25 if "waterproof" in feats else 0) + 10 * people


TENTS = Category(
    slug="tents", prefix="TNT", count=66, brands=OUTDOOR_BRANDS, models=TENT_MODELS, kinds=TENT_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} built for {use}.",
        "Made for {use}, the {name} is {a_desc} with {a_material} flysheet.",
        "Pitch the {name} for {use}; it is {a_desc} that goes up quickly.",
    ),
    specs=(
        "This {people}-person, {season}-season tent weighs {weight} kg packed and pitches in about {pitch} minutes.",
        "Packed weight is {weight} kg for this {season}-season, {people}-person shelter.",
        "This {people}-person tent has a {season}-season design and weighs {weight} kg in its bag.",
    ),
    closers=(
        "Pegs, guylines and a stuff sack are included.",
        "Also ideal for {use2}.",
        "Practise pitching it once at home before your first trip.",
        "A reliable shelter for {use2}.",
    ),
    palette=("green", "olive", "orange", "grey", "blue", "yellow", "beige"),
    price_range=(39, 1199), hook=hook_tents,
    phrases={
        "waterproof": ("a waterproof flysheet rated to {hh} mm with taped seams",
                       "a fully waterproof {hh} mm flysheet"),
        "recycled materials": ("a flysheet made from recycled materials",),
        "pop-up": ("a pop-up frame that springs open in seconds",),
    },
)


# --- backpacks -------------------------------------------------------------

BACKPACK_BRANDS = ("Trailmark", "Northcairn", "Ridgewell", "Urbanloft", "Packhorn")
BACKPACK_MODELS = ("Kestrel", "Cirrus", "Talon", "Ridge", "Voyager", "Scout", "Vale", "Fjord",
                   "Merlin", "Pathfinder", "Alder")

BACKPACK_KINDS = (
    kind("daypack", "Hiking Daypack", (39, 129), weight=22, litres=(18, 20, 22, 25, 28, 30),
         desc=("comfortable hiking daypack", "versatile day pack"),
         use=("day hikes and summit walks", "weekend rambles and city breaks"),
         materials=("ripstop nylon", "recycled polyester"), base=("chest strap",),
         extra={"hydration compatible": .5, "rain cover": .4, "ventilated back": .5, "lightweight": .3,
                "recycled materials": .3},
         kg=(0.5, 0.9)),
    kind("hiking", "Hiking Backpack", (89, 199), weight=20, litres=(32, 35, 38, 40, 45),
         desc=("supportive hiking backpack", "trail-ready hiking pack"),
         use=("hut-to-hut tours and overnight hikes", "long days with extra layers and food"),
         materials=("ripstop nylon", "recycled polyester"), base=("hip belt", "ventilated back"),
         extra={"hydration compatible": .7, "rain cover": .6, "lightweight": .3, "recycled materials": .3},
         kg=(1.0, 1.5)),
    kind("trekking", "Trekking Backpack", (149, 299), weight=16, litres=(50, 55, 60, 65, 70, 75),
         desc=("load-carrying trekking backpack", "expedition-sized trekking pack"),
         use=("multi-day treks and wild camping", "long-distance trails with full camping kit"),
         materials=("ripstop nylon", "high-tenacity nylon"), base=("hip belt", "adjustable back"),
         extra={"rain cover": .7, "hydration compatible": .6, "recycled materials": .2},
         kg=(1.6, 2.4)),
    kind("commuter", "Commuter Backpack", (49, 159), weight=18, litres=(18, 20, 22, 24, 26),
         brands=("Urbanloft", "Packhorn", "Northcairn"),
         desc=("sleek commuter backpack", "everyday city backpack"),
         use=("daily commutes by bike or train", "carrying a laptop between home and office"),
         materials=("recycled polyester", "tarpaulin", "waxed canvas"), base=("laptop sleeve",),
         extra={"waterproof": .35, "anti-theft pocket": .3, "reflective": .4, "recycled materials": .3},
         kg=(0.7, 1.2)),
    kind("travel", "Travel Backpack", (79, 199), weight=12, litres=(35, 40, 45),
         desc=("carry-on travel backpack", "clamshell-opening travel pack"),
         use=("cabin-bag-only city breaks", "backpacking trips and business travel"),
         materials=("recycled polyester", "high-tenacity nylon"), base=("laptop sleeve", "carry-on size"),
         extra={"hip belt": .4, "lockable zips": .5, "recycled materials": .3}, kg=(1.1, 1.6)),
    kind("kids", "Kids' Hiking Backpack", (24, 49), weight=8, litres=(10, 12, 14),
         desc=("lightweight kids' backpack", "child-sized hiking pack"),
         use=("family walks and school trips", "little explorers on their first hikes"),
         materials=("recycled polyester", "ripstop nylon"), base=("lightweight",),
         extra={"reflective": .5, "hydration compatible": .3}, kg=(0.3, 0.5)),
)


def hook_backpacks(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    litres = rng.choice(spec["litres"])
    if c["material"] == "recycled polyester" and "recycled materials" not in feats:
        feats.append("recycled materials")
    label = "Waterproof Roll-Top Backpack" if "waterproof" in feats else spec["label"]
    c["title"] = join_words(c["brand"], c["model"], f"{litres}L", label)
    c.update(litres=litres, weight=fmt_num(round(rng.uniform(*spec["kg"]), 2)))
    c["for"] = ["kids", "gift"] if spec["name"] == "kids" else ["unisex"]
    c["value"] = rng.uniform(*spec["price"]) + 8 * len(feats)


BACKPACKS = Category(
    slug="backpacks", prefix="BAG", count=68, brands=BACKPACK_BRANDS, models=BACKPACK_MODELS,
    kinds=BACKPACK_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} made for {use}.",
        "Pack up for {use} with the {name}, {a_desc} in durable {material}.",
        "Made from {material}, the {name} is {a_desc} that suits {use}.",
    ),
    specs=(
        "It offers {litres} litres of space and weighs {weight} kg empty.",
        "Capacity is {litres} litres, and the pack itself weighs {weight} kg.",
        "With {litres} litres inside and a weight of {weight} kg, it carries a lot for its size.",
    ),
    closers=(
        "Side pockets keep a bottle within reach.",
        "Also handy for {use2}.",
        "Compression straps keep the load stable when it is half full.",
        "A great partner for {use2}.",
    ),
    palette=("black", "grey", "navy", "green", "olive", "red", "orange", "blue"),
    price_range=(24, 299), hook=hook_backpacks,
    phrases={"waterproof": ("a waterproof roll-top closure", "waterproof welded seams")},
)


# --- laptop_bags -----------------------------------------------------------

LAPTOP_BAG_BRANDS = ("Carryford", "Urbanloft", "Quillon", "Ostrova", "Corvane")
LAPTOP_BAG_MODELS = ("Harbour", "Metro", "Atlas", "Fleet", "Ledger", "Transit", "Porter", "Dock")
BAG_MATERIAL_WORD = {"full-grain leather": "Leather", "waxed canvas": "Waxed Canvas",
                     "recycled polyester": "", "neoprene": "Neoprene", "ballistic nylon": "Nylon"}

LAPTOP_BAG_KINDS = (
    kind("sleeve", "Laptop Sleeve", (19, 49), weight=20, fits=("13", "14", "15.6", "16"),
         desc=("slim laptop sleeve", "protective sleeve"),
         use=("slipping a laptop into a bigger bag", "carrying a laptop between meetings"),
         materials=("neoprene", "recycled polyester", "full-grain leather"),
         base=("padded laptop compartment",), extra={"water-repellent": .4, "vegan": .4},
         kg=(0.15, 0.35)),
    kind("messenger", "Messenger Bag", (49, 179), weight=22, fits=("14", "15.6", "16"),
         desc=("classic messenger bag", "cross-body messenger bag"),
         use=("cycling commutes", "days that move between office, café and client"),
         materials=("waxed canvas", "recycled polyester", "full-grain leather", "ballistic nylon"),
         base=("padded laptop compartment", "detachable strap"),
         extra={"water-repellent": .4, "trolley sleeve": .3, "vegan": .3}, kg=(0.7, 1.3)),
    kind("briefcase", "Briefcase", (69, 249), weight=20, fits=("14", "15.6", "16", "17"),
         desc=("structured briefcase", "smart business briefcase"),
         use=("client meetings and business trips", "office days with documents and a laptop"),
         materials=("full-grain leather", "ballistic nylon", "recycled polyester"),
         base=("padded laptop compartment", "detachable strap"),
         extra={"trolley sleeve": .6, "rfid pocket": .4, "lockable zips": .3}, kg=(0.9, 1.6)),
    kind("backpack", "Laptop Backpack", (49, 169), weight=22, fits=("14", "15.6", "16", "17"),
         desc=("slim laptop backpack", "organised laptop backpack"),
         use=("commuting with a laptop", "university days and library sessions"),
         materials=("recycled polyester", "ballistic nylon", "waxed canvas"),
         base=("padded laptop compartment",),
         extra={"water-repellent": .5, "trolley sleeve": .5, "rfid pocket": .3, "anti-theft pocket": .3},
         kg=(0.8, 1.3)),
    kind("tote", "Laptop Tote", (39, 129), weight=10, fits=("13", "14", "15.6"),
         desc=("everyday laptop tote", "roomy work tote"),
         use=("hybrid office days", "carrying a laptop, notebook and lunch"),
         materials=("full-grain leather", "waxed canvas", "recycled polyester"),
         base=("padded laptop compartment",), extra={"water-repellent": .3, "vegan": .3}, kg=(0.5, 0.9)),
)


def hook_laptop_bags(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    fit = rng.choice(spec["fits"])
    if "leather" in c["material"]:
        drop(feats, "vegan", "water-repellent")
    if c["material"] == "recycled polyester" and "recycled materials" not in feats:
        feats.append("recycled materials")
    c["title"] = join_words(c["brand"], c["model"], f"{fit}-Inch",
                            BAG_MATERIAL_WORD[c["material"]], spec["label"])
    c.update(fit=fit, weight=fmt_num(round(rng.uniform(*spec["kg"]), 2)))
    c["for"] = ["unisex"] + gift(rng, 0.2)
    c["value"] = rng.uniform(*spec["price"]) * (1.4 if "leather" in c["material"] else 1.0)


LAPTOP_BAGS = Category(
    slug="laptop_bags", prefix="LBG", count=40, brands=LAPTOP_BAG_BRANDS, models=LAPTOP_BAG_MODELS,
    kinds=LAPTOP_BAG_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} in {material}, made for {use}.",
        "Made for {use}, the {name} is {a_desc} that looks smart anywhere.",
    ),
    specs=(
        "It holds laptops up to {fit} inches and weighs {weight} kg.",
        "Sized for laptops up to {fit} inches, it weighs just {weight} kg.",
    ),
    closers=(
        "Inside pockets keep chargers, cables and pens in order.",
        "Equally good for {use2}.",
        "A practical gift for anyone who works on the move.",
    ),
    palette=("black", "brown", "navy", "grey", "olive", "beige"),
    price_range=(19, 249), hook=hook_laptop_bags,
)


# --- computer_mice ---------------------------------------------------------

MOUSE_BRANDS = ("Nexbyte", "Clickwell", "Glydo", "Altrix", "Corvane")
MOUSE_MODELS = ("Arc", "Pebble", "Glide", "Orbit", "Swift", "Comet", "Dart", "Halo")

MOUSE_KINDS = (
    kind("wireless", "Wireless Mouse", (14, 49), weight=24, dpi=(1600, 2400, 4000), buttons=(3, 5),
         desc=("comfortable wireless mouse", "everyday wireless mouse"),
         use=("home offices and laptop work", "spreadsheets and browsing"),
         materials=("plastic", "recycled plastic"), base=("wireless",),
         extra={"bluetooth": .6, "silent clicks": .5, "multi-device": .4, "rechargeable": .4,
                "recycled materials": .2}),
    kind("vertical", "Vertical Ergonomic Wireless Mouse", (29, 79), weight=14, dpi=(1600, 2400, 4000),
         buttons=(5, 6), desc=("vertical ergonomic mouse", "wrist-friendly vertical mouse"),
         use=("people with wrist or forearm strain", "long days of mouse-heavy work"),
         materials=("plastic", "soft-touch plastic"), base=("ergonomic", "wireless"),
         extra={"bluetooth": .6, "rechargeable": .7, "left-handed": .15, "multi-device": .3}),
    kind("gaming_wired", "Wired Gaming Mouse", (24, 99), weight=14, dpi=(12000, 16000, 26000),
         buttons=(6, 8, 11), desc=("precise gaming mouse", "lightweight esports mouse"),
         use=("fast-paced shooters", "MOBAs and MMOs with lots of hotkeys"),
         materials=("plastic",), base=("adjustable dpi", "programmable buttons"),
         extra={"rgb lighting": .6, "lightweight": .5}),
    kind("gaming_wireless", "Wireless Gaming Mouse", (59, 149), weight=12, dpi=(16000, 26000, 30000),
         buttons=(6, 8), desc=("low-latency wireless gaming mouse", "cable-free gaming mouse"),
         use=("competitive gaming", "gaming on a clean, cable-free desk"),
         materials=("plastic", "magnesium alloy"),
         base=("wireless", "adjustable dpi", "rechargeable", "programmable buttons"),
         extra={"usb-c": .7, "rgb lighting": .4, "lightweight": .6}),
    kind("travel", "Compact Travel Mouse", (12, 35), weight=12, dpi=(1200, 1600), buttons=(3,),
         desc=("pocket-sized travel mouse", "compact mouse"),
         use=("working on the road", "laptop bags and hotel desks"),
         materials=("plastic", "aluminium"), base=("wireless", "bluetooth"),
         extra={"rechargeable": .5, "usb-c": .4, "silent clicks": .4}),
    kind("wired", "Wired Mouse", (9, 19), weight=8, dpi=(1000, 1200, 1600), buttons=(3,),
         desc=("simple wired mouse", "plug-and-play wired mouse"),
         use=("office desks and classrooms", "family computers and spare desks"),
         materials=("plastic",), base=("wired",), extra={"silent clicks": .4, "ergonomic": .3}),
)


def hook_computer_mice(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    if "rechargeable" in feats and "usb-c" not in feats and rng.random() < 0.5:
        feats.append("usb-c")
    left = "left-handed" in feats
    c["title"] = join_words(c["brand"], c["model"], "Left-Handed" if left else "", spec["label"])
    if "rechargeable" in feats:
        power = f"the battery lasts up to {rng.choice((6, 8, 10))} weeks per charge"
    elif "wireless" in feats or "bluetooth" in feats:
        power = f"one AA battery lasts up to {rng.choice((12, 18, 24))} months"
    else:
        power = f"a {rng.choice(('1.5', '1.8', '2'))} m braided cable connects it"
    c.update(dpi=rng.choice(spec["dpi"]), buttons=rng.choice(spec["buttons"]), power=power,
             grams=rng.randrange(55, 130, 5))
    c["for"] = gift(rng, 0.15)
    c["value"] = rng.uniform(*spec["price"])


COMPUTER_MICE = Category(
    slug="computer_mice", prefix="MOU", count=40, brands=MOUSE_BRANDS, models=MOUSE_MODELS,
    kinds=MOUSE_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} built for {use}.",
        "Made for {use}, the {name} is {a_desc} that fits the hand naturally.",
    ),
    specs=(
        "The sensor tracks at up to {dpi} DPI, and {power}.",
        "It weighs {grams} g, tracks at up to {dpi} DPI, and {power}.",
    ),
    closers=(
        "Works with Windows, macOS, Linux and ChromeOS.",
        "Also a good match for {use2}.",
        "A small upgrade that makes a big difference at the desk.",
    ),
    palette=("black", "white", "grey", "pink", "blue"),
    price_range=(9, 149), hook=hook_computer_mice,
    phrases={"rechargeable": ("a rechargeable battery that lasts for weeks",)},
)


# --- sleeping_bags ---------------------------------------------------------

SLEEPING_BAG_BRANDS = ("Trailmark", "Northcairn", "Cloudhollow", "Eiderline")
SLEEPING_BAG_MODELS = ("Loft", "Ember", "Aurora", "Drift", "Snowline", "Nest", "Cirrus", "Glow")

SLEEPING_BAG_KINDS = (
    kind("down3", "Down Mummy Sleeping Bag", (149, 449), weight=24, season=3, comfort=(-5, -2, 0, 2),
         desc=("lightweight down mummy bag", "packable down sleeping bag"),
         use=("backpacking trips from spring to autumn", "hut tours and wild camping"),
         materials=("ripstop nylon",), base=("down fill", "hood"),
         extra={"lightweight": .7, "compressible": .6, "two-way zip": .4}, grams=(650, 1100),
         fill_power=(650, 750, 800)),
    kind("down4", "Down Expedition Sleeping Bag", (299, 549), weight=10, season=4, comfort=(-15, -12, -10),
         desc=("warm 4-season down bag", "expedition-grade down sleeping bag"),
         use=("winter camping and high-altitude trips", "alpine bivouacs and snow holes"),
         materials=("ripstop nylon",), base=("down fill", "hood", "compressible"),
         extra={"two-way zip": .6}, grams=(1200, 1700), fill_power=(750, 800, 850)),
    kind("synthetic3", "Synthetic Mummy Sleeping Bag", (59, 179), weight=26, season=3, comfort=(-2, 0, 3, 5),
         desc=("synthetic mummy bag", "reliable synthetic sleeping bag"),
         use=("wet-weather camping and scout trips", "campsite weekends in spring and autumn"),
         materials=("ripstop polyester", "recycled polyester"), base=("synthetic fill", "hood"),
         extra={"vegan": .5, "machine washable": .4, "compressible": .3}, grams=(1100, 1700)),
    kind("summer", "Summer Sleeping Bag", (29, 89), weight=16, season=2, comfort=(8, 10, 12),
         desc=("light summer sleeping bag", "warm-weather sleeping bag"),
         use=("festivals and summer campsites", "hostels and warm nights"),
         materials=("polyester", "recycled polyester"), base=("synthetic fill", "lightweight"),
         extra={"machine washable": .6, "vegan": .4}, grams=(600, 950)),
    kind("rectangular", "Rectangular Sleeping Bag", (39, 119), weight=14, season=3, comfort=(3, 5, 7),
         desc=("roomy rectangular sleeping bag", "comfy envelope sleeping bag"),
         use=("car camping and family holidays", "caravans and sleepovers"),
         materials=("polyester", "cotton-lined polyester"), base=("synthetic fill",),
         extra={"machine washable": .6, "two-way zip": .5}, grams=(1500, 2200)),
)


def hook_sleeping_bags(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    comfort = rng.choice(spec["comfort"])
    if c["material"] == "recycled polyester" and "recycled materials" not in feats:
        feats.append("recycled materials")
    feats.insert(0, f"{spec['season']}-season")
    temp = f"{comfort:+d}°C" if comfort else "0°C"
    c["title"] = join_words(c["brand"], c["model"], f"{spec['season']}-Season", spec["label"],
                            f"({temp} Comfort)")
    c["sizes"] = ["regular", "long"] if rng.random() < 0.7 else ["regular"]
    c.update(comfort=temp, season=spec["season"], grams=rng.randrange(spec["grams"][0], spec["grams"][1], 10),
             packed=rng.choice((4, 6, 8, 10, 12)), fill_power=rng.choice(spec.get("fill_power", (0,))))
    c["for"] = ["unisex"]
    c["value"] = rng.uniform(*spec["price"])


SLEEPING_BAGS = Category(
    slug="sleeping_bags", prefix="SLP", count=42, brands=SLEEPING_BAG_BRANDS, models=SLEEPING_BAG_MODELS,
    kinds=SLEEPING_BAG_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} made for {use}.",
        "Made for {use}, the {name} is {a_desc} with {a_material} shell.",
    ),
    specs=(
        "Rated to a comfort temperature of {comfort}, this {season}-season bag weighs {grams} g.",
        "The {season}-season design stays comfortable down to {comfort} and packs to about {packed} litres.",
        "It weighs {grams} g and is comfortable down to {comfort}, a true {season}-season bag.",
    ),
    closers=(
        "A compression stuff sack and a cotton storage bag are included.",
        "Also a good choice for {use2}.",
        "Store it loose at home to keep the fill lofty.",
    ),
    palette=("blue", "green", "orange", "red", "grey", "navy", "yellow"),
    price_range=(29, 549), hook=hook_sleeping_bags,
    phrases={"machine washable": ("a machine washable build",),
             "lightweight": ("a lightweight shell fabric",)},
)


# --- coffee_beans ----------------------------------------------------------

ROASTERS = ("Lantern Roastery", "Cerro Alto Roasters", "Copperkettle Coffee", "Dawnfield Coffee", "Brewmont")
# name, where it comes from (for the opener), roasts it suits, tasting notes
BEAN_ORIGINS = (
    ("Ethiopia Yirgacheffe", "washed heirloom varieties grown at altitude in southern Ethiopia",
     ("light", "medium"), ("jasmine", "bergamot", "lemon", "peach")),
    ("Colombia Huila", "smallholder farms on the slopes of the Huila highlands",
     ("medium", "light"), ("caramel", "red apple", "cocoa", "orange")),
    ("Brazil Cerrado", "sunny plateau farms in Minas Gerais",
     ("medium", "dark"), ("hazelnut", "milk chocolate", "brown sugar", "toasted almond")),
    ("Guatemala Antigua", "volcanic soils around the Antigua valley",
     ("medium", "dark"), ("dark chocolate", "spice", "toffee", "plum")),
    ("Kenya Nyeri", "cooperative washing stations near Mount Kenya",
     ("light",), ("blackcurrant", "grapefruit", "tomato leaf", "cane sugar")),
    ("Sumatra Gayo", "highland farms around Lake Tawar in Aceh",
     ("dark", "medium"), ("cedar", "dark chocolate", "earthy spice", "molasses")),
    ("Costa Rica Tarrazu", "family farms in the Tarrazu mountains",
     ("light", "medium"), ("honey", "apricot", "almond", "citrus")),
    ("Peru Cajamarca", "smallholder plots in the northern Andes",
     ("medium",), ("milk chocolate", "walnut", "raisin", "caramel")),
    ("Rwanda Nyamasheke", "washing stations on the shores of Lake Kivu",
     ("light", "medium"), ("red berries", "black tea", "lime", "honey")),
    ("Honduras Marcala", "shade-grown farms in the La Paz highlands",
     ("medium", "dark"), ("caramel", "cocoa", "stone fruit", "vanilla")),
)
BEAN_BLENDS = (
    ("House Blend", "Central and South American coffees", ("medium",),
     ("milk chocolate", "caramel", "roasted nuts")),
    ("Espresso Blend", "Brazilian and Indian coffees with a touch of robusta", ("dark", "medium"),
     ("dark chocolate", "toffee", "crema-rich body")),
    ("Breakfast Blend", "bright Central American and East African lots", ("light", "medium"),
     ("orange", "honey", "biscuit")),
    ("Italian Roast", "dense South American beans", ("dark",), ("bittersweet cocoa", "smoke", "molasses")),
)
BEAN_WEIGHTS = (("250g", 0.25), ("500g", 0.5), ("1kg", 1.0))
BEAN_GRINDS = ("filter and pour-over", "espresso machines", "cafetière and French press", "moka pots")

# Coffee is sold in a printed bag; its one or two colours are the "colours".
BAG_COLOURS = {"counts": (1, 2), "weights": (80, 20)}

BEAN_KINDS = (
    kind("single", "Coffee", (7, 14), weight=55, desc=("single origin coffee",),
         use=("pour-over and filter brewing", "slow weekend brewing"), base=("single origin", "100% arabica"),
         extra={"organic": .35, "fair trade": .35}, colour_counts=BAG_COLOURS),
    kind("blend", "Coffee", (6, 12), weight=30, desc=("signature blend", "crowd-pleasing blend"),
         use=("espresso, flat whites and cappuccinos", "everyday brewing at home and in the office"),
         base=("blend",), extra={"organic": .25, "fair trade": .4}, colour_counts=BAG_COLOURS),
    kind("decaf", "Coffee", (8, 15), weight=15, desc=("decaf coffee",),
         use=("evening cups without the caffeine", "pregnant or caffeine-sensitive coffee lovers"),
         base=("decaf", "100% arabica"), extra={"organic": .3, "fair trade": .3},
         colour_counts=BAG_COLOURS),
)


def hook_coffee_beans(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    source = BEAN_BLENDS if spec["name"] == "blend" else BEAN_ORIGINS
    name, story, roasts, notes = source[rng.randrange(len(source))]
    if "robusta" in story:
        drop(feats, "100% arabica")
    roast = rng.choice(roasts)
    whole = rng.random() < 0.65
    weight_text, kg = rng.choices(BEAN_WEIGHTS, weights=(55, 20, 25))[0]
    feats[:0] = ["whole bean" if whole else "ground", f"{roast} roast"]
    c["material"] = None
    c["model"] = name + (" Decaf" if spec["name"] == "decaf" else "")
    c["title"] = join_words(c["brand"], c["model"], f"{roast.capitalize()} Roast",
                            "Whole Bean" if whole else "Ground", f"Coffee, {weight_text}")
    grind = rng.choice(BEAN_GRINDS)
    c.update(story=story, roast=roast, a_roast=with_article(roast), notes=join_list(rng.sample(notes, 3)),
             form=("whole bean coffee, ready for your own grinder" if whole else f"ground coffee for {grind}"),
             bag=weight_text)
    c["for"] = gift(rng, 0.5)
    price_per_250 = rng.uniform(*spec["price"]) + (1.5 if "organic" in feats else 0)
    c["value"] = price_per_250 * {0.25: 1, 0.5: 1.8, 1.0: 3.1}[kg]


COFFEE_BEANS = Category(
    slug="coffee_beans", prefix="BEAN", count=44, brands=ROASTERS, models=("House Blend",), kinds=BEAN_KINDS,
    openers=(
        "This {desc} from {brand} comes from {story}.",
        "{brand} roasts this {desc} from {story}.",
        "Sourced from {story}, this {desc} is a favourite for {use}.",
        "{brand}'s {model} is {a_desc} built around {story}.",
    ),
    specs=(
        "Expect notes of {notes} from {a_roast} roast, sold as {form}.",
        "Tasting notes of {notes} come through in this {roast} roast, sold as {form}.",
        "It is {a_roast} roast with flavours of {notes}, packed as {form}.",
    ),
    closers=(
        "Roasted in small batches and packed in a resealable {bag} bag with a one-way valve.",
        "Ideal for {use2}.",
        "Store the {bag} bag somewhere cool and dark, and enjoy within a month of opening.",
        "A lovely gift for anyone who enjoys {use2}.",
    ),
    palette=("brown", "black", "white", "green", "orange", "red"),
    price_range=(6, 35), hook=hook_coffee_beans,
)


# --- coffee_grinders -------------------------------------------------------

GRINDER_BRANDS = ("Cremalta", "Burrwell", "Grindhaven", "Brewmont", "Tazzaro")
GRINDER_MODELS = ("Macina", "Mill", "Precisa", "Ground Zero", "Fino", "Stone", "Tempo")

GRINDER_KINDS = (
    kind("conical", "Conical Burr Coffee Grinder", (79, 299), weight=30, settings=(30, 40, 60),
         burr=(38, 40, 48), desc=("electric conical burr grinder", "all-round burr grinder"),
         use=("filter, cafetière and espresso at home", "coffee lovers upgrading from pre-ground"),
         materials=("stainless steel", "plastic", "brushed aluminium"), base=("conical burrs",),
         extra={"espresso": .5, "timer": .4, "low retention": .3, "compact": .3}),
    kind("flat", "Flat Burr Espresso Grinder", (249, 549), weight=18, settings=(100, 120, 260),
         burr=(54, 58, 64), desc=("flat burr espresso grinder", "café-grade flat burr grinder"),
         use=("dialling in espresso shots", "home baristas chasing the perfect shot"),
         materials=("stainless steel", "brushed aluminium"), base=("flat burrs", "espresso"),
         extra={"single dosing": .6, "low retention": .6, "timer": .4}),
    kind("blade", "Blade Coffee Grinder", (19, 39), weight=14, settings=(0,), burr=(0,),
         desc=("simple blade grinder", "compact blade grinder"),
         use=("grinding coffee, spices and seeds", "a first step into fresh-ground coffee"),
         materials=("stainless steel", "plastic"), base=("compact",), extra={}),
    kind("manual", "Manual Hand Coffee Grinder", (29, 159), weight=20, settings=(18, 24, 40),
         burr=(38, 40, 48), desc=("manual hand grinder", "portable hand grinder"),
         use=("camping trips and travel", "quiet early-morning grinding"),
         materials=("stainless steel", "aluminium", "wood and steel"), base=("manual",),
         extra={"conical burrs": .7, "ceramic burrs": .3, "compact": .5, "espresso": .3}),
)
GRINDER_SPECS = (
    "It offers {settings} grind settings, from coarse cafetière to fine filter.",
    "With {settings} grind settings and a {hopper} g bean hopper, it covers most brew methods.",
)
BLADE_SPECS = (
    "A {watts} W motor and a {hopper} g bowl handle enough beans for a full pot.",
    "The {hopper} g bowl and {watts} W motor make quick work of beans and spices.",
)


def hook_coffee_grinders(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    if "ceramic burrs" in feats:
        drop(feats, "conical burrs")
    settings = rng.choice(spec["settings"])
    if settings:
        feats.insert(0, f"{settings} grind settings")
    else:
        c["kind"] = dict(spec, specs=BLADE_SPECS)
    c["title"] = join_words(c["brand"], c["model"], spec["label"])
    c.update(settings=settings, burr=rng.choice(spec["burr"]), watts=rng.choice((150, 200, 250)),
             hopper=rng.choice((30, 40, 60, 250, 300)) if spec["name"] != "manual" else rng.choice((20, 30, 35)))
    c["for"] = gift(rng, 0.4)
    c["value"] = rng.uniform(*spec["price"])


COFFEE_GRINDERS = Category(
    slug="coffee_grinders", prefix="GRD", count=38, brands=GRINDER_BRANDS, models=GRINDER_MODELS,
    kinds=GRINDER_KINDS, specs=GRINDER_SPECS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} made for {use}.",
        "Made for {use}, the {name} is {a_desc} in {material}.",
    ),
    closers=(
        "The burrs lift out for cleaning without tools.",
        "Also great for {use2}.",
        "A thoughtful gift for any coffee lover.",
    ),
    palette=("black", "silver", "white", "brown"),
    price_range=(19, 549), hook=hook_coffee_grinders,
    phrases={"espresso": ("a range fine enough for espresso",),
             "timer": ("a digital timer for repeatable doses",)},
)


# --- sports_socks ----------------------------------------------------------

SOCK_BRANDS = ("Stridelab", "Pacewell", "Trailmark", "Loopknit", "Woolhaven")
SOCK_SIZE_SETS = (["S", "M", "L", "XL"], ["S", "M", "L"], ["M", "L", "XL"])

SOCK_KINDS = (
    kind("run_ankle", "Running Ankle Socks", (9, 18), weight=22, models=("Stride", "Tempo", "Pace", "Dash"),
         desc=("low-cut running sock", "breezy ankle sock"),
         use=("road runs and races", "gym sessions and treadmill runs"),
         materials=("recycled polyester blend", "nylon-elastane blend", "cotton blend"),
         base=("moisture wicking",), extra={"cushioned": .5, "anti-blister": .5, "seamless toe": .4,
                                             "reflective": .2}, packs=(1, 2, 3)),
    kind("run_crew", "Running Crew Socks", (10, 19), weight=14, models=("Stride", "Cadence", "Tempo"),
         desc=("technical crew running sock", "supportive running sock"),
         use=("long runs in cooler weather", "marathon training blocks"),
         materials=("recycled polyester blend", "merino wool blend"), base=("moisture wicking",),
         extra={"cushioned": .6, "arch support": .5, "seamless toe": .4}, packs=(1, 2, 3)),
    kind("trail", "Trail Running Socks", (14, 22), weight=12, models=("Scree", "Ridgerun", "Talus"),
         desc=("trail running sock", "grippy trail sock"),
         use=("muddy trail races", "rocky mountain runs"),
         materials=("merino wool blend", "nylon-elastane blend"), base=("anti-blister",),
         extra={"cushioned": .6, "arch support": .4, "moisture wicking": .6}, packs=(1, 2)),
    kind("hiking", "Hiking Crew Socks", (15, 29), weight=22, models=("Summit", "Trek", "Fell", "Bothy"),
         desc=("cushioned hiking sock", "warm trekking sock"),
         use=("long days in hiking boots", "multi-day treks"),
         materials=("merino wool blend",), base=("cushioned",),
         extra={"anti-blister": .5, "arch support": .4, "seamless toe": .3}, packs=(1, 2)),
    kind("compression", "Compression Running Socks", (22, 39), weight=12, models=("Recover", "Surge", "Pulse"),
         desc=("graduated compression sock", "knee-high compression sock"),
         use=("long runs and recovery days", "long-haul flights and recovery"),
         materials=("nylon-elastane blend",), base=("compression",),
         extra={"moisture wicking": .6, "arch support": .4}, packs=(1,)),
    kind("cycling", "Cycling Socks", (10, 19), weight=8, models=("Cadence", "Spin", "Echelon"),
         desc=("lightweight cycling sock", "thin road cycling sock"),
         use=("long rides in summer", "indoor training and road rides"),
         materials=("recycled polyester blend", "nylon-elastane blend"), base=("moisture wicking",),
         extra={"seamless toe": .5, "reflective": .3}, packs=(1, 2)),
)


def hook_sports_socks(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    if "merino" in c["material"]:
        feats.append("merino wool")
    if c["material"].startswith("recycled"):
        feats.append("recycled materials")
    who = rng.choices(("unisex", "men", "women"), weights=(60, 20, 20))[0]
    pack = rng.choice(spec["packs"])
    c["title"] = (join_words(c["brand"], c["model"], GENDER_WORD[who], spec["label"])
                  + (f", {pack}-Pack" if pack > 1 else ""))
    c["sizes"] = list(rng.choice(SOCK_SIZE_SETS))
    c["pack"] = "a single pair" if pack == 1 else f"a pack of {pack} pairs"
    c["for"] = [who] + gift(rng, 0.15)
    c["value"] = rng.uniform(*spec["price"]) * (1 + 0.7 * (pack - 1))


SPORTS_SOCKS = Category(
    slug="sports_socks", prefix="SOCK", count=40, brands=SOCK_BRANDS, models=("Stride",), kinds=SOCK_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} knitted for {use}.",
        "Made for {use}, the {name} is {a_desc} that stays put.",
    ),
    specs=(
        "Each pair is knitted from {a_material}, sold as {pack}.",
        "Sold as {pack}, they are made from {a_material} with a snug, anatomical fit.",
    ),
    closers=(
        "Machine wash at 40 degrees and skip the tumble dryer.",
        "Also perfect for {use2}.",
        "Left and right socks are shaped differently for a better fit.",
    ),
    palette=("black", "white", "grey", "navy", "blue", "green", "pink", "orange"),
    price_range=(7, 39), hook=hook_sports_socks,
    phrases={"cushioned": ("a cushioned sole", "cushioned zones under heel and forefoot")},
)


# --- phone_cases -----------------------------------------------------------

CASE_BRANDS = ("Shellguard", "Casewright", "Armorly", "Corvane", "Kindleaf")

CASE_KINDS = (
    kind("clear", "Clear Case", (9, 24), weight=20, models=("Clarity", "Crystal", "Halo"),
         desc=("slim clear case", "crystal-clear protective case"),
         use=("showing off your phone's colour", "everyday protection without bulk"),
         materials=("polycarbonate", "recycled tpu"), base=("raised edges",),
         extra={"drop protection": .6, "wireless charging compatible": .7, "magnetic": .3, "slim": .5},
         palette=("black", "blue", "pink", "purple")),
    kind("silicone", "Silicone Case", (14, 34), weight=20, models=("Soft Touch", "Velvet", "Pure"),
         desc=("soft-touch silicone case", "grippy silicone case"),
         use=("a secure grip in the hand", "everyday use with a soft feel"),
         materials=("silicone",), base=("raised edges", "wireless charging compatible"),
         extra={"magnetic": .5, "drop protection": .4, "slim": .4}),
    kind("folio", "Wallet Folio Case", (24, 59), weight=18, models=("Ledger", "Bifold", "Porter"),
         desc=("wallet folio case", "book-style wallet case"),
         use=("leaving your wallet at home", "keeping cards, cash and phone together"),
         materials=("full-grain leather", "vegan leather"), base=("card slots",),
         extra={"kickstand": .4, "magnetic": .3}),
    kind("rugged", "Rugged Case", (19, 49), weight=18, models=("Bastion", "Shield", "Terra"),
         desc=("rugged protective case", "heavy-duty case"),
         use=("building sites, hikes and clumsy hands", "outdoor adventures and busy family life"),
         materials=("tpu and polycarbonate",), base=("drop protection", "raised edges"),
         extra={"kickstand": .5, "magnetic": .3}),
    kind("waterproof", "Waterproof Case", (24, 45), weight=10, models=("Aqua", "Reef", "Dive"),
         desc=("fully sealed case", "submersible phone case"),
         use=("beach holidays, kayaking and snorkelling", "pool days and rainy hikes"),
         materials=("tpu and polycarbonate",), base=("waterproof", "drop protection"), extra={}),
    kind("eco", "Compostable Case", (19, 34), weight=12, models=("Seedling", "Leaf", "Flax"),
         desc=("plant-based eco case", "compostable phone case"),
         use=("cutting down on plastic", "eco-minded everyday carry"),
         materials=("plant-based bioplastic",), base=("biodegradable",),
         extra={"wireless charging compatible": .6, "raised edges": .6, "drop protection": .4}),
)


def hook_phone_cases(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    phones = list(dict.fromkeys(c["state"].get("smartphones") or ["Nexbyte Nova 12"]))
    phone = rng.choice(phones)
    if c["material"] == "vegan leather":
        feats.append("vegan")
    if c["material"] == "recycled tpu":
        feats.append("recycled materials")
    c["title"] = join_words(c["brand"], c["model"], spec["label"], "for", phone)
    c.update(phone=phone, drop_m=rng.choice(("1.5", "2", "3", "4")), slots=rng.choice((2, 3, 4)),
             thick=rng.choice(("0.8", "1.2", "1.5", "2.5")))
    c["for"] = gift(rng, 0.25)
    c["value"] = rng.uniform(*spec["price"]) * (1.3 if "full-grain" in c["material"] else 1.0)


PHONE_CASES = Category(
    slug="phone_cases", prefix="CASE", count=42, brands=CASE_BRANDS, models=("Clarity",), kinds=CASE_KINDS,
    openers=(
        "The {name} is {a_desc} made to fit the {phone}.",
        "Made for the {phone}, the {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} tailored to the {phone}, perfect for {use}.",
    ),
    specs=(
        "Precise cut-outs keep every button, port and lens free, and it adds {thick} mm of bulk.",
        "Made from {material}, it adds only {thick} mm around the {phone}.",
    ),
    closers=(
        "Also a good fit for {use2}.",
        "A small gift that protects a big investment.",
        "Snap it on in seconds, no tools needed.",
    ),
    palette=("black", "blue", "green", "pink", "purple", "red", "beige", "brown", "navy"),
    price_range=(9, 59), hook=hook_phone_cases,
    phrases={"waterproof": ("a waterproof seal rated to 2 m underwater",)},
)


# --- power_banks -----------------------------------------------------------

POWER_BANK_BRANDS = ("Voltia", "Chargeo", "Amperly", "Corvane", "Trailmark")
POWER_BANK_MODELS = ("Boost", "Volt", "Reserve", "Surge", "Pocket", "Relay", "Spark")

POWER_BANK_KINDS = (
    kind("pocket", "USB-C Power Bank", (15, 39), weight=26, caps=(5000, 10000), watts=(20, 22, 30),
         brands=("Voltia", "Chargeo", "Amperly", "Corvane"),
         desc=("pocket-sized power bank", "slim power bank"),
         use=("topping up a phone on a night out", "commutes and long days away from a socket"),
         materials=("plastic", "aluminium"), base=("usb-c",),
         extra={"fast charging": .7, "digital display": .3, "pass-through charging": .3, "lightweight": .4}),
    kind("laptop", "USB-C Power Bank", (49, 149), weight=24, caps=(20000, 25000, 27000), watts=(65, 100, 140),
         brands=("Voltia", "Chargeo", "Amperly", "Corvane"),
         desc=("high-output power bank", "laptop-ready power bank"),
         use=("working on trains and planes", "charging a laptop, tablet and phone on the go"),
         materials=("aluminium", "plastic"), base=("usb-c", "laptop charging", "fast charging"),
         extra={"digital display": .6, "pass-through charging": .5}),
    kind("magnetic", "Magnetic Wireless Power Bank", (29, 69), weight=20, caps=(5000, 10000), watts=(15, 20),
         brands=("Voltia", "Chargeo", "Amperly", "Corvane"),
         desc=("snap-on magnetic power bank", "magnetic wireless battery pack"),
         use=("cable-free top-ups during the day", "festivals, city trips and long photo days"),
         materials=("plastic", "aluminium"), base=("magnetic", "wireless charging", "usb-c"),
         extra={"kickstand": .3}),
    kind("outdoor", "Rugged Solar Power Bank", (39, 99), weight=14, caps=(10000, 20000, 26800),
         watts=(18, 20, 30), brands=("Trailmark", "Amperly"),
         desc=("rugged outdoor power bank", "expedition power bank"),
         use=("camping trips and multi-day hikes", "festivals and off-grid weekends"),
         materials=("rubberised plastic",), base=("rugged", "solar panel", "usb-c"),
         extra={"led torch": .7, "fast charging": .4}),
)


def phone_charges(capacity: int) -> str:
    # ~65% of the rated cell capacity reaches a typical 3,500 mAh phone battery.
    n = round(capacity * 0.65 / 3500)
    return "once" if n <= 1 else "twice" if n == 2 else f"{n} times"


def hook_power_banks(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    capacity, watts = rng.choice(spec["caps"]), rng.choice(spec["watts"])
    feats.insert(0, f"{capacity}mah")
    c["title"] = join_words(c["brand"], c["model"], f"{capacity}mAh", f"{watts}W", spec["label"])
    c.update(capacity=capacity, watts=watts, charges=phone_charges(capacity),
             grams=int(capacity / 1000 * 19 + rng.randrange(20, 60)))
    c["for"] = gift(rng, 0.3)
    c["value"] = rng.uniform(*spec["price"]) + capacity / 2500


POWER_BANKS = Category(
    slug="power_banks", prefix="PWR", count=40, brands=POWER_BANK_BRANDS, models=POWER_BANK_MODELS,
    kinds=POWER_BANK_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} built for {use}.",
        "Made for {use}, the {name} is {a_desc} that keeps your devices going.",
    ),
    specs=(
        "Its {capacity}mAh cell recharges a typical phone about {charges}, with output peaking at {watts} W.",
        "With {capacity}mAh on board and up to {watts} W of output, it weighs {grams} g.",
    ),
    closers=(
        "A USB-C cable is included in the box.",
        "Also useful for {use2}.",
        "Safe to carry in hand luggage on flights.",
    ),
    palette=("black", "white", "grey", "blue", "orange", "green"),
    price_range=(15, 149), hook=hook_power_banks,
    phrases={"magnetic": ("a magnetic back that snaps onto compatible phones",),
             "usb-c": ("USB-C charging", "two USB-C ports"),
             "wireless charging": ("a wireless charging pad",),
             "fast charging": ("{watts} W fast charging",),
             "kickstand": ("a fold-out kickstand for watching videos",)},
)


# --- cushions --------------------------------------------------------------

CUSHION_BRANDS = ("Hearthwell", "Lounora", "Plumera", "Oakmere", "Softloom")
CUSHION_PATTERNS = ("Ribbed", "Herringbone", "Pleated", "Tassel", "Striped", "Checked", "Pompom",
                    "Quilted", "Piped", "Botanical", "Geometric", "Plain")
CUSHION_MATERIAL_WORD = {"velvet": "Velvet", "linen": "Linen", "cotton": "Cotton", "boucle": "Boucle",
                         "chunky knit": "Knitted", "outdoor polyester": "Outdoor",
                         "recycled polyester": "", "memory foam with a mesh cover": ""}

CUSHION_KINDS = (
    kind("scatter", "Cushion", (12, 39), weight=40, sizes=("45 x 45", "50 x 50"),
         desc=("plump scatter cushion", "decorative cushion"),
         use=("dressing a sofa or armchair", "adding colour to a bed or reading nook"),
         materials=("velvet", "linen", "cotton", "boucle", "chunky knit"), base=(),
         extra={"removable cover": .7, "machine washable": .5, "feather filled": .4, "hollowfibre filled": .4}),
    kind("rect", "Rectangular Cushion", (14, 39), weight=14, sizes=("30 x 50", "35 x 60"),
         desc=("rectangular accent cushion", "oblong cushion"),
         use=("supporting your back on a deep sofa", "layering on beds and window seats"),
         materials=("velvet", "linen", "cotton", "boucle"), base=("removable cover",),
         extra={"machine washable": .5, "feather filled": .4, "hollowfibre filled": .4}),
    kind("floor", "Floor Cushion", (29, 69), weight=10, sizes=("60 x 60", "70 x 70"),
         desc=("oversized floor cushion", "generous floor cushion"),
         use=("extra seating when friends come over", "kids' reading corners"),
         materials=("cotton", "chunky knit", "velvet"), base=("removable cover",),
         extra={"machine washable": .5, "hollowfibre filled": .7}),
    kind("outdoor", "Outdoor Cushion", (14, 35), weight=12, sizes=("45 x 45", "50 x 50"),
         desc=("weather-ready outdoor cushion", "garden cushion"),
         use=("garden benches and balcony chairs", "terrace lounging"),
         materials=("outdoor polyester", "recycled polyester"), base=("outdoor", "fade resistant"),
         extra={"removable cover": .6, "hollowfibre filled": .8}),
    kind("lumbar", "Memory Foam Lumbar Support Cushion", (19, 49), weight=12, sizes=("35 x 30", "40 x 35"),
         models=("Posture", "Support", "Contour", "Ergo"),
         desc=("ergonomic lumbar cushion", "back-support cushion"),
         use=("office chairs and long workdays", "car seats on long drives"),
         materials=("memory foam with a mesh cover",), base=("lumbar support", "memory foam"),
         extra={"removable cover": .8, "machine washable": .5}),
    kind("seat", "Memory Foam Seat Cushion", (19, 45), weight=8, sizes=("45 x 40", "46 x 36"),
         models=("Posture", "Support", "Comfort"),
         desc=("contoured seat cushion", "pressure-relieving seat cushion"),
         use=("hard office chairs", "long hours at the desk or in the car"),
         materials=("memory foam with a mesh cover",), base=("memory foam", "ergonomic"),
         extra={"removable cover": .8, "machine washable": .5}),
)


def hook_cushions(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    if "removable cover" not in feats:
        drop(feats, "machine washable")
    if "feather filled" in feats:
        drop(feats, "hollowfibre filled")
    elif "memory foam" not in feats and "hollowfibre filled" not in feats:
        feats.append("hollowfibre filled")  # every cushion has some filling; name it
    if c["material"] == "recycled polyester":
        feats.append("recycled materials")
    size = rng.choice(spec["sizes"])
    c["model"] = c["model"] if "models" in spec else rng.choice(CUSHION_PATTERNS)
    c["title"] = join_words(c["brand"], c["model"], CUSHION_MATERIAL_WORD[c["material"]],
                            spec["label"] + ",", f"{size} cm")
    c["name"] = join_words(c["brand"], c["model"], CUSHION_MATERIAL_WORD[c["material"]])
    c.update(size=size)
    c["for"] = gift(rng, 0.3)
    c["value"] = rng.uniform(*spec["price"]) + (4 if "feather filled" in feats else 0)


CUSHIONS = Category(
    slug="cushions", prefix="CUSH", count=40, brands=CUSHION_BRANDS, models=CUSHION_PATTERNS,
    kinds=CUSHION_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} design is {a_desc} in {material}, made for {use}.",
        "Made for {use}, the {name} is {a_desc} with a soft, inviting feel.",
    ),
    specs=(
        "It measures {size} cm.",
        "The finished size is {size} cm, a versatile fit for most seats.",
    ),
    closers=(
        "Mix it with plain and patterned cushions for a layered look.",
        "Also lovely for {use2}.",
        "Sold individually; order two for a matching pair.",
    ),
    palette=("grey", "beige", "white", "green", "olive", "navy", "pink", "yellow", "orange", "brown",
             "blue", "purple"),
    price_range=(9, 79), hook=hook_cushions,
    phrases={"lumbar support": ("lumbar support that fills the gap behind your lower back",),
             "feather filled": ("a plump feather filled inner",),
             "machine washable": ("a cover that is machine washable at 30 degrees",),
             "ergonomic": ("an ergonomic coccyx cut-out",)},
)


# --- desk_lamps ------------------------------------------------------------

LAMP_BRANDS = ("Luxfield", "Glowmere", "Deskhaven", "Brightwick", "Lumetra")
LAMP_MODELS = ("Arc", "Beam", "Halo", "Crane", "Lumo", "Studio", "Vesper", "Wick")

LAMP_KINDS = (
    kind("architect", "LED Architect Desk Lamp", (49, 179), weight=20,
         desc=("swing-arm architect lamp", "adjustable architect lamp"),
         use=("drawing, crafting and detailed work", "large desks in home studios"),
         materials=("aluminium", "steel"), base=("led", "dimmable"),
         extra={"clamp mount": .5, "adjustable colour temperature": .5, "flicker-free": .5, "memory function": .3}),
    kind("modern", "LED Desk Lamp", (39, 129), weight=24,
         desc=("minimalist LED desk lamp", "slim LED desk lamp"),
         use=("homework and home office desks", "late-night reading"),
         materials=("aluminium", "plastic", "oak wood"), base=("led",),
         extra={"dimmable": .8, "touch controls": .6, "usb charging port": .4, "wireless charging": .3,
                "adjustable colour temperature": .6, "flicker-free": .4}),
    kind("clamp", "Clip-On LED Clamp Lamp", (29, 89), weight=12,
         desc=("space-saving clamp lamp", "clip-on task lamp"),
         use=("small desks and shelves", "music stands and bedside headboards"),
         materials=("steel", "aluminium"), base=("led", "clamp mount"),
         extra={"dimmable": .6, "flicker-free": .4}),
    kind("cordless", "Cordless Rechargeable Table Lamp", (24, 79), weight=14,
         desc=("portable cordless lamp", "rechargeable table lamp"),
         use=("bedside tables and patios", "moving from desk to dinner table"),
         materials=("aluminium", "plastic", "brass-finished steel"), base=("led", "rechargeable"),
         extra={"dimmable": .8, "touch controls": .6, "usb-c": .6}),
    kind("bankers", "Banker's Desk Lamp", (39, 119), weight=10,
         desc=("classic banker's lamp", "traditional library lamp"),
         use=("studies and writing desks", "traditional home offices"),
         materials=("brass", "steel"), base=("led",), extra={"dimmable": .4},
         palette=("green", "gold", "black")),
    kind("monitor", "Monitor Light Bar", (29, 99), weight=10,
         desc=("monitor-mounted light bar", "screen light bar"),
         use=("gaming setups and tight desks", "video calls and evening coding sessions"),
         materials=("aluminium",), base=("led", "dimmable", "adjustable colour temperature"),
         extra={"usb-c": .6, "touch controls": .5, "flicker-free": .6}),
)


def hook_desk_lamps(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    c["title"] = join_words(c["brand"], c["model"], spec["label"])
    c.update(lumens=rng.choice((300, 400, 500, 650, 800)), watts=rng.choice((5, 7, 9, 12)),
             reach=rng.choice((35, 45, 60, 75)))
    c["for"] = gift(rng, 0.2)
    c["value"] = rng.uniform(*spec["price"]) + 5 * len(feats)


DESK_LAMPS = Category(
    slug="desk_lamps", prefix="LAMP", count=40, brands=LAMP_BRANDS, models=LAMP_MODELS, kinds=LAMP_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} in {material}, made for {use}.",
        "Made for {use}, the {name} is {a_desc} that puts light where you need it.",
    ),
    specs=(
        "It puts out up to {lumens} lumens while drawing just {watts} W from its LED source.",
        "Brightness tops out at {lumens} lumens from a {watts} W LED source.",
        "The head reaches {reach} cm and its LED source delivers up to {lumens} lumens.",
    ),
    closers=(
        "Also a good match for {use2}.",
        "A neat finishing touch for any home office.",
        "The LEDs are rated for 25,000 hours of use.",
    ),
    palette=("black", "white", "silver", "gold", "grey", "green"),
    price_range=(19, 249), hook=hook_desk_lamps,
    phrases={"wireless charging": ("a wireless charging pad in the base",),
             "usb-c": ("a USB-C charging cable",),
             "rechargeable": ("a rechargeable battery that lasts several evenings",)},
)


# --- water_bottles ---------------------------------------------------------

BOTTLE_BRANDS = ("Trailmark", "Hydrova", "Coldkeep", "Sipwell", "Northcairn")
BOTTLE_MODELS = ("Summit", "Stream", "Glacier", "Oasis", "Rill", "Tide", "Spring", "Canyon")

BOTTLE_KINDS = (
    kind("insulated", "Insulated Stainless Steel Water Bottle", (19, 49), weight=30, caps=(500, 750, 1000),
         grams=(300, 480),
         desc=("double-wall insulated bottle", "vacuum-insulated steel bottle"),
         use=("hot tea on winter hikes and iced water in summer", "commutes, offices and long days out"),
         materials=("stainless steel",), base=("insulated", "leakproof"),
         extra={"straw lid": .3, "carry loop": .5, "dishwasher safe": .3},
         specs=("It keeps drinks cold for {cold} hours or hot for {hot} hours, and holds {cap}.",
                "Drinks stay cold for {cold} hours and hot for {hot} hours in this {cap} bottle.")),
    kind("sport", "Sports Squeeze Bottle", (8, 19), weight=14, caps=(500, 750), grams=(70, 110),
         desc=("squeezable sports bottle", "lightweight cycling bottle"),
         use=("road rides and gym sessions", "team training and matches"),
         materials=("bpa-free plastic",), base=("bpa-free", "lightweight"),
         extra={"dishwasher safe": .6, "recycled materials": .2}),
    kind("clear", "Clear Water Bottle", (12, 29), weight=14, caps=(500, 750, 1000), grams=(110, 190),
         desc=("clear everyday water bottle", "lightweight hydration bottle"),
         use=("gym bags, desks and school runs", "tracking how much you drink"),
         materials=("bpa-free plastic", "recycled plastic"), base=("bpa-free", "leakproof"),
         extra={"dishwasher safe": .6, "carry loop": .5, "straw lid": .3}),
    kind("filter", "Filter Water Bottle", (24, 49), weight=10, caps=(600, 750, 1000), grams=(150, 240),
         brands=("Trailmark", "Hydrova", "Northcairn"),
         desc=("filtering water bottle", "travel filter bottle"),
         use=("refilling from streams on hikes", "travelling where tap water is questionable"),
         materials=("bpa-free plastic",), base=("filter", "bpa-free"), extra={"carry loop": .6}),
    kind("collapsible", "Collapsible Water Bottle", (14, 29), weight=8, caps=(500, 600, 750), grams=(60, 110),
         desc=("packable collapsible bottle", "roll-up travel bottle"),
         use=("flights and festival bags", "fastpacking and trail running"),
         materials=("silicone",), base=("collapsible", "leakproof", "lightweight"), extra={"carry loop": .5}),
    kind("kids", "Kids' Water Bottle", (12, 24), weight=12, caps=(350, 400, 500), grams=(90, 260),
         desc=("spill-proof kids' bottle", "small-hands water bottle"),
         use=("school lunchboxes and days out", "nursery and sports clubs"),
         materials=("stainless steel", "bpa-free plastic"), base=("straw lid", "leakproof"),
         extra={"insulated": .4, "dishwasher safe": .6},
         palette=("blue", "pink", "green", "yellow", "purple", "orange")),
    kind("glass", "Glass Water Bottle", (15, 35), weight=8, caps=(500, 750), grams=(340, 520),
         desc=("borosilicate glass bottle", "plastic-free glass bottle"),
         use=("desks, yoga classes and home", "fruit-infused water"),
         materials=("glass",), base=("dishwasher safe",), extra={"leakproof": .7, "carry loop": .3}),
)


def hook_water_bottles(rng: random.Random, c: dict) -> None:
    spec, feats = c["kind"], c["features"]
    if c["material"] == "recycled plastic":
        feats.append("recycled materials")
    ml = rng.choice(spec["caps"])
    cap_text = "1 L" if ml == 1000 else f"{ml} ml"
    c["title"] = join_words(c["brand"], c["model"], spec["label"] + ",", cap_text)
    c.update(cap=cap_text, cold=rng.choice((18, 24, 36)), hot=rng.choice((8, 12, 16)),
             grams=rng.randrange(spec["grams"][0], spec["grams"][1], 10))
    c["for"] = ["kids", "gift"] if spec["name"] == "kids" else ["unisex"] + gift(rng, 0.2)
    c["value"] = rng.uniform(*spec["price"]) + ml / 250


WATER_BOTTLES = Category(
    slug="water_bottles", prefix="BTL", count=42, brands=BOTTLE_BRANDS, models=BOTTLE_MODELS,
    kinds=BOTTLE_KINDS,
    openers=(
        "The {name} is {a_desc} for {use}.",
        "{brand}'s {model} is {a_desc} made for {use}.",
        "Made for {use}, the {name} is {a_desc} in {material}.",
    ),
    specs=(
        "It holds {cap} and weighs {grams} g empty.",
        "Capacity is {cap}, and it weighs just {grams} g.",
    ),
    closers=(
        "Also a handy companion for {use2}.",
        "The wide mouth makes it easy to add ice and to clean.",
        "A practical, reusable gift that cuts down on single-use plastic.",
    ),
    palette=("black", "white", "grey", "blue", "navy", "green", "olive", "red", "pink", "orange", "yellow",
             "purple", "silver"),
    price_range=(8, 49), hook=hook_water_bottles,
    phrases={"insulated": ("double-wall vacuum insulated steel",),
             "lightweight": ("a lightweight body",)},
)


# ===========================================================================
# Catalog order: core categories first (phone cases read the smartphone list).
# ===========================================================================

CATEGORIES = (
    RUNNING_SHOES, HIKING_BOOTS, LAPTOPS, HEADPHONES, SMARTPHONES, COFFEE_MACHINES, SOFAS,
    OFFICE_CHAIRS, TENTS, BACKPACKS,
    LAPTOP_BAGS, COMPUTER_MICE, SLEEPING_BAGS, COFFEE_BEANS, COFFEE_GRINDERS, SPORTS_SOCKS,
    PHONE_CASES, POWER_BANKS, CUSHIONS, DESK_LAMPS, WATER_BOTTLES,
)


def generate() -> list[dict]:
    rng = random.Random(SEED)
    state: dict = {}
    seen = {"titles": set(), "descriptions": set()}
    products = []
    for cat in CATEGORIES:
        for number in range(1, cat.count + 1):
            products.append(build_product(rng, cat, number, state, seen))
    return products


def main() -> None:
    products = generate()
    lines = [json.dumps(p, ensure_ascii=False) for p in products]
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(products)} products to {OUTPUT}")


if __name__ == "__main__":
    main()
