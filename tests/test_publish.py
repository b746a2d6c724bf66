"""Publishing: package → SQLite (sqlite-utils) + Datasette metadata, inspect file and downloads.

Real artefacts throughout: the package built from seeds/ (``built_package``), a real
SQLite file under tmp_path, re-read with sqlite3 and sqlite-utils. A small package
written here from the founding release and its gold file (tests/../shared gold,
values copied by hand) covers tables the extractor may leave sparse: officials,
events, commitments with money.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import sqlite_utils
from click.testing import CliRunner

from govpress.cli import cli
from govpress.errors import PackageNotFound, ValidationFailed
from govpress.package import PackageWriter
from govpress.publish import SiteFiles, needs_publish, publish
from govpress.publish.config import canned_queries, site_config
from govpress.settings import TABLES

FOUNDING = "foreign-secretary-calls-for-european-cooperation-on-illegal-migration"
SCOTLAND_JOBS = "scottish-secretary-comments-on-latest-labour-market-statistics"
SCOTLAND_GDP = "scottish-secretary-responds-to-scotland-s-gdp-for-third-quarter-of-2022"


@pytest.fixture(scope="module")
def published(built_package: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database published (with validation) from the package built from seeds/."""
    return publish(built_package / "datapackage.json", tmp_path_factory.mktemp("site") / "govpress.db")


