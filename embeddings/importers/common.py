"""What every importer shares: errors, the import report, reading text safely,
prices, category paths and audiences."""
from __future__ import annotations

import codecs
import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from embeddings.products import AUDIENCES, Product

MAX_TEXT = 5000
# Prices at or above this look like a placeholder ("100000") rather than a real price.
PLACEHOLDER_PRICE = 100_000
# Variants with at most this many units left count as "low stock".
LOW_STOCK_UNITS = 3


class CatalogError(ValueError):
    """The whole file is refused (nothing is loaded), with a reason a shop owner can act on."""


class RowError(ValueError):
    """One product (or row) cannot be imported; it is skipped and reported."""


@dataclass
class ImportReport:
    source: str
    format: str
    products: List[Product] = field(default_factory=list)
    errors: List[Tuple[int, str]] = field(default_factory=list)   # (line or item number, reason)
    unit: str = "line"                                            # what the numbers count
    left_out: Counter = field(default_factory=Counter)            # draft / archived / unpublished
    warnings: List[str] = field(default_factory=list)
    currency: Optional[str] = None

    @property
    def loaded(self) -> int:
        return len(self.products)

    @property
    def variants(self) -> int:
        return sum(len(p.variants) for p in self.products)

    def skip(self, where: int, reason: str) -> None:
        self.errors.append((where, reason))

    def summary(self) -> str:
        lines = [f"loaded {self.loaded} products, skipped {len(self.errors)} rows"
                 + (f" ({self.variants} variants, {self.format}, prices in {self.currency})"
                    if self.products else f" ({self.format})")]
        if self.left_out:
            lines.append("  left out: " + ", ".join(f"{n} {why}" for why, n in sorted(self.left_out.items())))
        lines += [f"  {self.unit} {where}: {reason}" for where, reason in self.errors]
        lines += [f"  warning: {text}" for text in self.warnings]
        return "\n".join(lines)


# -- reading ----------------------------------------------------------------
def text_lines(path: Path) -> Iterator[str]:
    """The file's lines as text, streamed; refuses anything that is not UTF-8
    (with or without a byte-order mark) and says where it went wrong."""
    with open(path, "rb") as handle:
        first = True
        for number, raw in enumerate(handle, start=1):
            if first:
                first = False
                if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    raise CatalogError("the file is UTF-16 text; save it as UTF-8 and import it again")
                if raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CatalogError(
                    f"line {number} is not UTF-8 text (byte 0x{raw[exc.start]:02x}); the file looks like "
                    "Latin-1 / Windows-1252: save it as UTF-8 and import it again") from None


def check_not_empty(path: Path) -> None:
    path = Path(path)
    if not path.exists():
        raise CatalogError(f"no such file: {path}")
    if path.stat().st_size == 0:
        raise CatalogError("the file is empty")
    with open(path, "rb") as handle:
        if not handle.read(4096).strip(codecs.BOM_UTF8 + b" \t\r\n"):
            raise CatalogError("the file is empty (only blank lines)")


# -- values -----------------------------------------------------------------
_PRICE = re.compile(r"^(?P<cur1>[A-Z]{3})?\s*[$€£]?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,4})?)"
                    r"\s*(?P<cur2>[A-Z]{3})?$")


def parse_price(raw: object, what: str = "price") -> Tuple[float, Optional[str]]:
    """'28.00', '28.00 USD', '1,299.00' -> (amount, currency or None). A decimal
    comma ('1.299,00'), words ('N/A', 'call us') and negative amounts are refused."""
    if isinstance(raw, bool):
        raise RowError(f"'{what}' must be a number, got {raw!r}")
    if isinstance(raw, (int, float)):
        amount = float(raw)
        currency = None
    else:
        text = str(raw or "").strip()
        if not text:
            raise RowError(f"missing '{what}'")
        match = _PRICE.match(text.upper())
        if match is None:
            if re.fullmatch(r"[^\d]*\d{1,3}(\.\d{3})*,\d{1,2}[^\d]*", text):
                raise RowError(f"'{what}' {text!r} uses a decimal comma; write it as {_decimal_point(text)}")
            if text.startswith("-"):
                raise RowError(f"'{what}' must not be negative, got {text!r}")
            raise RowError(f"'{what}' must be a number, got {text!r}")
        if match.group("cur1") and match.group("cur2"):
            raise RowError(f"'{what}' {text!r} names two currencies")
        amount = float(match.group("num").replace(",", ""))
        currency = match.group("cur1") or match.group("cur2")
    if amount != amount or amount in (float("inf"), float("-inf")):
        raise RowError(f"'{what}' must be a finite number")
    if amount < 0:
        raise RowError(f"'{what}' must not be negative, got {amount}")
    return round(amount, 2), currency


def _decimal_point(text: str) -> str:
    digits = re.sub(r"[^\d,]", "", text)
    return digits.replace(",", ".")


def clean_text(value: object, what: str, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise RowError(f"'{what}' must be text")
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0]
    return text


def split_path(raw: str, separators: Sequence[str] = (">", " / ")) -> Tuple[str, ...]:
    """'Apparel > Hoodies' -> ('Apparel', 'Hoodies')."""
    parts = [raw]
    for separator in separators:
        parts = [piece for part in parts for piece in part.split(separator)]
    return tuple(p.strip() for p in parts if p.strip())


