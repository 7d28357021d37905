"""Order lines from a CSV in the Online Retail format, validated row by row.

Columns: InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice,
CustomerID, Country. Every bad row is reported with its line number and reason
and skipped; good rows are never dropped because of a bad neighbour.

Cancellations (invoice starting with "C", negative quantity) are kept as
negative lines: they are subtracted from what the customer bought and are never
treated as a basket. A negative quantity on an ordinary invoice, or a positive
one on a cancellation, is inconsistent and skipped.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from actions.behaviour.config import behaviour_config

COLUMNS = ("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
           "CustomerID", "Country")
REQUIRED = ("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID")
MAX_FIELD = 500


class OrderRowError(ValueError):
    """A row that cannot be imported, with a reason a person can act on."""


@dataclass(frozen=True)
class OrderLine:
    line: int
    invoice: str
    stock_code: str
    description: str
    quantity: int
    unit_price: float
    ordered_at: datetime
    customer_id: str
    country: str = ""

    @property
    def is_cancellation(self) -> bool:
        return self.quantity < 0


@dataclass
class OrderReport:
    lines: List[OrderLine]
    skipped: List[Tuple[int, str]] = field(default_factory=list)

    @property
    def cancellations(self) -> int:
        return sum(1 for line in self.lines if line.is_cancellation)

    def skipped_by_reason(self) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        for _, reason in self.skipped:
            kind = reason.split(":")[0].split(" (")[0]
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def summary(self, limit: int = 20) -> str:
        out = [f"loaded {len(self.lines)} order lines ({self.cancellations} cancellation lines), "
               f"skipped {len(self.skipped)} rows"]
        out += [f"  {count} x {kind}" for kind, count in sorted(self.skipped_by_reason().items())]
        out += [f"  line {line}: {reason}" for line, reason in self.skipped[:limit]]
        if len(self.skipped) > limit:
            out.append(f"  ... {len(self.skipped) - limit} more")
        return "\n".join(out)


@dataclass(frozen=True)
class OrderRules:
    non_product_codes: frozenset
    missing_customer_values: frozenset
    date_formats: Tuple[str, ...]

    @classmethod
    def from_config(cls, config: Optional[Dict[str, Any]] = None) -> "OrderRules":
        orders = (config or behaviour_config()).get("orders", {})
        return cls(
            non_product_codes=frozenset(str(c).upper() for c in orders.get("non_product_codes", [])),
            missing_customer_values=frozenset(str(v).lower() for v in orders.get("missing_customer_values", [""])),
            date_formats=tuple(orders.get("date_formats", ["%m/%d/%Y %H:%M"])),
        )


def _field(row: Dict[str, Any], key: str) -> str:
    value = (row.get(key) or "").strip()
    if len(value) > MAX_FIELD:
        raise OrderRowError(f"{key} too long: longer than {MAX_FIELD} characters")
    return value


def _date(raw: str, formats: Sequence[str]) -> datetime:
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    raise OrderRowError(f"bad InvoiceDate: {raw!r}")


def _quantity(raw: str) -> int:
    try:
        number = float(raw)
    except ValueError:
        raise OrderRowError(f"bad Quantity: {raw!r} is not a number") from None
    if number != int(number):
        raise OrderRowError(f"bad Quantity: {raw!r} is not a whole number")
    return int(number)


def _price(raw: str) -> float:
    try:
        price = float(raw)
    except ValueError:
        raise OrderRowError(f"bad UnitPrice: {raw!r} is not a number") from None
    if price != price or price in (float("inf"), float("-inf")):
        raise OrderRowError(f"bad UnitPrice: {raw!r} is not finite")
    if price < 0:
        raise OrderRowError(f"bad UnitPrice: {raw!r} is negative")
    return round(price, 4)


def _customer(raw: str, rules: OrderRules) -> str:
    if raw.lower() in rules.missing_customer_values:
        raise OrderRowError("missing CustomerID")
    if raw.endswith(".0") and raw[:-2].isdigit():   # spreadsheets turn 12583 into 12583.0
        raw = raw[:-2]
    return raw


def order_line_from_row(line: int, row: Dict[str, Any], rules: OrderRules) -> Optional[OrderLine]:
    """One validated line; raises OrderRowError for a bad row."""
    missing = [key for key in REQUIRED if key != "CustomerID" and not (row.get(key) or "").strip()]
    if missing:
        raise OrderRowError(f"missing value: {', '.join(missing)}")
    invoice = _field(row, "InvoiceNo").upper()
    code = _field(row, "StockCode").upper()
    if code in rules.non_product_codes:
        raise OrderRowError(f"not a product: stock code {code}")
    quantity = _quantity(_field(row, "Quantity"))
    if quantity == 0:
        raise OrderRowError("bad Quantity: zero")
    cancelled = invoice.startswith("C")
    if quantity < 0 and not cancelled:
        raise OrderRowError(f"negative Quantity on an order: {quantity} on invoice {invoice}")
    if quantity > 0 and cancelled:
        raise OrderRowError(f"positive Quantity on a cancellation: {quantity} on invoice {invoice}")
    return OrderLine(
        line=line, invoice=invoice, stock_code=code, description=" ".join(_field(row, "Description").split()),
        quantity=quantity, unit_price=_price(_field(row, "UnitPrice")),
        ordered_at=_date(_field(row, "InvoiceDate"), rules.date_formats),
        customer_id=_customer(_field(row, "CustomerID"), rules), country=_field(row, "Country"),
    )


def parse_orders(text: str, rules: Optional[OrderRules] = None) -> OrderReport:
    rules = rules or OrderRules.from_config()
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    absent = [column for column in REQUIRED if column not in header]
    if absent:
        return OrderReport([], [(1, f"missing column: {', '.join(absent)}")])
    report = OrderReport([])
    for row in reader:
        line = reader.line_num   # physical line where the row ended
        try:
            if None in row:
                raise OrderRowError("too many values: more values than header columns")
            report.lines.append(order_line_from_row(line, row, rules))
        except OrderRowError as exc:
            report.skipped.append((line, str(exc)))
    return report


def load_orders(path: Path | str, rules: Optional[OrderRules] = None) -> OrderReport:
    """Read a UTF-8 order file (a byte-order mark is fine)."""
    text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    return parse_orders(text, rules)


def baskets(lines: Iterable[OrderLine]) -> Dict[str, List[OrderLine]]:
    """Ordinary invoices by number, in file order (cancellations are not baskets)."""
    grouped: Dict[str, List[OrderLine]] = {}
    for line in lines:
        if not line.is_cancellation:
            grouped.setdefault(line.invoice, []).append(line)
    return grouped
