"""Constants shared by the stages. Nothing here is mutable."""
from __future__ import annotations

from pathlib import Path

VERSION = "0.1.0"
"""Version of the govpress code."""

EXTRACTOR_VERSION = "1"
"""Legacy label of the extractor (still mixed into ``extract.pipeline_fingerprint``).

Not needed for caching: the build cache key (:func:`govpress.build.code_fingerprint`)
hashes every installed govpress file and the pinned dependency versions, so it never
has to be bumped by hand."""

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


# --- input limits: checked before parsing (see govpress.ingest.readers) ------------

MAX_INPUT_BYTES = 5_000_000
"""An input file (or sidecar) larger than this is rejected unread (bytes)."""

MAX_BODY_CHARS = 1_000_000
"""A body longer than this, as received (before HTML conversion), is rejected (characters)."""

MAX_NESTING_DEPTH = 64
"""Deepest nesting of JSON arrays/objects or YAML sequences/mappings accepted (levels)."""

MAX_HTML_DEPTH = 256
"""Deepest nesting of HTML elements accepted in a body (levels; void elements do not count)."""

MAX_REASON_CHARS = 300
"""A rejection reason (``rejected.csv``, the build's error lines) is cut to this many characters."""

RELEASE_TIME_BUDGET_S = 120.0
"""Reading and extracting one release may take this long (seconds); then it is cut off and rejected."""

RELEASE_KILL_GRACE_S = 10.0
"""A worker still busy this long after the time budget (e.g. stuck in C code) is killed (seconds)."""
