"""Hybrid product search: tokens, typos, model numbers, exact filters in every mode,
the relevance command, and the assistant answering what only the lexical side finds."""
import math
import random
import re
import string

import numpy as np
import pytest

from embeddings.products import Product, Variant
from embeddings.filters import SearchFilters
from embeddings.hybrid import MODES, SearchSettings, build_or_load_search, parse_weights
from embeddings.index import IndexSettings
from embeddings.relevance import main as relevance_main, ndcg_at_10, read_judgments, JudgmentsError
from embeddings.spelling import Speller
from embeddings.tokens import code_terms, tokenize
from tests.test_index import QUERIES, random_filters


# -- tokens ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("48x34", ["48", "34"]),
    ("48 x 34 in", ["48", "34", "inch"]),
    ("48x 34 shower w/seat", ["48", "34", "shower", "seat"]),
    ('1/2" copper pipe', ["1/2", "inch", "copper", "pipe"]),
    ("3.5mm jack", ["3.5", "mm", "jack"]),
    ("10-ft hose", ["10", "ft", "hose"]),
    ("LED bulb 60W", ["led", "bulb", "60", "watt"]),
    ("1,000 sq. ft.", ["1000", "sq", "ft"]),
    ("Men's T-Shirts", ["men", "tshirt", "t", "shirt"]),
    ("Batteries, boxes and boots", ["battery", "box", "boot"]),
])
def test_tokens_fold_units_dimensions_hyphens_plurals(text, expected):
    assert tokenize(text) == expected


def test_model_numbers_are_kept_whole_and_split():
    tokens = tokenize("Rizzy Homes BD8872-5x8 rug")
    assert "bd88725x8" in tokens and {"bd", "8872", "5", "8"} <= set(tokens)
    assert tokenize("bd8872-5x8")[0] == tokenize("BD88725X8")[0]   # typed with or without the dash
    assert code_terms(tokenize("m10-1.5 bolt")) == ["m1015"]
    assert code_terms(tokenize("60w 3.5mm 48x34")) == []            # units and sizes are not codes


def test_field_weights_are_checked():
    assert parse_weights("title=1, brand=0.5") == {"title": 1.0, "brand": 0.5}
    with pytest.raises(ValueError, match="unknown search field"):
        parse_weights("colour=2")
    with pytest.raises(ValueError, match="search mode"):
        SearchSettings(mode="fuzzy")


# -- spelling -------------------------------------------------------------------------
def test_spelling_corrects_towards_the_catalog_and_leaves_conversation_alone():
    speller = Speller({"mattress": 40, "matte": 3, "rain": 20, "bird": 9, "waterproof": 30, "pant": 12})
    assert speller.correct("matress")[0] == "mattress"
    assert speller.correct("waterprof")[0] == "waterproof"
    assert speller.correct("rainbird riser")[0].startswith("rain bird")
    assert speller.correct("I want a cheap one please") == ("I want a cheap one please", [])
    assert speller.correct("size 42 under 100") == ("size 42 under 100", [])


# -- exact filters hold in every mode ---------------------------------------------------
TYPED = QUERIES + ["pacwell runing shoes", "RUN-0003", "kinetro", "headphnes with mic", "48x34", "1/2\" tent pole"]


@pytest.mark.parametrize("mode", MODES)
def test_hard_filters_hold_in_every_mode(runtime, mode):
    search = runtime.search
    rng = random.Random(11)
    for trial in range(120):
        filters = random_filters(rng, search.index.products)
        allowed = [p for p in search.index.products if filters.allows(p)]
        result = search.search(rng.choice(TYPED), filters, 10, mode=mode)
        assert all(filters.allows(h.product) for h in result.hits), (mode, filters)
        assert len({h.product.id for h in result.hits}) == len(result.hits)
        if mode != "lexical":   # dense always has an answer when something is allowed
            assert len(result.hits) == min(10, len(allowed)), (mode, filters)


def test_exact_model_number_ranks_its_product_first(runtime):
    rng = random.Random(3)
    for product in rng.sample(runtime.index.products, 10):
        for typed in (product.id, product.id.lower(), product.id.replace("-", "")):
            hits = runtime.search.search(f"do you have {typed}", SearchFilters(), 5).hits
            assert hits and hits[0].product.id == product.id and hits[0].exact_code, typed


