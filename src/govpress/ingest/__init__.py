"""Stage 1: find input files and read each as a :class:`~govpress.models.Release`.

:func:`find_inputs` lists the files under the release folders (recursively,
sorted, so builds are deterministic); :func:`read_release` reads one, detecting its
format by content (see :mod:`govpress.ingest.readers`); :func:`ingest` does both
and yields a :class:`~govpress.models.Rejection` instead of raising for a bad file,
so one broken release never costs the others.
"""
from __future__ import annotations

import hashlib
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .. import settings
from ..errors import IngestError
from ..models import Rejection, Release
from .normalise import normalise_body, normalise_inline
from .readers import SIDECAR_SUFFIX, read_release, sidecar_for

__all__ = [
    "find_inputs",
    "ingest_fingerprint",
    "content_digest",
    "Candidate",
    "resolve_duplicates",
    "rejection",
    "short_reason",
    "ingest",
    "read_release",
    "normalise_body",
    "normalise_inline",
    "INPUT_SUFFIXES",
]

INPUT_SUFFIXES = (".json", ".md", ".markdown", ".txt", ".text")
"""Files with these suffixes are inputs; ``*.meta.yaml`` sidecars are read with their text."""


def ingest_fingerprint() -> str:
    """A hex digest that changes whenever reading a file could give a different Release.

    Hashes the ingest code (``govpress/ingest/*.py``) and the source configurations
    (``govpress/sources/*.yml``); part of the build cache key, so a change in
    normalisation or in a source mapping re-reads every release.
    """
    import hashlib

    here = Path(__file__).resolve().parent
    files = sorted(here.glob("*.py"))
    sources = here.parent / "sources"  # govpress/sources/*.yml (package data)
    if sources.is_dir():
        files += sorted(sources.glob("*.yml"))
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def find_inputs(paths: Iterable[str | Path], problems: list[Rejection] | None = None) -> list[Path]:
    """List the input files under ``paths`` (files or folders), sorted, without duplicates.

    Folders are searched recursively (symbolic links to folders are not followed).
    Hidden files and folders, ``README*`` files, ``*.meta.yaml`` sidecars and files
    with other suffixes than :data:`INPUT_SUFFIXES` are skipped. So are, with a
    problem noted, special files (named pipes, devices, sockets: reading one could
    block forever or never end) and symbolic links that lead out of the folder
    given (``seeds/x.json -> /dev/zero``, ``-> /etc/passwd``).

    Args:
        paths: files or folders.
        problems: when given, gets a :class:`Rejection` for each folder that cannot
            be read, each broken symbolic link, each special file and each link out
            of its folder (they would otherwise vanish silently).
    Raises:
        IngestError: a path does not exist.
    """
    import os

    found: set[Path] = set()

    def note(path: str | Path, reason: str) -> None:
        if problems is not None:
            problems.append(rejection(path, reason))

    def consider(f: Path, rel: Path, root: Path | None) -> None:
        if any(part.startswith(".") for part in rel.parts):
            return
        if f.name.upper().startswith("README") or f.name.endswith(SIDECAR_SUFFIX):
            return
        if f.suffix.lower() not in INPUT_SUFFIXES:
            return
        try:
            st = f.stat()  # follows links
        except OSError:
            note(f, "broken symbolic link" if f.is_symlink() else "cannot read: no such file")
            return
        if f.is_symlink() and root is not None:
            try:
                f.resolve().relative_to(root)
            except (ValueError, OSError, RuntimeError):
                note(f, "symbolic link leads out of the releases folder; skipped")
                return
        if not stat.S_ISREG(st.st_mode):
            from .readers import _file_kind

            note(f, f"not a regular file ({_file_kind(st.st_mode)}); skipped")
            return
        found.add(f)

    for p in paths:
        p = Path(p)
        if not p.exists() and not p.is_symlink():
            raise IngestError(p, "no such file or folder")
        if not p.is_dir():
            consider(p, Path(p.name), None)
            continue
        root = p.resolve()
        for dirpath, dirnames, filenames in os.walk(p, onerror=lambda e: note(e.filename, f"cannot read folder: {e.strerror}")):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            base = Path(dirpath)
            for name in sorted(filenames):
                consider(base / name, (base / name).relative_to(p), root)
    return sorted(found, key=lambda x: x.as_posix())


