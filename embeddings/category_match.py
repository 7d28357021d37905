"""Words to the shop's own categories by meaning, with the product encoder.

Each category path ("Apparel > Hoodies") is embedded once and cached next to the
index, keyed by the content hash of the paths and the model. A message that no
category name matches word for word is compared with them; a category whose
similarity reaches the threshold (measured on the shared real catalogs with
`python -m embeddings.category_match`, see bot/settings.yml) is what it asks for.
Below it, the closest categories are still the best "closest kinds we carry".
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np


def path_text(path: Sequence[str]) -> str:
    return " > ".join(p.replace("_", " ") for p in path)


class CategoryMatcher:
    def __init__(self, paths: Dict[str, Tuple[str, ...]], vectors: np.ndarray, encoder, threshold: float) -> None:
        self.keys = list(paths)
        self.paths = paths
        self.vectors = vectors
        self.encoder = encoder
        self.threshold = threshold

    @classmethod
    def build(cls, paths: Dict[str, Tuple[str, ...]], encoder, cache_dir: Optional[Path],
              threshold: float) -> "CategoryMatcher":
        keys = sorted(paths)
        ordered = {k: paths[k] for k in keys}
        texts = [path_text(paths[k]) for k in keys]
        digest = hashlib.sha256(json.dumps([encoder.fingerprint, texts]).encode()).hexdigest()[:24]
        cached = Path(cache_dir) / f"categories-{digest}.npy" if cache_dir else None
        vectors = None
        if cached is not None and cached.exists():
            try:
                vectors = np.load(cached)
            except (OSError, ValueError):
                vectors = None
        if vectors is None or vectors.shape[0] != len(keys):
            vectors = encoder.encode(texts) if texts else np.zeros((0, encoder.dimension), np.float32)
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                handle, staging = tempfile.mkstemp(dir=cached.parent, suffix=".npy")
                os.close(handle)
                np.save(staging, vectors)
                os.replace(staging, cached)   # never a half-written cache
        return cls(ordered, np.ascontiguousarray(vectors, dtype=np.float32), encoder, threshold)

    def scores(self, vector: np.ndarray) -> List[Tuple[str, float]]:
        """Every category with its similarity to the query vector, best first."""
        if not self.keys:
            return []
        sims = self.vectors @ np.asarray(vector, dtype=np.float32).reshape(-1)
        order = np.argsort(-sims)
        return [(self.keys[i], float(sims[i])) for i in order]

    def match(self, vector: np.ndarray) -> Optional[Tuple[str, float]]:
        ranked = self.scores(vector)
        if ranked and ranked[0][1] >= self.threshold:
            return ranked[0]
        return None

    def closest(self, vector: np.ndarray, count: int = 3) -> List[str]:
        """The closest categories, leaves preferred, no two with the same name."""
        names: List[str] = []
        keys: List[str] = []
        for key, _ in self.scores(vector):
            name = self.paths[key][-1] if self.paths[key] else key
            if name.lower() in names:
                continue
            names.append(name.lower())
            keys.append(key)
            if len(keys) == count:
                break
        return keys


# -- measuring the threshold ---------------------------------------------------
def measure(files: Sequence[Path], encoder, currency: str = "USD") -> Dict[str, float]:
    """Positives: a product title against its own catalog's categories (own category's
    similarity). Negatives: a title from another shop whose kind this shop does not
    have, against this shop's categories (best similarity). The threshold is the
    value that separates the two best (balanced accuracy)."""
    from embeddings.catalog import load_catalog

    catalogs = [load_catalog(f, currency).products for f in files]
    positives: List[float] = []
    negatives: List[float] = []
    for number, products in enumerate(catalogs):
        paths = {p.category: p.category_path for p in products}
        keys = sorted(paths)
        vectors = encoder.encode([path_text(paths[k]) for k in keys])
        names = {paths[k][-1].lower() for k in keys}
        titles = encoder.encode([p.title for p in products])
        for product, vector in zip(products, titles):
            positives.append(float(vectors[keys.index(product.category)] @ vector))
        for other_number, others in enumerate(catalogs):
            if other_number == number:
                continue
            foreign = [p for p in others if p.category_path and p.category_path[-1].lower() not in names]
            if not foreign:
                continue
            foreign_vectors = encoder.encode([p.title for p in foreign])
            negatives += [float(np.max(vectors @ v)) for v in foreign_vectors]
    pos, neg = np.array(positives), np.array(negatives)
    best = (0.0, 0.5)
    for threshold in np.arange(0.10, 0.80, 0.01):
        accuracy = 0.5 * ((pos >= threshold).mean() + (neg < threshold).mean())
        if accuracy > best[0]:
            best = (float(accuracy), float(round(threshold, 2)))
    return {"threshold": best[1], "balanced_accuracy": round(best[0], 3), "positives": len(pos),
            "negatives": len(neg), "positive_median": round(float(np.median(pos)), 3),
            "negative_median": round(float(np.median(neg)), 3)}


def main(argv: List[str]) -> int:
    import argparse

    from actions.runtime import make_encoder
    from bot.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m embeddings.category_match",
                                     description="measure the category match threshold on real catalogs")
    parser.add_argument("files", nargs="*", help="catalog files (default: the shared Shopify and Merchant files)")
    args = parser.parse_args(argv)
    settings = load_settings()
    data = settings.path("shared_data_dir")
    files = [Path(f) for f in args.files] or [
        data / "shopify_export_lifemademagic.csv", data / "shopify_export_ishalife.csv",
        data / "google_merchant_hardlife.xml", data / "google_merchant_lakeerie.tsv"]
    print(json.dumps(measure(files, make_encoder(settings)), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
