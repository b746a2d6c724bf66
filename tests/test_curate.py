"""Curation: a correction keyed by a record's ID survives rebuilds, and never lands on
another record or produces an invalid package."""
from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from govpress.build import build
from govpress.curate import Curation, CurationError, load_curation

EVENT = {"event_id": "r/event/0-66", "event_type": "visit", "start_date": date(2025, 7, 7), "end_date": None,
         "date_precision": "week", "timing": "after", "location": None, "country_code": None,
         "evidence": "He looked forward to welcoming the President to the UK next week",
         "char_start": 0, "char_end": 66, "review_status": "machine"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _entry(**kw: object) -> dict:
    return {"table": "events", "id": "r/event/0-66", "_file": "curation/x.yaml", "evidence": EVENT["evidence"], **kw}


def test_set_rederives_end_date_and_timing() -> None:
    cur = Curation([_entry(set={"start_date": "2025-07-08", "date_precision": "day", "location": "London"})])
    row = cur.apply("events", dict(EVENT), published=date(2025, 7, 5))
    assert (row["start_date"], row["end_date"], row["date_precision"]) == (date(2025, 7, 8), date(2025, 7, 8), "day")
    assert (row["timing"], row["location"], row["review_status"]) == ("after", "London", "corrected")
    same_day = Curation([_entry(set={"start_date": "2025-07-05", "date_precision": "day"})])
    assert same_day.apply("events", dict(EVENT), published=date(2025, 7, 5))["timing"] == "same_day"
    # a correction that touches no date leaves the dates alone
    loc = Curation([_entry(set={"location": "London"})]).apply("events", dict(EVENT), published=date(2025, 7, 5))
    assert (loc["end_date"], loc["timing"]) == (None, "after")


def test_verified_and_delete_with_link_rows() -> None:
    cur = Curation([_entry(verified=True), _entry(id="r/event/70-131", delete=True), _entry(id="gone/event/5-40", verified=True)])
    assert cur.apply("events", dict(EVENT))["review_status"] == "verified"
    assert cur.apply("events", {**EVENT, "event_id": "r/event/70-131"}) is None
    assert cur.apply("event_participants", {"event_id": "r/event/70-131", "official_id": "x"}) is None  # goes with its event
    assert cur.apply("event_participants", {"event_id": "r/event/0-66", "official_id": "x"}) is not None
    assert cur.unused() == ["events gone/event/5-40"]
    assert cur.problems() == ["curation/x.yaml: events gone/event/5-40: matches no record"]


def test_a_correction_never_moves_to_another_record() -> None:
    """After the release text changed, the ID's span holds other words: the entry is stale."""
    cur = Curation([_entry(set={"location": "London"})])
    other = {**EVENT, "evidence": "the G7 meeting in Ottawa", "location": "Ottawa"}
    assert cur.apply("events", other) == other  # untouched
    assert cur.problems() == [
        "curation/x.yaml: events r/event/0-66: not applied — the record's evidence is now "
        "'the G7 meeting in Ottawa', not the evidence the entry quotes"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"event_type": "party"}, "event_type: 'party' is not one of meeting, visit, summit"),
        ({"start_date": "next June"}, "start_date: 'next June' is not an ISO date (YYYY-MM-DD)"),
        ({"country_code": "gb"}, "country_code: 'gb' is not a code of the form [A-Z]{2}"),
        ({"event_id": "foo"}, "event_id: cannot be set (an ID, provenance or derived field)"),
        ({"timing": "before"}, "timing: cannot be set (an ID, provenance or derived field)"),
        ({"start_date": "2025-07-12", "end_date": "2025-07-10"}, "end_date 2025-07-10 is before start_date 2025-07-12"),
        ({"colour": "red"}, "unknown field(s) ['colour']"),
    ],
)
def test_bad_values_are_refused_naming_file_and_entry(change: dict, message: str) -> None:
    with pytest.raises(CurationError) as info:
        Curation([_entry(set=change)]).apply("events", dict(EVENT), published=date(2025, 7, 5))
    assert str(info.value).startswith("curation/x.yaml: events r/event/0-66: ")
    assert message in str(info.value)


