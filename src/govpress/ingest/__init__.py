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
    (``sources/*.yml`` of the checkout); part of the build cache key, so a change in
    normalisation or in a source mapping re-reads every release.
    """
    import hashlib

    here = Path(__file__).resolve().parent
    files = sorted(here.glob("*.py"))
    sources = here.parents[2] / "sources"
    if sources.is_dir():
        files += sorted(sources.glob("*.yml"))
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def find_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """List the input files under ``paths`` (files or folders), sorted, without duplicates.

    Folders are searched recursively. Hidden files and folders, ``README*`` files
    and ``*.meta.yaml`` sidecars are skipped.

    Raises:
        IngestError: a path does not exist.
    """
    found: set[Path] = set()
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise IngestError(p, "no such file or folder")
        candidates = [p] if p.is_file() else sorted(x for x in p.rglob("*") if x.is_file())
        for f in candidates:
            rel = f.relative_to(p) if f != p else Path(f.name)
            if any(part.startswith(".") for part in rel.parts):
                continue
            if f.name.upper().startswith("README") or f.name.endswith(SIDECAR_SUFFIX):
                continue
            if f.suffix.lower() in INPUT_SUFFIXES:
                found.add(f)
    return sorted(found, key=lambda x: x.as_posix())


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
            yield Rejection(str(path), f"duplicate release_id {release.release_id!r} (also in {seen[release.release_id]})")
            continue
        seen[release.release_id] = str(path)
        yield release
