"""Constants shared by the stages. Nothing here is mutable."""
from __future__ import annotations

from pathlib import Path

VERSION = "0.1.0"
"""Version of the govpress code."""

EXTRACTOR_VERSION = "1"
"""Bumped whenever extraction output may change; part of the per-release cache key."""

MAX_EXTRACT_CHARS = 100_000
"""Releases with a longer body are published without extraction (and reported)."""

PACKAGE_NAME = "govpress-releases"
DEFAULT_RELEASES_DIR = Path("seeds")
DEFAULT_OUT_DIR = Path(".")
DEFAULT_CACHE_DIR = Path(".cache") / "extractions"
DEFAULT_DB_PATH = Path("govpress.db")
DEFAULT_CURATION_DIR = Path("curation")
DEFAULT_PORT = 8001

TABLES = (
    "releases",
    "officials",
    "mentions",
    "events",
    "event_participants",
    "commitments",
    "partnerships",
    "partnership_parties",
)
"""The package's resources, in the order they are written and listed."""
