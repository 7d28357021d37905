"""FAISS index over product embeddings, with exact hard filters and a disk cache.

Small catalogs use an exact inner-product index. Above `ann_threshold` products
an HNSW graph answers unfiltered and loosely filtered queries; a query whose
filters leave few products is scored exactly on that subset instead, which is
both faster and exact. Every result is checked against the filters last.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import faiss
import numpy as np

from embeddings.catalog import Product, catalog_fingerprint
from embeddings.colours import colour_terms
from embeddings.filters import SearchFilters, size_key
from embeddings.products import product_from_cache, under

logger = logging.getLogger(__name__)

INDEX_FORMAT_VERSION = 1


@dataclass(frozen=True)
class IndexSettings:
    ann_threshold: int = 20000
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 96
    exact_subset_limit: int = 30000

    def kind_for(self, size: int) -> str:
        return "hnsw" if size >= self.ann_threshold else "flat"

    def cache_part(self, size: int) -> Dict[str, object]:
        kind = self.kind_for(size)
        part: Dict[str, object] = {"kind": kind, "format": INDEX_FORMAT_VERSION}
        if kind == "hnsw":
            part.update(m=self.hnsw_m, ef_construction=self.hnsw_ef_construction)
        return part


@dataclass
class SearchHit:
    product: Product
    score: float


class ProductIndex:
    """Products, their vectors, and a FAISS index over them."""

    def __init__(self, products: Sequence[Product], vectors: np.ndarray,
                 faiss_index: faiss.Index, kind: str, settings: IndexSettings) -> None:
        self.products = list(products)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.faiss_index = faiss_index
        self.kind = kind
        self.settings = settings
        self.by_id: Dict[str, Product] = {p.id: p for p in self.products}
        self.position: Dict[str, int] = {p.id: i for i, p in enumerate(self.products)}
        self.encoder = None            # set by build_or_load; needed only for text queries
        self._build_columns()

    # -- construction -----------------------------------------------------
    @staticmethod
    def make_faiss_index(vectors: np.ndarray, kind: str, settings: IndexSettings) -> faiss.Index:
        dimension = vectors.shape[1]
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dimension, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = settings.hnsw_ef_construction
            index.hnsw.efSearch = settings.hnsw_ef_search
        else:
            index = faiss.IndexFlatIP(dimension)
        index.add(vectors)
        return index

    @classmethod
    def from_vectors(cls, products: Sequence[Product], vectors: np.ndarray,
                     settings: IndexSettings, kind: Optional[str] = None) -> "ProductIndex":
        kind = kind or settings.kind_for(len(products))
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        return cls(products, vectors, cls.make_faiss_index(vectors, kind, settings), kind, settings)

    def _build_columns(self) -> None:
        """Column arrays so filters become vectorised masks, not Python loops.
        Budget, colour, size and stock are columns over variants."""
        self._category = self._codes([p.category.lower() for p in self.products])
        self._brand = self._codes([p.brand.lower() for p in self.products])
        self._audience = self._membership([set(p.audience) for p in self.products])
        self._has_audience = np.array([bool(p.audience) for p in self.products], dtype=bool)
        variants = [(row, v) for row, p in enumerate(self.products) for v in p.variants]
        self._v_product = np.array([row for row, _ in variants], dtype=np.int64)
        self._v_price = np.array([v.price for _, v in variants], dtype=np.float64)
        self._v_in_stock = np.array([v.in_stock for _, v in variants], dtype=bool)
        self._v_colour = self._membership([colour_terms(v.colour) if v.colour else set() for _, v in variants])
        self._v_size = self._membership([{size_key(v.size)} if v.size else set() for _, v in variants])

    @staticmethod
    def _codes(values: List[str]) -> Tuple[Dict[str, int], np.ndarray]:
        vocabulary: Dict[str, int] = {}
        codes = np.array([vocabulary.setdefault(v, len(vocabulary)) for v in values], dtype=np.int32)
        return vocabulary, codes

    def _membership(self, sets: List[set]) -> Dict[str, np.ndarray]:
        columns: Dict[str, np.ndarray] = {}
        for row, values in enumerate(sets):
            for value in values:
                column = columns.get(value)
                if column is None:
                    column = columns[value] = np.zeros(len(sets), dtype=bool)
                column[row] = True
        return columns

    # -- filtering --------------------------------------------------------
    def _any_code(self, column: Tuple[Dict[str, int], np.ndarray], wanted: Sequence[str]) -> np.ndarray:
        vocabulary, codes = column
        ids = [vocabulary[w] for w in wanted if w in vocabulary]
        return np.isin(codes, ids) if ids else np.zeros(len(codes), dtype=bool)

    def _any_member(self, columns: Dict[str, np.ndarray], wanted: Sequence[str], size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        for value in wanted:
            if value in columns:
                mask |= columns[value]
        return mask

    def mask(self, filters: SearchFilters) -> Optional[np.ndarray]:
        """Boolean mask of allowed products, or None when nothing is filtered."""
        f = filters.normalized()
        if f.is_empty:
            return None
        mask = np.ones(len(self.products), dtype=bool)
        if f.categories:
            vocabulary, codes = self._category
            nodes = [key for key in vocabulary if any(under(key, c) for c in f.categories)]
            mask &= self._any_code(self._category, nodes)
        if f.brands:
            mask &= self._any_code(self._brand, f.brands)
        if f.exclude_brands:
            mask &= ~self._any_code(self._brand, f.exclude_brands)
        if f.audience:
            allowed = set(f.audience) | ({"unisex"} if set(f.audience) & {"women", "men"} else set())
            mask &= self._any_member(self._audience, sorted(allowed), len(self.products)) | ~self._has_audience
        if f.on_variants:
            fits = np.ones(len(self._v_product), dtype=bool)
            if f.min_price is not None:
                fits &= self._v_price >= f.min_price
            if f.max_price is not None:
                fits &= self._v_price <= f.max_price
            if f.colours:
                fits &= self._any_member(self._v_colour, f.colours, len(fits))
            if f.sizes:
                fits &= self._any_member(self._v_size, f.sizes, len(fits))
            if f.in_stock:
                fits &= self._v_in_stock
            has = np.zeros(len(self.products), dtype=bool)
            has[self._v_product[fits]] = True
            mask &= has
        for product_id in f.exclude_ids:
            position = self.position.get(product_id)
            if position is not None:
                mask[position] = False
        if f.only_ids is not None:
            only = np.zeros(len(self.products), dtype=bool)
            only[[self.position[i] for i in f.only_ids if i in self.position]] = True
            mask &= only
        return mask

    # -- search -----------------------------------------------------------
    def search(self, query: str, filters: SearchFilters = SearchFilters(), k: int = 5) -> List[SearchHit]:
        """The k products most similar to the text that pass every hard filter."""
        if self.encoder is None:
            raise RuntimeError("this index has no encoder attached; use search_vector")
        return self.search_vector(self.encoder.encode_query(query), filters, k)

    def search_vector(self, query: np.ndarray, filters: SearchFilters = SearchFilters(),
                      k: int = 5, mask: Optional[np.ndarray] = None) -> List[SearchHit]:
        """`mask`: self.mask(filters) when the caller has it already (hybrid search)."""
        if k <= 0 or not self.products:
            return []
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        mask = self.mask(filters) if mask is None else mask
        if mask is None:
            positions, scores = self._faiss_search(query, k, None)
        else:
            allowed = np.flatnonzero(mask)
            if allowed.size == 0:
                return []
            if self.kind == "flat" or allowed.size <= self.settings.exact_subset_limit:
                positions, scores = self._exact_subset(query[0], allowed, k)
            else:
                positions, scores = self._faiss_search(query, k, mask)
        checked = filters.normalized()
        return [SearchHit(self.products[p], float(s))
                for p, s in zip(positions, scores) if checked.check(self.products[p])]

    def _exact_subset(self, query: np.ndarray, allowed: np.ndarray, k: int):
        scores = self.vectors[allowed] @ query
        if k < scores.size:
            top = np.argpartition(-scores, k)[:k]
        else:
            top = np.arange(scores.size)
        top = top[np.argsort(-scores[top], kind="stable")]
        return allowed[top], scores[top]

    def _faiss_search(self, query: np.ndarray, k: int, mask: Optional[np.ndarray]):
        params = None
        if mask is not None:
            selector = faiss.IDSelectorBitmap(np.packbits(mask, bitorder="little"))
            if self.kind == "hnsw":
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.settings.hnsw_ef_search, k))
            else:
                params = faiss.SearchParameters(sel=selector)
        elif self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(self.settings.hnsw_ef_search, k))
        scores, positions = self.faiss_index.search(query, k, params=params)
        keep = positions[0] >= 0
        return positions[0][keep], scores[0][keep]


# -- cache ------------------------------------------------------------------
def cache_key(products: Sequence[Product], model_fingerprint: str, settings: IndexSettings) -> str:
    digest = hashlib.sha256()
    digest.update(catalog_fingerprint(products).encode())
    digest.update(model_fingerprint.encode())
    digest.update(json.dumps(settings.cache_part(len(products)), sort_keys=True).encode())
    return digest.hexdigest()[:24]


def save_index(index: ProductIndex, directory: Path, info: Dict[str, object]) -> None:
    """Write atomically: a half-written cache must never be loaded."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=directory.parent))
    try:
        np.save(staging / "vectors.npy", index.vectors)
        faiss.write_index(index.faiss_index, str(staging / "index.faiss"))
        with open(staging / "products.jsonl", "w", encoding="utf-8") as handle:
            for product in index.products:
                handle.write(json.dumps(product.to_dict(), ensure_ascii=False) + "\n")
        (staging / "meta.json").write_text(json.dumps({**info, "kind": index.kind}, indent=2))
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(staging, directory)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def load_cached_index(directory: Path, settings: IndexSettings) -> Optional[ProductIndex]:
    try:
        meta = json.loads((directory / "meta.json").read_text())
        vectors = np.load(directory / "vectors.npy")
        faiss_index = faiss.read_index(str(directory / "index.faiss"))
        with open(directory / "products.jsonl", encoding="utf-8") as handle:
            products = [product_from_cache(json.loads(line)) for line in handle if line.strip()]
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        logger.warning("index cache at %s unusable (%s); rebuilding", directory, exc)
        return None
    if len(products) != vectors.shape[0] or faiss_index.ntotal != len(products):
        logger.warning("index cache at %s is inconsistent; rebuilding", directory)
        return None
    if meta.get("kind") == "hnsw":
        faiss_index.hnsw.efSearch = settings.hnsw_ef_search
    return ProductIndex(products, vectors, faiss_index, meta.get("kind", "flat"), settings)


@dataclass
class LoadResult:
    index: ProductIndex
    from_cache: bool
    seconds: float
    key: str


def build_or_load(products: Sequence[Product], encoder, cache_dir: Path,
                  settings: IndexSettings, progress: bool = True) -> LoadResult:
    """Reuse the cached index for this catalog + model + settings, or build it."""
    started = time.perf_counter()
    key = cache_key(products, encoder.fingerprint, settings)
    directory = Path(cache_dir) / key
    cached = load_cached_index(directory, settings) if (directory / "meta.json").exists() else None
    if cached is not None:
        cached.encoder = encoder
        return LoadResult(cached, True, time.perf_counter() - started, key)
    texts = [p.embedding_text() for p in products]
    vectors = encoder.encode(texts, progress=progress) if texts else np.zeros((0, encoder.dimension), np.float32)
    index = ProductIndex.from_vectors(products, vectors, settings)
    index.encoder = encoder
    save_index(index, directory, {"key": key, "model": encoder.fingerprint, "products": len(products)})
    return LoadResult(index, False, time.perf_counter() - started, key)
