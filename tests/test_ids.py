"""Record IDs come from content (release, table, evidence offsets), never from position.

The records are spans of the founding release (seeds/000_23ac0df54e00c4b6.txt, FCDO,
10 December 2025); the offsets were located in its normalised body by hand.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from govpress.ingest import read_release
from govpress.models import (Commitment, DateValue, Event, Extraction, Money, OfficialMention, Participant,
                             Partnership, Party, Release, Span)
from govpress.package import load_schema
from govpress.resolve import OfficialIndex, record_ids, release_rows

ROOT = Path(__file__).resolve().parent.parent
RID = "foreign-secretary-calls-for-european-cooperation-on-illegal-migration"
VISIT = ("Foreign Secretary travels to Brussels today to meet with the European Commissioner for Internal "
         "Affairs and Migration Magnus Brunner")                                     # body[443:575]
SPRING = "Council of Europe member states are expected to meet in Spring 2026 to discuss the ECHR reforms"  # [1822:1917]
SUMMIT = "the Foreign Secretary will host the Illicit Finance Summit at Lancaster House in London"  # [3780:3867]
UNIT = "the Foreign Office doubles the migration unit within the department"         # [1664:1731]
TREATY = "the UK's migration treaty with France"                                     # [759:796]


@pytest.fixture(scope="module")
def release() -> Release:
    return read_release(ROOT / "seeds" / "000_23ac0df54e00c4b6.txt")


def span(release: Release, text: str) -> Span:
    start = release.body.index(text)
    return Span(text, start, start + len(text))


def event(release: Release, text: str, event_type: str = "meeting", **kw: object) -> Event:
    return Event(event_type=event_type, evidence=span(release, text), **kw)  # type: ignore[arg-type]


def test_offsets_located_by_hand(release: Release) -> None:
    assert release.release_id == RID
    assert [(s.char_start, s.char_end) for s in (span(release, t) for t in (VISIT, SPRING, SUMMIT, UNIT, TREATY))] == [
        (443, 575), (1822, 1917), (3780, 3867), (1664, 1731), (759, 796)]


def test_id_is_release_table_and_evidence_offsets(release: Release) -> None:
    events = [event(release, VISIT, "visit"), event(release, SPRING), event(release, SUMMIT, "summit")]
    assert record_ids(RID, "event", events, lambda e: (e.event_type,)) == [
        f"{RID}/event/443-575", f"{RID}/event/1822-1917", f"{RID}/event/3780-3867"]


def test_inserting_or_dropping_a_record_changes_no_other_id(release: Release) -> None:
    three = [event(release, VISIT, "visit"), event(release, SPRING), event(release, SUMMIT, "summit")]
    four = [three[0], event(release, UNIT, "other"), *three[1:]]
    ids3 = record_ids(RID, "event", three, lambda e: (e.event_type,))
    ids4 = record_ids(RID, "event", four, lambda e: (e.event_type,))
    assert ids4 == [ids3[0], f"{RID}/event/1664-1731", *ids3[1:]]
    assert record_ids(RID, "event", three[1:], lambda e: (e.event_type,)) == ids3[1:]
    # order of the records does not matter either
    assert record_ids(RID, "event", three[::-1], lambda e: (e.event_type,)) == ids3[::-1]


def test_records_sharing_a_span_are_told_apart_by_content(release: Release) -> None:
    def content(e: Event) -> tuple:
        return (e.event_type, e.location)

    visit = event(release, VISIT, "visit", location="Brussels")
    meeting = event(release, VISIT, "meeting", location="Brussels")
    assert record_ids(RID, "event", [visit, meeting], content) == [
        f"{RID}/event/443-575-visit", f"{RID}/event/443-575-meeting"]
    # same type too: a short hash of the content, the same whatever the order
    other = event(release, VISIT, "meeting", location="Brussels, Belgium")
    ids = record_ids(RID, "event", [meeting, other], content)
    assert ids == record_ids(RID, "event", [other, meeting], content)[::-1]
    assert len(set(ids)) == 2
    assert all(re.fullmatch(rf"{RID}/event/443-575-meeting-[0-9a-f]{{6}}", i) for i in ids)
    # content identical as well: then (and only then) numbered in order
    assert record_ids(RID, "event", [meeting, meeting], content) == [
        f"{RID}/event/443-575-meeting-a92a47", f"{RID}/event/443-575-meeting-a92a47-2"]
    # a span used by another table does not count
    assert record_ids(RID, "commitment", [meeting], content) == [f"{RID}/commitment/443-575"]


@pytest.mark.parametrize(("table", "field"), [("events", "event_id"), ("commitments", "commitment_id"),
                                              ("partnerships", "partnership_id"),
                                              ("event_participants", "event_id"),
                                              ("partnership_parties", "partnership_id")])
def test_ids_match_the_schema_pattern(table: str, field: str) -> None:
    [f] = [f for f in load_schema(table)["fields"] if f["name"] == field]
    pattern = f["constraints"]["pattern"]
    kind = field.removesuffix("_id")
    for rid in (f"{RID}/{kind}/443-575", f"{RID}/{kind}/443-575-visit", f"{RID}/{kind}/443-575-funding-0a1b2c",
                f"new-frank-adverts-mark-tenth-anniversary--2/{kind}/0-74-2"):
        assert re.fullmatch(pattern, rid), (pattern, rid)
    assert not re.fullmatch(pattern, f"{RID}/other/443-575")
    assert not re.fullmatch(pattern, f"{RID}/{kind}/")


def test_release_rows_use_content_ids_in_link_tables(release: Release) -> None:
    fs = OfficialMention(key="fs", name=None, role="Foreign Secretary", country_code="GB",
                         evidence=span(release, "Foreign Secretary travels"))
    ext = Extraction(
        release_id=RID,
        officials=(fs,),
        events=(event(release, VISIT, "visit", participants=(Participant("fs", "attendee"),),
                      date=DateValue(date(2025, 12, 10), "day", "today")),),
        commitments=(
            Commitment("resourcing", "announced", span(release, UNIT), actor="the Foreign Office"),
            Commitment("funding", "pledged", span(release, UNIT), money=Money(Decimal("10000000"), "GBP", "£10m")),
        ),
        partnerships=(Partnership("treaty", "existing", span(release, TREATY), parties=(Party("France", "FR"),)),),
    )
    index = OfficialIndex()
    index.add(RID, release.published_date, ext.officials)
    index.resolve()
    rows: dict[str, list[dict]] = {}
    for table, row in release_rows(release, ext, index):
        rows.setdefault(table, []).append(row)
    assert [r["event_id"] for r in rows["events"]] == [f"{RID}/event/443-575"]
    assert rows["event_participants"] == [{"event_id": f"{RID}/event/443-575", "official_id": "gb-foreign-secretary",
                                           "participant_role": "attendee"}]
    assert [r["commitment_id"] for r in rows["commitments"]] == [
        f"{RID}/commitment/1664-1731-resourcing", f"{RID}/commitment/1664-1731-funding"]
    assert [r["partnership_id"] for r in rows["partnerships"]] == [f"{RID}/partnership/759-796"]
    assert rows["partnership_parties"][0]["partnership_id"] == f"{RID}/partnership/759-796"


# --- release IDs: the input's own, kept as given ---------------------------------------------

FRANK = "new-frank-adverts-mark-tenth-anniversary--2"  # GOV.UK's own slug (base_path /government/news/…--2)


def test_release_id_pattern_is_the_schema_pattern() -> None:
    from govpress.ingest.readers import RELEASE_ID_PATTERN

    [f] = [f for f in load_schema("releases")["fields"] if f["name"] == "release_id"]
    assert f["constraints"]["pattern"] == RELEASE_ID_PATTERN.pattern
    assert re.fullmatch(f["constraints"]["pattern"], FRANK)


def test_own_release_id_is_kept_exactly(tmp_path: Path) -> None:
    import json

    (tmp_path / "a.json").write_text(json.dumps({"release_id": FRANK, "title": "New FRANK adverts",
                                                 "published": "2013-01-28", "body": "Text."}), encoding="utf-8")
    (tmp_path / "b.md").write_text(f"---\nrelease_id: {FRANK}\ntitle: T\npublished: 2013-01-28\n---\nText.\n",
                                   encoding="utf-8")
    assert read_release(tmp_path / "a.json").release_id == FRANK
    assert read_release(tmp_path / "b.md").release_id == FRANK
    # the GOV.UK Content API item of that release: the last base_path segment as it is
    assert read_release(ROOT / "tests" / "fixtures" / "govuk" / "best-practice-press-release.json").release_id == FRANK


@pytest.mark.parametrize("bad", ["New FRANK adverts", "-leading-hyphen", "pm_call", "café"])
def test_invalid_own_release_id_is_a_clear_error(tmp_path: Path, bad: str) -> None:
    import json

    from govpress.errors import IngestError

    path = tmp_path / "a.json"
    path.write_text(json.dumps({"release_id": bad, "title": "T", "published": "2013-01-28", "body": "Text."}),
                    encoding="utf-8")
    with pytest.raises(IngestError) as info:
        read_release(path)
    assert str(info.value) == (f"{path}: release_id {bad!r} is not a valid ID (lowercase letters, digits and "
                               "hyphens, starting with a letter or digit)")
