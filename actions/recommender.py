"""Turns a search state and a customer's profile into 3-5 products with reasons.

Hard constraints (category, budget, size, colour asked for, disliked brands and
products, stock) go to the index as filters and are never broken. Soft signals
(liked brands, liked colours, requested features, rating, and behaviour:
co-purchase, popularity, brand and price habits - actions/behaviour/live.py)
re-rank the candidates. If a colour, size or brand filter leaves nothing, it is relaxed and
the customer is told; the stated budget is never relaxed (only the relative
"cheaper than what you saw" bound is, when it clashes with a newer wish).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from embeddings.catalog import Product
from embeddings.colours import colour_terms
from embeddings.filters import SearchFilters
from actions.messages import money
from actions.state import SearchState
from actions.behaviour.config import behaviour_config
from actions.behaviour.experiments import expose
from actions.behaviour.live import Boosts, live_behaviour

CANDIDATE_FACTOR = 6
RANKING_EXPERIMENT = "behaviour_ranking"
SAME_BRAND_LIMIT = 2


@dataclass
class Taste:
    """The soft and durable parts of a profile that shape ranking."""
    liked_brands: List[str] = field(default_factory=list)
    disliked_brands: List[str] = field(default_factory=list)
    liked_colours: List[str] = field(default_factory=list)
    avoided_materials: List[str] = field(default_factory=list)
    disliked_ids: List[str] = field(default_factory=list)
    liked_ids: List[str] = field(default_factory=list)
    recipient: Optional[str] = None
    customer_id: Optional[str] = None
    in_cart: List[str] = field(default_factory=list)


def taste_from_profile(profile) -> Taste:
    if profile is None:
        return Taste()
    prefs = profile.preferences
    return Taste(
        liked_brands=list(dict.fromkeys(list(prefs.get("brands_liked", [])) + list(profile.liked_brands))),
        disliked_brands=list(prefs.get("brands_disliked", [])),
        liked_colours=list(prefs.get("colours_liked", [])),
        avoided_materials=[m.lower() for m in prefs.get("materials_avoided", [])],
        disliked_ids=list(profile.disliked), liked_ids=list(profile.liked),
        recipient=prefs.get("recipient"),
        customer_id=profile.customer_id, in_cart=[line.product_id for line in profile.cart],
    )


@dataclass
class Recommendation:
    items: List[Tuple[Product, str]]
    relaxed: List[str]
    filters: SearchFilters
    best_similarity: float = 0.0
    # The lexical side pinned the request to products (a model number, or a title/brand
    # holding every word asked for), however unlike the products' texts it reads.
    lexical_match: bool = False
    # The query after typo correction, when a word was corrected ("Showing results for ...").
    searched_for: Optional[str] = None


def effective_max_price(runtime, state: SearchState) -> Optional[float]:
    limit = state.max_price
    if state.below_price is not None:
        limit = state.below_price if limit is None else min(limit, state.below_price)
    base = runtime.product(state.cheaper_than)
    if base is not None:
        below = round(base.price - 0.01, 2)
        limit = below if limit is None else min(limit, below)
    return limit


def filters_for(runtime, state: SearchState, taste: Taste, exclude_seen: bool) -> SearchFilters:
    explicit = {b.lower() for b in state.brands}
    excluded = {b for b in list(state.exclude_brands) + list(taste.disliked_brands) if b.lower() not in explicit}
    exclude_ids = set(taste.disliked_ids)
    if exclude_seen:
        exclude_ids |= set(state.seen)
    if state.like_id:
        exclude_ids.add(state.like_id)
    return SearchFilters(
        categories=(state.category,) if state.category else (),
        min_price=state.min_price, max_price=effective_max_price(runtime, state),
        brands=tuple(state.brands), exclude_brands=tuple(sorted(excluded)),
        colours=tuple(state.colours), sizes=(state.size,) if state.size else (),
        in_stock=True, exclude_ids=frozenset(exclude_ids),
        audience=(state.audience,) if state.audience and state.audience != "unisex" else (),
    )


EXACT_CODE_BONUS = 10.0   # a product whose model number was typed stays first whatever the boosts


def query_text(runtime, state: SearchState) -> str:
    return state.query or (runtime.categories.name(state.category) if state.category else "popular products")


@dataclass
class Candidates:
    hits: List[Tuple[Product, float, bool]]     # product, base score on the similarity scale, exact code
    best_similarity: float = 0.0
    lexical_match: bool = False
    searched_for: Optional[str] = None


def candidates(runtime, state: SearchState, filters: SearchFilters, count: int,
               vector: Optional[np.ndarray]) -> Candidates:
    """"More like #2" searches by the product's vector; everything else through the
    hybrid search (typos, model numbers, BM25 + FAISS), whose fused score is put on
    the scale of the candidates' cosine similarities so the re-ranking boosts keep
    the weight they were tuned with."""
    if vector is not None or runtime.search is None:
        vector = vector if vector is not None else query_vector(runtime, state)
        hits = runtime.index.search_vector(vector, filters, count)
        return Candidates([(h.product, h.score, False) for h in hits], max((h.score for h in hits), default=0.0))
    text = query_text(runtime, state)
    result = runtime.search.search(text, filters, count)
    similarities = [h.similarity for h in result.hits if h.similarity is not None]
    low, high = (min(similarities), max(similarities)) if similarities else (0.0, 0.2)
    hits = [(h.product, low + h.score * (high - low) + (EXACT_CODE_BONUS if h.exact_code else 0.0), h.exact_code)
            for h in result.hits]
    best = max(similarities, default=0.0)
    if result.corrections and result.hits:
        # Whether this is a product request at all is judged on the words as typed:
        # a correction makes any text look more like the catalog ("weather" -> "leather").
        typed = runtime.encoder.encode_query(text)
        best = float(max(runtime.index.vectors[runtime.index.position[h.product.id]] @ typed for h in result.hits))
    return Candidates(hits, best, runtime.search.pins(result), result.query if result.corrections else None)


def query_vector(runtime, state: SearchState) -> np.ndarray:
    base = runtime.product(state.like_id)
    if base is not None:
        vector = runtime.index.vectors[runtime.index.position[base.id]]
        if state.query and state.query != base.title:
            # "like #2 but waterproof": lean towards the base, steer with the words.
            vector = 0.7 * vector + 0.3 * runtime.encoder.encode_query(state.query)
            vector = vector / np.linalg.norm(vector)
        return vector
    text = state.query or (runtime.categories.name(state.category) if state.category else "popular products")
    return runtime.encoder.encode_query(text)


def behaviour_boosts(runtime, taste: Taste, candidates: Sequence[str]) -> Boosts:
    """Co-purchase, popularity and the customer's brand and price habits (bot/behaviour.yml `live:`),
    unless the customer is in the control group of the behaviour_ranking experiment."""
    config = behaviour_config(runtime.settings)
    if taste.customer_id and ((config.get("experiments") or {}).get(RANKING_EXPERIMENT) or {}).get("active"):
        if expose(runtime.store, config, RANKING_EXPERIMENT, taste.customer_id) == "control":
            return Boosts({}, {})
    return live_behaviour(runtime).boosts(taste.customer_id, candidates, taste.in_cart)


def _score(runtime, product: Product, similarity: float, state: SearchState, taste: Taste,
           boosts: Optional[Boosts] = None) -> float:
    settings = runtime.settings
    score = similarity + (boosts.score(product.id) if boosts else 0.0)
    if product.brand in taste.liked_brands:
        score += float(settings.liked_brand_boost)
    if product.id in taste.liked_ids:
        score += float(settings.liked_product_boost)
    features = set(product.features)
    score += 0.12 * sum(1 for f in state.features if f in features)
    if taste.liked_colours and any(set(taste.liked_colours) & colour_terms(c) for c in product.colours):
        score += 0.03
    if product.rating is not None:
        score += float(settings.rating_weight) * (product.rating - 4.0)
    return score


def _avoids(product: Product, taste: Taste) -> bool:
    material = (product.material or "").lower()
    return any(m in material for m in taste.avoided_materials)


def _diverse(ranked: List[Tuple[Product, float]], k: int) -> List[Product]:
    """At most two of one brand while other brands are available."""
    chosen: List[Product] = []
    deferred: List[Product] = []
    counts: Dict[str, int] = {}
    for product, _ in ranked:
        if counts.get(product.brand, 0) >= SAME_BRAND_LIMIT:
            deferred.append(product)
            continue
        chosen.append(product)
        counts[product.brand] = counts.get(product.brand, 0) + 1
        if len(chosen) == k:
            return chosen
    return (chosen + deferred)[:k]


def reason_for(runtime, product: Product, state: SearchState, taste: Taste,
               boosts: Optional[Boosts] = None) -> str:
    """One line tied to what the customer said or did (asked for first, then bought)."""
    clauses: List[str] = []
    if product.brand in taste.liked_brands:
        clauses.append(f"you liked {product.brand} before")
    matched = [f for f in state.features if f in product.features]
    if matched:
        clauses.append(f"{' and '.join(matched[:2])}, as you asked")
    base = runtime.product(state.cheaper_than) or runtime.product(state.like_id)
    if base is not None and state.cheaper_than == base.id:
        clauses.append(f"{money(base.price - product.price, product.currency)} less than the {base.title}")
    elif base is not None:
        clauses.append(f"similar to the {base.title}")
    if state.below_price is not None:
        clauses.append("cheaper than the earlier picks")
    if state.max_price is not None and len(clauses) < 2:
        clauses.append(f"under your {money(state.max_price, product.currency)} budget")
    if state.colours and len(clauses) < 2:
        colour = product.variant.colour if product.selected else None
        if colour:
            clauses.append(f"in {colour}")
    if state.size and len(clauses) < 2:
        clauses.append(f"available in your size {state.size}")
    if state.brands and len(clauses) < 2 and product.brand in state.brands:
        clauses.append(f"from {product.brand}, as you asked")
    if (taste.recipient or state.recipient) and len(clauses) < 2:
        clauses.append(f"a good pick for your {state.recipient or taste.recipient}")
    behaviour = boosts.reason(product.id) if boosts else None
    if behaviour and len(clauses) < 2:
        clauses.append(behaviour)
    if not clauses:
        if product.rating is not None and product.rating >= 4.5:
            clauses.append(f"rated {product.rating:.1f}/5 by customers")
        elif state.query:
            clauses.append(f"a close match for \"{state.query[:40].strip()}\"")
        else:
            clauses.append("a popular choice in this range")
    reason = "; ".join(clauses[:2])
    return reason[0].upper() + reason[1:]


def shown_variant(product: Product, filters: SearchFilters) -> Product:
    """The product as a card shows it: in the variant that has the colour and size
    asked for (in stock, cheapest first); with nothing asked, its default variant
    when that fits the budget."""
    if not product.has_options:
        return product
    fits = filters.matching_variants(product)
    if not fits:
        return product
    if not (filters.colours or filters.sizes) and product.default_variant in fits:
        return product
    return product.with_variant(min(fits, key=lambda v: (not v.in_stock, v.price)))


def recommend(runtime, state: SearchState, taste: Taste, k: int, exclude_seen: bool = False,
              may_relax_cheaper: bool = True) -> Recommendation:
    # A product to search around ("more like #2") is searched by its vector.
    vector = query_vector(runtime, state) if runtime.product(state.like_id) is not None else None
    relaxed: List[str] = []
    attempt = state
    for relax in (None, "cheaper", "colour", "size", "brand"):
        if relax == "cheaper" and may_relax_cheaper and (attempt.below_price is not None or attempt.cheaper_than) \
                and (attempt.colours or attempt.size or attempt.brands or attempt.exclude_brands):
            # "cheaper" is relative to what was shown; a colour, size or brand
            # asked for since then matters more than undercutting old results.
            relaxed.append("a lower price")
            attempt = replace(attempt, below_price=None, cheaper_than=None)
        elif relax == "colour" and attempt.colours:
            relaxed.append("colour " + "/".join(attempt.colours))
            attempt = replace(attempt, colours=[])
        elif relax == "size" and attempt.size:
            relaxed.append(f"size {attempt.size}")
            attempt = replace(attempt, size=None)
        elif relax == "brand" and attempt.brands:
            relaxed.append("brand " + "/".join(attempt.brands))
            attempt = replace(attempt, brands=[])
        elif relax is not None:
            continue
        filters = filters_for(runtime, attempt, taste, exclude_seen)
        found = candidates(runtime, attempt, filters, k * CANDIDATE_FACTOR, vector)
        hits = [(p, score) for p, score, _ in found.hits if not _avoids(p, taste)]
        if hits:
            boosts = behaviour_boosts(runtime, taste, [p.id for p, _ in hits])
            ranked = sorted(((p, _score(runtime, p, score, attempt, taste, boosts))
                             for p, score in hits), key=lambda item: -item[1])
            products = [shown_variant(p, filters) for p in _diverse(ranked, k)]
            items = [(p, reason_for(runtime, p, attempt, taste, boosts)) for p in products]
            return Recommendation(items, relaxed, filters, found.best_similarity, found.lexical_match,
                                  found.searched_for)
    return Recommendation([], relaxed, filters_for(runtime, state, taste, exclude_seen))


def complementary_products(runtime, product: Product, taste: Taste, limit: int,
                           exclude: Sequence[str] = ()) -> List[Tuple[Product, str]]:
    """1-3 products from the categories that go with this one: what customers
    actually bought with it first, then the closest match in each category."""
    items: List[Tuple[Product, str]] = []
    vector = runtime.index.vectors[runtime.index.position[product.id]]
    blocked = set(taste.disliked_ids) | set(exclude) | {product.id}
    # with complement categories configured, a complement is never a substitute
    other_categories_only = bool(runtime.services.complement_categories(product.category))
    for other_id in live_behaviour(runtime).bought_with(product.id, limit=10):
        other = runtime.product(other_id)
        if len(items) >= limit:
            break
        if other is None or other_id in blocked or not other.in_stock or other.brand in taste.disliked_brands \
                or (other_categories_only and other.category == product.category) or any(o.category == other.category for o, _ in items):
            continue
        items.append((other, f"often bought with the {product.title}"))
    for category in runtime.services.complement_categories(product.category):
        if len(items) >= limit:
            break
        if any(o.category == category for o, _ in items):
            continue
        filters = SearchFilters(categories=(category,), in_stock=True,
                                exclude_brands=tuple(taste.disliked_brands),
                                exclude_ids=frozenset(blocked | {o.id for o, _ in items}))
        hits = runtime.index.search_vector(vector, filters, 3)
        if hits:
            best = max(hits[:3], key=lambda h: h.score + (0.05 if h.product.brand == product.brand else 0))
            items.append((best.product, f"goes well with the {product.title}"))
    return items
