"""Search quality on judged queries, measured with the assistant's own search.

    python -m embeddings.relevance --judgments FILE [--out RANKINGS.tsv] [--mode hybrid]

FILE is tab-separated with a header: query, product_id, product_title, relevance
(1 = irrelevant .. 3 = perfect). The catalog is every title in the file; every query
with at least three judged products is searched in the dense, lexical and hybrid
modes by embeddings.hybrid.ProductSearch (what the assistant calls), and the
command prints for each mode:

- NDCG@10 with gain = relevance - 1, unjudged products gain 0, the ideal ranking
  made of the query's judged products;
- the same NDCG when only each query's judged products are ranked (judged pools
  come from some earlier engine, so unjudged products are not all irrelevant);
- the share of queries with a product of relevance >= 2.5 in the top 10;
- search latency p50 / p95 in ms (query encoding excluded, reported apart).

--out writes `query, rank, product_id` for the top 10 of each query in the
default mode (or --mode), so anyone can recompute the figures.
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

MIN_JUDGED = 3
TOP = 10
GOOD = 2.5


class JudgmentsError(ValueError):
    """A judgments file that cannot be read, with a reason a person can act on."""


@dataclass
class Judgments:
    titles: Dict[str, str]                       # product_id -> title
    by_query: Dict[str, Dict[str, float]]        # query -> product_id -> relevance

    def queries(self, minimum: int = MIN_JUDGED) -> List[str]:
        return [q for q, judged in self.by_query.items() if len(judged) >= minimum]


def read_judgments(path: Path) -> Judgments:
    titles: Dict[str, str] = {}
    by_query: Dict[str, Dict[str, float]] = {}
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise JudgmentsError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader, None)
        if header is None:
            raise JudgmentsError(f"{path} is empty")
        columns = [c.strip().lower() for c in header]
        wanted = ("query", "product_id", "product_title", "relevance")
        if any(name not in columns for name in wanted):
            raise JudgmentsError(f"{path}: header must name {', '.join(wanted)} (tab-separated), got {header}")
        at = {name: columns.index(name) for name in wanted}
        for number, row in enumerate(reader, start=2):
            if not row or not any(cell.strip() for cell in row):
                continue
            try:
                query, product_id = row[at["query"]].strip(), row[at["product_id"]].strip()
                title, relevance = row[at["product_title"]].strip(), float(row[at["relevance"]])
            except (IndexError, ValueError):
                raise JudgmentsError(f"{path} line {number}: expected 4 tab-separated fields with a "
                                     f"numeric relevance, got {row!r}") from None
            if not query or not product_id or not title:
                raise JudgmentsError(f"{path} line {number}: empty query, product_id or title")
            titles.setdefault(product_id, title)
            by_query.setdefault(query, {})[product_id] = relevance
    if not titles:
        raise JudgmentsError(f"{path} has no judged pairs")
    return Judgments(titles, by_query)


def catalog_of(judgments: Judgments):
    """One product per judged title (nothing else is known about them)."""
    from embeddings.products import Product, Variant

    return [Product(id=pid, title=title, description="", brand="", currency="USD", category_path=(),
                    variants=(Variant(id=pid, price=0.0),))
            for pid, title in sorted(judgments.titles.items())]


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(rank + 2) for rank, g in enumerate(gains[:TOP]))


def ndcg_at_10(ranked_ids: Sequence[str], judged: Dict[str, float]) -> float:
    """Gain = relevance - 1; unjudged products gain 0; ideal from the judged products."""
    ideal = dcg(sorted((r - 1 for r in judged.values()), reverse=True))
    if ideal <= 0:
        return 0.0
    return dcg([judged.get(pid, 1.0) - 1 for pid in ranked_ids]) / ideal


def has_good(ranked_ids: Sequence[str], judged: Dict[str, float]) -> bool:
    return any(judged.get(pid, 0.0) >= GOOD for pid in ranked_ids[:TOP])


@dataclass
class ModeReport:
    mode: str
    ndcg: float
    ndcg_judged: float
    good_share: float
    p50_ms: float
    p95_ms: float
    rankings: Dict[str, List[str]]


def evaluate(search, judgments: Judgments, queries: Sequence[str], mode: str,
             vectors: Dict[str, np.ndarray]) -> ModeReport:
    from embeddings.filters import SearchFilters

    ndcgs, judged_ndcgs, good, times = [], [], [], []
    rankings: Dict[str, List[str]] = {}
    for query in queries:
        judged = judgments.by_query[query]
        vector = vectors.get(query) if mode != "lexical" else None
        started = time.perf_counter()
        result = search.search(query, SearchFilters(), TOP, mode=mode, vector=vector)
        times.append((time.perf_counter() - started) * 1000)
        ranked = [h.product.id for h in result.hits]
        rankings[query] = ranked
        ndcgs.append(ndcg_at_10(ranked, judged))
        good.append(has_good(ranked, judged))
        only = search.search(query, SearchFilters(only_ids=frozenset(judged)), len(judged), mode=mode,
                             vector=vector)
        reranked = [h.product.id for h in only.hits]
        # judged products the mode did not return at all (no word in common) rank last
        reranked += sorted(set(judged) - set(reranked))
        judged_ndcgs.append(ndcg_at_10(reranked, judged))
    return ModeReport(mode, float(np.mean(ndcgs)), float(np.mean(judged_ndcgs)), float(np.mean(good)),
                      float(np.percentile(times, 50)), float(np.percentile(times, 95)), rankings)


def query_vectors(search, queries: Sequence[str]) -> Tuple[Dict[str, np.ndarray], float]:
    """Each query's vector (of the text after spelling correction, as search() would encode),
    in batches; and the p50 of encoding one query on its own, for the record."""
    corrected = [search.speller.correct(q)[0] for q in queries]
    encoder = search.index.encoder
    matrix = encoder.encode(corrected) if corrected else np.zeros((0, encoder.dimension), np.float32)
    single = []
    for text in corrected[:50]:
        started = time.perf_counter()
        encoder.encode([text])
        single.append((time.perf_counter() - started) * 1000)
    return {q: matrix[i] for i, q in enumerate(queries)}, float(np.percentile(single, 50)) if single else 0.0


def load_search(judgments: Judgments, settings, progress: bool = True):
    from embeddings.encoder import Encoder
    from embeddings.hybrid import build_or_load_search, set_threads, settings_from

    index_settings, search_settings = settings_from(settings)
    set_threads(int(settings.faiss_threads))
    encoder = Encoder(settings.embedding_model, threads=int(settings.torch_threads),
                      batch_size=int(settings.encode_batch_size), query_cache_size=int(settings.query_cache_size))
    loaded = build_or_load_search(catalog_of(judgments), encoder, settings.path("index_cache_dir"),
                                  index_settings, search_settings, progress=progress)
    return loaded


def write_rankings(path: Path, rankings: Dict[str, List[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["query", "rank", "product_id"])
        for query, ranked in rankings.items():
            for rank, product_id in enumerate(ranked[:TOP], start=1):
                writer.writerow([query, rank, product_id])


def table(reports: Sequence[ModeReport]) -> str:
    lines = ["| mode | NDCG@10 | NDCG@10, judged products only | top 10 has relevance >= 2.5 | "
             "search p50 ms | search p95 ms |", "|---|---|---|---|---|---|"]
    for r in reports:
        lines.append(f"| {r.mode} | {r.ndcg:.4f} | {r.ndcg_judged:.4f} | {r.good_share:.3f} | "
                     f"{r.p50_ms:.2f} | {r.p95_ms:.2f} |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    from bot.settings import load_settings
    from embeddings.hybrid import MODES

    parser = argparse.ArgumentParser(prog="python -m embeddings.relevance", description=__doc__.split("\n\n")[0])
    parser.add_argument("--judgments", required=True, help="tab-separated query, product_id, product_title, relevance")
    parser.add_argument("--out", help="write query, rank, product_id (top 10) of the --mode ranking here")
    parser.add_argument("--mode", choices=MODES, help="mode for --out (default: the assistant's, search_mode)")
    parser.add_argument("--modes", default="dense,lexical,hybrid", help="modes to measure, comma separated")
    parser.add_argument("--lexical-weight", type=float, help="override search_lexical_weight for this run")
    parser.add_argument("--limit", type=int, help="only the first N eligible queries (a quick look)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = load_settings()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        print(f"error: unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}", file=sys.stderr)
        return 2
    try:
        judgments = read_judgments(Path(args.judgments))
    except JudgmentsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    queries = judgments.queries()
    if args.limit:
        queries = queries[:args.limit]
    if not queries:
        print(f"error: no query has {MIN_JUDGED} or more judged products", file=sys.stderr)
        return 2
    out_mode = args.mode or str(settings.search_mode)
    if args.out and out_mode not in modes:
        modes.append(out_mode)
    loaded = load_search(judgments, settings)
    search = loaded.search
    if args.lexical_weight is not None:
        search.settings = replace(search.settings, lexical_weight=args.lexical_weight)
    print(f"catalog: {len(judgments.titles):,} titles; queries with >= {MIN_JUDGED} judged products: "
          f"{len(queries):,}; index {loaded.index.index.kind} "
          f"({'cached' if loaded.index.from_cache else 'built'}, {loaded.seconds:.1f} s); "
          f"lexical weight {search.settings.lexical_weight}", flush=True)
    vectors, encode_ms = query_vectors(search, queries) if any(m != "lexical" for m in modes) else ({}, 0.0)
    reports = [evaluate(search, judgments, queries, mode, vectors) for mode in modes]
    print(table(reports))
    print(f"query encoding (one query, not in the search times): p50 {encode_ms:.1f} ms")
    if args.out:
        chosen = next(r for r in reports if r.mode == out_mode)
        write_rankings(Path(args.out), chosen.rankings)
        print(f"wrote the {out_mode} top {TOP} of {len(chosen.rankings):,} queries to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
