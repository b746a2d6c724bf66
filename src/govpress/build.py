"""The main job: input folders → a Frictionless data package, streaming and cached.

:func:`build` runs the stages in order — ingest → extract → resolve → curate →
package — in two passes over the releases:

1. each input file is read and extracted (in a pool of worker processes, one per
   core); the result is kept in a per-release cache keyed by the file's bytes and
   the fingerprints of the ingest code and the extraction pipeline, so an
   unchanged release is never extracted twice. Only official mentions stay in memory, for step 2;
2. officials are resolved across releases, then every release's rows are streamed
   from the cache, in ``release_id`` order, through curation into the package
   writer, which swaps the finished package into place atomically.

Memory is bounded by the official mentions, not by the release bodies.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from . import settings
from .curate import load_curation
from .errors import BuildError, IngestError
from .extract import extract, load_pipeline, pipeline_fingerprint
from .ingest import duplicate_rejection, find_inputs, ingest_fingerprint, read_release
from .ingest.readers import sidecar_for
from .models import Extraction, OfficialMention, Rejection, Release
from .package import PackageWriter
from .package.layout import ASSERTIONS
from .resolve import OfficialIndex, release_rows

__all__ = ["build", "BuildResult", "ProgressCallback", "REJECTED_REPORT"]

REJECTED_REPORT = "rejected.csv"
"""The report of rejected inputs (``file,reason``), written beside ``datapackage.json``."""

ProgressCallback = Callable[[str, int, int], None]
"""``progress(stage, completed, total)``: called as each release passes a stage."""


@dataclass
class BuildResult:
    """What a build did: where the package is, rows per table, what was rejected or skipped."""

    descriptor: Path
    counts: dict[str, int]
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """``(release_id, reason)`` for releases kept without extraction (e.g. not English)."""
    extracted: int = 0
    cached: int = 0
    unused_curation: list[str] = field(default_factory=list)
    """One line per curation entry not applied: stale (its record's evidence changed) or matching no record."""


@dataclass
class _Entry:
    release_id: str
    path: str
    cache_file: str
    published: date


# --- worker side -------------------------------------------------------------------

_NLP: Any = None


def _cache_key(path: Path, fingerprint: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{settings.EXTRACTOR_VERSION}\0{fingerprint}\0{path.name}\0".encode())
    digest.update(path.read_bytes())
    sidecar = sidecar_for(path)
    if sidecar.exists():
        digest.update(b"\0sidecar\0" + sidecar.read_bytes())
    return digest.hexdigest()


def _process(task: tuple[str, str, str]) -> tuple[str, Any]:
    """Read and extract one file (cached). Returns ``("ok", summary)`` or ``("rejected", reason)``."""
    global _NLP
    path_s, cache_dir_s, fingerprint = task
    path = Path(path_s)
    try:
        key = _cache_key(path, fingerprint)
    except OSError as exc:
        return "rejected", f"cannot read: {exc.strerror}"
    cache_file = Path(cache_dir_s) / key[:2] / f"{key}.json"
    if cache_file.exists():
        data = json.loads(cache_file.read_text(encoding="utf-8"))
        hit = True
    else:
        try:
            release = read_release(path)
        except IngestError as exc:
            return "rejected", exc.reason
        if len(release.body) > settings.MAX_EXTRACT_CHARS:
            extraction = Extraction(release.release_id, skipped_reason=(
                f"body too long to extract ({len(release.body):,} characters; limit "
                f"{settings.MAX_EXTRACT_CHARS:,})"))
        else:
            try:
                if _NLP is None and release.language.split("-")[0].lower() == "en":
                    _NLP = load_pipeline()
                extraction = extract(release, _NLP)
            except Exception as exc:  # noqa: BLE001 - one release must not cost the others
                return "rejected", f"extraction failed: {type(exc).__name__}: {exc}"
        data = {"release": release.to_json(), "extraction": extraction.to_json()}
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, cache_file)
        hit = False
    rel = data["release"]
    ext = data["extraction"]
    return "ok", {
        "release_id": rel["release_id"],
        "published": rel["published_date"],
        "cache_file": str(cache_file),
        "officials": ext.get("officials", []),
        "skipped_reason": ext.get("skipped_reason"),
        "hit": hit,
    }


def _load(cache_file: str) -> tuple[Release, Extraction]:
    data = json.loads(Path(cache_file).read_text(encoding="utf-8"))
    return Release.from_json(data["release"]), Extraction.from_json(data["extraction"])


# --- main side ---------------------------------------------------------------------


def _pool_map(tasks: list[tuple[str, str, str]], jobs: int) -> Iterable[tuple[str, Any]]:
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(_process, tasks)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(processes=min(jobs, len(tasks))) as pool:
        yield from pool.imap(_process, tasks, chunksize=1)


def _rejected_csv(rejected: Sequence[Rejection]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["file", "reason"])
    for r in sorted(rejected, key=lambda r: r.path):
        writer.writerow([r.path, r.reason])
    return buf.getvalue()


def build(
    releases: Sequence[str | Path] = (settings.DEFAULT_RELEASES_DIR,),
    out_dir: str | Path = settings.DEFAULT_OUT_DIR,
    *,
    cache_dir: str | Path | None = settings.DEFAULT_CACHE_DIR,
    curation_dir: str | Path | None = settings.DEFAULT_CURATION_DIR,
    strict: bool = False,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    on_rejected: Callable[[Rejection], None] | None = None,
) -> BuildResult:
    """Build the package from the releases under ``releases`` into ``out_dir``.

    Writes ``out_dir/data/<table>.csv``, ``out_dir/data/<table>.parquet``,
    ``out_dir/datapackage.json`` and ``out_dir/rejected.csv`` (``file,reason``),
    all or nothing.

    Args:
        releases: folders or files of releases (see :mod:`govpress.ingest`).
        out_dir: package directory (created if missing).
        cache_dir: per-release extraction cache; ``None`` uses a throwaway one.
        curation_dir: folder of curation YAML files (missing → none).
        strict: raise instead of skipping a rejected input.
        jobs: worker processes (default: the number of CPUs).
        progress: ``progress(stage, completed, total)`` callback.
        on_rejected: called with each rejected input as it is found.
    Raises:
        IngestError: a releases path does not exist.
        BuildError: ``strict`` and an input was rejected, or no release could be read.
    """
    import tempfile

    out_dir = Path(out_dir)
    unreadable: list[Rejection] = []
    paths = find_inputs(releases, problems=unreadable)
    tmp_cache = None
    if cache_dir is None:
        tmp_cache = tempfile.TemporaryDirectory(prefix="govpress-cache-")
        cache_dir = tmp_cache.name
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    curation = load_curation(Path(curation_dir) if curation_dir else None)
    fingerprint = pipeline_fingerprint() + ingest_fingerprint()
    jobs = jobs or os.cpu_count() or 1
    result = BuildResult(descriptor=out_dir / "datapackage.json", counts={})

    try:
        for rej in unreadable:
            result.rejected.append(rej)
            if on_rejected:
                on_rejected(rej)
            if strict:
                raise BuildError(f"{rej.path}: {rej.reason} (rejected under --strict)")
        # pass 1: read + extract (cached), collect official mentions
        index = OfficialIndex()
        entries: dict[str, _Entry] = {}
        tasks = [(str(p), str(cache_dir), fingerprint) for p in paths]
        for done, (path, (status, value)) in enumerate(zip(paths, _pool_map(tasks, jobs)), 1):
            if status == "rejected":
                rej = Rejection(str(path), value)
            elif value["release_id"] in entries:
                rej = duplicate_rejection(path, value["release_id"], entries[value["release_id"]].path)
            else:
                rej = None
                published = date.fromisoformat(value["published"])
                entries[value["release_id"]] = _Entry(value["release_id"], str(path), value["cache_file"], published)
                mentions = [OfficialMention(**{**m, "evidence": None}) for m in value["officials"]]
                index.add(value["release_id"], published, mentions)
                if value["skipped_reason"]:
                    result.skipped.append((value["release_id"], value["skipped_reason"]))
                if value["hit"]:
                    result.cached += 1
                else:
                    result.extracted += 1
            if rej is not None:
                result.rejected.append(rej)
                if on_rejected:
                    on_rejected(rej)
                if strict:
                    raise BuildError(f"{rej.path}: {rej.reason} (rejected under --strict)")
            if progress:
                progress("extract", done, len(paths))
        if not entries:
            raise BuildError("no release could be read from " + ", ".join(map(str, releases)))
        index.resolve()

        # pass 2: stream rows into the package
        with PackageWriter(out_dir) as pkg:
            for done, rid in enumerate(sorted(entries), 1):
                release, extraction = _load(entries[rid].cache_file)
                for table, row in release_rows(release, extraction, index):
                    row = curation.apply(table, row, release.published_date)
                    if row is not None:
                        pkg.write(table, row)
                if progress:
                    progress("package", done, len(entries))
            for row in index.rows():
                row = curation.apply("officials", row)
                if row is not None:
                    pkg.write("officials", row)
            pkg.add_file(REJECTED_REPORT, _rejected_csv(result.rejected))
            assertions = next((Path(r) / ASSERTIONS for r in releases if (Path(r) / ASSERTIONS).is_file()), None)
            if assertions is not None:  # the collection's dataset assertions travel with its package
                pkg.add_file(ASSERTIONS, assertions.read_text(encoding="utf-8"))
        result.counts = dict(pkg.counts)
        result.unused_curation = curation.problems()
        return result
    finally:
        if tmp_cache is not None:
            tmp_cache.cleanup()
