"""Helpers for the extraction tests that build a package from fixture releases."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Iterable

from govpress.build import build

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def build_fixture_package(src: Path, out: Path, files: Iterable[Path]) -> Path:
    """Copy ``files`` into ``src``, build them into ``out`` (fresh cache, no curation), return ``out``."""
    for f in files:
        shutil.copy(f, src / f.name)
    build([src], out, cache_dir=None, curation_dir=None)
    return out


def rows_of(pkg: Path, table: str, release_id: str) -> list[dict]:
    """Rows of ``table`` in the package ``pkg`` that belong to ``release_id``."""
    with (pkg / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r.get("release_id") == release_id]


def officials_of(pkg: Path, release_id: str) -> dict[str, dict]:
    """The officials a release mentions, keyed by name (or role for an unnamed office-holder)."""
    with (pkg / "data" / "officials.csv").open(encoding="utf-8", newline="") as f:
        officials = {r["official_id"]: r for r in csv.DictReader(f)}
    return {officials[m["official_id"]]["name"] or m["role_in_release"]: officials[m["official_id"]]
            for m in rows_of(pkg, "mentions", release_id)}
