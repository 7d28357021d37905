"""Everything the actions share, loaded once per action-server process.

rasa-sdk has no start-up hook, so the first caller builds the runtime under a
lock (double-checked) and every later caller gets the same object. The action
server also starts loading in a background thread when the `actions` package
is imported, so the first customer does not wait for the model.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from bot.settings import Settings, load_settings
from embeddings.catalog import Product, catalog_for_start
from embeddings.products import under
from embeddings.categories import CategoryVocabulary
from embeddings.category_match import CategoryMatcher
from embeddings.colours import colour_terms
from embeddings.encoder import Encoder
from embeddings.hybrid import ProductSearch, build_or_load_search, set_threads, settings_from
from embeddings.index import IndexSettings, ProductIndex
from embeddings.services import ServiceCatalog
from actions.messages import set_shop_currency
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
    # Hybrid product search (embeddings/hybrid.py) over the same index.
    search: Optional[ProductSearch] = None
    # Behaviour signals built from the profile store, refreshed now and then
    # (actions/behaviour/live.py).
    behaviour_cache: Dict[str, object] = field(default_factory=dict)
    # variant id -> product id, for carts and checkouts that name a variant
    variant_owner: Dict[str, str] = field(default_factory=dict)
    # the catalog's categories by meaning (embeddings/category_match.py)
    category_matcher: Optional[CategoryMatcher] = None
    currency: str = "EUR"                          # the catalog's (budgets, services)
    # a request this catalog answers, for help texts ("laptops under 900")
    example_request: str = ""

    @property
    def products(self) -> Dict[str, Product]:
        return self.index.by_id

    def product(self, product_id: Optional[str]) -> Optional[Product]:
        """A product by its id, or by a variant's id (then carrying that variant)."""
        if not product_id:
            return None
        product = self.index.by_id.get(product_id)
        if product is None:
            owner = self.index.by_id.get(self.variant_owner.get(product_id, ""))
            if owner is not None:
                product = owner.with_variant(owner.find_variant(product_id))
        return product

    def products_in(self, category: str) -> List[Product]:
        """Products in a category or anywhere below it in the tree."""
        return [p for p in self.index.products if under(p.category, category)]

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
    return settings_from(settings)[0]


def assistant_words() -> List[str]:
    """Words the message parser understands: spelling correction leaves them alone."""
    from actions import understanding as u

    phrases = [*u.COLOUR_SYNONYMS, *u.LETTER_SIZES, *u.ORDINALS, *u.NUMBER_WORDS, *u.RECIPIENTS, *u.STYLES,
               *u.MATERIALS, *u.PURPOSES, *u.CHEAPER, *u.PRICIER, *u.NEGATORS]
    return sorted({word for phrase in phrases for word in phrase.lower().split()})


def make_encoder(settings: Settings) -> Encoder:
    return Encoder(settings.embedding_model, threads=int(settings.torch_threads),
                   batch_size=int(settings.encode_batch_size),
                   query_cache_size=int(settings.query_cache_size))


def checked_catalog(settings: Settings):
    """The shop's catalog, or RuntimeError with the import report when the
    assistant must not start on it (refused file, or no product loaded)."""
    report = catalog_for_start(settings.catalog_path, settings.shop_currency)
    for line, reason in report.errors:
        logger.warning("catalog %s %s skipped: %s", report.unit, line, reason)
    for warning in report.warnings:
        logger.warning("catalog: %s", warning)
    return report


def example_request(products: List[Product], categories: CategoryVocabulary) -> str:
    """The catalog's largest category under a round budget most of it fits."""
    counts = Counter(p.category for p in products)
    largest = min(counts, key=lambda key: (-counts[key], key))
    prices = sorted(p.price for p in products if p.category == largest)
    budget = prices[len(prices) * 3 // 4]
    step = 10 if budget < 1000 else 100                     # 87 -> 90, 1240 -> 1300
    return f"{categories.name(largest)} under {math.ceil(budget / step) * step}"


def build_runtime(settings: Optional[Settings] = None, progress: bool = False) -> Runtime:
    started = time.perf_counter()
    settings = settings or load_settings()
    report = checked_catalog(settings)
    set_threads(int(settings.faiss_threads))
    encoder = make_encoder(settings)
    index_config, search_config = settings_from(settings)
    loaded_search = build_or_load_search(report.products, encoder, settings.path("index_cache_dir"),
                                         index_config, search_config, progress=progress)
    loaded = loaded_search.index
    index = loaded.index
    categories = CategoryVocabulary.load(settings.categories_path,
                                         {p.category: p.category_path for p in index.products},
                                         sized_keys={p.category for p in index.products if len(p.sizes) > 1})
    search = loaded_search.search
    search.speller = search.speller.with_known(
        [word for phrase, _ in categories.phrases for word in phrase.split()] + assistant_words())
    parser = MessageParser(
        category_phrases=categories.phrases,
        brands={p.brand for p in index.products},
        # The shop's colour names and every plain colour word they contain.
        colours={t for p in index.products for c in p.colours for t in colour_terms(c)},
        features=known_features(index.products),
    )
    runtime = Runtime(
        settings=settings, index=index, encoder=encoder,
        services=ServiceCatalog.load(settings.services_path, settings.complements_path,
                                     report.currency or index.products[0].currency),
        categories=categories, parser=parser, store=ProfileStore(settings.profile_db_url),
        load_seconds=time.perf_counter() - started, index_from_cache=loaded.from_cache, search=search,
        variant_owner={v.id: p.id for p in index.products for v in p.variants if v.id != p.id},
        category_matcher=CategoryMatcher.build({p.category: p.category_path for p in index.products}, encoder,
                                               settings.path("index_cache_dir"),
                                               float(settings.category_match_threshold)),
        example_request=example_request(index.products, categories),
    )
    runtime.currency = report.currency or index.products[0].currency
    set_shop_currency(runtime.currency)
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
        if runtime is not None:
            set_shop_currency(runtime.currency)       # the amounts follow the runtime in use


def warm_up_in_background() -> threading.Thread:
    thread = threading.Thread(target=_warm_up, name="runtime-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up() -> None:
    try:
        get_runtime()
    except Exception:  # the first action call will raise it again, with context
        logger.exception("warming up the action runtime failed")
