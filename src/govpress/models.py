"""The values that flow between govpress stages.

Data flows one way: ``ingest`` yields :class:`Release` objects, ``extract`` turns
each into an :class:`Extraction` (release-local records with provenance),
``resolve`` gives records their stable IDs and merges officials across releases,
``curate`` applies hand corrections, ``package`` writes the rows.

This module imports nothing from govpress, so every stage can import it.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

__all__ = [
    "DOCUMENT_TYPES",
    "EVENT_TYPES",
    "PARTICIPANT_ROLES",
    "COMMITMENT_TYPES",
    "COMMITMENT_STATUSES",
    "PARTNERSHIP_TYPES",
    "PARTNERSHIP_STATUSES",
    "PRECISIONS",
    "METHODS",
    "REVIEW_STATUSES",
    "FIELD_ENUMS",
    "Release",
    "Span",
    "DateValue",
    "Money",
    "OfficialMention",
    "Event",
    "Participant",
    "Commitment",
    "Partnership",
    "Party",
    "Extraction",
    "Rejection",
    "slugify",
    "fold_accents",
    "period_end",
    "add_months",
    "timing_of",
]

DOCUMENT_TYPES = ("press_release", "news_story", "speech", "statement", "other")
EVENT_TYPES = ("meeting", "visit", "summit", "conference", "call", "signing", "speech", "other")
PARTICIPANT_ROLES = ("host", "attendee", "counterpart", "speaker", "other")
COMMITMENT_TYPES = (
    "policy", "legislation", "funding", "sanction", "hosting",
    "resourcing", "cooperation", "target", "other",
)
COMMITMENT_STATUSES = ("pledged", "announced", "implemented")
PARTNERSHIP_TYPES = (
    "treaty", "agreement", "memorandum", "taskforce", "strategic_partnership",
    "joint_statement", "dialogue", "programme", "other",
)
PARTNERSHIP_STATUSES = ("existing", "new", "proposed")
PRECISIONS = ("day", "week", "month", "season", "quarter", "year")
METHODS = ("rules", "model", "curated")
REVIEW_STATUSES = ("machine", "verified", "corrected")

FIELD_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("releases", "document_type"): DOCUMENT_TYPES,
    ("events", "event_type"): EVENT_TYPES,
    ("events", "date_precision"): PRECISIONS,
    ("events", "timing"): ("before", "same_day", "after"),
    ("event_participants", "participant_role"): PARTICIPANT_ROLES,
    ("commitments", "commitment_type"): COMMITMENT_TYPES,
    ("commitments", "status"): COMMITMENT_STATUSES,
    ("commitments", "due_precision"): PRECISIONS,
    ("partnerships", "partnership_type"): PARTNERSHIP_TYPES,
    ("partnerships", "status"): PARTNERSHIP_STATUSES,
    ("partnerships", "start_precision"): PRECISIONS,
}
"""The enumerated fields of the package: ``(table, field)`` → allowed values (also
declared as ``enum`` constraints in the Table Schemas; a test keeps the two equal)."""


def fold_accents(text: str) -> str:
    """``text`` with accents and other combining marks removed ("Prévot" → "Prevot"), via NFKD."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slugify(text: str) -> str:
    """Return the lowercase ASCII slug of ``text`` (``[a-z0-9][a-z0-9-]*``).

    Accents are folded ("Prévot" → "prevot"), every other run of non-alphanumerics
    becomes one hyphen. Returns ``""`` when nothing alphanumeric is left.
    """
    folded = fold_accents(text).replace("&", " and ").replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", folded.casefold()).strip("-")


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before, if negative) ``day``'s month."""
    y, m = divmod(day.month - 1 + months, 12)
    return date(day.year + y, m + 1, 1)


def period_end(start: date, precision: str | None) -> date:
    """Last day of the period that starts on ``start`` with ``precision``.

    ``day`` → the day itself; ``week`` → the Sunday; ``month`` → the month's last
    day; ``season`` and ``quarter`` → the last day of the third month; ``year`` →
    31 December. An unknown or empty precision is treated as ``day``.
    """
    from datetime import timedelta

    if precision == "week":
        return start + timedelta(days=6)
    if precision == "month":
        return add_months(start.replace(day=1), 1) - timedelta(days=1)
    if precision in ("season", "quarter"):
        return add_months(start.replace(day=1), 3) - timedelta(days=1)
    if precision == "year":
        return date(start.year, 12, 31)
    return start


def timing_of(start: date | None, end: date | None, precision: str | None, published: date) -> str | None:
    """``before``, ``same_day`` or ``after`` publication, from an event's dates.

    The event's period runs from ``start`` to ``end`` (or, without ``end``, to
    :func:`period_end` of ``start`` and ``precision``). ``before``: it ends before
    the publication date; ``after``: it starts after it; ``same_day``: it includes
    the publication date. ``None`` when there is no ``start``.
    """
    if start is None:
        return None
    last = end or period_end(start, precision)
    if last < published:
        return "before"
    if start > published:
        return "after"
    return "same_day"


