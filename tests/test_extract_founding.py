"""The founding release, record by record, against its gold file.

Gold: ../shared/gold/dev/foreign-secretary-calls-for-european-cooperation-on-illegal-migration.yaml
(the release text is seeds/000_23ac0df54e00c4b6.txt, published 2025-12-10). The
expected values below are the gold file's, worked out by hand from the text.
"""
from __future__ import annotations

from datetime import date

import pytest

from govpress.extract import extract
from govpress.ingest import read_release

from .conftest import FOUNDING_ID, SEEDS


@pytest.fixture(scope="module")
def founding():
    release = read_release(SEEDS / "000_23ac0df54e00c4b6.txt")
    return release, extract(release)


def _by_key(extraction):
    return {o.key: o for o in extraction.officials}


def test_release_is_the_founding_one(founding):
    release, extraction = founding
    assert release.release_id == FOUNDING_ID
    assert release.published_date == date(2025, 12, 10)
    assert extraction.skipped_reason is None


def test_officials_with_roles_and_countries(founding):
    _, x = founding
    got = {(o.name, o.role, o.country_code) for o in x.officials}
    assert got == {
        (None, "Foreign Secretary", "GB"),
        ("Magnus Brunner", "European Commissioner for Internal Affairs and Migration", "EU"),
        ("Maxime Prévot", "Foreign Minister", "BE"),
        ("Bernard Quintin", "Interior Minister", "BE"),
        (None, "Deputy Prime Minister", "GB"),
        (None, "Attorney General", "GB"),
        (None, "Minister for the Cabinet Office", "GB"),
        # the release writes "EU Commissioner Ursula von der Leyen": the qualifier "EU"
        # goes to country_code, as with "Belgium's Foreign Minister"
        ("Ursula von der Leyen", "Commissioner", "EU"),
    }
    # one entry per person: "the UK Foreign Secretary", "Foreign Secretary", "She"... are one
    assert len(x.officials) == 8
    keys = _by_key(x)
    assert keys["gb-foreign-secretary"].extractor.startswith("title.")
    assert all(o.method == "rules" for o in x.officials)


def test_brussels_visit_is_one_event_with_everyone_met(founding):
    release, x = founding
    visits = [e for e in x.events if e.event_type == "visit" and "travels to Brussels" in e.evidence.text]
    assert len(visits) == 1
    v = visits[0]
    assert v.evidence.text.startswith("Foreign Secretary travels to Brussels today to meet with the European "
                                      "Commissioner for Internal Affairs and Migration Magnus Brunner")
    assert v.date.start == date(2025, 12, 10) and v.date.precision == "day" and v.date.text == "today"
    assert v.location == "Brussels" and v.country_code == "BE"
    assert {p.official_key for p in v.participants} == {
        "gb-foreign-secretary", "magnus-brunner", "maxime-prevot", "bernard-quintin"}
    assert release.body[v.evidence.char_start:v.evidence.char_end] == v.evidence.text


def test_events_match_gold(founding):
    _, x = founding
    got = [(e.event_type, e.date.start if e.date else None, e.date.precision if e.date else None) for e in x.events]
    assert got == [
        ("visit", date(2025, 12, 10), "day"),        # travels to Brussels today
        ("meeting", date(2025, 12, 10), "day"),      # DPM and AG attend a meeting (present tense: today)
        ("meeting", date(2026, 3, 1), "season"),     # member states expected to meet in Spring 2026
        ("visit", date(2025, 12, 10), "day"),        # Minister for the Cabinet Office in Brussels today
        ("summit", date(2026, 6, 1), "month"),       # Illicit Finance Summit next June
    ]
    summit = x.events[4]
    assert summit.name == "Illicit Finance Summit"
    assert summit.location == "Lancaster House, London" and summit.country_code == "GB"
    assert summit.date.text == "Next June"
    assert [(p.official_key, p.role) for p in summit.participants] == [("gb-foreign-secretary", "host")]
    meeting = x.events[1]
    assert {p.official_key for p in meeting.participants} == {"gb-deputy-prime-minister", "gb-attorney-general"}
    assert x.events[3].participants[0].official_key == "gb-minister-for-the-cabinet-office"


def test_commitments_match_gold(founding):
    _, x = founding
    got = [(c.commitment_type, c.status, c.actor) for c in x.commitments]
    assert got == [
        ("policy", "announced", "The Government"),
        ("resourcing", "announced", "the Foreign Office"),
        ("hosting", "pledged", "the Foreign Secretary"),
        ("sanction", "implemented", "Britain"),
    ]
    assert "The Government has announced the most sweeping reforms" in x.commitments[0].evidence.text
    assert "the Foreign Office doubles the migration unit within the department" in x.commitments[1].evidence.text
    hosting = x.commitments[2]
    assert hosting.actor_key == "gb-foreign-secretary" and hosting.actor_country_code == "GB"
    assert hosting.due.start == date(2026, 6, 1) and hosting.due.precision == "month"
    assert "Britain introduced a world-first sanctions regime" in x.commitments[3].evidence.text
    # "These new reforms will restore order" and "She will highlight..." are not commitments
    assert not any("restore order" in c.evidence.text or "highlight" in c.evidence.text for c in x.commitments)


def test_partnerships_match_gold(founding):
    _, x = founding
    got = [(p.partnership_type, sorted(q.country_code for q in p.parties)) for p in x.partnerships]
    assert got == [
        ("treaty", ["FR", "GB"]),
        ("strategic_partnership", ["EU", "GB"]),
        ("taskforce", ["GB", "IT"]),
    ]
    treaty, strategic, taskforce = x.partnerships
    assert treaty.evidence.text == "the UK's migration treaty with France"
    assert treaty.topic == "migration" and treaty.status == "existing"
    assert taskforce.name == "Joint UK–Italy Illicit Finance Taskforce"
    assert taskforce.topic == "illicit finance"
    assert strategic.evidence.text == "the UK-EU strategic partnership"
    # "the UK's partnership with Italy - through the ... Taskforce" is the taskforce, not a second record
    assert len(x.partnerships) == 3


def test_every_record_has_provenance(founding):
    release, x = founding
    for rec in (*x.officials, *x.events, *x.commitments, *x.partnerships):
        ev = rec.evidence
        assert release.body[ev.char_start:ev.char_end] == ev.text
        assert ev.text == " ".join(ev.text.split())
        assert rec.method == "rules" and rec.extractor
