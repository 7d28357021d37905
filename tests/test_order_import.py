"""Order import: bad rows are reported by line and skipped, good rows all kept."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from actions.behaviour.order_import import add_products, import_orders
from actions.behaviour.orders import load_orders, parse_orders
from actions.profiles import ProfileStore

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "online_retail_france.csv"


def reasons(report):
    return dict(report.skipped)


def test_good_rows_load_with_types():
    report = parse_orders(HEADER + "536370,22728,ALARM CLOCK  PINK ,24,12/1/2010 8:45,3.75,12583,France\n")
    assert report.skipped == []
    line = report.lines[0]
    assert (line.line, line.invoice, line.stock_code, line.description) == (2, "536370", "22728", "ALARM CLOCK PINK")
    assert (line.quantity, line.unit_price, line.customer_id) == (24, 3.75, "12583")
    assert line.ordered_at == datetime(2010, 12, 1, 8, 45)


def test_missing_columns_are_reported_on_the_header_line():
    report = parse_orders("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,Country\n1,2,x,1,12/1/2010 8:45,FR\n")
    assert report.lines == []
    assert report.skipped == [(1, "missing column: UnitPrice, CustomerID")]


def test_bad_rows_are_skipped_by_line_and_good_rows_kept():
    rows = [
        "536370,22728,GOOD ONE,24,12/1/2010 8:45,3.75,12583,France",       # line 2 good
        "536370,22727,BAD DATE,24,31/31/2010 8:45,3.75,12583,France",      # 3
        "536371,22726,NEGATIVE,-5,12/1/2010 8:45,3.75,12583,France",       # 4
        "536372,22725,NO CUSTOMER,2,12/1/2010 8:45,3.75,,France",          # 5
        "536372,22724,UNKNOWN CUSTOMER,2,12/1/2010 8:45,3.75,unknown,France",  # 6
        "536373,22723,WORDS FOR PRICE,2,12/1/2010 8:45,cheap,12583,France",    # 7
        "536373,22722,NEGATIVE PRICE,2,12/1/2010 8:45,-1.5,12583,France",      # 8
        "536373,POST,POSTAGE,1,12/1/2010 8:45,18,12583,France",                # 9
        "536373,22721,HALF,1.5,12/1/2010 8:45,1,12583,France",                 # 10
        "536373,22720,ZERO,0,12/1/2010 8:45,1,12583,France",                   # 11
        "536373,22719,EXTRA,1,12/1/2010 8:45,1,12583,France,oops",             # 12
        "C536374,22728,CANCELLED,-3,12/2/2010 9:00,3.75,12583,France",        # 13 good (cancellation)
        "C536374,22728,POSITIVE CANCEL,3,12/2/2010 9:00,3.75,12583,France",   # 14
        ",22718,NO INVOICE,1,12/1/2010 8:45,1,12583,France",                   # 15
        "536375,22717,GOOD TWO,1,2010-12-03 10:00:00,0,12584.0,France",        # 16 good: ISO date, float id, free item
    ]
    report = parse_orders(HEADER + "\n".join(rows) + "\n")
    assert [line.line for line in report.lines] == [2, 13, 16]
    why = reasons(report)
    assert why[3] == "bad InvoiceDate: '31/31/2010 8:45'"
    assert why[4].startswith("negative Quantity on an order")
    assert why[5] == why[6] == "missing CustomerID"
    assert why[7] == "bad UnitPrice: 'cheap' is not a number"
    assert why[8] == "bad UnitPrice: '-1.5' is negative"
    assert why[9] == "not a product: stock code POST"
    assert why[10] == "bad Quantity: '1.5' is not a whole number"
    assert why[11] == "bad Quantity: zero"
    assert why[12].startswith("too many values")
    assert why[14].startswith("positive Quantity on a cancellation")
    assert why[15] == "missing value: InvoiceNo"
    assert report.lines[1].is_cancellation and report.lines[1].quantity == -3
    assert report.lines[2].customer_id == "12584"
    summary = report.summary()
    assert "loaded 3 order lines (1 cancellation lines), skipped 12 rows" in summary
    assert "line 3: bad InvoiceDate" in summary


def test_import_into_store_is_idempotent_and_nets_cancellations(tmp_path):
    rows = ["536370,22728,ALARM CLOCK,24,12/1/2010 8:45,3.75,12583,France",
            "536370,22727,CLOCK RED,2,12/1/2010 8:45,3.75,12583,France",
            "C536374,22728,ALARM CLOCK,-4,12/2/2010 9:00,3.75,12583,France",
            "536380,22727,CLOCK RED,1,12/3/2010 9:00,3.75,99999,France"]
    report = parse_orders(HEADER + "\n".join(rows) + "\n")
    store = ProfileStore(f"sqlite:///{tmp_path}/p.db")
    try:
        text = import_orders(store, report)
        assert "stored 4 order lines: 3 invoices, 2 customers" in text
        import_orders(store, report)   # again: replaced, not doubled
        lines = store.order_lines("12583")
        assert len(lines) == 3
        assert sum(l.quantity for l in lines if l.stock_code == "22728") == 20
        assert store.exists("99999")
        assert store.erase("12583")
        assert store.order_lines("12583") == [] and len(store.order_lines()) == 1
    finally:
        store.dispose()


def test_add_products_writes_valid_catalog_rows_and_keeps_existing(tmp_path):
    rows = ["536370,22728,ALARM CLOCK PINK,24,12/1/2010 8:45,3.75,12583,France",
            "536371,22728,ALARM CLOCK PINK,1,12/5/2010 8:45,3.95,12583,France",
            "536371,22729,,1,12/5/2010 8:45,1,12583,France"]
    report = parse_orders(HEADER + "\n".join(rows) + "\n")
    out = tmp_path / "catalog.jsonl"
    # (a catalog is priced in one currency: the shop's own product is in GBP too)
    out.write_text(json.dumps({"id": "OWN-1", "title": "Own", "description": "d", "category": "x",
                               "brand": "b", "price": 1, "currency": "GBP"}) + "\n")
    added = add_products(report.lines, out, {"catalog_category": "homeware", "catalog_brand": "Shop",
                                             "catalog_currency": "GBP"})
    assert (added.added, added.kept) == (1, 1)
    assert added.skipped == [("22729", "no description in any order line")]
    products = {p["id"]: p for p in map(json.loads, out.read_text().splitlines())}
    assert products["22728"]["price"] == 3.95 and products["22728"]["title"] == "Alarm Clock Pink"
    assert products["22728"]["currency"] == "GBP" and "OWN-1" in products
    assert add_products(report.lines, out, {}).added == 0


def test_shared_file_loads_with_sensible_counts():
    report = load_orders(SHARED)
    assert len(report.lines) == 8168
    assert report.cancellations == 134
    assert report.skipped_by_reason() == {"missing CustomerID": 66, "not a product": 323}
    assert len(report.lines) + len(report.skipped) == 8557
    assert len({l.customer_id for l in report.lines}) == 87


def test_cli_imports_and_reports(tmp_path):
    import os
    import subprocess
    import sys

    path = tmp_path / "orders.csv"
    path.write_text("\ufeff" + HEADER + "536370,22728,ALARM CLOCK,24,12/1/2010 8:45,3.75,12583,France\n"
                    "536370,22727,BAD,x,12/1/2010 8:45,3.75,12583,France\n", encoding="utf-8")
    env = dict(os.environ, PROFILE_DB_URL=f"sqlite:///{tmp_path}/p.db", SHOP_VAR_DIR=str(tmp_path))
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "bot", "import-orders", str(path), "--add-products",
                           str(tmp_path / "c.jsonl")], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "loaded 1 order lines" in done.stdout and "line 3: bad Quantity" in done.stdout
    assert "added 1 products" in done.stdout
    assert "customer types: disengaged 1" in done.stdout           # one old order: kept for the console
    store = ProfileStore(env["PROFILE_DB_URL"])
    assert store.customer_types() == {"12583": "disengaged"}
    store.dispose()
    missing = subprocess.run([sys.executable, "-m", "bot", "import-orders", str(tmp_path / "none.csv")],
                             cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "error" in missing.stderr
