"""Catalog import per format, on the shared real shop files: the counts each
file truly holds are computed here from the raw file (plain csv / ElementTree),
then compared with what the importer loaded. Every bad-file case is refused with
a clear error (nothing loaded) or skipped and reported with its line / item."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from embeddings.catalog import CatalogError, catalog_for_start, detect_format, load_catalog, main as catalog_cli

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".." / "shared" / "data"
SHOPIFY_FILES = ["shopify_export_lifemademagic.csv", "shopify_export_ishalife.csv"]
G = "{http://base.google.com/ns/1.0}"


def raw_shopify(name):
    """Per handle: its rows, in file order, straight from the csv module."""
    with open(DATA / name, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    handles = defaultdict(list)
    for row in rows:
        handles[row["Handle"]].append(row)
    return handles


def offered(first):
    return first.get("Status", "active") == "active" and first["Published"].lower() != "false"


@pytest.mark.parametrize("name", SHOPIFY_FILES)
def test_shopify_export_counts(name):
    handles = raw_shopify(name)
    kept = {h: rows for h, rows in handles.items() if offered(rows[0])}
    variants = sum(1 for rows in kept.values() for r in rows if r["Variant Price"].strip())
    statuses = Counter(rows[0].get("Status", "active") for rows in handles.values())
    unpublished = sum(1 for rows in handles.values()
                      if rows[0].get("Status", "active") == "active" and rows[0]["Published"].lower() == "false")

    report = load_catalog(DATA / name, "USD")
    assert report.format == "shopify" and detect_format(DATA / name) == "shopify"
    assert report.loaded == len(kept)
    assert {p.id for p in report.products} == set(kept)
    assert report.variants == variants
    assert report.left_out.get("draft", 0) == statuses.get("draft", 0)
    assert report.left_out.get("archived", 0) == statuses.get("archived", 0)
    assert report.left_out.get("unpublished", 0) == unpublished
    assert report.errors == []
    assert all(p.currency == "USD" for p in report.products)


@pytest.mark.parametrize("name", SHOPIFY_FILES)
def test_shopify_variants_stock_sale_and_options(name):
    handles = raw_shopify(name)
    report = load_catalog(DATA / name, "USD")
    by_id = {p.id: p for p in report.products}
    for handle, product in by_id.items():
        rows = [r for r in handles[handle] if r["Variant Price"].strip()]
        assert [v.price for v in product.variants] == [float(r["Variant Price"]) for r in rows]
        out = [r["Variant Inventory Tracker"] == "shopify" and r["Variant Inventory Policy"] == "deny"
               and int(r["Variant Inventory Qty"] or 0) <= 0 for r in rows]
        assert [not v.in_stock for v in product.variants] == out
        sale = [bool(r["Variant Compare At Price"]) and float(r["Variant Compare At Price"]) > float(r["Variant Price"])
                for r in rows]
        assert [v.on_sale for v in product.variants] == sale
        first = handles[handle][0]
        for number in (1, 2, 3):
            option = first.get(f"Option{number} Name", "").lower()
            if "colo" in option:
                assert [v.colour for v in product.variants] == [r[f"Option{number} Value"] or None for r in rows]
        assert "<" not in product.description and "<" not in product.title
        assert product.category_path, "every product gets a category"
    assert len({v.id for p in report.products for v in p.variants}) == report.variants


def test_merchant_xml_counts_and_fields():
    items = ET.parse(DATA / "google_merchant_hardlife.xml").getroot().findall("./channel/item")
    groups = {(i.findtext(G + "item_group_id") or i.findtext(G + "id")) for i in items}
    report = load_catalog(DATA / "google_merchant_hardlife.xml")
    assert report.format == "merchant_xml"
    assert report.loaded == len(groups) and report.variants == len(items)
    assert report.currency == "USD" and report.errors == []
    raw = {i.findtext(G + "id"): i for i in items}
    for product in report.products:
        for variant in product.variants:
            item = raw[variant.id]
            assert variant.price == float(item.findtext(G + "price").split()[0])
            assert variant.colour == item.findtext(G + "color") and variant.size == item.findtext(G + "size")
        first = raw[product.variants[0].id]
        assert product.category_path == tuple(s.strip() for s in first.findtext(G + "product_type").split(">"))
        assert product.google_category == first.findtext(G + "google_product_category")
        assert product.audience == ("unisex",) if first.findtext(G + "gender") == "unisex" else True


def test_merchant_tsv_counts_and_audience():
    with open(DATA / "google_merchant_lakeerie.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    groups = {r["item_group_id"] or r["id"] for r in rows}
    report = load_catalog(DATA / "google_merchant_lakeerie.tsv")
    assert report.format == "merchant_tsv"
    assert report.loaded == len(groups) and report.variants == len(rows)
    assert report.currency == "USD"
    women = {r["item_group_id"] or r["id"] for r in rows if r["gender"] == "female"}
    assert {p.id for p in report.products if "women" in p.audience} == women


# -- bad files ----------------------------------------------------------------
def shopify_head(lines: int) -> str:
    """The header and first complete records of a real export, as text."""
    with open(DATA / "shopify_export_ishalife.csv", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        records = [next(reader) for _ in range(lines)]
    out = []
    from io import StringIO
    buffer = StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    out.append(buffer.getvalue())
    return "".join(out)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


SIMPLE_SHOPIFY = ("Handle,Title,Body (HTML),Vendor,Type,Published,Option1 Name,Option1 Value,Variant SKU,"
                  "Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Price,"
                  "Variant Compare At Price,Image Src,Status\n")


def shopify_row(handle, title="", price="10.00", body="", colour="", status="active"):
    return (f'{handle},{title},"{body}",Acme,Mugs,{"true" if title else ""},{"Color" if title else ""},'
            f'{colour},,shopify,5,deny,"{price}",,https://img.example/{handle}.jpg,{status if title else ""}\n')


def test_empty_file_is_refused(tmp_path):
    for name in ("empty.csv", "empty.xml", "empty.jsonl", "empty.tsv"):
        with pytest.raises(CatalogError, match="empty"):
            load_catalog(write(tmp_path, name, ""), "USD")
    with pytest.raises(CatalogError, match="empty"):
        load_catalog(write(tmp_path, "blank.csv", "\n\n  \n"), "USD")


def test_latin1_is_refused_and_utf8_with_or_without_bom_loads(tmp_path):
    text = SIMPLE_SHOPIFY + shopify_row("cafe-mug", "Café Mug", body="Crème brûlée colour")
    with pytest.raises(CatalogError, match="line 2 is not UTF-8"):
        load_catalog(write(tmp_path, "latin1.csv", text, "latin-1"), "USD")
    plain = load_catalog(write(tmp_path, "plain.csv", text), "USD")
    bom = load_catalog(write(tmp_path, "bom.csv", text, "utf-8-sig"), "USD")
    assert plain.loaded == bom.loaded == 1
    assert bom.products[0].title == "Café Mug"
    with pytest.raises(CatalogError, match="UTF-16"):
        load_catalog(write(tmp_path, "utf16.csv", text, "utf-16"), "USD")


def test_truncated_files_are_refused(tmp_path):
    real = (DATA / "shopify_export_ishalife.csv").read_bytes()
    cut = real[: real.index(b"<h3>", 5000) + 10]          # inside a quoted HTML body
    with pytest.raises(CatalogError, match="truncated"):
        load_catalog(write(tmp_path, "cut.csv", cut), "USD")
    xml = (DATA / "google_merchant_hardlife.xml").read_bytes()
    with pytest.raises(CatalogError, match="truncated"):
        load_catalog(write(tmp_path, "cut.xml", xml[: len(xml) // 2]))
    tsv = (DATA / "google_merchant_lakeerie.tsv").read_bytes()
    with pytest.raises(CatalogError, match="truncated"):
        load_catalog(write(tmp_path, "cut.tsv", tsv[: len(tsv) // 2]))
    jsonl = (ROOT / "data" / "catalog" / "products.jsonl").read_bytes()
    with pytest.raises(CatalogError, match="truncated"):
        load_catalog(write(tmp_path, "cut.jsonl", jsonl[: len(jsonl) // 3]))


def test_duplicate_handles_and_ids_are_skipped_with_their_line(tmp_path):
    text = (SIMPLE_SHOPIFY + shopify_row("mug", "Mug") + shopify_row("cup", "Cup")
            + shopify_row("mug", "Mug again"))
    report = load_catalog(write(tmp_path, "dup.csv", text), "USD")
    assert [p.id for p in report.products] == ["mug", "cup"]
    assert report.errors == [(4, "duplicate handle 'mug' (first on line 2)")]
    with open(DATA / "google_merchant_lakeerie.tsv", encoding="utf-8") as handle:
        lines = handle.readlines()
    report = load_catalog(write(tmp_path, "dup.tsv", "".join(lines + [lines[1]])))
    assert report.variants == len(lines) - 1
    assert report.errors[0][0] == len(lines) + 1 and "duplicate id" in report.errors[0][1]


@pytest.mark.parametrize("price", ["1.299,00", "N/A", "call us", "-5"])
def test_unusable_prices_skip_the_product_with_the_reason(tmp_path, price):
    text = SIMPLE_SHOPIFY + shopify_row("good", "Good Mug") + shopify_row("bad", "Bad Mug", price=price)
    report = load_catalog(write(tmp_path, "prices.csv", text), "USD")
    assert [p.id for p in report.products] == ["good"]
    (line, reason), = report.errors
    assert line == 3 and price in reason
    if price == "1.299,00":
        assert "decimal comma" in reason and "1299.00" in reason


def test_html_scripts_and_event_handlers_never_pass(tmp_path):
    body = ("<p>Soft &amp; warm &eacute;t&eacute;</p><script>alert(1)</script><style>p{color:red}</style>"
            "<img src=x onerror=\"\"steal()\"\"><a href=\"\"javascript:evil()\"\" onclick=\"\"evil()\"\">link</a>"
            "&lt;script&gt;x&lt;/script&gt;")
    report = load_catalog(write(tmp_path, "html.csv", SIMPLE_SHOPIFY + shopify_row("h", "Mug", body=body)), "USD")
    text = report.products[0].description
    assert text.startswith("Soft & warm été")
    for bad in ("alert", "color:red", "onerror", "steal", "javascript", "onclick", "<", ">"):
        assert bad not in text
    assert "link" in text


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss xmlns:g="http://base.google.com/ns/1.0" version="2.0"><channel><item><g:id>1</g:id>
<title>&lol3;</title><g:price>1.00 USD</g:price></item></channel></rss>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss xmlns:g="http://base.google.com/ns/1.0" version="2.0"><channel><item><g:id>1</g:id>
<title>&secret;</title><g:price>1.00 USD</g:price></item></channel></rss>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL])
def test_xml_entities_are_refused(tmp_path, document):
    with pytest.raises(CatalogError, match="refused|DTD|document type"):
        load_catalog(write(tmp_path, "evil.xml", document))


def test_currency_rules(tmp_path):
    text = SIMPLE_SHOPIFY + shopify_row("mug", "Mug")
    path = write(tmp_path, "shop.csv", text)
    with pytest.raises(CatalogError, match="SHOP_CURRENCY"):
        load_catalog(path, "")
    assert load_catalog(path, "GBP").products[0].currency == "GBP"
    with open(DATA / "google_merchant_lakeerie.tsv", encoding="utf-8") as handle:
        lines = handle.readlines()
    mixed = lines[:3] + [lines[3].replace(" USD", " EUR")] + lines[4:]
    with pytest.raises(CatalogError, match="mixes currencies.*USD.*EUR|mixes currencies.*EUR.*USD"):
        load_catalog(write(tmp_path, "mixed.tsv", "".join(mixed)))
    with pytest.raises(CatalogError, match="priced in USD but SHOP_CURRENCY is EUR"):
        load_catalog(DATA / "google_merchant_lakeerie.tsv", "EUR")


def test_warnings_for_placeholder_and_zero_prices_and_missing_images(tmp_path):
    text = (SIMPLE_SHOPIFY + shopify_row("big", "Big", price="100000.00") + shopify_row("free", "Free", price="0")
            + shopify_row("ok", "Fine"))
    text = text.replace("https://img.example/ok.jpg", "")
    report = load_catalog(write(tmp_path, "warn.csv", text), "USD")
    assert report.loaded == 3
    joined = "\n".join(report.warnings)
    assert "placeholder" in joined and "big" in joined
    assert "price of 0" in joined and "free" in joined
    assert "no image" in joined and "ok" in joined


def test_cli_check_and_convert(tmp_path, capsys):
    out = tmp_path / "clean.jsonl"
    assert catalog_cli([str(DATA / "google_merchant_hardlife.xml"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "merchant_xml" in printed and "loaded 73 products" not in printed or "variants" in printed
    again = load_catalog(out)
    original = load_catalog(DATA / "google_merchant_hardlife.xml")
    assert [p.to_dict() for p in again.products] == [p.to_dict() for p in original.products]
    assert catalog_cli([str(write(tmp_path, "x.xml", "<html></html>"))]) == 2
    header_only = write(tmp_path, "none.csv", SIMPLE_SHOPIFY)
    assert catalog_cli([str(header_only), "--currency", "USD"]) == 1


def test_start_refuses_a_catalog_without_products(tmp_path):
    header_only = write(tmp_path, "none.csv", SIMPLE_SHOPIFY + shopify_row("d", "Draft", status="draft"))
    with pytest.raises(RuntimeError, match=r"no products(.|\n)*left out: 1 draft"):
        catalog_for_start(header_only, "USD")
    with pytest.raises(RuntimeError, match="SHOP_CURRENCY"):
        catalog_for_start(DATA / "shopify_export_ishalife.csv", "")
    env = {**os.environ, "CATALOG_PATH": str(header_only), "SHOP_CURRENCY": "USD", "SHOP_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "no products" in done.stderr and "left out: 1 draft" in done.stderr
