"""Benchmarks of hybrid product search (part of `python -m bot bench`; alone with
`python -m bot bench --search-only`): the lexical artefact for a 100,000-product
catalog (build time, memory, reload), hybrid search latency with and without
filters (query encoding excluded, it is timed apart), and FAISS / torch thread
counts under concurrent callers."""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def directory_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2 ** 20


def _samples(function: Callable[[], object], count: int) -> List[float]:
    out = []
    for _ in range(count):
        started = time.perf_counter()
        function()
        out.append((time.perf_counter() - started) * 1000)
    return out


def bench_hybrid(runtime, products, vectors, queries: List[str]) -> Dict[str, object]:
    """Build the lexical side for `products` (already holding `vectors` in a FAISS index)
    and time hybrid searches on it."""
    from embeddings.filters import SearchFilters
    from embeddings.hybrid import ProductSearch, _load_lexical, _save_lexical, build_lexical, settings_from
    from embeddings.index import ProductIndex
    from embeddings.spelling import Speller

    index_config, search_config = settings_from(runtime.settings)
    index = ProductIndex.from_vectors(products, vectors, index_config)
    index.encoder = runtime.encoder
    before = rss_mb()
    started = time.perf_counter()
    lexical, counts = build_lexical(products, search_config, progress=False)
    build_s = time.perf_counter() - started
    memory = rss_mb() - before
    scratch = Path(tempfile.mkdtemp(prefix="bench-lexical-")) / "lexical"
    try:
        _save_lexical(lexical, counts, scratch)
        disk = directory_mb(scratch)
        started = time.perf_counter()
        _load_lexical(scratch)
        reload_s = time.perf_counter() - started
    finally:
        shutil.rmtree(scratch.parent, ignore_errors=True)
    search = ProductSearch(index, lexical, Speller(counts, search_config.spelling).with_known([]), search_config)
    query_vectors = {q: runtime.encoder.encode_query(search.speller.correct(q)[0]) for q in queries}
    budget = float(np.median([p.price for p in products if p.category == "hiking_boots"]))
    filtered = SearchFilters(categories=("hiking_boots",), max_price=budget, in_stock=True)
    results: Dict[str, List[float]] = {}
    for mode in ("hybrid", "lexical", "dense"):
        search.search(queries[0], filtered, 10, mode=mode, vector=query_vectors[queries[0]])   # warm
        results[f"{mode}_filtered"] = [t for q in queries for t in _samples(
            lambda: search.search(q, filtered, 10, mode=mode, vector=query_vectors[q]), 1)]
    results["hybrid_unfiltered"] = [t for q in queries for t in _samples(
        lambda: search.search(q, SearchFilters(), 10, vector=query_vectors[q]), 1)]
    fresh = [f"{q} for the weekend {i}" for i, q in enumerate(queries[:40])]
    results["encode_query"] = [t for q in fresh for t in _samples(lambda: runtime.encoder.encode_query(q), 1)]
    return {"samples": results, "build_s": build_s, "memory_mb": memory, "disk_mb": disk,
            "reload_s": reload_s, "size": len(products), "kind": index.kind}


def bench_threads(index, vectors: np.ndarray, callers: int = 4, per_caller: int = 40) -> Dict[int, List[float]]:
    """Exact (flat) FAISS searches by `callers` concurrent threads, with 1 and 2 OpenMP threads."""
    import faiss

    from embeddings.filters import SearchFilters

    found: Dict[int, List[float]] = {}
    previous = faiss.omp_get_max_threads()
    try:
        for threads in (1, 2):
            faiss.omp_set_num_threads(threads)
            times: List[float] = []
            lock = threading.Lock()

            def work(offset: int) -> None:
                mine = [t for v in vectors[offset:offset + per_caller]
                        for t in _samples(lambda: index.search_vector(v, SearchFilters(), 10), 1)]
                with lock:
                    times.extend(mine)

            workers = [threading.Thread(target=work, args=(n * per_caller % max(1, len(vectors) - per_caller),))
                       for n in range(callers)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            found[threads] = times
    finally:
        faiss.omp_set_num_threads(previous)
    return found


def bench_torch_threads(encoder, texts: List[str]) -> Dict[int, List[float]]:
    """One query encoded at a time (the Encoder serialises them) with 1 and 2 torch threads."""
    import torch

    previous = torch.get_num_threads()
    found: Dict[int, List[float]] = {}
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            found[threads] = [t for text in texts for t in _samples(lambda: encoder.encode([f"{text} {threads}"]), 1)]
    finally:
        torch.set_num_threads(previous)
    return found


def report(line: Callable[[str, List[float]], str], hybrid: Dict[str, object],
           faiss_threads: Dict[int, List[float]], torch_threads: Dict[int, List[float]]) -> str:
    s = hybrid["samples"]
    size = f"{hybrid['size']:,}"
    lines = [f"\nHybrid search on the synthetic {size}-product catalog (in process, top 10, query encoding excluded):",
             line("hybrid, category+budget filter", s["hybrid_filtered"]) + "   (target p50 < 5 ms)",
             line("lexical only, category+budget filter", s["lexical_filtered"]),
             line("dense only, category+budget filter", s["dense_filtered"]),
             line("hybrid, unfiltered", s["hybrid_unfiltered"]),
             line("encoding one new query (apart)", s["encode_query"]),
             f"  lexical index for {size} products: built in {hybrid['build_s']:.1f} s, "
             f"+{hybrid['memory_mb']:.0f} MB RSS, {hybrid['disk_mb']:.0f} MB on disk, reloaded in {hybrid['reload_s']:.2f} s",
             "\nThreads under 4 concurrent callers (exact flat search, 100k vectors):"]
    for threads, samples in faiss_threads.items():
        lines.append(line(f"FAISS {threads} thread(s)", samples))
    lines.append("One query encoded at a time:")
    for threads, samples in torch_threads.items():
        lines.append(line(f"torch {threads} thread(s)", samples))
    return "\n".join(lines)