@dataclass(frozen=True)
class Release:
    """One source document, as ingested.

    ``body`` is already normalised (see :func:`govpress.ingest.normalise.normalise_body`)
    and every offset in every record points into it. ``source_path`` is the file the
    release came from (for error messages and the ``rejected`` report); it is not
    published.
    """

    release_id: str
    title: str
    published_date: date
    body: str
    organisations: tuple[str, ...] = ()
    document_type: str = "press_release"
    url: str | None = None
    source_url: str | None = None
    """Where the text was read when that is not ``url`` (a mirror or an archive)."""
    language: str = "en"
    source_path: str = ""
    content_id: str | None = None
    description: str | None = None
    public_updated_at: str | None = None
    withdrawn: bool = False
    withdrawn_date: date | None = None
    withdrawn_explanation: str | None = None
    people: tuple[str, ...] = ()
    """GOV.UK ``links.people`` titles: a per-release gazetteer of official names."""
    world_locations: tuple[str, ...] = ()
    """GOV.UK ``links.world_locations`` titles: countries the release is tagged with."""

    @property
    def text_sha256(self) -> str:
        """Hex sha256 of the UTF-8 ``body``."""
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    @property
    def word_count(self) -> int:
        """Number of whitespace-separated words in ``body``."""
        return len(self.body.split())

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every field (dates as ISO strings); see :meth:`from_json`."""
        return _encode(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Release":
        """Rebuild a :class:`Release` from :meth:`to_json` output."""
        kwargs = dict(data)
        kwargs["published_date"] = date.fromisoformat(kwargs["published_date"])
        if kwargs.get("withdrawn_date"):
            kwargs["withdrawn_date"] = date.fromisoformat(kwargs["withdrawn_date"])
        for key in ("organisations", "people", "world_locations"):
            kwargs[key] = tuple(kwargs.get(key) or ())
        return cls(**kwargs)


@dataclass(frozen=True)
class Span:
    """A verbatim stretch of a release body: ``body[char_start:char_end] == text``."""

    text: str
    char_start: int
    char_end: int

    @classmethod
    def of(cls, body: str, start: int, end: int) -> "Span":
        """The span of ``body[start:end]`` with surrounding whitespace trimmed off."""
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        return cls(body[start:end], start, end)


@dataclass(frozen=True)
class DateValue:
    """A resolved date: its first day, its precision and the words it came from.

    ``precision`` is one of :data:`PRECISIONS`; ``end`` is set for ranges
    ("12–14 March"). ``start`` is ``None`` only when the words could not be resolved.
    """

    start: date | None
    precision: str | None
    text: str
    end: date | None = None


@dataclass(frozen=True)
class Money:
    """An amount of money: exact ``amount`` (Decimal), ISO 4217 ``currency``, the words."""

    amount: Decimal
    currency: str
    text: str


@dataclass(frozen=True)
class OfficialMention:
    """A person or office-holder mentioned in one release (first mention's evidence).

    ``name`` is ``None`` for an unnamed office-holder ("the Foreign Secretary");
    ``role`` is the fullest title the release gives, without the nationality word,
    which goes into ``country_code``. ``key`` is release-local: events and
    commitments refer to officials by it.
    """

    key: str
    name: str | None
    role: str | None
    country_code: str | None
    evidence: Span
    organisation: str | None = None
    role_in_release: str | None = None
    method: str = "rules"
    extractor: str | None = None


@dataclass(frozen=True)
class Participant:
    """An official (by release-local ``OfficialMention.key``) taking part in an event."""

    official_key: str
    role: str = "attendee"


@dataclass(frozen=True)
class Event:
    """A meeting, visit, summit, conference, call, signing or speech (data-model ``events``)."""

    event_type: str
    evidence: Span
    name: str | None = None
    date: DateValue | None = None
    location: str | None = None
    country_code: str | None = None
    participants: tuple[Participant, ...] = ()
    method: str = "rules"
    extractor: str | None = None


@dataclass(frozen=True)
class Commitment:
    """A pledge or announced measure (data-model ``commitments``)."""

    commitment_type: str
    status: str
    evidence: Span
    actor: str | None = None
    actor_key: str | None = None
    actor_country_code: str | None = None
    action: str | None = None
    money: Money | None = None
    due: DateValue | None = None
    method: str = "rules"
    extractor: str | None = None


@dataclass(frozen=True)
class Party:
    """A party to a partnership: the words as written and its ISO alpha-2 / ``EU`` code."""

    party: str
    country_code: str | None


@dataclass(frozen=True)
class Partnership:
    """A treaty, agreement, taskforce, MoU... (data-model ``partnerships``)."""

    partnership_type: str
    status: str
    evidence: Span
    name: str | None = None
    topic: str | None = None
    start: DateValue | None = None
    parties: tuple[Party, ...] = ()
    method: str = "rules"
    extractor: str | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one release, before IDs are assigned."""

    release_id: str
    officials: tuple[OfficialMention, ...] = ()
    events: tuple[Event, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    partnerships: tuple[Partnership, ...] = ()
    skipped_reason: str | None = None
    """Why nothing was extracted (e.g. a release not in English), else ``None``."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings, amounts as strings); see :meth:`from_json`."""
        return _encode(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Extraction":
        """Rebuild an :class:`Extraction` from :meth:`to_json` output."""
        return _decode(cls, data)


@dataclass(frozen=True)
class Rejection:
    """An input file that could not be ingested: the file and a one-line reason."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


# --- JSON round trip for the per-release extraction cache -------------------------

_NESTED = {
    "evidence": Span, "date": DateValue, "due": DateValue, "start": DateValue,
    "money": Money,
}
_LISTS = {
    "officials": OfficialMention, "events": Event, "commitments": Commitment,
    "partnerships": Partnership, "participants": Participant, "parties": Party,
}


def _encode(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(cls: type, data: dict[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        v = data[f.name]
        if v is None:
            kwargs[f.name] = None
        elif cls is DateValue and f.name in ("start", "end"):
            kwargs[f.name] = date.fromisoformat(v)
        elif f.name in _LISTS:
            kwargs[f.name] = tuple(_decode(_LISTS[f.name], x) for x in v)
        elif f.name in _NESTED:
            kwargs[f.name] = _decode(_NESTED[f.name], v)
        elif f.name == "amount":
            kwargs[f.name] = Decimal(v)
        else:
            kwargs[f.name] = v
    return cls(**kwargs)