def test_model_number_in_titles_ranks_first(runtime, tmp_path):
    products = [Product(id=f"B{n}", title=title, description="Zinc-plated steel hex bolt.", category_path=("bolts",),
                        brand="Everbilt", currency="USD", variants=(Variant(id=f"B{n}", price=1.0 + n),))
                for n, title in enumerate(["Hex Bolt M10-1.5 x 40 mm", "Hex Bolt M8-1.25 x 40 mm",
                                           "Hex Bolt M10-1.25 x 40 mm", "Hex Bolt M12-1.75 x 50 mm",
                                           "Hex Nut M10-1.5"])]
    loaded = build_or_load_search(products, runtime.encoder, tmp_path, IndexSettings(), SearchSettings(),
                                  progress=False)
    for mode in ("hybrid", "lexical"):
        hits = loaded.search.search("m10-1.5", SearchFilters(), 3, mode=mode).hits
        assert {h.product.id for h in hits[:2]} == {"B0", "B4"} and hits[2].product.id != "B0", mode
        assert loaded.search.search("M8-1.25", SearchFilters(), 3, mode=mode).hits[0].product.id == "B1"
    again = build_or_load_search(products, runtime.encoder, tmp_path, IndexSettings(), SearchSettings(),
                                 progress=False)
    assert again.lexical_from_cache and again.index.from_cache and again.seconds < 1.0


def _typo(word: str, rng: random.Random) -> str:
    """One letter replaced, dropped or doubled, away from the first letter."""
    at = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("replace", "drop", "double"))
    if kind == "replace":
        letter = rng.choice([c for c in string.ascii_lowercase if c != word[at]])
        return word[:at] + letter + word[at + 1:]
    if kind == "drop":
        return word[:at] + word[at + 1:]
    return word[:at] + word[at] + word[at:]


def test_one_letter_typo_finds_the_same_top_result(runtime):
    rng = random.Random(5)
    words = sorted({w for p in runtime.index.products for w in re.findall(r"[a-z]{6,}", p.title.lower())})
    checked = 0
    for word in rng.sample(words, 30):
        typo = _typo(word, rng)
        if runtime.search.speller.is_known(typo):
            continue            # the typo is itself a catalog word
        right = runtime.search.search(word, SearchFilters(), 1).hits
        wrong = runtime.search.search(typo, SearchFilters(), 1)
        assert wrong.corrections and wrong.hits[0].product.id == right[0].product.id, (word, typo)
        checked += 1
    assert checked >= 20


def test_search_cache_reloads_quickly(runtime):
    from embeddings.hybrid import settings_from

    index_config, search_config = settings_from(runtime.settings)
    loaded = build_or_load_search(runtime.index.products, runtime.encoder, runtime.settings.path("index_cache_dir"),
                                  index_config, search_config, progress=False)
    assert loaded.index.from_cache and loaded.lexical_from_cache
    assert loaded.seconds < 1.0


# -- the relevance command ----------------------------------------------------------------
def test_ndcg_by_hand():
    judged = {"a": 3, "b": 2, "c": 1}
    # ranking b, a, x: DCG = 1/log2(2) + 2/log2(3); ideal = 2/log2(2) + 1/log2(3)
    assert ndcg_at_10(["b", "a", "x"], judged) == pytest.approx((1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))
    assert ndcg_at_10(["a", "b", "c"], judged) == pytest.approx(1.0)
    assert ndcg_at_10([], judged) == 0.0


JUDGED = """query\tproduct_id\tproduct_title\trelevance
oak table\tT1\tOak Table\t2
oak table\tT2\tPine Table\t3
oak table\tT3\tOak Shelf\t1
oak desk\tD1\tOak Desk Large White\t3
oak desk\tD2\tWalnut Desk\t2
oak desk\tD3\tOak Garden Bench\t1
only two\tT1\tOak Table\t3
only two\tD2\tWalnut Desk\t1
"""


