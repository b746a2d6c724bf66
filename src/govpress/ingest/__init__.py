"""Stage 1: find input files and read each as a :class:`~govpress.models.Release`.

:func:`find_inputs` lists the files under the release folders (recursively,
sorted, so builds are deterministic); :func:`read_release` reads one, detecting its
format by content (see :mod:`govpress.ingest.readers`); :func:`ingest` does both
and yields a :class:`~govpress.models.Rejection` instead of raising for a bad file,
so one broken release never costs the others.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..errors import IngestError
from ..models import Rejection, Release
from .normalise import normalise_body, normalise_inline
from .readers import SIDECAR_SUFFIX, read_release

__all__ = [
    "find_inputs",
    "ingest_fingerprint",
    "duplicate_rejection",
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
    with other suffixes than :data:`INPUT_SUFFIXES` are skipped.

    Args:
        paths: files or folders.
        problems: when given, gets a :class:`Rejection` for each folder that cannot
            be read and each broken symbolic link (they would otherwise vanish silently).
    Raises:
        IngestError: a path does not exist.
    """
    import os

    found: set[Path] = set()

    def note(path: str | Path, reason: str) -> None:
        if problems is not None:
            problems.append(Rejection(str(path), reason))

    def consider(f: Path, rel: Path) -> None:
        if any(part.startswith(".") for part in rel.parts):
            return
        if f.name.upper().startswith("README") or f.name.endswith(SIDECAR_SUFFIX):
            return
        if f.suffix.lower() not in INPUT_SUFFIXES:
            return
        if f.is_symlink() and not f.exists():
            note(f, "broken symbolic link")
            return
        found.add(f)

    for p in paths:
        p = Path(p)
        if not p.exists() and not p.is_symlink():
            raise IngestError(p, "no such file or folder")
        if not p.is_dir():
            consider(p, Path(p.name))
            continue
        for dirpath, dirnames, filenames in os.walk(p, onerror=lambda e: note(e.filename, f"cannot read folder: {e.strerror}")):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            base = Path(dirpath)
            for name in sorted(filenames):
                consider(base / name, (base / name).relative_to(p))
    return sorted(found, key=lambda x: x.as_posix())


def duplicate_rejection(path: str | Path, release_id: str, first: str | Path) -> Rejection:
    """The rejection of a second file with an already-seen ``release_id`` (first file wins)."""
    return Rejection(str(path), f"duplicate release_id {release_id!r} (also in {first})")


def ingest(paths: Iterable[str | Path]) -> Iterator[Release | Rejection]:
    """Yield a Release for every readable input under ``paths`` and a Rejection for every other.

    A second file with an already-seen ``release_id`` is rejected as a duplicate.
    """
    seen: dict[str, str] = {}
    for path in find_inputs(paths):
        try:
            release = read_release(path)
        except IngestError as exc:
            yield Rejection(str(path), exc.reason)
            continue
        if release.release_id in seen:
            yield duplicate_rejection(path, release.release_id, seen[release.release_id])
            continue
        seen[release.release_id] = str(path)
        yield release
