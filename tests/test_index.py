"""Index: hard filters are exact, the cache is reused and rebuilt, ANN recall."""
import random
import time

import numpy as np
import pytest

from embeddings.catalog import load_catalog
from embeddings.filters import SearchFilters
from embeddings.index import IndexSettings, ProductIndex, build_or_load


def brute_force(index, vector, filters, k):
    allowed = [i for i, p in enumerate(index.products) if filters.allows(p)]
    scores = index.vectors[allowed] @ vector
    order = np.argsort(-scores, kind="stable")[:k]
    return [index.products[allowed[i]].id for i in order]


def random_filters(rng, products):
    sample = rng.choice(products)
    options = {
        "categories": (sample.category,), "max_price": round(sample.price * rng.uniform(0.8, 1.5), 2),
        "min_price": round(sample.price * rng.uniform(0.3, 0.9), 2), "brands": (sample.brand,),
        "exclude_brands": (rng.choice(products).brand,), "colours": (rng.choice(sample.colours),),
        "sizes": (rng.choice(sample.sizes),) if sample.sizes else (), "in_stock": True,
        "exclude_ids": frozenset(p.id for p in rng.sample(products, 30)),
    }
    chosen = rng.sample(sorted(options), rng.randint(1, 5))
    return SearchFilters(**{key: options[key] for key in chosen})


QUERIES = ["waterproof hiking boots", "noise cancelling headphones", "light laptop for travel",
           "espresso machine with milk frother", "grey three seater sofa", "tent for four people",
           "ergonomic chair with lumbar support", "gift for a coffee lover", "trail running shoes",
           "rucksack with laptop sleeve"]


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_hard_filters_are_never_broken(runtime, kind):
    index = runtime.index
    if kind == "hnsw":
        index = ProductIndex.from_vectors(index.products, index.vectors,
                                          IndexSettings(exact_subset_limit=0), kind="hnsw")
    rng = random.Random(7)
    for trial in range(150):
        filters = random_filters(rng, index.products)
        vector = runtime.encoder.encode_query(rng.choice(QUERIES))
        hits = index.search_vector(vector, filters, 10)
        assert all(filters.allows(h.product) for h in hits), filters
        if kind == "flat":
            # exact: the same products, in the same order, as scoring every allowed one
            assert [h.product.id for h in hits] == brute_force(index, vector, filters, 10)


def test_filter_on_price_never_exceeds_budget(runtime):
    vector = runtime.encoder.encode_query("the most premium laptop money can buy")
    hits = runtime.index.search_vector(vector, SearchFilters(categories=("electronics/computers/laptops",), max_price=700), 20)
    assert hits and all(h.product.price <= 700 and h.product.category == "electronics/computers/laptops" for h in hits)


def test_filter_with_no_match_returns_nothing(runtime):
    vector = runtime.encoder.encode_query("sofa")
    assert runtime.index.search_vector(vector, SearchFilters(categories=("home/living_room/sofas",), max_price=1), 5) == []
    assert runtime.index.search_vector(vector, SearchFilters(brands=("no such brand",)), 5) == []


def test_semantic_search_finds_the_right_category(runtime):
    for query, category in [("waterproof hiking boots", "outdoor/hiking/hiking_boots"),
                            ("espresso machine", "kitchen/coffee/coffee_machines"),
                            ("noise cancelling headphones", "electronics/audio/headphones")]:
        hits = runtime.index.search(query, SearchFilters(), 5)
        assert sum(h.product.category == category for h in hits) >= 4, query


