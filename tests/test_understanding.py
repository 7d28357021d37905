"""The catalog-aware parser: prices, brands, colours, sizes, references, critiques."""
import pytest


@pytest.fixture(scope="module")
def parse(runtime):
    return runtime.parser.parse


@pytest.mark.parametrize("text,low,high", [
    ("waterproof hiking boots under 120", None, 120),
    ("laptop below €800", None, 800),
    ("headphones less than 99.99 euros", None, 99.99),
    ("a sofa between 500 and 900", 500, 900),
    ("running shoes 80-150 eur", 80, 150),
    ("tent over 200 euros", 200, None),
    ("my budget is 1.5k", None, 1500),
    ("a phone for 400 euros", None, 400),
    ("tent for more than 2 people", None, None),
    ("backpack under 2 kg", None, None),
    ("coffee machine around 300", 225, 345),
])
def test_prices(parse, text, low, high):
    parsed = parse(text)
    assert (parsed.min_price, parsed.max_price) == (low, high)


def test_category_from_everyday_words(parse):
    assert parse("waterproof hiking boots under 120").category == "outdoor/hiking/hiking_boots"
    assert parse("I need a new laptop for university").category == "electronics/computers/laptops"
    assert parse("show me a comfy couch").category == "home/living_room/sofas"
    assert parse("a gift for my dad who loves coffee").category is None


def test_brands_liked_and_excluded(parse):
    parsed = parse("not Trailmark please")
    assert parsed.excluded_brands == ["Trailmark"] and parsed.brands == []
    assert parse("do you have Trailmark boots").brands == ["Trailmark"]
    assert parse("not that brand").exclude_that_brand
    assert parse("the Trailmark one").brand_reference == "Trailmark"


def test_colours_and_synonyms(parse):
    assert parse("in blue").colours == ["blue"]
    assert parse("gray sofa").colours == ["grey"]
    parsed = parse("anything but pink")
    assert parsed.excluded_colours == ["pink"] and parsed.colours == []


@pytest.mark.parametrize("text,size", [("size 42", "42"), ("I wear a 43", "43"), ("eu 38", "38"),
                                        ("size M socks", "M"), ("medium socks", "M"), ("running shoes", None)])
def test_sizes(parse, text, size):
    assert parse(text).size == size


@pytest.mark.parametrize("text,refs", [
    ("is the second one waterproof?", [2]), ("tell me more about #1", [1]), ("number 3 please", [3]),
    ("compare 1 and 3", [1, 3]), ("the first vs the last", [1, -1]), ("the ninth one", [9]),
    ("2", [2]), ("add it", []),
])
def test_references(parse, text, refs):
    assert parse(text).references == refs


def test_critique_and_features(parse):
    parsed = parse("something like the second one but cheaper")
    assert parsed.direction == "cheaper" and parsed.references == [2]
    assert parse("more expensive ones").direction == "pricier"
    assert "waterproof" in parse("waterproof hiking boots").features


def test_people_and_taste(parse):
    parsed = parse("a gift for my dad who loves coffee")
    assert parsed.recipient == "dad" and parsed.gift
    assert parse("I'm vegan so no leather").avoided_materials[:1] == ["leather"]
    assert parse("shoes for trail running").purpose == "trail running"


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "12345678901234567890", "<script>alert(1)</script>",
                                  "'; DROP TABLE customers; --", "x" * 10000, "€€€ $$$ ###", "size size size"])
def test_odd_input_never_raises(parse, text):
    parse(text)
