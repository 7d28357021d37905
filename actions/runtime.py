"""Everything the actions share, loaded once per action-server process.

rasa-sdk has no start-up hook, so the first caller builds the runtime under a
lock (double-checked) and every later caller gets the same object. The action
server also starts loading in a background thread when the `actions` package
is imported, so the first customer does not wait for the model.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from bot.settings import Settings, load_settings
from embeddings.catalog import Product, load_catalog
from embeddings.categories import CategoryVocabulary
from embeddings.encoder import Encoder
from embeddings.index import IndexSettings, ProductIndex, build_or_load
from embeddings.services import ServiceCatalog
from actions.profiles import ProfileStore
from actions.understanding import MessageParser, known_features

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    index: ProductIndex
    encoder: Encoder
    services: ServiceCatalog
    categories: CategoryVocabulary
    parser: MessageParser
    store: ProfileStore
    load_seconds: float
    index_from_cache: bool
    # Behaviour signals built from the profile store, refreshed now and then
    # (actions/behaviour/live.py).
    behaviour_cache: Dict[str, object] = field(default_factory=dict)

    @property
    def products(self) -> Dict[str, Product]:
        return self.index.by_id

    def product(self, product_id: Optional[str]) -> Optional[Product]:
        return self.index.by_id.get(product_id) if product_id else None

    def products_in(self, category: str) -> List[Product]:
        return [p for p in self.index.products if p.category == category]

    def known_words(self) -> frozenset:
        """Whole words of the sentence encoder's vocabulary (read once): tells real
        words from a keyboard mash."""
        words = self.behaviour_cache.get("_known_words")
        if words is None:
            vocab = self.encoder.model_dir / "vocab.txt"
            lines = vocab.read_text(encoding="utf-8").splitlines() if vocab.exists() else []
            words = frozenset(w for w in lines if w.isalpha() and len(w) > 1)
            self.behaviour_cache["_known_words"] = words
        return words


def index_settings(settings: Settings) -> IndexSettings:
    return IndexSettings(
        ann_threshold=int(settings.ann_threshold), hnsw_m=int(settings.hnsw_m),
        hnsw_ef_construction=int(settings.hnsw_ef_construction),
        hnsw_ef_search=int(settings.hnsw_ef_search), exact_subset_limit=int(settings.exact_subset_limit),
    )


def make_encoder(settings: Settings) -> Encoder:
    return Encoder(settings.embedding_model, threads=int(settings.torch_threads),
                   batch_size=int(settings.encode_batch_size),
                   query_cache_size=int(settings.query_cache_size))


def build_runtime(settings: Optional[Settings] = None, progress: bool = False) -> Runtime:
    started = time.perf_counter()
    settings = settings or load_settings()
    report = load_catalog(settings.catalog_path)
    for line, reason in report.errors:
        logger.warning("catalog line %s skipped: %s", line, reason)
    if not report.products:
        raise RuntimeError(f"catalog {settings.catalog_path} has no valid products")
    encoder = make_encoder(settings)
    loaded = build_or_load(report.products, encoder, settings.path("index_cache_dir"),
                           index_settings(settings), progress=progress)
    index = loaded.index
    categories = CategoryVocabulary.load(settings.categories_path, {p.category for p in index.products})
    parser = MessageParser(
        category_phrases=categories.phrases,
        brands={p.brand for p in index.products},
        colours={c for p in index.products for c in p.colours},
        features=known_features(index.products),
    )
    runtime = Runtime(
        settings=settings, index=index, encoder=encoder,
        services=ServiceCatalog.load(settings.services_path, settings.complements_path),
        categories=categories, parser=parser, store=ProfileStore(settings.profile_db_url),
        load_seconds=time.perf_counter() - started, index_from_cache=loaded.from_cache,
    )
    encoder.encode_query("warm up the encoder")
    logger.info("runtime ready in %.2fs (%d products, index %s, %s)", runtime.load_seconds,
                len(index.products), index.kind, "cached" if loaded.from_cache else "built")
    return runtime


_runtime: Optional[Runtime] = None
_lock = threading.Lock()
load_count = 0   # how many times the runtime was built in this process (tests check it is 1)


def get_runtime() -> Runtime:
    global _runtime, load_count
    runtime = _runtime
    if runtime is not None:
        return runtime
    with _lock:
        if _runtime is None:
            _runtime = build_runtime()
            load_count += 1
        return _runtime


def reset_runtime_for_tests(runtime: Optional[Runtime] = None) -> None:
    """Tests swap in a runtime built from their own settings."""
    global _runtime
    with _lock:
        _runtime = runtime


def warm_up_in_background() -> threading.Thread:
    thread = threading.Thread(target=_warm_up, name="runtime-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up() -> None:
    try:
        get_runtime()
    except Exception:  # the first action call will raise it again, with context
        logger.exception("warming up the action runtime failed")
