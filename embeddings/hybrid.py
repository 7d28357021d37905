"""Product search as the assistant runs it: typo correction, lexical (BM25 over
product fields) and dense (FAISS) retrieval, fused; exact hard filters on both.

Fusion: each side's scores are min-max normalised over the union of both sides'
candidates, then mixed with `lexical_weight` (bot/settings.yml; 0.7 measured best
on the judged queries, README "Product search"). A product carrying a model number
or SKU typed in the query ranks first. Every returned product passes the filters,
whichever retriever found it: both sides see the same mask, and each hit is
checked again last.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from embeddings.catalog import Product
from embeddings.filters import SearchFilters
from embeddings.index import IndexSettings, LoadResult, ProductIndex, build_or_load
from embeddings.lexical import LexicalIndex
from embeddings.search_fields import FIELDS, search_fields
from embeddings.spelling import Correction, Speller, SpellingSettings
from embeddings.tokens import tokenize

logger = logging.getLogger(__name__)

MODES = ("hybrid", "lexical", "dense")
# Bump when tokens.py, search_fields.py, the word counts or the layout change: the
# lexical artefact is rebuilt under a new name next to the FAISS index.
LEXICAL_FORMAT_VERSION = 3

DEFAULT_FIELD_WEIGHTS = {"title": 1.0, "sku": 1.0, "category": 0.6, "brand": 0.8, "options": 0.5,
                         "description": 0.3}


def parse_weights(spec: str) -> Dict[str, float]:
    """"title=1,brand=0.8" -> {"title": 1.0, "brand": 0.8}; unknown fields are an error."""
    weights: Dict[str, float] = {}
    for item in str(spec).replace(";", ",").split(","):
        if not item.strip():
            continue
        name, _, value = item.partition("=")
        name = name.strip()
        if name not in FIELDS:
            raise ValueError(f"unknown search field {name!r} (fields: {', '.join(FIELDS)})")
        weights[name] = float(value)
    return weights


@dataclass(frozen=True)
class SearchSettings:
    mode: str = "hybrid"
    lexical_weight: float = 0.7
    candidates: int = 100           # per side, before fusion
    field_weights: Dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FIELD_WEIGHTS))
    bm25_k1: float = 0.9           # product texts are short: term repeats and length matter less
    bm25_b: float = 0.5
    spelling: SpellingSettings = SpellingSettings()

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"search mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if not 0.0 <= self.lexical_weight <= 1.0:
            raise ValueError(f"lexical weight must be between 0 and 1, got {self.lexical_weight}")

    def lexical_key(self) -> str:
        part = {"v": LEXICAL_FORMAT_VERSION, "k1": self.bm25_k1, "b": self.bm25_b}
        return "lexical-" + hashlib.sha256(json.dumps(part, sort_keys=True).encode()).hexdigest()[:12]


@dataclass
class Hit:
    product: Product
    score: float                        # fused, 0..1 (or the one side's normalised score)
    similarity: Optional[float] = None  # cosine similarity of the dense side, when computed
    lexical: float = 0.0                # weighted BM25
    exact_code: bool = False


@dataclass
class SearchResult:
    hits: List[Hit]
    query: str                          # what was searched for, after spelling correction
    corrections: List[Correction]

    @property
    def exact_code(self) -> bool:
        return any(h.exact_code for h in self.hits)


def _normalised(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-12:
        return np.full(values.shape, 1.0 if high > 0 else 0.0, dtype=np.float32)
    return ((values - low) / (high - low)).astype(np.float32)


def _top(scores: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` best positive scores, best first."""
    positive = np.flatnonzero(scores > 0)
    if positive.size > count:
        positive = positive[np.argpartition(-scores[positive], count)[:count]]
    return positive[np.argsort(-scores[positive], kind="stable")]


