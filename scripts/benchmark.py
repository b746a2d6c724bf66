#!/usr/bin/env python3
"""Benchmark the build: throughput, peak memory, cached and incremental rebuilds.

Makes N synthetic releases from the shipped ``seeds/`` (each a copy of a real
release with its own release_id, publication date and a numbered sentence, so no
two share a cache entry), then times:

1. a cold build (every release extracted, all cores);
2. a warm rebuild (nothing changed: every release from the cache);
3. an incremental rebuild after one release changed.

and reports releases per second, peak resident memory of the main process and of
the worker processes, and the package size. Figures, not assertions: run it before
and after a change to see what it cost.

Usage: .venv/bin/python scripts/benchmark.py [--releases 300] [--jobs N] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from govpress.build import build  # noqa: E402
from govpress.ingest import read_release  # noqa: E402


def make_corpus(n: int, dest: Path) -> None:
    """Write ``n`` corpus-JSON releases derived from seeds/ into ``dest``."""
    seeds = [read_release(p) for p in sorted((ROOT / "seeds").glob("*.json"))]
    seeds.append(read_release(ROOT / "seeds" / "000_23ac0df54e00c4b6.txt"))
    dest.mkdir(parents=True)
    for i in range(n):
        r = seeds[i % len(seeds)]
        published = r.published_date + timedelta(days=i // len(seeds))
        (dest / f"r{i:06d}.json").write_text(json.dumps({
            "release_id": f"bench-{i:06d}-{r.release_id}"[:90],
            "title": r.title,
            "published": published.isoformat(),
            "organisations": list(r.organisations),
            "document_type": r.document_type,
            "url": r.url,
            "body": r.body + f"\n\nThis is benchmark copy number {i}.",
        }), encoding="utf-8")


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def timed(label: str, n: int, **kwargs: object) -> float:
    start = time.perf_counter()
    result = build(**kwargs)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    print(f"{label:<24} {seconds:8.1f} s  {n / seconds:8.1f} releases/s  "
          f"extracted {result.extracted:>6}  cached {result.cached:>6}  rows {sum(result.counts.values()):>8}")
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--releases", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="govpress-bench-"))
    try:
        corpus, out, cache = work / "corpus", work / "out", work / "cache"
        if corpus.exists():
            shutil.rmtree(corpus)
        make_corpus(args.releases, corpus)
        common = dict(releases=[corpus], out_dir=out, cache_dir=cache, curation_dir=None, jobs=args.jobs)
        print(f"{args.releases} releases, jobs={args.jobs or 'all CPUs'}")
        cold = timed("cold build", args.releases, **common)
        timed("warm rebuild (cached)", args.releases, **common)
        first = sorted(corpus.glob("*.json"))[0]
        data = json.loads(first.read_text(encoding="utf-8"))
        data["body"] += " One more sentence."
        first.write_text(json.dumps(data), encoding="utf-8")
        timed("one release changed", args.releases, **common)
        size = sum(p.stat().st_size for p in (out / "data").iterdir())
        print(f"peak memory: main {peak_mb(resource.RUSAGE_SELF):.0f} MB, "
              f"largest worker {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB")
        print(f"package: {size / 1e6:.1f} MB in data/; "
              f"100,000 releases cold ≈ {cold / args.releases * 100_000 / 3600:.1f} h at this rate")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
