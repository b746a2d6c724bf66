"""Stage 4: apply hand corrections, keyed by record ID, to the resolved rows.

Curation files are YAML lists in ``curation/*.yaml`` (read in name order)::

    - table: events
      id: foreign-secretary-calls-for-european-cooperation-on-illegal-migration/event/5
      set: {start_date: 2026-06-01, date_precision: month}   # a correction
      note: date confirmed by the FCDO events page
    - table: officials
      id: gb-foreign-secretary
      verified: true                                       # checked, unchanged
    - table: commitments
      id: some-release/commitment/3
      delete: true                                         # a false record

A ``set`` marks the row ``review_status: corrected``; ``verified: true`` marks it
``verified``; ``delete`` drops it (and, for events and partnerships, their link
rows). Because IDs are stable, a correction survives every rebuild; one whose ID
no longer exists is reported by :meth:`Curation.unused`.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..errors import GovpressError
from ..models import FIELD_ENUMS, METHODS, REVIEW_STATUSES
from ..settings import TABLES

__all__ = ["Curation", "load_curation", "PRIMARY_KEYS", "CurationError"]

PRIMARY_KEYS = {
    "releases": "release_id",
    "officials": "official_id",
    "events": "event_id",
    "commitments": "commitment_id",
    "partnerships": "partnership_id",
}
"""Tables that can be curated, and the ID column a curation entry names."""

_LINK_PARENT = {"event_participants": ("events", "event_id"), "partnership_parties": ("partnerships", "partnership_id")}


class CurationError(GovpressError):
    """A curation file is malformed (names the file and the entry)."""


class Curation:
    """Corrections loaded from curation files, applied row by row with :meth:`apply`."""

    def __init__(self, entries: Iterable[dict[str, Any]] = ()) -> None:
        self.entries: dict[tuple[str, str], dict[str, Any]] = {}
        self.used: set[tuple[str, str]] = set()
        self.deleted: set[tuple[str, str]] = set()
        for entry in entries:
            self.entries[(entry["table"], str(entry["id"]))] = entry

    def __len__(self) -> int:
        return len(self.entries)

    def apply(self, table: str, row: dict[str, Any]) -> dict[str, Any] | None:
        """Return the row corrected, or ``None`` when it (or its parent) is deleted."""
        parent = _LINK_PARENT.get(table)
        if parent and (parent[0], row[parent[1]]) in self.deleted:
            return None
        key_field = PRIMARY_KEYS.get(table)
        if key_field is None:
            return row
        key = (table, str(row[key_field]))
        entry = self.entries.get(key)
        if entry is None:
            return row
        self.used.add(key)
        if entry.get("delete"):
            self.deleted.add(key)
            return None
        row = dict(row)
        if entry.get("set"):
            unknown = set(entry["set"]) - set(row)
            if unknown:
                raise CurationError(f"{entry.get('_file')}: {table} {key[1]}: unknown field(s) {sorted(unknown)}")
            row.update({k: _checked(entry, table, k, v) for k, v in entry["set"].items()})
            if "review_status" in row:
                row["review_status"] = "corrected"
        elif entry.get("verified") and "review_status" in row:
            row["review_status"] = "verified"
        return row

    def unused(self) -> list[str]:
        """Entries whose record no longer exists (``table id``), for the build report."""
        return [f"{t} {i}" for (t, i) in sorted(self.entries) if (t, i) not in self.used]


_DATE_FIELDS = {"published_date", "start_date", "end_date", "due_date", "first_mentioned", "withdrawn_date"}


def _checked(entry: dict[str, Any], table: str, field: str, value: Any) -> Any:
    """A curated value, checked like the schema would: enums, dates, offsets."""
    where = f"{entry.get('_file')}: {table} {entry['id']}: {field}"
    if value is None:
        return None
    allowed = FIELD_ENUMS.get((table, field)) or {"method": METHODS, "review_status": REVIEW_STATUSES}.get(field)
    if allowed and value not in allowed:
        raise CurationError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    if field in _DATE_FIELDS:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise CurationError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)") from None
    if field in ("char_start", "char_end", "word_count", "mention_count") and not isinstance(value, int):
        raise CurationError(f"{where}: {value!r} is not a whole number")
    return value


def load_curation(directory: Path | None) -> Curation:
    """Load every ``*.yaml`` file of ``directory`` (missing folder → no corrections).

    Raises:
        CurationError: a file is not a YAML list of entries with ``table`` and ``id``,
            or an entry names an unknown table.
    """
    if directory is None or not Path(directory).is_dir():
        return Curation()
    entries = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            raise CurationError(f"{path}: unparseable YAML: {exc}") from None
        if not isinstance(data, list):
            raise CurationError(f"{path}: expected a list of corrections")
        for i, entry in enumerate(data, 1):
            if not isinstance(entry, dict) or "table" not in entry or "id" not in entry:
                raise CurationError(f"{path}: entry {i} needs 'table' and 'id'")
            if entry["table"] not in TABLES or entry["table"] not in PRIMARY_KEYS:
                raise CurationError(f"{path}: entry {i}: table {entry['table']!r} cannot be curated")
            for k, v in (entry.get("set") or {}).items():
                if isinstance(v, date):
                    entry["set"][k] = v
            entries.append({**entry, "_file": str(path)})
    return Curation(entries)