class ProductSearch:
    """The one search the assistant (and the relevance command) uses."""

    def __init__(self, index: ProductIndex, lexical: LexicalIndex, speller: Speller,
                 settings: SearchSettings) -> None:
        if lexical.size != len(index.products):
            raise ValueError("lexical index and FAISS index disagree on the catalog")
        self.index = index
        self.lexical = lexical
        self.speller = speller
        self.settings = settings

    def search(self, text: str, filters: SearchFilters = SearchFilters(), k: int = 10,
               mode: Optional[str] = None, vector: Optional[np.ndarray] = None) -> SearchResult:
        mode = mode or self.settings.mode
        if mode not in MODES:
            raise ValueError(f"search mode must be one of {', '.join(MODES)}, got {mode!r}")
        query, corrections = self.speller.correct(text)
        if k <= 0 or not self.index.products:
            return SearchResult([], query, corrections)
        tokens = tokenize(query)
        mask = self.index.mask(filters)
        if mask is not None and not mask.any():
            return SearchResult([], query, corrections)
        count = max(self.settings.candidates, k)

        lexical_scores = None
        lexical_top = np.zeros(0, dtype=np.int64)
        codes = np.zeros(0, dtype=np.int64)
        if mode != "dense" and tokens:
            lexical_scores = self.lexical.scores(tokens, self.settings.field_weights)
            if mask is not None:
                lexical_scores[~mask] = 0.0
            lexical_top = _top(lexical_scores, count)
            codes = self.lexical.exact_code_matches(tokens)
            if mask is not None and codes.size:
                codes = codes[mask[codes]]

        dense_top = np.zeros(0, dtype=np.int64)
        if mode != "lexical":
            if vector is None:
                if self.index.encoder is None:
                    raise RuntimeError("this index has no encoder attached")
                vector = self.index.encoder.encode_query(query)
            dense_hits = self.index.search_vector(vector, filters, count, mask=mask)
            dense_top = np.array([self.index.position[h.product.id] for h in dense_hits], dtype=np.int64)

        candidates = np.unique(np.concatenate([lexical_top, dense_top, codes]).astype(np.int64))
        if candidates.size == 0:
            return SearchResult([], query, corrections)
        similarity = self.index.vectors[candidates] @ np.asarray(vector, np.float32).reshape(-1) \
            if vector is not None else None
        lexical = lexical_scores[candidates] if lexical_scores is not None else np.zeros(candidates.size, np.float32)
        if mode == "dense":
            fused = _normalised(similarity)
        elif mode == "lexical":
            fused = _normalised(lexical)
        else:
            weight = self.settings.lexical_weight
            fused = weight * _normalised(lexical) + (1 - weight) * _normalised(similarity)
        exact = np.isin(candidates, codes)
        order = np.lexsort((-fused, ~exact))       # exact model numbers first, then by fused score
        checked = filters.normalized()
        hits: List[Hit] = []
        for i in order:
            product = self.index.products[candidates[i]]
            if not checked.check(product):
                continue
            hits.append(Hit(product, float(fused[i]), None if similarity is None else float(similarity[i]),
                            float(lexical[i]), bool(exact[i])))
            if len(hits) == k:
                break
        return SearchResult(hits, query, corrections)


    def pins(self, result: SearchResult) -> bool:
        """Did the lexical side pin the query to a product? Its model number was typed,
        or the best hit's title, brand or SKU holds every word of the query that is
        not everyday conversation ("do you have the pacewell vela 3")."""
        if not result.hits:
            return False
        top = result.hits[0]
        if top.exact_code:
            return True
        everyday = self._everyday_terms()
        words = [t for t in tokenize(result.query) if t not in everyday]
        if not words or top.lexical <= 0:
            return False
        fields = search_fields(top.product)
        named = set(tokenize(" ".join((fields["title"], fields["brand"], fields["sku"]))))
        return all(word in named for word in words)

    def _everyday_terms(self) -> frozenset:
        known = self.speller.known
        if getattr(self, "_everyday_for", None) is not known:
            self._everyday = frozenset(t for word in known for t in tokenize(word))
            self._everyday_for = known
        return self._everyday


