"""`python -m bot bench-catalog` (part of `make bench`): what a shop's own catalog costs.

- import time per 10,000 rows for each format, on files made by repeating the
  shared real files with varied ids;
- peak memory of a streamed import of a large (default 200 MB) Shopify export,
  measured in a child process (its maximum resident size);
- index build time and memory for a 50,000-variant catalog (shared Merchant
  products repeated with varied ids and prices);
- the recommendation turn's p50 over REST on a shared real catalog next to the
  greeting turn, as `make bench` does for the demo catalog.
"""
from __future__ import annotations

import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Dict, List

from bot.settings import ROOT, load_settings

FORMATS = {"shopify": "shopify_export_lifemademagic.csv", "merchant_xml": "google_merchant_hardlife.xml",
           "merchant_tsv": "google_merchant_lakeerie.tsv"}


def _scaled_csv(source: Path, target: Path, rows: int, key: str, delimiter: str = ",") -> int:
    """Repeat the data rows, each copy with its own key (handle or id)."""
    with open(source, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        header, data = reader.fieldnames, list(reader)
    written = 0
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, header, delimiter=delimiter)
        writer.writeheader()
        copy = 0
        while written < rows:
            for row in data:
                row = dict(row)
                row[key] = f"{row[key]}-c{copy}" if row[key] else row[key]
                if "item_group_id" in row and row["item_group_id"]:
                    row["item_group_id"] = f"{row['item_group_id']}-c{copy}"
                writer.writerow(row)
                written += 1
            copy += 1
    return written


def _scaled_xml(source: Path, target: Path, items: int) -> int:
    text = source.read_text(encoding="utf-8")
    head, rest = text.split("<item>", 1)
    body, tail = ("<item>" + rest).rsplit("</channel>", 1)
    blocks = body.split("</item>")[:-1]
    written = 0
    with open(target, "w", encoding="utf-8") as out:
        out.write(head)
        copy = 0
        while written < items:
            for block in blocks:
                out.write(block.replace("</g:id>", f"-c{copy}</g:id>")
                          .replace("</g:item_group_id>", f"-c{copy}</g:item_group_id>") + "</item>")
                written += 1
            copy += 1
        out.write("</channel>" + tail)
    return written


def make_file(fmt: str, data: Path, target_dir: Path, rows: int):
    """A file of at least `rows` rows (items) in this format; (path, rows written)."""
    source = data / FORMATS[fmt]
    target = target_dir / f"{fmt}-{rows}{source.suffix}"
    if fmt == "shopify":
        written = _scaled_csv(source, target, rows, "Handle")
    elif fmt == "merchant_tsv":
        written = _scaled_csv(source, target, rows, "id", "\t")
    else:
        written = _scaled_xml(source, target, rows)
    return target, written


def bench_imports(data: Path, scratch: Path, rows: int) -> Dict[str, float]:
    from embeddings.catalog import load_catalog

    per_10k = {}
    for fmt in FORMATS:
        path, written = make_file(fmt, data, scratch, rows)
        started = time.perf_counter()
        report = load_catalog(path, "USD")
        seconds = time.perf_counter() - started
        per_10k[fmt] = seconds * 10_000 / written
        print(f"  {fmt:<13} {written:,} rows -> {report.loaded:,} products / {report.variants:,} variants "
              f"in {seconds:6.2f} s  = {per_10k[fmt]:6.2f} s per 10,000 rows", flush=True)
        path.unlink()
    return per_10k