def test_text_search_applies_every_hard_filter(runtime):
    in_stock = {p.id for p in runtime.index.products if p.in_stock}
    boots = runtime.index.search("waterproof hiking boots", SearchFilters(max_price=120), 50)
    excluded = boots[0].product.id
    filters = SearchFilters(categories=("outdoor/hiking/hiking_boots",), min_price=95, max_price=120, colours=("brown",),
                            sizes=("42",), in_stock=True, exclude_ids=frozenset({excluded}))
    hits = runtime.index.search("waterproof hiking boots", filters, 10)
    assert hits and excluded not in {h.product.id for h in hits}
    for hit in hits:
        p = hit.product
        assert p.category == "outdoor/hiking/hiking_boots" and 95 <= p.price <= 120 and "brown" in p.colours
        assert "42" in p.sizes and p.id in in_stock
    others = runtime.index.search("boots", SearchFilters(categories=("outdoor/hiking/hiking_boots",),
                                                         exclude_brands=(hits[0].product.brand,)), 10)
    assert others and all(h.product.brand != hits[0].product.brand for h in others)


def test_cache_is_reused_and_rebuilt_when_catalog_changes(runtime, tmp_path):
    from bot.settings import load_settings
    from dataclasses import replace

    products = load_catalog(load_settings().catalog_path).products[:80]
    settings = IndexSettings()
    first = build_or_load(products, runtime.encoder, tmp_path, settings, progress=False)
    assert not first.from_cache
    again = build_or_load(products, runtime.encoder, tmp_path, settings, progress=False)
    assert again.from_cache and again.key == first.key
    assert again.seconds < 1.0
    np.testing.assert_allclose(again.index.vectors, first.index.vectors)
    dearer = tuple(replace(v, price=v.price + 1) for v in products[0].variants)
    changed = [replace(products[0], variants=dearer)] + products[1:]
    rebuilt = build_or_load(changed, runtime.encoder, tmp_path, settings, progress=False)
    assert not rebuilt.from_cache and rebuilt.key != first.key
    assert rebuilt.index.by_id[products[0].id].price == products[0].price + 1


def test_corrupt_cache_is_rebuilt(runtime, tmp_path):
    from bot.settings import load_settings

    products = load_catalog(load_settings().catalog_path).products[:40]
    first = build_or_load(products, runtime.encoder, tmp_path, IndexSettings(), progress=False)
    (tmp_path / first.key / "index.faiss").write_bytes(b"garbage")
    again = build_or_load(products, runtime.encoder, tmp_path, IndexSettings(), progress=False)
    assert not again.from_cache and len(again.index.products) == 40


def test_full_catalog_reloads_from_cache_quickly(runtime):
    from actions.runtime import index_settings

    started = time.perf_counter()
    result = build_or_load(runtime.index.products, runtime.encoder, runtime.settings.path("index_cache_dir"),
                           index_settings(runtime.settings), progress=False)
    assert result.from_cache
    assert time.perf_counter() - started < 1.0


def test_hnsw_recall_at_10_against_exact(runtime):
    """Recall of the approximate index on the demo catalog, against exact search."""
    index = runtime.index
    settings = IndexSettings()
    hnsw = ProductIndex.from_vectors(index.products, index.vectors, settings, kind="hnsw")
    flat = ProductIndex.from_vectors(index.products, index.vectors, settings, kind="flat")
    rng = np.random.default_rng(0)
    queries = index.vectors[rng.choice(len(index.products), 200, replace=False)]
    queries = queries + rng.normal(0, 0.05, queries.shape).astype(np.float32)
    recalls = []
    for query in queries:
        query = query / np.linalg.norm(query)
        exact = {h.product.id for h in flat.search_vector(query, SearchFilters(), 10)}
        approx = {h.product.id for h in hnsw.search_vector(query, SearchFilters(), 10)}
        recalls.append(len(exact & approx) / 10)
    recall = float(np.mean(recalls))
    print(f"HNSW recall@10 vs exact on {len(index.products)} products: {recall:.3f}")
    assert recall >= 0.95


def test_large_catalog_uses_approximate_index(runtime):
    settings = IndexSettings(ann_threshold=500)
    index = ProductIndex.from_vectors(runtime.index.products, runtime.index.vectors, settings)
    assert index.kind == "hnsw"
    small = ProductIndex.from_vectors(runtime.index.products[:100], runtime.index.vectors[:100], settings)
    assert small.kind == "flat"
