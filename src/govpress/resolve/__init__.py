"""Stage 3: give records their stable IDs and merge officials across releases.

:class:`OfficialIndex` collects every official mention of every release (only the
small name/role/country tuples, not the releases), then decides which mentions
are the same person:

* a named official's ID is the slug of the fullest name (``magnus-brunner``);
  a shorter form of a name ("Brunner", "von der Leyen") is merged into the one
  full name that ends with it, when exactly one does and the countries agree;
* an unnamed office-holder is one official per country and role
  (``gb-foreign-secretary``; ``<role>`` alone when there is no country).

:func:`release_rows` turns one release and its extraction into rows of every
table. Record IDs come from content, never from position (:func:`record_ids`):
``<release_id>/<kind>/<char_start>-<char_end>`` — the release, the table and the
offsets of the record's evidence — so adding or removing one record leaves the
others' IDs alone.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable, Iterator, Sequence

from ..models import Extraction, OfficialMention, Release, slugify, timing_of

__all__ = ["OfficialIndex", "release_rows", "release_row", "unnamed_official_id", "record_ids"]


def unnamed_official_id(role: str | None, country_code: str | None) -> str:
    """ID of an unnamed office-holder: ``<country>-<role>`` (``gb-foreign-secretary``)."""
    role_slug = slugify(role or "") or "official"
    return f"{country_code.lower()}-{role_slug}" if country_code else role_slug


@dataclass
class _Seen:
    release_id: str
    key: str
    name: str | None
    role: str | None
    country_code: str | None
    organisation: str | None
    published: date


class OfficialIndex:
    """Officials across all releases; call :meth:`add` per release, then :meth:`resolve`.

    Memory grows with the number of mentions (a few small strings each), not with
    release bodies.
    """

    def __init__(self) -> None:
        self._seen: list[_Seen] = []
        self._ids: dict[tuple[str, str], str] = {}
        self._officials: dict[str, dict[str, Any]] = {}

    def add(self, release_id: str, published: date, mentions: Iterable[OfficialMention]) -> None:
        """Record the official mentions of one release."""
        for m in mentions:
            self._seen.append(_Seen(release_id, m.key, m.name, m.role, m.country_code, m.organisation, published))

    def resolve(self) -> None:
        """Assign an ``official_id`` to every mention and aggregate the officials table."""
        named = [s for s in self._seen if s.name]
        full_names: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        tokens_of = {s.name: tuple(slugify(s.name).split("-")) for s in named}
        countries: dict[str, Counter[str]] = defaultdict(Counter)
        for s in named:
            countries[slugify(s.name)][s.country_code or ""] += 1
        distinct = sorted(set(tokens_of.values()), key=lambda t: (-len(t), t))
        for toks in distinct:
            for i in range(1, len(toks)):
                full_names[toks[i:]].append(toks)
        canonical: dict[tuple[str, ...], tuple[str, ...]] = {}
        for toks in sorted(set(tokens_of.values()), key=lambda t: (len(t), t)):
            longer = [f for f in full_names.get(toks, []) if len(f) > len(toks)]
            # keep only the longest forms (a chain "Brunner" < "Magnus Brunner" resolves to the top)
            tops = {canonical.get(f, f) for f in longer}
            if len(tops) == 1:
                top = next(iter(tops))
                mine = {c for c in countries["-".join(toks)] if c}
                theirs = {c for c in countries["-".join(top)] if c}
                if not mine or not theirs or mine & theirs:
                    canonical[toks] = top
        groups: dict[str, list[_Seen]] = defaultdict(list)
        for s in self._seen:
            if s.name:
                toks = tokens_of[s.name]
                oid = "-".join(canonical.get(toks, toks))
            else:
                oid = unnamed_official_id(s.role, s.country_code)
            self._ids[(s.release_id, s.key)] = oid
            groups[oid].append(s)
        self._officials = {oid: _aggregate(oid, seen) for oid, seen in groups.items()}

    def official_id(self, release_id: str, key: str) -> str:
        """The resolved ID of a release-local official key (after :meth:`resolve`).

        Raises:
            KeyError: no such mention was added.
        """
        return self._ids[(release_id, key)]

    def rows(self) -> Iterator[dict[str, Any]]:
        """Rows of the ``officials`` table, sorted by ``official_id``."""
        for oid in sorted(self._officials):
            yield self._officials[oid]

    def __len__(self) -> int:
        return len(self._officials)


def _most_common(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _aggregate(oid: str, seen: list[_Seen]) -> dict[str, Any]:
    names = [s.name for s in seen if s.name]
    roles = [s.role for s in seen if s.role]
    return {
        "official_id": oid,
        "name": max(names, key=lambda n: (len(n.split()), len(n), n)) if names else None,
        "role": max(roles, key=lambda r: (len(r.split()), len(r), r)) if roles else None,
        "organisation": _most_common(s.organisation for s in seen),
        "country_code": _most_common(s.country_code for s in seen),
        "first_mentioned": min(s.published for s in seen),
        "mention_count": len({s.release_id for s in seen}),
    }


def release_row(release: Release) -> dict[str, Any]:
    """The ``releases`` row of one release."""
    return {
        "release_id": release.release_id,
        "title": release.title,
        "published_date": release.published_date,
        "organisations": "; ".join(release.organisations) or None,
        "document_type": release.document_type,
        "url": release.url,
        "source_url": release.source_url,
        "language": release.language,
        "word_count": release.word_count,
        "text_sha256": release.text_sha256,
        "body": release.body,
        "content_id": release.content_id,
        "withdrawn": release.withdrawn,
        "withdrawn_date": release.withdrawn_date,
    }


def _provenance(release_id: str, record: Any) -> dict[str, Any]:
    return {
        "release_id": release_id,
        "evidence": record.evidence.text,
        "char_start": record.evidence.char_start,
        "char_end": record.evidence.char_end,
        "method": record.method,
        "extractor": record.extractor,
        "review_status": "machine",
    }


def record_ids(release_id: str, kind: str, records: Sequence[Any],
               content: Callable[[Any], tuple[Any, ...]]) -> list[str]:
    """Content-derived IDs of one release's records of one table, in the records' order.

    A record's ID is ``<release_id>/<kind>/<char_start>-<char_end>`` (its evidence
    span). Records of the table that share a span are told apart by their content:
    each gets ``-<type>`` (the slug of ``content(record)[0]``, e.g. the event type),
    and ``-<type>-<hash>`` (6 hex digits of a SHA-256 of the whole ``content``
    tuple) when the type is shared too. Only records whose content is identical as
    well fall back on ``-2``, ``-3``… in order. So an ID never depends on how many
    records come before it.

    Args:
        release_id: the release's ID (a slug).
        kind: the record kind: ``event``, ``commitment`` or ``partnership``.
        records: objects with an ``evidence`` :class:`~govpress.models.Span`.
        content: the record's distinguishing values, the type first (JSON-serialisable
            via ``str`` for dates and decimals).
    Returns:
        One ID per record, distinct; each matches
        ``[a-z0-9][a-z0-9-]*/<kind>/[0-9]+-[0-9]+(-[a-z0-9]+)*``.
    """
    bases = [f"{release_id}/{kind}/{r.evidence.char_start}-{r.evidence.char_end}" for r in records]
    shared = Counter(bases)
    ids: list[str] = []
    for base, record in zip(bases, records):
        if shared[base] == 1:
            ids.append(base)
            continue
        values = content(record)
        mates = [content(r) for b, r in zip(bases, records) if b == base]
        suffix = slugify(str(values[0] or "")) or kind
        if sum(1 for v in mates if slugify(str(v[0] or "")) == slugify(str(values[0] or ""))) > 1:
            digest = hashlib.sha256(json.dumps([str(v) for v in values], ensure_ascii=False).encode()).hexdigest()
            suffix = f"{suffix}-{digest[:6]}"
        ids.append(f"{base}-{suffix}")
    seen: Counter[str] = Counter()
    out: list[str] = []
    for rid in ids:
        seen[rid] += 1
        out.append(rid if seen[rid] == 1 else f"{rid}-{seen[rid]}")
    return out


def _event_content(e: Any) -> tuple[Any, ...]:
    d = e.date
    return (e.event_type, e.name, d.text if d else None, d.start if d else None, e.location, e.country_code)


def _commitment_content(c: Any) -> tuple[Any, ...]:
    m = c.money
    return (c.commitment_type, m.amount if m else None, m.currency if m else None, m.text if m else None,
            c.action, c.actor, c.status)


def _partnership_content(p: Any) -> tuple[Any, ...]:
    return (p.partnership_type, p.name, p.topic, p.status)


def release_rows(release: Release, extraction: Extraction, index: OfficialIndex) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(table, row)`` for every row one release contributes (officials aside).

    Args:
        release: the release (for its row and publication date).
        extraction: its records, with release-local official keys.
        index: a resolved :class:`OfficialIndex` that has seen this extraction.
    """
    rid = release.release_id
    yield "releases", release_row(release)
    oid = {m.key: index.official_id(rid, m.key) for m in extraction.officials}
    done: set[str] = set()
    for m in sorted(extraction.officials, key=lambda m: (m.evidence.char_start, m.key)):
        if oid[m.key] in done:
            continue
        done.add(oid[m.key])
        prov = _provenance(rid, m)
        del prov["release_id"]
        yield "mentions", {"release_id": rid, "official_id": oid[m.key],
                           "role_in_release": m.role_in_release or m.role, **prov}
    event_ids = record_ids(rid, "event", extraction.events, _event_content)
    for event_id, e in zip(event_ids, extraction.events):
        d = e.date
        yield "events", {
            "event_id": event_id, "event_type": e.event_type, "name": e.name,
            "start_date": d.start if d else None,
            "end_date": (d.end or (d.start if d.precision == "day" else None)) if d and d.start else None,
            "date_precision": d.precision if d and d.start else None,
            "date_text": d.text if d else None,
            "timing": timing_of(d.start, d.end, d.precision, release.published_date) if d else None,
            "location": e.location, "country_code": e.country_code,
            **_provenance(rid, e),
        }
        seen_p: set[str] = set()
        for p in e.participants:
            pid = oid.get(p.official_key)
            if pid is None or pid in seen_p:
                continue
            seen_p.add(pid)
            yield "event_participants", {"event_id": event_id, "official_id": pid, "participant_role": p.role}
    commitment_ids = record_ids(rid, "commitment", extraction.commitments, _commitment_content)
    for commitment_id, c in zip(commitment_ids, extraction.commitments):
        m = c.money
        due = c.due
        yield "commitments", {
            "commitment_id": commitment_id, "actor": c.actor,
            "actor_official_id": oid.get(c.actor_key) if c.actor_key else None,
            "actor_country_code": c.actor_country_code, "commitment_type": c.commitment_type,
            "action": c.action, "status": c.status,
            "amount": m.amount if m else None, "currency": m.currency if m else None,
            "amount_text": m.text if m else None,
            "due_date": due.start if due else None,
            "due_precision": due.precision if due and due.start else None,
            "due_text": due.text if due else None,
            **_provenance(rid, c),
        }
    partnership_ids = record_ids(rid, "partnership", extraction.partnerships, _partnership_content)
    for pid, p in zip(partnership_ids, extraction.partnerships):
        s = p.start
        yield "partnerships", {
            "partnership_id": pid, "name": p.name, "partnership_type": p.partnership_type,
            "topic": p.topic, "status": p.status,
            "start_date": s.start if s else None,
            "start_precision": s.precision if s and s.start else None,
            "start_text": s.text if s else None,
            **_provenance(rid, p),
        }
        seen_party: set[str] = set()
        for party in p.parties:
            if party.party in seen_party:
                continue
            seen_party.add(party.party)
            yield "partnership_parties", {"partnership_id": pid, "party": party.party, "country_code": party.country_code}