def short_reason(reason: str) -> str:
    """``reason`` on one line and at most ``settings.MAX_REASON_CHARS`` characters (cut with "…")."""
    text = " ".join(str(reason).split())
    limit = settings.MAX_REASON_CHARS
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def rejection(path: str | Path, reason: str) -> Rejection:
    """A :class:`Rejection` of ``path`` whose reason is cut to one short line (:func:`short_reason`)."""
    return Rejection(str(path), short_reason(reason))


def content_digest(path: Path) -> str:
    """SHA-256 hex digest of an input's bytes and its sidecar's (if any): what "identical content" means.

    Raises:
        IngestError: the file cannot be read (see :func:`~.readers.read_limited`).
    """
    from .readers import read_limited

    digest = hashlib.sha256(read_limited(path))
    sidecar = sidecar_for(path)
    if sidecar.exists():
        digest.update(b"\0sidecar\0" + read_limited(sidecar))
    return digest.hexdigest()


@dataclass(frozen=True)
class Candidate:
    """One input that was read: its ``release_id``, file, and :func:`content_digest`."""

    release_id: str
    path: str
    digest: str


def resolve_duplicates(candidates: Sequence[Candidate]) -> tuple[dict[str, Candidate], list[Rejection]]:
    """Decide which input gives each ``release_id``; never by file-name order alone.

    - one file with the ID: it is kept;
    - several files, byte-identical (same :func:`content_digest`): one is kept (they
      are the same release, so which does not matter; the first path is kept) and
      each other copy is listed as a rejection naming the kept file;
    - several files with different content: all are rejected, each naming the others
      (there is no content-based way to know which is right; fix the inputs).

    Returns:
        ``({release_id: kept candidate}, rejections)``, both in a deterministic order.
    """
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(c.release_id, []).append(c)
    kept: dict[str, Candidate] = {}
    rejected: list[Rejection] = []
    for rid in sorted(groups):
        group = sorted(groups[rid], key=lambda c: c.path)
        if len(group) == 1:
            kept[rid] = group[0]
        elif len({c.digest for c in group}) == 1:
            kept[rid] = group[0]
            for c in group[1:]:
                rejected.append(rejection(c.path, f"identical copy of {group[0].path} (release_id {rid!r}); kept once"))
        else:
            for c in group:
                others = ", ".join(o.path for o in group if o is not c)
                rejected.append(rejection(
                    c.path, f"duplicate release_id {rid!r} with different content (also in {others}); all rejected"))
    return kept, rejected


def ingest(paths: Iterable[str | Path]) -> Iterator[Release | Rejection]:
    """Yield a Release for every readable input under ``paths`` and a Rejection for every other.

    Files sharing a ``release_id`` are settled by :func:`resolve_duplicates` (so the
    releases are yielded after every file has been read). Any failure reading one
    file — not only an :class:`IngestError` — becomes that file's rejection.
    """
    problems: list[Rejection] = []
    files = find_inputs(paths, problems=problems)
    yield from problems
    releases: dict[str, Release] = {}
    candidates: list[Candidate] = []
    for path in files:
        try:
            release = read_release(path)
            digest = content_digest(path)
        except IngestError as exc:
            yield rejection(path, exc.reason)
            continue
        except Exception as exc:  # noqa: BLE001 - one file never costs the others
            yield rejection(path, f"{type(exc).__name__}: {exc}")
            continue
        releases[str(path)] = release
        candidates.append(Candidate(release.release_id, str(path), digest))
    kept, rejected = resolve_duplicates(candidates)
    yield from rejected
    for rid in sorted(kept):
        yield releases[kept[rid].path]