def test_bad_amount_is_refused() -> None:
    row = {"commitment_id": "r/commitment/0-1", "amount": None, "evidence": "e", "review_status": "machine"}
    cur = Curation([{"table": "commitments", "id": "r/commitment/0-1", "evidence": "e", "set": {"amount": "lots"}, "_file": "f.yaml"}])
    with pytest.raises(CurationError, match=r"f.yaml: commitments r/commitment/0-1: amount: 'lots' is not a number"):
        cur.apply("commitments", row)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {table: nope, id: x}\n", "entry 1: table 'nope' cannot be curated"),
        ("table: events\n", "expected a list of corrections"),
        ("- {table: events, id: r/event/0-66, set: {location: X}}\n", "entry 1: an events entry must quote the record's evidence"),
        ("- {table: events, id: r/event/0-66, evidence: e, sett: {location: X}}\n", "entry 1: unknown key(s) ['sett']"),
        ("- {table: events, id: r/event/0-66, evidence: e, verified: 'no'}\n", "entry 1: 'verified' must be true or false, not 'no'"),
        ("- {table: events, id: r/event/0-66, evidence: e, set: [start_date]}\n", "entry 1: 'set' must be a mapping of field: value"),
        ("- {table: events, id: r/event/0-66, evidence: e, set: {start_date: 2025-13-01}}\n", "unparseable YAML: month must be in 1..12"),
    ],
)
def test_bad_curation_files_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CurationError) as info:
        load_curation(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'a.yaml'}: {message}")


def test_no_folder_means_no_corrections(tmp_path: Path) -> None:
    assert len(load_curation(tmp_path / "missing")) == 0


def test_correction_survives_rebuilds(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "r.json").write_text(json.dumps({
        "release_id": "r", "title": "Title", "published": "2024-05-01", "body": "Some text.",
    }), encoding="utf-8")
    cur = tmp_path / "curation"
    cur.mkdir()
    (cur / "releases.yaml").write_text(
        "- table: releases\n  id: r\n  set: {title: Corrected title}\n", encoding="utf-8")
    for _ in range(2):  # the second build comes from the cache; the correction still applies
        result = build([src], tmp_path / "out", cache_dir=tmp_path / "cache", curation_dir=cur, jobs=1)
        assert _rows(tmp_path / "out" / "data" / "releases.csv")[0]["title"] == "Corrected title"
        assert result.unused_curation == []


def test_correction_by_id_survives_a_record_added_before_it() -> None:
    """IDs come from the evidence offsets: an event the extractor now also finds earlier in
    the release does not move the correction (founding release, seeds/000_23ac0df54e00c4b6.txt)."""
    from govpress.ingest import read_release
    from govpress.models import Event, Extraction, Span
    from govpress.resolve import OfficialIndex, release_rows

    release = read_release(Path(__file__).resolve().parent.parent / "seeds" / "000_23ac0df54e00c4b6.txt")

    def ev(text: str, event_type: str) -> Event:
        start = release.body.index(text)
        return Event(event_type, Span(text, start, start + len(text)))

    spring = ev("Council of Europe member states are expected to meet in Spring 2026 to discuss the ECHR reforms", "meeting")
    visit = ev("Foreign Secretary travels to Brussels today", "visit")
    rid = release.release_id
    cur = Curation([{"table": "events", "id": f"{rid}/event/1822-1917", "evidence": spring.evidence.text,
                     "set": {"location": "Strasbourg"}, "_file": "curation/x.yaml"}])
    index = OfficialIndex()
    index.resolve()
    for events in ((spring,), (visit, spring)):
        rows = [row for table, row in release_rows(release, Extraction(rid, events=events), index) if table == "events"]
        fixed = {r["event_id"]: cur.apply("events", r, release.published_date)["location"] for r in rows}
        assert fixed[f"{rid}/event/1822-1917"] == "Strasbourg"
    assert fixed == {f"{rid}/event/443-486": None, f"{rid}/event/1822-1917": "Strasbourg"}
    assert cur.problems() == []


def test_enums_in_models_match_the_table_schemas() -> None:
    from govpress.models import FIELD_ENUMS
    from govpress.package import load_schema

    declared = {(t, f["name"]): tuple(f["constraints"]["enum"])
                for t in ("releases", "events", "event_participants", "commitments", "partnerships")
                for f in load_schema(t)["fields"] if "enum" in f.get("constraints", {})
                and f["name"] not in ("method", "review_status")}
    assert declared == FIELD_ENUMS
