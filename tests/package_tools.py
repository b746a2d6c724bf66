"""Helpers for tests that read, rewrite and tamper with a built package.

``install_gold_rows`` replaces the extracted tables of a package copy with records of
two real releases, worked out by hand (the founding release of 10 December 2025 and
the Scottish Secretary's comment of 16 May 2023); offsets are located in the real
bodies. Tests of the validator use them so that they hold whatever the extractor
currently produces.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq

from govpress.package.writer import TableWriter

csv.field_size_limit(sys.maxsize)

FOUNDING = "foreign-secretary-calls-for-european-cooperation-on-illegal-migration"
SCOTLAND = "scottish-secretary-comments-on-latest-labour-market-statistics"
EXTRACTED = ("officials", "mentions", "events", "event_participants", "commitments", "partnerships",
             "partnership_parties")


def read_rows(pkg: Path, table: str) -> list[dict[str, Any]]:
    """Every row of ``table`` as typed values, read from its Parquet file."""
    return pq.read_table(pkg / "data" / f"{table}.parquet").to_pylist()


def _refresh_stats(pkg: Path) -> None:
    """Update ``bytes``/``hash`` in the descriptor if it carries them."""
    path = pkg / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for res in desc["resources"]:
        if "hash" in res or "bytes" in res:
            data = (pkg / res["path"]).read_bytes()
            res["bytes"] = len(data)
            res["hash"] = f"sha256:{hashlib.sha256(data).hexdigest()}"
            changed = True
    if changed:
        path.write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_rows(pkg: Path, table: str, rows: list[dict[str, Any]]) -> None:
    """Rewrite ``table`` (CSV and Parquet, consistently) with ``rows``, as the package writer does."""
    with TableWriter(table, pkg / "data") as writer:
        writer.write_all(rows)
    _refresh_stats(pkg)


def edit_csv(pkg: Path, table: str, edit: Callable[[list[list[str]]], None]) -> None:
    """Apply ``edit`` to the CSV's rows (``rows[0]`` is the header) and write them back."""
    path = pkg / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    edit(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    _refresh_stats(pkg)


def edit_parquet(pkg: Path, table: str, edit: Callable[[pa.Table], pa.Table]) -> None:
    """Replace the Parquet file of ``table`` with ``edit(arrow_table)``."""
    path = pkg / "data" / f"{table}.parquet"
    pq.write_table(edit(pq.read_table(path)), path)
    _refresh_stats(pkg)


def replace_column(t: pa.Table, name: str, array: pa.Array) -> pa.Table:
    """``t`` with column ``name`` replaced by ``array`` (same position)."""
    i = t.schema.get_field_index(name)
    return t.set_column(i, pa.field(name, array.type), array)


def csv_cell(pkg: Path, table: str, row: int, field: str) -> str:
    """The text of one CSV cell; ``row`` counts like frictionless (header = 1)."""
    with (pkg / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[row - 1][rows[0].index(field)]


def _span(body: str, evidence: str) -> dict[str, Any]:
    start = body.index(evidence)
    return {"evidence": evidence, "char_start": start, "char_end": start + len(evidence),
            "method": "curated", "extractor": "curation", "review_status": "verified"}


def gold_rows(pkg: Path) -> dict[str, list[dict[str, Any]]]:
    """Hand-made rows of every extracted table for two real releases of ``pkg``."""
    bodies = {r["release_id"]: r["body"] for r in read_rows(pkg, "releases") if r["release_id"] in (FOUNDING, SCOTLAND)}
    fr, sc = bodies[FOUNDING], bodies[SCOTLAND]
    published = date(2025, 12, 10)
    visit = ("Foreign Secretary travels to Brussels today to meet with the European Commissioner for Internal "
             "Affairs and Migration Magnus Brunner")
    summit = "the Foreign Secretary will host the Illicit Finance Summit at Lancaster House in London"
    spring = "Council of Europe member states are expected to meet in Spring 2026 to discuss the ECHR reforms"
    officials = [
        {"official_id": "gb-foreign-secretary", "name": None, "role": "Foreign Secretary",
         "organisation": "Foreign, Commonwealth & Development Office", "country_code": "GB",
         "first_mentioned": published, "mention_count": 1},
        {"official_id": "magnus-brunner", "name": "Magnus Brunner",
         "role": "European Commissioner for Internal Affairs and Migration", "organisation": "European Commission",
         "country_code": "EU", "first_mentioned": published, "mention_count": 1},
        {"official_id": "maxime-prevot", "name": "Maxime Prévot", "role": "Foreign Minister",
         "organisation": None, "country_code": "BE", "first_mentioned": published, "mention_count": 1},
    ]
    mentions = [
        {"release_id": FOUNDING, "official_id": "gb-foreign-secretary", "role_in_release": "Foreign Secretary",
         **_span(fr, "the UK Foreign Secretary")},
        {"release_id": FOUNDING, "official_id": "magnus-brunner",
         "role_in_release": "European Commissioner for Internal Affairs and Migration",
         **_span(fr, "European Commissioner for Internal Affairs and Migration Magnus Brunner")},
        {"release_id": FOUNDING, "official_id": "maxime-prevot", "role_in_release": "Foreign Minister",
         **_span(fr, "Belgium's Foreign Minister Maxime Prévot")},
    ]
    events = [
        {"event_id": f"{FOUNDING}/event/1", "release_id": FOUNDING, "event_type": "visit", "name": None,
         "start_date": published, "end_date": published, "date_precision": "day", "date_text": "today",
         "timing": "same_day", "location": "Brussels", "country_code": "BE", **_span(fr, visit)},
        {"event_id": f"{FOUNDING}/event/2", "release_id": FOUNDING, "event_type": "meeting", "name": None,
         "start_date": date(2026, 3, 1), "end_date": None, "date_precision": "season", "date_text": "Spring 2026",
         "timing": "after", "location": None, "country_code": None, **_span(fr, spring)},
        {"event_id": f"{FOUNDING}/event/3", "release_id": FOUNDING, "event_type": "summit",
         "name": "Illicit Finance Summit", "start_date": date(2026, 6, 1), "end_date": None,
         "date_precision": "month", "date_text": "Next June", "timing": "after",
         "location": "Lancaster House, London", "country_code": "GB", **_span(fr, summit)},
    ]
    participants = [
        {"event_id": f"{FOUNDING}/event/1", "official_id": "gb-foreign-secretary", "participant_role": "attendee"},
        {"event_id": f"{FOUNDING}/event/1", "official_id": "magnus-brunner", "participant_role": "counterpart"},
        {"event_id": f"{FOUNDING}/event/1", "official_id": "maxime-prevot", "participant_role": "counterpart"},
        {"event_id": f"{FOUNDING}/event/3", "official_id": "gb-foreign-secretary", "participant_role": "host"},
    ]
    commitments = [
        {"commitment_id": f"{FOUNDING}/commitment/1", "release_id": FOUNDING, "actor": "the Foreign Office",
         "actor_official_id": None, "actor_country_code": "GB", "commitment_type": "resourcing",
         "action": "doubles the migration unit within the department", "status": "announced",
         "amount": None, "currency": None, "amount_text": None, "due_date": None, "due_precision": None,
         "due_text": None, **_span(fr, "the Foreign Office doubles the migration unit within the department")},
        {"commitment_id": f"{FOUNDING}/commitment/2", "release_id": FOUNDING, "actor": "the Foreign Secretary",
         "actor_official_id": "gb-foreign-secretary", "actor_country_code": "GB", "commitment_type": "hosting",
         "action": "will host the Illicit Finance Summit at Lancaster House in London", "status": "pledged",
         "amount": None, "currency": None, "amount_text": None, "due_date": date(2026, 6, 1),
         "due_precision": "month", "due_text": "Next June", **_span(fr, summit)},
        {"commitment_id": f"{SCOTLAND}/commitment/1", "release_id": SCOTLAND, "actor": "The UK Government",
         "actor_official_id": None, "actor_country_code": "GB", "commitment_type": "funding",
         "action": "investing more than £2.2 billion across Scotland", "status": "announced",
         "amount": Decimal("2200000000"), "currency": "GBP", "amount_text": "£2.2 billion",
         "due_date": None, "due_precision": None, "due_text": None,
         **_span(sc, "investing more than £2.2 billion across Scotland through our ambitious levelling up agenda")},
    ]
    partnerships = [
        {"partnership_id": f"{FOUNDING}/partnership/1", "release_id": FOUNDING, "name": "migration treaty with France",
         "partnership_type": "treaty", "topic": "migration", "status": "existing", "start_date": None,
         "start_precision": None, "start_text": None, **_span(fr, "the UK's migration treaty with France")},
        {"partnership_id": f"{FOUNDING}/partnership/2", "release_id": FOUNDING,
         "name": "Joint UK–Italy Illicit Finance Taskforce", "partnership_type": "taskforce",
         "topic": "illicit finance", "status": "existing", "start_date": None, "start_precision": None,
         "start_text": None, **_span(fr, "the Joint UK–Italy Illicit Finance Taskforce")},
    ]
    parties = [
        {"partnership_id": f"{FOUNDING}/partnership/1", "party": "France", "country_code": "FR"},
        {"partnership_id": f"{FOUNDING}/partnership/1", "party": "UK", "country_code": "GB"},
        {"partnership_id": f"{FOUNDING}/partnership/2", "party": "Italy", "country_code": "IT"},
        {"partnership_id": f"{FOUNDING}/partnership/2", "party": "UK", "country_code": "GB"},
    ]
    return {"officials": officials, "mentions": mentions, "events": events, "event_participants": participants,
            "commitments": commitments, "partnerships": partnerships, "partnership_parties": parties}


def install_gold_rows(pkg: Path) -> dict[str, list[dict[str, Any]]]:
    """Replace every extracted table of ``pkg`` with :func:`gold_rows`; returns them."""
    rows = gold_rows(pkg)
    for table in EXTRACTED:
        write_rows(pkg, table, rows[table])
    return rows


def tamper(pkg: Path, table: str, index: int, **changes: Any) -> None:
    """Change fields of the ``index``-th row (0-based) of ``table`` in both formats."""
    rows = read_rows(pkg, table)
    rows[index].update(changes)
    write_rows(pkg, table, rows)