# Words in a feed's gender / age fields, a category path or a title that say who a product is for.
_AUDIENCE_WORDS = {
    "women": "women", "woman": "women", "womens": "women", "female": "women", "ladies": "women",
    "lady": "women", "girls": "kids", "girl": "kids", "men": "men", "man": "men", "mens": "men",
    "male": "men", "boys": "kids", "boy": "kids", "kids": "kids", "kid": "kids", "children": "kids",
    "childrens": "kids", "child": "kids", "youth": "kids", "toddler": "kids", "toddlers": "kids",
    "infant": "kids", "infants": "kids", "baby": "kids", "babies": "kids", "newborn": "kids",
    "junior": "kids", "unisex": "unisex",
}


def audience_words(text: str) -> List[str]:
    words = re.findall(r"[a-z]+", text.lower().replace("'s", "s").replace("’s", "s"))
    found = [_AUDIENCE_WORDS[w] for w in words if w in _AUDIENCE_WORDS]
    return list(dict.fromkeys(found))


def audience_of(fields: Iterable[str], fallback_texts: Iterable[str] = ()) -> Tuple[str, ...]:
    """From explicit fields first (gender, age group); the path or title only when they say nothing."""
    found: List[str] = []
    for text in fields:
        found += audience_words(text or "")
    if "kids" in found:
        # An age group of kids wins over the gender: "girls" is kids, not women.
        found = ["kids"]
    if not found:
        for text in fallback_texts:
            found += audience_words(text or "")
            if found:
                break
    ordered = [a for a in AUDIENCES if a in found]
    return tuple(ordered)


def title_type(title: str) -> Tuple[str, ...]:
    """A category for a product whose file names none: the product type a title
    ends with ("... Unisex Heavy Blend Crewneck Sweatshirt in 14 Colors" -> Sweatshirt)."""
    head = re.split(r"\s[|(\[]\s?|\s[-–—]\s", title)[0]
    head = re.sub(r"(?<=\w)\s+(?:in|with|for)\s.*$", "", head, flags=re.I).strip()
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", head) or re.findall(r"[A-Za-z][A-Za-z'-]*", title)
    if not words:
        return ("Other",)
    word = words[-1]
    if len(word) > 3 and word.lower().endswith("s") and not word.lower().endswith("ss"):
        word = word[:-1]
    return (word.capitalize(),)


# -- finishing --------------------------------------------------------------
def settle_currency(found: Dict[str, str], shop_currency: Optional[str]) -> str:
    """One currency for the whole catalog: the file's own, else the shop's setting.
    `found` maps each currency seen in the file to where it was first seen ("item 3")."""
    shop = (shop_currency or "").strip().upper() or None
    if shop is not None and not re.fullmatch(r"[A-Z]{3}", shop):
        raise CatalogError(f"SHOP_CURRENCY must be a 3-letter code such as USD or EUR, got {shop_currency!r}")
    if len(found) > 1:
        listed = ", ".join(f"{cur} (first on {where})" for cur, where in found.items())
        raise CatalogError(f"the file mixes currencies: {listed}; a catalog must be priced in one currency")
    if found:
        currency = next(iter(found))
        if shop is not None and shop != currency:
            raise CatalogError(f"the file is priced in {currency} but SHOP_CURRENCY is {shop}; "
                               "set SHOP_CURRENCY to the file's currency (or leave it empty)")
        return currency
    if shop is None:
        raise CatalogError("the file carries no currency: set SHOP_CURRENCY (for example SHOP_CURRENCY=USD)")
    return shop


def add_warnings(report: ImportReport) -> None:
    """What a shop owner should look at, without refusing the file."""
    placeholder = [p.id for p in report.products if any(v.price >= PLACEHOLDER_PRICE for v in p.variants)]
    free = [p.id for p in report.products if any(v.price == 0 for v in p.variants)]
    no_image = [p.id for p in report.products if not p.image_url and not any(v.image_url for v in p.variants)]
    for ids, what in ((placeholder, f"a price of {PLACEHOLDER_PRICE:,} or more (a placeholder?)"),
                      (free, "a price of 0"), (no_image, "no image")):
        if ids:
            example = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
            report.warnings.append(f"{len(ids)} product(s) with {what}: {example}")
    if report.products and not any(p.in_stock for p in report.products):
        report.warnings.append("no product is in stock")


def checked_header(reader, column: Callable[[str], str], required: Sequence[str], lacking: str) -> List[str]:
    """The header row of a delimited file, refusing the file when it is empty,
    malformed, or lacks a required column (`lacking` starts that message)."""
    try:
        header = [column(h) for h in next(reader)]
    except StopIteration:
        raise CatalogError("the file is empty") from None
    except csv.Error as exc:
        raise CatalogError(f"line 1: malformed header ({exc})") from None
    missing = [r for r in required if r not in header]
    if missing:
        raise CatalogError(f"{lacking} {', '.join(missing)}")
    return header


def delimited_records(lines: Iterable[str], delimiter: str, column: Callable[[str], str],
                      required: Sequence[str], kind: str) -> Iterator[Tuple[int, Dict[str, str]]]:
    """The rows of a shop's delimited export as {column: value}, each with the line it
    starts on (a quoted value may span lines). A damaged file is refused whole: a cut-off
    row means the export was truncated, and nothing may load half-way."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header = checked_header(reader, column, required, f"not {kind}: header lacks")
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CatalogError(f"line {start}: malformed row ({exc}); the file looks truncated or damaged") from None
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise CatalogError(f"line {start}: {len(values)} values for {len(header)} columns; "
                               "the file looks truncated or damaged")
        yield start, dict(zip(header, values))