def bench_big_import(data: Path, scratch: Path, megabytes: int) -> None:
    """A Shopify export of about `megabytes`, imported in a child process."""
    source = data / FORMATS["shopify"]
    with open(source, encoding="utf-8-sig", newline="") as handle:
        rows_per_mb = sum(1 for _ in csv.reader(handle)) / (source.stat().st_size / 2**20)
    path, _ = make_file("shopify", data, scratch, int(rows_per_mb * megabytes))
    size = path.stat().st_size / 2**20
    code = ("import sys,time; from embeddings.catalog import load_catalog; t=time.perf_counter(); "
            "r=load_catalog(sys.argv[1],'USD'); print(r.loaded, r.variants, round(time.perf_counter()-t,1))")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    loaded, variants, seconds = done.stdout.split()
    print(f"  streamed Shopify import of {size:,.0f} MB: {int(loaded):,} products / {int(variants):,} variants "
          f"in {seconds} s, peak memory of the importing process {peak:,.0f} MB"
          + ("" if before == 0 else " (peak of all children so far)"), flush=True)
    path.unlink()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_index_build(data: Path, variants_wanted: int) -> None:
    from actions.runtime import index_settings, make_encoder
    from embeddings.catalog import load_catalog
    from embeddings.index import build_or_load

    settings = load_settings()
    base = load_catalog(data / FORMATS["merchant_xml"]).products
    products, count, copy = [], 0, 0
    while count < variants_wanted:
        for product in base:
            factor = 0.8 + (copy % 7) * 0.05
            products.append(replace(product, id=f"{product.id}-c{copy}", title=f"{product.title} #{copy}",
                                    variants=tuple(replace(v, id=f"{v.id}-c{copy}", price=round(v.price * factor, 2))
                                                   for v in product.variants)))
            count += len(product.variants)
        copy += 1
    encoder = make_encoder(settings)
    before = _rss_mb()
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        result = build_or_load(products, encoder, Path(cache), index_settings(settings), progress=False)
        seconds = time.perf_counter() - started
    print(f"  {len(products):,} products / {count:,} variants: encode + {result.index.kind} index in "
          f"{seconds:6.1f} s, memory +{_rss_mb() - before:,.0f} MB (process {_rss_mb():,.0f} MB)", flush=True)


def bench_shop_turns(data: Path, turns: int) -> None:
    """Greeting vs recommendation turns over REST with a shared real catalog."""
    from bot.bench import bench_turns, percentile
    from bot.launcher import Stack
    from bot.training import ensure_model
    from embeddings.catalog import load_catalog

    catalog = data / FORMATS["merchant_xml"]
    scratch = Path(tempfile.mkdtemp(prefix="bench-shop-"))
    overrides = {"SHOP_VAR_DIR": str(scratch), "PROFILE_DB_URL": f"sqlite:///{scratch}/profiles.db",
                 "TRACKER_DB_NAME": str(scratch / "tracker.db"), "RASA_PORT": os.environ.get("BENCH_RASA_PORT", "25005"),
                 "ACTIONS_PORT": os.environ.get("BENCH_ACTIONS_PORT", "25055"), "RASA_API_TOKEN": uuid.uuid4().hex,
                 "REST_CHANNEL_TOKEN": uuid.uuid4().hex, "CATALOG_PATH": str(catalog), "SHOP_CURRENCY": "USD"}
    settings = load_settings(dict(os.environ, **overrides))
    products = load_catalog(catalog, "USD").products
    kinds = sorted({p.category_path[-1].lower() for p in products})
    prices = sorted(p.price for p in products)
    queries = [f"{kind} under {int(prices[(i * 7) % len(prices)]) + 1}" if i % 2 else kind
               for i, kind in enumerate(kinds * (turns // max(1, len(kinds)) + 1))][:turns]
    stack = Stack(settings, ensure_model(settings, quiet=True), scratch / "logs", extra_env=overrides)
    stack.start()
    try:
        result = bench_turns(stack, turns, queries)
    finally:
        stack.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    greet, rec = percentile(result["greet"], 50), percentile(result["recommend"], 50)
    print(f"  {catalog.name}: greeting p50 {greet:6.0f} ms, recommendation p50 {rec:6.0f} ms, "
          f"ratio {rec / greet:4.2f}x (target <= 1.3x); {len(result['misses'])} requests not read as product requests",
          flush=True)


def main(args) -> int:
    settings = load_settings()
    data = settings.path("shared_data_dir")
    scratch = Path(tempfile.mkdtemp(prefix="bench-catalog-"))
    try:
        print(f"\nCatalog import ({args.rows:,} rows per format, made from the shared files):", flush=True)
        bench_imports(data, scratch, args.rows)
        if args.big_mb:
            bench_big_import(data, scratch, args.big_mb)
        if args.variants:
            print(f"\nIndex build for a {args.variants:,}-variant catalog:", flush=True)
            bench_index_build(data, args.variants)
        if args.turns:
            print(f"\nTurns over REST on a shared real catalog ({args.turns} each):", flush=True)
            bench_shop_turns(data, args.turns)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0