def settings_from(settings) -> Tuple[IndexSettings, SearchSettings]:
    """Index and search settings from the project's settings (bot/settings.yml + environment)."""
    index = IndexSettings(
        ann_threshold=int(settings.ann_threshold), hnsw_m=int(settings.hnsw_m),
        hnsw_ef_construction=int(settings.hnsw_ef_construction),
        hnsw_ef_search=int(settings.hnsw_ef_search), exact_subset_limit=int(settings.exact_subset_limit),
    )
    search = SearchSettings(
        mode=str(settings.search_mode), lexical_weight=float(settings.search_lexical_weight),
        candidates=int(settings.search_candidates), field_weights=parse_weights(settings.search_field_weights),
        bm25_k1=float(settings.bm25_k1), bm25_b=float(settings.bm25_b),
        spelling=SpellingSettings(enabled=bool(settings.spelling), min_length=int(settings.spelling_min_length),
                                  long_word=int(settings.spelling_long_word),
                                  same_first_letter=bool(settings.spelling_same_first_letter)),
    )
    return index, search


def set_threads(faiss_threads: int) -> None:
    """Threads for FAISS (OpenMP) and numpy's BLAS (the exact scoring of a filtered
    subset) in this process; torch's are set by the Encoder. On a busy 2-core machine
    one thread each is several times faster than two (README "Product search")."""
    import faiss
    from threadpoolctl import threadpool_limits

    threads = max(1, int(faiss_threads))
    faiss.omp_set_num_threads(threads)
    threadpool_limits(limits=threads, user_api="blas")   # stays in force for the process


# -- the artefact: lexical index and spelling vocabulary next to the FAISS index ----------
def _product_texts(products: Sequence[Product]) -> List[List[str]]:
    return [list(search_fields(p).values()) for p in products]


def build_lexical(products: Sequence[Product], settings: SearchSettings,
                  progress: bool = False) -> Tuple[LexicalIndex, Dict[str, int]]:
    lexical = LexicalIndex.build(products, settings.bm25_k1, settings.bm25_b, progress=progress)
    return lexical, Speller.word_counts(_product_texts(products))


def _save_lexical(lexical: LexicalIndex, counts: Dict[str, int], directory: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=".lexical-", dir=directory.parent))
    try:
        lexical.save(staging)
        (staging / "words.json").write_text(json.dumps(counts, ensure_ascii=False), encoding="utf-8")
        try:
            os.replace(staging, directory)
        except OSError:          # another process saved the same artefact first
            pass
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _load_lexical(directory: Path) -> Optional[Tuple[LexicalIndex, Dict[str, int]]]:
    try:
        lexical = LexicalIndex.load(directory)
        counts = json.loads((directory / "words.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("lexical cache at %s unusable (%s); rebuilding", directory, exc)
        return None
    return lexical, counts


@dataclass
class SearchLoad:
    search: ProductSearch
    index: LoadResult
    lexical_from_cache: bool
    seconds: float


def build_or_load_search(products: Sequence[Product], encoder, cache_dir: Path, index_settings: IndexSettings,
                         settings: SearchSettings, progress: bool = True) -> SearchLoad:
    """The FAISS index and the lexical index as one cached artefact (same content-hash directory)."""
    started = time.perf_counter()
    loaded = build_or_load(products, encoder, cache_dir, index_settings, progress=progress)
    directory = Path(cache_dir) / loaded.key / settings.lexical_key()
    found = _load_lexical(directory) if (directory / "lexical.json").exists() else None
    from_cache = found is not None and found[0].size == len(loaded.index.products)
    if not from_cache:
        found = build_lexical(loaded.index.products, settings, progress=progress)
        _save_lexical(found[0], found[1], directory)
    lexical, counts = found
    search = ProductSearch(loaded.index, lexical, Speller(counts, settings.spelling), settings)
    return SearchLoad(search, loaded, from_cache, time.perf_counter() - started)
