"""Officials merged across releases (govpress.resolve.OfficialIndex) from real extractions.

The founding release names "the European Commissioner for Internal Affairs and
Migration Magnus Brunner" and an unnamed "Foreign Secretary"; the Lavrov readout
(2021-06-17) has an unnamed "Foreign Secretary" too; the Carney call has the UK's
unnamed "Prime Minister" beside Canada's named one.
"""
from __future__ import annotations

from datetime import date

import pytest

from govpress.extract import extract
from govpress.ingest import read_release
from govpress.models import Release
from govpress.resolve import OfficialIndex

from .conftest import SEEDS


@pytest.fixture(scope="module")
def index():
    founding = read_release(SEEDS / "000_23ac0df54e00c4b6.txt")
    lavrov = read_release(SEEDS / "readout-foreign-secretary-call-with-sergei-lavrov.json")
    carney = read_release(SEEDS / "pm-call-with-prime-minister-carney-of-canada-22-june-2025.json")
    later = Release("brunner-in-london", "Commissioner in London", date(2026, 1, 20),
                    "Commissioner Brunner said the talks in London had been productive.")
    idx = OfficialIndex()
    extractions = {}
    for r in (founding, lavrov, carney, later):
        x = extract(r)
        extractions[r.release_id] = x
        idx.add(r.release_id, r.published_date, x.officials)
    idx.resolve()
    return idx, extractions


def _row(idx, oid):
    return next(r for r in idx.rows() if r["official_id"] == oid)


def test_surname_with_title_is_the_full_name(index):
    idx, x = index
    later = x["brunner-in-london"]
    assert [(o.name, o.role, o.country_code) for o in later.officials] == [("Brunner", "Commissioner", "EU")]
    assert idx.official_id("brunner-in-london", later.officials[0].key) == "magnus-brunner"
    row = _row(idx, "magnus-brunner")
    assert row["name"] == "Magnus Brunner"
    assert row["role"] == "European Commissioner for Internal Affairs and Migration"
    assert row["country_code"] == "EU"
    assert row["mention_count"] == 2
    assert row["first_mentioned"] == date(2025, 12, 10)


def test_unnamed_office_holder_is_one_row_per_country_and_role(index):
    idx, _ = index
    row = _row(idx, "gb-foreign-secretary")
    assert (row["name"], row["role"], row["country_code"]) == (None, "Foreign Secretary", "GB")
    assert row["mention_count"] == 2
    assert row["first_mentioned"] == date(2021, 6, 17)


def test_holders_of_the_same_title_in_other_countries_stay_apart(index):
    idx, x = index
    ids = {idx.official_id("pm-call-with-prime-minister-carney-of-canada-22-june-2025", o.key)
           for o in x["pm-call-with-prime-minister-carney-of-canada-22-june-2025"].officials}
    assert ids == {"gb-prime-minister", "mark-carney"}
    assert _row(idx, "mark-carney")["country_code"] == "CA"


def test_particles_and_accents_survive_resolution(index):
    idx, _ = index
    names = {r["official_id"]: r["name"] for r in idx.rows()}
    assert names["ursula-von-der-leyen"] == "Ursula von der Leyen"
    assert names["maxime-prevot"] == "Maxime Pr\u00e9vot"
