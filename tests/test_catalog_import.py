"""Catalog import: good rows load, every bad row is reported by line and skipped."""
import json

from embeddings.catalog import load_catalog, main as catalog_cli, parse_catalog

GOOD = {"id": "X-1", "title": "Trailmark Test Boot", "description": "A sturdy boot.", "category": "hiking_boots",
        "brand": "Trailmark", "price": 99.5, "currency": "EUR", "colours": ["brown"], "sizes": ["42", "43"],
        "material": "leather", "rating": 4.5, "availability": "in_stock", "url": "/p/x-1",
        "image_url": "/img/x-1.svg", "features": ["waterproof"], "for": ["men"]}


def jsonl(*rows):
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows)


def test_demo_catalog_is_complete():
    from bot.settings import load_settings

    report = load_catalog(load_settings().catalog_path)
    assert report.errors == []
    assert report.loaded >= 1000
    categories = {p.category for p in report.products}
    # The demo is one catalog like any other: its categories are paths of a tree.
    for required in ("sports/running/running_shoes", "outdoor/hiking/hiking_boots", "electronics/computers/laptops",
                     "electronics/audio/headphones", "electronics/mobile/smartphones", "kitchen/coffee/coffee_machines",
                     "home/living_room/sofas", "home/office/office_chairs", "outdoor/camping/tents",
                     "outdoor/hiking/backpacks"):
        assert required in categories
    assert len(categories) >= 10 and all(len(p.category_path) == 3 for p in report.products)
    assert len({p.title for p in report.products}) == report.loaded


def test_jsonl_bad_rows_reported_by_line_and_skipped():
    rows = [
        GOOD,
        "{not json",
        {**GOOD, "id": "X-2", "price": "cheap"},
        {**GOOD, "id": "X-3", "price": -5},
        {k: v for k, v in GOOD.items() if k != "title"} | {"id": "X-4"},
        {**GOOD, "id": "X-5", "availability": "maybe"},
        {**GOOD, "id": "X-6", "rating": 9},
        {**GOOD},                      # duplicate id X-1
        {**GOOD, "id": "X-7", "currency": "euro"},
        {**GOOD, "id": "X-8", "colours": {"a": 1}},
        ["not", "an", "object"],
        {**GOOD, "id": "X-9", "title": "Fine Second Product"},
    ]
    report = parse_catalog(jsonl(*rows), "jsonl")
    assert [p.id for p in report.products] == ["X-1", "X-9"]
    lines = dict(report.errors)
    assert set(lines) == {2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
    assert "invalid JSON" in lines[2]
    assert "price" in lines[3] and "number" in lines[3]
    assert "negative" in lines[4]
    assert "title" in lines[5]
    assert "availability" in lines[6]
    assert "rating" in lines[7]
    assert "duplicate id" in lines[8] and "line 1" in lines[8]
    assert "currency" in lines[9]
    assert "colours" in lines[10]
    assert "not an object" in lines[11]
    assert report.summary().startswith("loaded 2 products, skipped 10 rows")


def test_csv_import_with_lists_and_bad_rows(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text(
        "id,title,description,category,brand,price,currency,colours,sizes,availability\n"
        "A1,Blue Mug,\"A mug, for coffee.\",kitchen,Brewline,9.99,eur,blue|white,,in_stock\n"
        "A2,No Price Mug,A mug.,kitchen,Brewline,,EUR,blue,,in_stock\n"
        "A3,Big Boot,Boot.,hiking boots,Trailmark,120,EUR,brown,41|42|43,low_stock\n"
        "A4,Extra,Too many,kitchen,B,1,EUR,red,,in_stock,unexpected\n",
        encoding="utf-8")
    report = load_catalog(path)
    assert [p.id for p in report.products] == ["A1", "A3"]
    assert report.products[0].colours == ("blue", "white") and report.products[0].currency == "EUR"
    assert report.products[1].category == "hiking_boots" and report.products[1].sizes == ("41", "42", "43")
    assert dict(report.errors)[3] == "missing 'price'"
    assert "more values" in dict(report.errors)[5]


def test_csv_missing_required_column(tmp_path):
    import pytest
    from embeddings.catalog import CatalogError

    path = tmp_path / "broken.csv"
    path.write_text("id,title\nA,B\n")
    with pytest.raises(CatalogError, match="header lacks column.*price"):
        load_catalog(path)


def test_cli_reports_counts(tmp_path, capsys):
    path = tmp_path / "c.jsonl"
    path.write_text(jsonl(GOOD, {**GOOD, "id": "Z", "price": None}))
    out = tmp_path / "clean.jsonl"
    assert catalog_cli([str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "loaded 1 products, skipped 1 rows" in printed and "line 2: missing 'price'" in printed
    assert load_catalog(out).loaded == 1
    assert catalog_cli([str(tmp_path / "x.xml")]) == 2
