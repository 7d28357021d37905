"""Product catalog: the schema, and import from JSON Lines or CSV.

A shop loads its own catalog with `python -m embeddings.catalog FILE`; every bad
row is reported with its line number and reason, then skipped.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

AVAILABILITY = ("in_stock", "low_stock", "out_of_stock")
REQUIRED = ("id", "title", "description", "category", "brand", "price", "currency")
LIST_FIELDS = ("colours", "sizes", "features", "for")
MAX_TEXT = 5000


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    description: str
    category: str
    brand: str
    price: float
    currency: str
    colours: Tuple[str, ...] = ()
    sizes: Tuple[str, ...] = ()
    material: Optional[str] = None
    rating: Optional[float] = None
    availability: str = "in_stock"
    url: str = ""
    image_url: str = ""
    features: Tuple[str, ...] = ()
    suits: Tuple[str, ...] = field(default=())  # "for" in files: men, women, kids, gift

    @property
    def in_stock(self) -> bool:
        return self.availability != "out_of_stock"

    def embedding_text(self) -> str:
        """What the encoder sees: everything a customer might describe."""
        parts = [part for part in (self.title, self.category.replace("_", " "), self.brand, self.description) if part]
        if self.colours:
            parts.append("colours: " + ", ".join(self.colours))
        if self.material:
            parts.append("material: " + self.material)
        if self.features:
            parts.append("features: " + ", ".join(self.features))
        if self.suits:
            parts.append("for: " + ", ".join(self.suits))
        return ". ".join(parts)

    def to_dict(self) -> Dict[str, Any]:
        data = asdict(self)
        data["for"] = list(data.pop("suits"))
        for key in ("colours", "sizes", "features"):
            data[key] = list(data[key])
        return data


class RowError(ValueError):
    """A catalog row that cannot be imported, with a reason a person can act on."""


@dataclass
class ImportReport:
    products: List[Product]
    errors: List[Tuple[int, str]]

    @property
    def loaded(self) -> int:
        return len(self.products)

    def summary(self) -> str:
        lines = [f"loaded {self.loaded} products, skipped {len(self.errors)} rows"]
        lines += [f"  line {line}: {reason}" for line, reason in self.errors]
        return "\n".join(lines)


def _text(row: Dict[str, Any], key: str, required: bool = True) -> str:
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RowError(f"missing '{key}'")
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise RowError(f"'{key}' must be text")
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise RowError(f"'{key}' is longer than {MAX_TEXT} characters")
    return text


def _number(row: Dict[str, Any], key: str, required: bool) -> Optional[float]:
    value = row.get(key)
    if value is None or value == "":
        if required:
            raise RowError(f"missing '{key}'")
        return None
    if isinstance(value, bool):
        raise RowError(f"'{key}' must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RowError(f"'{key}' must be a number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise RowError(f"'{key}' must be a finite number")
    return number


def _list(row: Dict[str, Any], key: str) -> Tuple[str, ...]:
    value = row.get(key)
    if value is None or value == "":
        return ()
    if isinstance(value, str):  # CSV: "black|blue" (commas also accepted)
        separator = "|" if "|" in value else ","
        items = value.split(separator)
    elif isinstance(value, list):
        items = value
    else:
        raise RowError(f"'{key}' must be a list")
    cleaned = []
    for item in items:
        if not isinstance(item, (str, int, float)) or isinstance(item, bool):
            raise RowError(f"'{key}' must hold text values")
        text = str(item).strip()
        if text:
            cleaned.append(text.lower() if key != "sizes" else text)
    return tuple(cleaned)


def product_from_row(row: Dict[str, Any]) -> Product:
    """Validate one raw row (from JSON or CSV) into a Product."""
    if not isinstance(row, dict):
        raise RowError("row is not an object")
    price = _number(row, "price", required=True)
    if price < 0:
        raise RowError(f"'price' must not be negative, got {price}")
    rating = _number(row, "rating", required=False)
    if rating is not None and not 0 <= rating <= 5:
        raise RowError(f"'rating' must be between 0 and 5, got {rating}")
    availability = _text(row, "availability", required=False).lower() or "in_stock"
    if availability not in AVAILABILITY:
        raise RowError(f"'availability' must be one of {', '.join(AVAILABILITY)}, got {availability!r}")
    currency = _text(row, "currency").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise RowError(f"'currency' must be a 3-letter code, got {currency!r}")
    category = _text(row, "category").lower().replace(" ", "_")
    return Product(
        id=_text(row, "id"),
        title=_text(row, "title"),
        description=_text(row, "description"),
        category=category,
        brand=_text(row, "brand"),
        price=round(price, 2),
        currency=currency,
        colours=_list(row, "colours"),
        sizes=_list(row, "sizes"),
        material=_text(row, "material", required=False) or None,
        rating=rating,
        availability=availability,
        url=_text(row, "url", required=False),
        image_url=_text(row, "image_url", required=False),
        features=_list(row, "features"),
        suits=_list(row, "for"),
    )


def _jsonl_rows(text: str) -> Iterator[Tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowError(f"invalid JSON ({exc.msg})")


def _csv_rows(text: str) -> Iterator[Tuple[int, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [key for key in REQUIRED if key not in (reader.fieldnames or [])]
    if missing:
        yield 1, RowError(f"header lacks column(s): {', '.join(missing)}")
        return
    for row in reader:
        # reader.line_num is the physical line where the row ended
        if None in row:
            yield reader.line_num, RowError("more values than header columns")
            continue
        yield reader.line_num, row


def parse_catalog(text: str, fmt: str) -> ImportReport:
    rows = _jsonl_rows(text) if fmt == "jsonl" else _csv_rows(text)
    products: List[Product] = []
    errors: List[Tuple[int, str]] = []
    seen: Dict[str, int] = {}
    for line, row in rows:
        try:
            if isinstance(row, RowError):
                raise row
            product = product_from_row(row)
            if product.id in seen:
                raise RowError(f"duplicate id {product.id!r} (first on line {seen[product.id]})")
        except RowError as exc:
            errors.append((line, str(exc)))
            continue
        seen[product.id] = line
        products.append(product)
    return ImportReport(products, errors)


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise ValueError(f"unsupported catalog format {suffix!r}: use .jsonl or .csv")


def load_catalog(path: Path | str) -> ImportReport:
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    return parse_catalog(text, detect_format(path))


def catalog_fingerprint(products: Iterable[Product]) -> str:
    digest = hashlib.sha256()
    for product in products:
        digest.update(json.dumps(product.to_dict(), sort_keys=True).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def write_jsonl(products: Iterable[Product], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for product in products:
            handle.write(json.dumps(product.to_dict(), ensure_ascii=False) + "\n")


def main(argv: List[str]) -> int:
    """Validate a catalog file; with --out, write the clean rows as JSON Lines."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m embeddings.catalog")
    parser.add_argument("file", help="catalog in .jsonl or .csv")
    parser.add_argument("--out", help="write the valid products here as JSON Lines")
    args = parser.parse_args(argv)
    try:
        report = load_catalog(args.file)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    if args.out:
        write_jsonl(report.products, Path(args.out))
        print(f"wrote {args.out}")
    return 0 if report.loaded else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
