"""Stage 4: apply hand corrections, keyed by record ID, to the resolved rows.

Curation files are YAML lists in ``curation/*.yaml`` (read in name order)::

    - table: events
      id: foreign-secretary-calls-for-european-cooperation-on-illegal-migration/event/3769-3975
      evidence: "the Foreign Secretary will host the Illicit Finance Summit at Lancaster House in London"
      set: {start_date: 2026-06-01, date_precision: month}   # a correction
      note: date confirmed by the FCDO events page
    - table: officials
      id: magnus-brunner
      set: {organisation: European Commission}
    - table: commitments
      id: some-release/commitment/1661-1731
      evidence: "..."
      delete: true                                         # a false record

Keys of an entry: ``table``, ``id``, ``evidence``, ``set``, ``verified``,
``delete``, ``note``; anything else is an error. A ``set`` marks the row
``review_status: corrected``; ``verified: true`` marks it ``verified``; ``delete``
drops it (and, for events and partnerships, their link rows).

Record IDs of extracted rows come from content (:func:`govpress.resolve.record_ids`):
``<release_id>/<kind>/<char_start>-<char_end>``, the offsets of the record's evidence
(plus a content suffix when records of a table share a span). A record the extractor
adds or drops therefore changes no other record's ID; but an edit of the release's
text shifts the offsets after it. An entry for ``events``, ``commitments`` or
``partnerships`` therefore must quote the record's ``evidence``: a correction whose
record no longer has that evidence is **not applied** and is reported as stale, and
one whose ID matches no record is reported too (:meth:`Curation.problems`); an entry
is never moved onto another record.

Values are checked as the Table Schema would (enums, ISO dates, country and
currency code shapes, numbers) and derived fields are recomputed (an event's
``timing`` and a day-precision ``end_date``), so a correction cannot produce an
invalid package; a bad value is a :class:`CurationError` naming the file and entry.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..errors import GovpressError
from ..models import FIELD_ENUMS, METHODS, REVIEW_STATUSES, timing_of
from ..settings import TABLES

__all__ = ["Curation", "load_curation", "PRIMARY_KEYS", "CurationError", "ENTRY_KEYS"]

PRIMARY_KEYS = {
    "releases": "release_id",
    "officials": "official_id",
    "events": "event_id",
    "commitments": "commitment_id",
    "partnerships": "partnership_id",
}
"""Tables that can be curated, and the ID column a curation entry names."""

ENTRY_KEYS = {"table", "id", "evidence", "set", "verified", "delete", "note"}
"""The keys a curation entry may have."""

_EVIDENCE_REQUIRED = {"events", "commitments", "partnerships"}
_LINK_PARENT = {"event_participants": ("events", "event_id"), "partnership_parties": ("partnerships", "partnership_id")}
_FIXED = {"release_id", "official_id", "event_id", "commitment_id", "partnership_id",
          "evidence", "char_start", "char_end", "text_sha256", "body", "word_count", "timing"}
_DATE_FIELDS = {"published_date", "start_date", "end_date", "due_date", "first_mentioned", "withdrawn_date"}
_CODE_FIELDS = {"country_code": re.compile(r"[A-Z]{2}"), "actor_country_code": re.compile(r"[A-Z]{2}"),
                "currency": re.compile(r"[A-Z]{3}")}


class CurationError(GovpressError):
    """A curation file is malformed (names the file and the entry)."""


def _norm(text: str) -> str:
    return " ".join(str(text).split())


class Curation:
    """Corrections loaded from curation files, applied row by row with :meth:`apply`."""

    def __init__(self, entries: Iterable[dict[str, Any]] = ()) -> None:
        self.entries: dict[tuple[str, str], dict[str, Any]] = {}
        self.used: set[tuple[str, str]] = set()
        self.stale: dict[tuple[str, str], str] = {}
        self.deleted: set[tuple[str, str]] = set()
        for entry in entries:
            self.entries[(entry["table"], str(entry["id"]))] = entry

    def __len__(self) -> int:
        return len(self.entries)

    def apply(self, table: str, row: dict[str, Any], published: date | None = None) -> dict[str, Any] | None:
        """Return the row corrected, or ``None`` when it (or its parent) is deleted.

        Args:
            table: the row's table.
            row: the row as resolved (not modified).
            published: the release's publication date, to recompute an event's ``timing``.
        Raises:
            CurationError: a ``set`` value is not valid for its field.
        """
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
        if "evidence" in entry and _norm(entry["evidence"]) != _norm(row.get("evidence") or ""):
            self.stale[key] = (f"{entry['_file']}: {table} {key[1]}: not applied — the record's evidence is now "
                               f"{_norm(row.get('evidence') or '')[:80]!r}, not the evidence the entry quotes")
            return row
        self.used.add(key)
        if entry.get("delete"):
            self.deleted.add(key)
            return None
        row = dict(row)
        if entry.get("set"):
            unknown = set(entry["set"]) - set(row)
            if unknown:
                raise CurationError(f"{entry['_file']}: {table} {key[1]}: unknown field(s) {sorted(unknown)}")
            row.update({k: _checked(entry, table, k, v) for k, v in entry["set"].items()})
            _rederive(entry, table, row, published)
            if "review_status" in row:
                row["review_status"] = "corrected"
        elif entry.get("verified") and "review_status" in row:
            row["review_status"] = "verified"
        return row

    def unused(self) -> list[str]:
        """Entries whose record no longer exists (``table id``), for the build report."""
        return [f"{t} {i}" for (t, i) in sorted(self.entries) if (t, i) not in self.used and (t, i) not in self.stale]

    def problems(self) -> list[str]:
        """One line per entry not applied: stale (evidence changed) or matching no record."""
        lines = [self.stale[k] for k in sorted(self.stale)]
        lines += [f"{self.entries[(t, i)]['_file']}: {t} {i}: matches no record" for (t, i) in sorted(self.entries)
                  if (t, i) not in self.used and (t, i) not in self.stale]
        return lines


def _checked(entry: dict[str, Any], table: str, field: str, value: Any) -> Any:
    """A curated value, checked like the schema would: enums, dates, codes, numbers."""
    where = f"{entry.get('_file')}: {table} {entry['id']}: {field}"
    if field in _FIXED:
        raise CurationError(f"{where}: cannot be set (an ID, provenance or derived field)")
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
    if field in _CODE_FIELDS and not (isinstance(value, str) and _CODE_FIELDS[field].fullmatch(value)):
        raise CurationError(f"{where}: {value!r} is not a code of the form {_CODE_FIELDS[field].pattern}")
    if field == "amount":
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise CurationError(f"{where}: {value!r} is not a number") from None
        if not amount.is_finite() or amount < 0:
            raise CurationError(f"{where}: {value!r} is not a non-negative amount")
        return amount
    if field == "mention_count" and (not isinstance(value, int) or isinstance(value, bool)):
        raise CurationError(f"{where}: {value!r} is not a whole number")
    if field == "withdrawn" and not isinstance(value, bool):
        raise CurationError(f"{where}: {value!r} is not true or false")
    if not isinstance(value, (str, int, bool, date, Decimal)):
        raise CurationError(f"{where}: {value!r} is not a single value")
    return value


def _rederive(entry: dict[str, Any], table: str, row: dict[str, Any], published: date | None) -> None:
    """After a corrected event date: recompute ``end_date`` (a day's end is the day, an
    unset end of a longer period is empty) and ``timing``; refuse dates out of order."""
    if table != "events" or not {"start_date", "end_date", "date_precision"} & set(entry["set"]):
        return
    where = f"{entry['_file']}: events {entry['id']}"
    start, precision = row.get("start_date"), row.get("date_precision")
    if "end_date" not in entry["set"]:
        row["end_date"] = start if start is not None and precision == "day" else None
    if start is None:
        row["end_date"] = row["date_precision"] = None
    elif precision is None:
        raise CurationError(f"{where}: a start_date needs a date_precision")
    end = row["end_date"]
    if start is not None and end is not None and end < start:
        raise CurationError(f"{where}: end_date {end} is before start_date {start}")
    if published is not None:
        row["timing"] = timing_of(start, end, row["date_precision"], published) if start else None


def load_curation(directory: Path | None) -> Curation:
    """Load every ``*.yaml`` file of ``directory`` (missing folder → no corrections).

    Raises:
        CurationError: a file is not a YAML list of entries, an entry lacks ``table``
            or ``id``, has an unknown key, names a table that cannot be curated, lacks
            the ``evidence`` its table requires, or has a ``set`` that is not a mapping
            or a ``verified``/``delete`` that is not true/false.
    """
    if directory is None or not Path(directory).is_dir():
        return Curation()
    entries = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except (yaml.YAMLError, ValueError) as exc:  # ValueError: YAML's own date parser (2025-13-01)
            raise CurationError(f"{path}: unparseable YAML: {exc}") from None
        if not isinstance(data, list):
            raise CurationError(f"{path}: expected a list of corrections")
        for i, entry in enumerate(data, 1):
            where = f"{path}: entry {i}"
            if not isinstance(entry, dict) or "table" not in entry or "id" not in entry:
                raise CurationError(f"{where} needs 'table' and 'id'")
            unknown = set(entry) - ENTRY_KEYS
            if unknown:
                raise CurationError(f"{where}: unknown key(s) {sorted(map(str, unknown))}; allowed: {sorted(ENTRY_KEYS)}")
            if entry["table"] not in TABLES or entry["table"] not in PRIMARY_KEYS:
                raise CurationError(f"{where}: table {entry['table']!r} cannot be curated")
            if entry["table"] in _EVIDENCE_REQUIRED and not entry.get("evidence"):
                raise CurationError(f"{where}: an {entry['table']} entry must quote the record's evidence "
                                    "(record IDs can shift when a release's text changes)")
            if "set" in entry and not isinstance(entry["set"], dict):
                raise CurationError(f"{where}: 'set' must be a mapping of field: value")
            for flag in ("verified", "delete"):
                if flag in entry and not isinstance(entry[flag], bool):
                    raise CurationError(f"{where}: '{flag}' must be true or false, not {entry[flag]!r}")
            entries.append({**entry, "_file": str(path)})
    return Curation(entries)