def _csv_rows(package: Path, table: str) -> list[dict[str, str]]:
    with (package / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _span(body: str, evidence: str) -> dict:
    start = body.index(evidence)
    return {"evidence": evidence, "char_start": start, "char_end": start + len(evidence)}


_PROV = {"method": "curated", "review_status": "verified", "extractor": "curation"}


def write_hand_package(built_package: Path, out: Path) -> Path:
    """A package of three real releases with records copied by hand from them.

    Officials, events and partnerships follow the founding release's gold file
    (shared/gold/dev/foreign-secretary-calls-...yaml); the two commitments with money
    are the Scottish Secretary's "more than £2.2 billion across Scotland" (2023-05-16)
    and "an additional £1.5 billion for the Scottish Government" (2022-11-30).
    """
    table = pq.read_table(built_package / "data" / "releases.parquet").to_pylist()
    releases = {r["release_id"]: r for r in table if r["release_id"] in (FOUNDING, SCOTLAND_JOBS, SCOTLAND_GDP)}
    body = releases[FOUNDING]["body"]
    d = date(2025, 12, 10)
    with PackageWriter(out) as pkg:
        for rid in sorted(releases):
            pkg.write("releases", releases[rid])
        officials = [
            ("gb-foreign-secretary", None, "Foreign Secretary", "GB", "Foreign Secretary travels to Brussels today"),
            ("magnus-brunner", "Magnus Brunner", "European Commissioner for Internal Affairs and Migration", "EU",
             "European Commissioner for Internal Affairs and Migration Magnus Brunner"),
            ("maxime-prevot", "Maxime Prévot", "Foreign Minister", "BE", "Foreign Minister Maxime Prévot"),
        ]
        for oid, name, role, cc, _ in officials:
            pkg.write("officials", {"official_id": oid, "name": name, "role": role, "country_code": cc,
                                    "first_mentioned": d, "mention_count": 1})
        for oid, _, role, _, evidence in officials:
            pkg.write("mentions", {"release_id": FOUNDING, "official_id": oid, "role_in_release": role,
                                   **_span(body, evidence), **_PROV})
        visit = "Foreign Secretary travels to Brussels today to meet with the European Commissioner for Internal Affairs and Migration Magnus Brunner"
        pkg.write("events", {"event_id": f"{FOUNDING}/event/1", "release_id": FOUNDING, "event_type": "visit",
                             "start_date": d, "end_date": d, "date_precision": "day", "date_text": "today",
                             "timing": "same_day", "location": "Brussels", "country_code": "BE",
                             **_span(body, visit), **_PROV})
        spring = "Council of Europe member states are expected to meet in Spring 2026 to discuss the ECHR reforms"
        pkg.write("events", {"event_id": f"{FOUNDING}/event/2", "release_id": FOUNDING, "event_type": "meeting",
                             "start_date": date(2026, 3, 1), "date_precision": "season", "date_text": "Spring 2026",
                             "timing": "after", **_span(body, spring), **_PROV})
        summit = "the Foreign Secretary will host the Illicit Finance Summit at Lancaster House in London"
        pkg.write("events", {"event_id": f"{FOUNDING}/event/3", "release_id": FOUNDING, "event_type": "summit",
                             "name": "Illicit Finance Summit", "start_date": date(2026, 6, 1), "date_precision": "month",
                             "date_text": "Next June", "timing": "after", "location": "Lancaster House, London",
                             "country_code": "GB", **_span(body, summit), **_PROV})
        for oid, role in [("gb-foreign-secretary", "attendee"), ("magnus-brunner", "counterpart"), ("maxime-prevot", "counterpart")]:
            pkg.write("event_participants", {"event_id": f"{FOUNDING}/event/1", "official_id": oid, "participant_role": role})
        pkg.write("event_participants", {"event_id": f"{FOUNDING}/event/3", "official_id": "gb-foreign-secretary",
                                         "participant_role": "host"})
        for rid, evidence, amount, text, n in [
            (SCOTLAND_GDP, "an additional £1.5 billion for the Scottish Government", "1500000000", "£1.5 billion", 1),
            (SCOTLAND_JOBS, "investing more than £2.2 billion across Scotland", "2200000000", "£2.2 billion", 1),
        ]:
            pkg.write("commitments", {"commitment_id": f"{rid}/commitment/{n}", "release_id": rid, "actor": "The UK Government",
                                      "actor_country_code": "GB", "commitment_type": "funding", "status": "implemented",
                                      "amount": Decimal(amount), "currency": "GBP", "amount_text": text,
                                      **_span(releases[rid]["body"], evidence), **_PROV})
        taskforce = "the Joint UK–Italy Illicit Finance Taskforce"
        pkg.write("partnerships", {"partnership_id": f"{FOUNDING}/partnership/1", "release_id": FOUNDING,
                                   "name": "Joint UK–Italy Illicit Finance Taskforce", "partnership_type": "taskforce",
                                   "topic": "illicit finance", "status": "existing", **_span(body, taskforce), **_PROV})
        for party, cc in [("Italy", "IT"), ("UK", "GB")]:
            pkg.write("partnership_parties", {"partnership_id": f"{FOUNDING}/partnership/1", "party": party, "country_code": cc})
    return out


@pytest.fixture(scope="module")
def hand_db(built_package: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pkg = write_hand_package(built_package, tmp_path_factory.mktemp("hand-package"))
    return publish(pkg / "datapackage.json", tmp_path_factory.mktemp("hand-site") / "govpress.db", validate=False)


# --- the database -------------------------------------------------------------------


def test_tables_have_the_declared_types_keys_and_nulls(published: Path, built_package: Path) -> None:
    db = sqlite_utils.Database(published)
    assert set(TABLES) <= set(db.table_names())
    releases = {c.name: c.type for c in db["releases"].columns}
    assert releases["published_date"] == "TEXT" and releases["word_count"] == "INTEGER"
    assert releases["withdrawn"] == "INTEGER" and releases["body"] == "TEXT"
    assert {c.name: c.type for c in db["commitments"].columns}["amount"] == "NUMERIC"
    assert db["releases"].pks == ["release_id"]
    assert db["mentions"].pks == ["release_id", "official_id"]
    assert db["event_participants"].pks == ["event_id", "official_id"]
    fks = {(fk.column, fk.other_table, fk.other_column) for fk in db["event_participants"].foreign_keys}
    assert fks == {("event_id", "events", "event_id"), ("official_id", "officials", "official_id")}
    assert ("actor_official_id", "officials", "official_id") in {
        (fk.column, fk.other_table, fk.other_column) for fk in db["commitments"].foreign_keys}
    # the generated label is not one of the table's own columns: those are exactly the package's
    for table in ("officials", "events"):
        with (built_package / "data" / f"{table}.csv").open(encoding="utf-8") as f:
            assert [c.name for c in db[table].columns] == next(csv.reader(f)), table
    con = sqlite3.connect(published)
    row = con.execute("select published_date, typeof(word_count), content_id, withdrawn, withdrawn_date from releases "
                      "where release_id = ?", (FOUNDING,)).fetchone()
    assert row == ("2025-12-10", "integer", None, 0, None)


def test_no_empty_strings_only_nulls(published: Path, built_package: Path) -> None:
    con = sqlite3.connect(published)
    for table in TABLES:
        for (name,) in con.execute(f"select name from pragma_table_info('{table}') where type = 'TEXT'"):
            assert con.execute(f'select count(*) from "{table}" where "{name}" = \'\'').fetchone()[0] == 0, (table, name)
    # every release of seeds/ lacks a GOV.UK content_id: 30 empty cells in the CSV, 30 NULLs here
    empty = sum(1 for r in _csv_rows(built_package, "releases") if r["content_id"] == "")
    assert empty == len(_csv_rows(built_package, "releases"))
    assert con.execute("select count(*) from releases where content_id is null").fetchone()[0] == empty


def test_rows_equal_the_package(published: Path, built_package: Path) -> None:
    con = sqlite3.connect(published)
    for table in TABLES:
        assert con.execute(f'select count(*) from "{table}"').fetchone()[0] == len(_csv_rows(built_package, table)), table
    csv_row = next(r for r in _csv_rows(built_package, "releases") if r["release_id"] == FOUNDING)
    con.row_factory = sqlite3.Row
    db_row = dict(con.execute("select * from releases where release_id = ?", (FOUNDING,)).fetchone())
    assert db_row["title"] == "Foreign Secretary calls on European partners to step up cooperation on illegal migration"
    assert db_row["organisations"] == "Foreign, Commonwealth & Development Office"
    assert db_row["document_type"] == "press_release"
    assert db_row["url"] == "https://www.parliamenttoday.com/free/viewnews.html?id=170478"
    assert db_row["body"] == csv_row["body"] and "Maxime Prévot" in db_row["body"]
    assert db_row["word_count"] == int(csv_row["word_count"])


def test_indexes_on_foreign_keys_facets_and_sort_columns(published: Path) -> None:
    db = sqlite_utils.Database(published)

    def first_columns(table: str) -> set[str]:
        return {ix.columns[0] for ix in db[table].indexes}

    assert {"release_id", "event_type", "country_code", "timing", "start_date"} <= first_columns("events")
    assert {"official_id", "event_id"} <= first_columns("event_participants")
    assert {"release_id", "actor_official_id", "commitment_type", "status", "actor"} <= first_columns("commitments")
    assert {"published_date", "document_type", "organisations"} <= first_columns("releases")


def test_full_text_search_folds_diacritics_and_takes_punctuation(published: Path) -> None:
    from datasette.utils import escape_fts

    con = sqlite3.connect(published)
    con.create_function("escape_fts", 1, escape_fts)
    sql = con.execute("select sql from sqlite_master where name = 'releases_fts'").fetchone()[0]
    assert "tokenize='unicode61 remove_diacritics 2'" in sql

    def search(words: str) -> set[str]:
        return {r for (r,) in con.execute(
            "select release_id from releases where rowid in "
            "(select rowid from releases_fts where releases_fts match escape_fts(?))", (words,))}

    # only two releases of seeds/ use the word: the founding release (a sanctions
    # regime against people smugglers) and the PM's call with President Zelenskyy
    assert search("sanctions") == {FOUNDING, "pm-call-with-president-zelenskyy-22-may-2022"}
    assert FOUNDING in search("Prevot")  # the body says "Maxime Prévot"
    assert FOUNDING in search("UK-Italy")  # the body says "UK–Italy" (en dash)
    assert search("G7.") and search("Minister's")  # "Prime Minister's Office" is an organisation
    for table in ("mentions", "events", "commitments", "partnerships", "officials"):
        assert con.execute("select count(*) from sqlite_master where name = ?", (f"{table}_fts",)).fetchone()[0] == 1


def test_money_is_exact_and_labels_are_generated(hand_db: Path) -> None:
    con = sqlite3.connect(hand_db)
    assert con.execute("select amount, typeof(amount) from commitments order by amount desc").fetchall() == [
        (2200000000, "integer"), (1500000000, "integer")]
    assert dict(con.execute("select official_id, label from officials")) == {
        "gb-foreign-secretary": "Foreign Secretary (GB)", "magnus-brunner": "Magnus Brunner", "maxime-prevot": "Maxime Prévot"}
    assert [r[0] for r in con.execute("select label from events order by event_id")] == [
        "Visit in Brussels, 2025-12-10", "Meeting, spring 2026", "Illicit Finance Summit"]
    rows = con.execute(canned_queries()["money_commitments"]["sql"]).fetchall()
    assert [(r[0], r[2]) for r in rows] == [(2200000000, "£2.2 billion"), (1500000000, "£1.5 billion")]


def test_canned_queries_run_on_the_database(hand_db: Path) -> None:
    from datasette.utils import escape_fts

    con = sqlite3.connect(hand_db)
    con.create_function("escape_fts", 1, escape_fts)
    con.row_factory = sqlite3.Row
    params = {"name": "Prevot", "topic": "Scottish Government", "country": "", "year": "2022"}
    results = {}
    for name, query in canned_queries().items():
        assert query["title"] and query["description"], name
        results[name] = [dict(r) for r in con.execute(query["sql"], params)]
    assert [(r["kind"], r["what"]) for r in results["official"]] == [
        ("event", "Visit in Brussels, 2025-12-10"),
        ("mention", "Foreign Secretary calls on European partners to step up cooperation on illegal migration")]
    assert {r["official"] for r in results["official"]} == {"Maxime Prévot"}
    assert [r["commitment_id"] for r in results["commitments_on_topic"]] == [f"{SCOTLAND_GDP}/commitment/1"]
    assert [(r["country_code"], r["party"]) for r in results["partnerships_by_country"]] == [("GB", "UK"), ("IT", "Italy")]
    assert [(r["month"], r["releases"], r["events"], r["commitments"]) for r in results["releases_by_month"]] == [
        ("2025-12", 1, 3, 0), ("2023-05", 1, 0, 1), ("2022-11", 1, 0, 1)]
    calendar = results["events_calendar"]  # only the event dated to the day
    assert [(r["event_name"], r["event_dtstart"], r["event_dtend"]) for r in calendar] == [
        ("Visit in Brussels, 2025-12-10", "2025-12-10T00:00:00", "2025-12-11T00:00:00")]
    today = date.today().isoformat()
    assert all(r["start_date"] > today for r in results["upcoming_events"])
    newest = results["releases_feed"][0]  # newest first
    assert (newest["release_id"], newest["atom_updated"]) == (FOUNDING, "2025-12-10T00:00:00+00:00")
    assert newest["atom_id"] == newest["atom_link"] == "https://www.parliamenttoday.com/free/viewnews.html?id=170478"


# --- metadata, downloads, inspect ---------------------------------------------------


def test_metadata_is_generated_from_the_descriptor(published: Path, built_package: Path) -> None:
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    meta = json.loads(SiteFiles(published).metadata.read_text(encoding="utf-8"))
    assert meta["title"] == descriptor["title"]
    assert meta["license"] == "Open Government Licence v3.0"
    assert meta["license_url"] == "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    assert meta["source"] == descriptor["sources"][0]["title"] and meta["source_url"] == descriptor["sources"][0]["path"]
    tables = meta["databases"]["govpress"]["tables"]
    resources = {r["name"]: r for r in descriptor["resources"]}
    for table in TABLES:
        assert tables[table]["title"] == resources[table]["title"]
        assert tables[table]["description"] == resources[table]["description"]
        for field in resources[table]["schema"]["fields"]:
            if field.get("description"):
                assert tables[table]["columns"][field["name"]].startswith(" ".join(field["description"].split()))
            else:
                assert tables[table]["columns"][field["name"]], (table, field["name"])
    assert tables["events"]["columns"]["release_id"] == "The row of releases this refers to (releases.release_id)."
    assert tables["officials"]["label_column"] == "label" and tables["events"]["label_column"] == "label"
    assert tables["releases"]["label_column"] == "title"
    assert tables["releases"]["sort_desc"] == "published_date" and tables["events"]["sort_desc"] == "start_date"
    assert tables["events"]["facets"] == ["event_type", "country_code", "timing"]
    assert tables["commitments"]["facets"] == ["commitment_type", "status", "actor"]
    assert tables["partnerships"]["facets"] == ["partnership_type", "status"]
    assert tables["releases"]["facets"] == ["document_type", "organisations"]
    queries = meta["databases"]["govpress"]["queries"]
    assert set(queries) == set(canned_queries())
    assert all(q["title"] and q["description"] for q in queries.values())
    home = meta["description_html"]
    for href in ("/downloads/data/events.csv", "/downloads/data/events.parquet", "/downloads/datapackage.json",
                 "/downloads/govpress-releases-1.0.0.zip", "/govpress/events_calendar.ics", "/govpress/releases_feed.atom"):
        assert f'href="{href}"' in home


def test_downloads_hold_the_package_and_a_zip_of_it(published: Path, built_package: Path) -> None:
    downloads = SiteFiles(published).downloads
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    names = ["datapackage.json", *sorted(r["path"] for r in descriptor["resources"])]
    for rel in names:
        assert (downloads / rel).read_bytes() == (built_package / rel).read_bytes(), rel
    with zipfile.ZipFile(downloads / "govpress-releases-1.0.0.zip") as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == [f"govpress-releases-1.0.0/{n}" for n in names]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.read("govpress-releases-1.0.0/data/events.csv") == (built_package / "data/events.csv").read_bytes()


def test_inspect_file_matches_the_database(published: Path) -> None:
    import hashlib

    inspect = json.loads(SiteFiles(published).inspect.read_text(encoding="utf-8"))
    entry = inspect["govpress"]
    assert entry["file"] == "govpress.db"
    assert entry["hash"] == hashlib.sha256(published.read_bytes()).hexdigest()
    assert entry["size"] == published.stat().st_size
    con = sqlite3.connect(published)
    assert entry["tables"]["releases"]["count"] == con.execute("select count(*) from releases").fetchone()[0]


def test_publishing_twice_gives_the_same_bytes(published: Path, built_package: Path, tmp_path: Path) -> None:
    again = publish(built_package, tmp_path / "govpress.db", validate=False)
    first, second = SiteFiles(published), SiteFiles(again)
    for a, b in [(first.db, second.db), (first.metadata, second.metadata), (first.inspect, second.inspect),
                 (first.downloads / "govpress-releases-1.0.0.zip", second.downloads / "govpress-releases-1.0.0.zip")]:
        assert a.read_bytes() == b.read_bytes(), a.name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["govpress-downloads", "govpress.db", "govpress.inspect.json",
                                                          "govpress.metadata.json"]


# --- refusing, failing, staleness ------------------------------------------------------


def test_refuses_an_invalid_package_and_keeps_the_old_site(package_copy: Path, tmp_path: Path) -> None:
    db = publish(package_copy, tmp_path / "site" / "govpress.db", validate=False)
    before = db.read_bytes()
    path = package_copy / "data" / "releases.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",2025-12-10,", ",10 December 2025,", 1), encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        publish(package_copy, db)
    assert not info.value.report.valid
    assert "not publishing" in str(info.value) and "releases" in str(info.value)
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["govpress-downloads", "govpress.db", "govpress.inspect.json",
                                                           "govpress.metadata.json"]


def test_a_failed_publish_leaves_the_previous_site(package_copy: Path, tmp_path: Path) -> None:
    db = publish(package_copy, tmp_path / "govpress.db", validate=False)
    before = {p: p.read_bytes() for p in SiteFiles(db).all() if p.is_file()}
    (package_copy / "data" / "events.parquet").unlink()
    with pytest.raises(OSError):
        publish(package_copy, db, validate=False)
    assert {p: p.read_bytes() for p in before} == before
    assert (SiteFiles(db).downloads / "data" / "events.parquet").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_missing_package() -> None:
    with pytest.raises(PackageNotFound):
        publish("/nonexistent/datapackage.json", "/tmp/never.db")


def test_needs_publish(package_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "govpress.db"
    assert needs_publish(package_copy, db)
    publish(package_copy, db, validate=False)
    assert not needs_publish(package_copy, db)
    later = db.stat().st_mtime + 10
    os.utime(package_copy / "data" / "events.csv", (later, later))
    assert needs_publish(package_copy, db)
    publish(package_copy, db, validate=False)
    shutil.rmtree(SiteFiles(db).downloads)
    assert needs_publish(package_copy, db)


def test_cli_publish(package_copy: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["publish", str(package_copy / "datapackage.json"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 0, result.output
    assert "Published" in result.output and (tmp_path / "x.metadata.json").is_file()
    meta = json.loads((tmp_path / "x.metadata.json").read_text(encoding="utf-8"))
    assert list(meta["databases"]) == ["x"]  # the database's name in Datasette is the file's
    result = runner.invoke(cli, ["publish", str(tmp_path / "missing"), "--db", str(tmp_path / "y.db")])
    assert result.exit_code == 1 and "no data package" in result.output


def test_site_config_is_consistent() -> None:
    """Every facet, sort, search and related-list column named in site.yaml exists in its table."""
    from govpress.package import load_schema

    cfg = site_config()
    for table, tcfg in cfg["tables"].items():
        columns = {f["name"] for f in load_schema(table)["fields"]} | ({"label"} if tcfg.get("label") else set())
        named = [*tcfg.get("facets", []), *tcfg.get("fts", []), tcfg.get("sort"), tcfg.get("sort_desc"), tcfg.get("label_column")]
        assert {c for c in named if c} <= columns, table
    for table, sections in cfg["related"].items():
        assert table in TABLES
        for section in sections:
            assert set(section.get("links", {})) <= set(section["columns"])