def test_relevance_command_gives_the_hand_computed_ndcg(tmp_path, monkeypatch, capsys, runtime):
    monkeypatch.setenv("INDEX_CACHE_DIR", str(tmp_path / "index"))
    path, out = tmp_path / "judged.tsv", tmp_path / "rankings.tsv"
    path.write_text(JUDGED)
    assert relevance_main(["--judgments", str(path), "--out", str(out), "--mode", "lexical"]) == 0
    printed = capsys.readouterr().out
    # BM25 on titles: "oak table" -> T1 (both words), T2 ("table" is rarer than "oak"), then the
    # oak-only titles, shortest first; "oak desk" -> D1, D2, then oak-only titles.
    q1 = (1 / 1 + 2 / math.log2(3)) / (2 / 1 + 1 / math.log2(3))     # gains 1, 2, 0 against ideal 2, 1, 0
    q2 = 1.0                                                          # gains 2, 1 first: ideal
    row = next(line for line in printed.splitlines() if line.startswith("| lexical |"))
    assert float(row.split("|")[2]) == pytest.approx((q1 + q2) / 2, abs=5e-5)
    assert "queries with >= 3 judged products: 2" in printed
    for mode in MODES:
        assert f"| {mode} |" in printed
    lines = out.read_text().splitlines()
    assert lines[0] == "query\trank\tproduct_id"
    ranked = {}
    for line in lines[1:]:
        query, rank, product_id = line.split("\t")
        ranked.setdefault(query, []).append(product_id)
    assert ranked["oak table"][:3] == ["T1", "T2", "T3"] and ranked["oak desk"][:2] == ["D1", "D2"]
    assert "only two" not in ranked
    judgments = read_judgments(path)
    recomputed = np.mean([ndcg_at_10(ranked[q], judgments.by_query[q]) for q in ("oak table", "oak desk")])
    assert recomputed == pytest.approx((q1 + q2) / 2)


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"),
    ("", "is empty"),
    ("query\tid\ttitle\n", "header must name"),
    ("query\tproduct_id\tproduct_title\trelevance\nfoo\t1\tBar\thigh\n", "line 2"),
    ("query\tproduct_id\tproduct_title\trelevance\nfoo\t1\tBar\t3\n", "no query has 3"),
])
def test_relevance_command_explains_bad_files(tmp_path, capsys, content, message):
    path = tmp_path / "judged.tsv"
    if content is not None:
        path.write_text(content)
    assert relevance_main(["--judgments", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_bad_judgments_raise_a_clear_error(tmp_path):
    path = tmp_path / "j.tsv"
    path.write_text("query\tproduct_id\tproduct_title\trelevance\n\t1\tBar\t3\n")
    with pytest.raises(JudgmentsError, match="empty query"):
        read_judgments(path)


# -- in the assistant ---------------------------------------------------------------------
def _misspelt(word: str) -> str:
    return word[:2] + word[3:]          # one letter dropped after the first two


def _brand_with_long_name(runtime):
    brands = sorted({p.brand for p in runtime.index.products if p.brand.isalpha() and len(p.brand) >= 7})
    return brands[len(brands) // 2]


def test_model_number_request_gets_that_product(conversation, runtime):
    from actions.recommend import ActionRecommend

    product = sorted(runtime.index.products, key=lambda p: p.id)[len(runtime.index.products) // 3]
    conversation.run(ActionRecommend, f"I'm looking for {product.id}", "request_product")
    shown = conversation.products()
    assert shown and shown[0]["id"] == product.id


def test_misspelt_brand_is_corrected_and_said(conversation, runtime):
    from actions.recommend import ActionRecommend

    brand = _brand_with_long_name(runtime)
    typo = _misspelt(brand.lower())
    conversation.run(ActionRecommend, f"anything from {typo}?", "request_product")
    shown = conversation.products()
    assert shown and shown[0]["brand"] == brand
    assert f"Showing results for *anything from {brand.lower()}?*" in conversation.text()


def test_correction_does_not_turn_small_talk_into_a_product_request(conversation):
    from actions.recommend import ActionRecommend

    conversation.run(ActionRecommend, "what's the weather like tomorrow", "request_product")
    assert conversation.products() == [] and "Showing results for" not in conversation.text()
