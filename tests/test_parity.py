"""Parity: CSV, Parquet and SQLite hold the same rows, nulls, values, order and types.

Works on ``gold`` (see tests/test_validate.py): a copy of the built package whose
extracted tables hold hand-made records of two real releases. Row numbers count like
frictionless (header = row 1).
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlite_utils

from govpress.validate import Report, validate_package
from govpress.validate.package import load_package
from govpress.package.layout import arrow_type as arrow_type_for
from govpress.validate.parity import parquet_problems, render, sqlite_problems

from .package_tools import (
    EXTRACTED, SCOTLAND, edit_csv, edit_parquet, read_rows, replace_column, tamper,
)

KEYS = ["resource", "row", "field", "type"]



def parity(pkg: Path, keys: list[str] = KEYS) -> list[list[object]]:
    view, _ = load_package(pkg)
    assert view is not None
    report = Report()
    report.add(parquet_problems(view))
    return report.flatten(keys)


def sqlite_parity(pkg: Path, db: Path, keys: list[str] = KEYS) -> list[list[object]]:
    view, _ = load_package(pkg)
    assert view is not None
    report = Report()
    report.add(sqlite_problems(view, db))
    return report.flatten(keys)


def make_db(pkg: Path, db_path: Path) -> Path:
    """An SQLite database of the package's rows made with sqlite-utils, as publish does:
    dates as ISO text, booleans 0/1, amounts as numbers, NULL for empty cells."""
    desc = json.loads((pkg / "datapackage.json").read_text())
    db = sqlite_utils.Database(db_path)
    for res in desc["resources"]:
        if res["format"] != "csv":
            continue
        rows = read_rows(pkg, res["name"])
        types = {f["name"]: f["type"] for f in res["schema"]["fields"]}
        db[res["name"]].create({n: {"string": str, "date": str, "integer": int, "boolean": int, "number": float}[t]
                                for n, t in types.items()})
        db[res["name"]].insert_all(
            [{k: (v.isoformat() if isinstance(v, date) else float(v) if isinstance(v, Decimal) else v)
              for k, v in r.items()} for r in rows])
    db.close()
    return db_path


# --- clean packages ---------------------------------------------------------------------


def test_built_package_parquet_types_survive(built_package: Path) -> None:
    """Every Parquet column has the Arrow type of its declared field, and reads back as that type."""
    desc = json.loads((built_package / "datapackage.json").read_text())
    for res in desc["resources"]:
        if res["format"] != "parquet":
            continue
        schema = pq.read_schema(built_package / res["path"])
        assert schema.names == [f["name"] for f in res["schema"]["fields"]]
        for f in res["schema"]["fields"]:
            assert schema.field(f["name"]).type == arrow_type_for(f["type"]), (res["name"], f["name"])
    releases = pq.read_table(built_package / "data" / "releases.parquet").to_pylist()
    assert all(type(r["published_date"]) is date for r in releases)
    assert all(type(r["word_count"]) is int for r in releases)
    assert parity(built_package) == []


def test_gold_package_has_parity(gold: Path) -> None:
    assert parity(gold) == []
    amounts = pq.read_table(gold / "data" / "commitments.parquet").column("amount")
    assert amounts.type == pa.decimal128(20, 2)
    assert amounts.to_pylist()[2] == Decimal("2200000000.00")
    assert (gold / "data" / "commitments.csv").read_text().count(",2200000000,GBP,") == 1


def test_render_is_the_writers_csv_text() -> None:
    assert render(Decimal("2200000000.00")) == "2200000000"
    assert render(Decimal("1.50")) == "1.5"
    assert render(500000000.0) == "500000000.0"  # a float never passes for an integer
    assert render(date(2026, 6, 1)) == "2026-06-01"
    assert render(True) == "true" and render(None) == ""
    assert render("00445790") == "00445790"


# --- Parquet ------------------------------------------------------------------------


def test_tampered_csv_cell(gold: Path) -> None:
    edit_csv(gold, "events", lambda rows: rows[3].__setitem__(rows[0].index("name"), "Illicit Finance Summitt"))
    assert parity(gold, KEYS + ["message"]) == [
        ["events-parquet", 4, "name", "parity-value", "CSV 'Illicit Finance Summitt', events-parquet 'Illicit Finance Summit'"]]


def test_row_dropped_from_one_format(gold: Path) -> None:
    edit_csv(gold, "events", lambda rows: rows.pop(2))
    assert parity(gold, KEYS + ["message"]) == [
        ["events-parquet", None, None, "parity-row-count", "CSV has 2 rows, Parquet 3"],
        ["events-parquet", None, None, "parity-value",
         "row with {'event_id': 'foreign-secretary-calls-for-european-cooperation-on-illegal-migration/event/2'} "
         "is in events-parquet but not in the CSV"],
    ]


def test_rows_in_another_order(gold: Path) -> None:
    edit_parquet(gold, "partnership_parties", lambda t: t.take([1, 0, 2, 3]))
    assert parity(gold) == [["partnership_parties-parquet", 2, "country_code", "parity-value"],
                            ["partnership_parties-parquet", 2, "party", "parity-value"],
                            ["partnership_parties-parquet", 3, "country_code", "parity-value"],
                            ["partnership_parties-parquet", 3, "party", "parity-value"]]


def test_float_amount_in_parquet(gold: Path) -> None:
    edit_parquet(gold, "commitments", lambda t: replace_column(t, "amount", t.column("amount").cast(pa.float64())))
    assert parity(gold, KEYS + ["message"]) == [
        ["commitments-parquet", None, "amount", "parity-type",
         "Parquet type double where a number (decimal128(20, 2)) belongs"]]


def test_parquet_timestamp_where_a_date_belongs(gold: Path) -> None:
    edit_parquet(gold, "events", lambda t: replace_column(t, "start_date", t.column("start_date").cast(pa.timestamp("ms"))))
    assert parity(gold, KEYS + ["message"]) == [
        ["events-parquet", None, "start_date", "parity-type", "Parquet type timestamp[ms] where a date (date32[day]) belongs"]]


def test_integer_with_nulls_written_as_float(gold: Path) -> None:
    edit_parquet(gold, "releases", lambda t: replace_column(t, "word_count", t.column("word_count").cast(pa.float64())))
    assert parity(gold) == [["releases-parquet", None, "word_count", "parity-type"]]


def test_code_with_leading_zeros_stays_a_string(gold: Path) -> None:
    rows = read_rows(gold, "releases")
    i = next(i for i, r in enumerate(rows) if r["release_id"] == SCOTLAND)
    tamper(gold, "releases", i, content_id="00445790")
    assert parity(gold) == []
    assert "00445790" in (gold / "data" / "releases.csv").read_text()

    def as_int(t: pa.Table) -> pa.Table:
        ids = [None if v is None else int(v) for v in t.column("content_id").to_pylist()]
        return replace_column(t, "content_id", pa.array(ids, pa.int64()))

    edit_parquet(gold, "releases", as_int)
    assert parity(gold, KEYS + ["message"]) == [
        ["releases-parquet", None, "content_id", "parity-type", "Parquet type int64 where a string (string) belongs"]]


def test_empty_string_in_parquet_where_csv_has_null(gold: Path) -> None:
    def blank(t: pa.Table) -> pa.Table:
        values = t.column("name").to_pylist()
        values[0] = ""
        return replace_column(t, "name", pa.array(values, pa.string()))

    edit_parquet(gold, "events", blank)
    assert parity(gold, KEYS + ["message"]) == [
        ["events-parquet", 2, "name", "parity-null", "events-parquet holds '' where a null belongs (CSV cell '')"]]


def test_value_in_csv_null_in_parquet(gold: Path) -> None:
    edit_csv(gold, "officials", lambda rows: rows[1].__setitem__(rows[0].index("name"), "Yvette Cooper"))
    assert parity(gold, KEYS + ["message"]) == [
        ["officials-parquet", 2, "name", "parity-null", "CSV 'Yvette Cooper', officials-parquet null"]]


def test_parquet_column_renamed(gold: Path) -> None:
    edit_parquet(gold, "partnership_parties", lambda t: t.rename_columns(["partnership_id", "party_name", "country_code"]))
    flat = parity(gold)
    assert ["partnership_parties-parquet", None, None, "parity-columns"] in flat
    assert all(p[3] == "parity-columns" for p in flat)


def test_parity_runs_inside_validate(gold: Path) -> None:
    edit_parquet(gold, "commitments", lambda t: replace_column(t, "amount", t.column("amount").cast(pa.float64())))
    report = validate_package(gold, assertions=False)
    assert ["commitments-parquet", None, "amount", "parity-type"] in report.flatten(KEYS)
    assert not report.valid
    without = validate_package(gold, assertions=False, parity=False)
    assert [p for p in without.problems if p.layer == "parity"] == []
    # frictionless reads Parquet through pandas: the float column's nulls become NaN,
    # which it reports as below the minimum; only parity names the wrong type
    assert {p.type for p in without.problems} == {"constraint-error"}


# --- SQLite -------------------------------------------------------------------------


def test_sqlite_made_with_sqlite_utils_has_parity(gold: Path, tmp_path: Path) -> None:
    db = make_db(gold, tmp_path / "gold.db")
    assert sqlite_parity(gold, db) == []
    report = validate_package(gold, assertions=False, db=db)
    assert report.valid, report.flatten(KEYS)


def test_sqlite_from_govpress_publish_has_parity(gold: Path, tmp_path: Path) -> None:
    database = pytest.importorskip("govpress.publish.database")
    desc = json.loads((gold / "datapackage.json").read_text())
    db = tmp_path / "publish.db"
    database.build_database(desc, gold, db)
    assert sqlite_parity(gold, db) == []


def test_sqlite_empty_string_for_null(gold: Path, tmp_path: Path) -> None:
    db = make_db(gold, tmp_path / "gold.db")
    with sqlite3.connect(db) as con:
        con.execute("update events set location = '' where location is null")
    assert sqlite_parity(gold, db, KEYS + ["message"]) == [
        ["sqlite:events", 3, "location", "parity-null", "sqlite:events holds '' where a null belongs (CSV cell '')"]]


def test_sqlite_integer_stored_as_real_and_code_as_integer(gold: Path, tmp_path: Path) -> None:
    rows = read_rows(gold, "releases")
    i = next(i for i, r in enumerate(rows) if r["release_id"] == SCOTLAND)
    tamper(gold, "releases", i, content_id="00445790")
    db = make_db(gold, tmp_path / "gold.db")
    assert sqlite_parity(gold, db) == []
    with sqlite3.connect(db) as con:
        con.execute("create table r2 as select * from releases")
        con.execute("drop table releases")
        con.execute("create table releases (release_id TEXT, title TEXT, published_date TEXT, organisations TEXT, "
                    "document_type TEXT, url TEXT, source_url TEXT, language TEXT, word_count REAL, text_sha256 TEXT, body TEXT, "
                    "content_id INTEGER, withdrawn INTEGER, withdrawn_date TEXT)")
        con.execute("insert into releases select * from r2 order by rowid")
        con.execute("drop table r2")
    assert sqlite_parity(gold, db, KEYS + ["message"]) == [
        ["sqlite:releases", 2, "word_count", "parity-type", "SQLite holds float '184.0' where a integer belongs"],
        ["sqlite:releases", i + 2, "content_id", "parity-type", "SQLite holds int '445790' where a string belongs"],
    ]


def test_sqlite_missing_row_and_table(gold: Path, tmp_path: Path) -> None:
    db = make_db(gold, tmp_path / "gold.db")
    with sqlite3.connect(db) as con:
        con.execute("delete from commitments where release_id = ?", (SCOTLAND,))
        con.execute("drop table partnership_parties")
    assert sqlite_parity(gold, db, KEYS + ["message"]) == [
        ["sqlite:commitments", None, None, "parity-row-count", "CSV has 3 rows, SQLite 2"],
        ["sqlite:commitments", None, None, "parity-value",
         f"row with {{'commitment_id': '{SCOTLAND}/commitment/1'}} is in the CSV but not in sqlite:commitments"],
        ["sqlite:partnership_parties", None, None, "parity-row-count", "the database has no table 'partnership_parties'"],
    ]


def test_cli_validate_with_db(gold: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from govpress.cli import cli

    db = make_db(gold, tmp_path / "gold.db")
    with sqlite3.connect(db) as con:
        con.execute("update commitments set amount = 2200000000.5 where amount is not null")
    result = CliRunner().invoke(cli, ["validate", str(gold), "--db", str(db), "--assertions", "none"])
    assert result.exit_code == 1
    assert "sqlite:commitments row 4 [amount]: parity-value: CSV '2200000000', sqlite:commitments '2200000000.5'" \
        in result.output


def test_extracted_tables_listed() -> None:
    from govpress.settings import TABLES
    assert set(EXTRACTED) | {"releases"} == set(TABLES)
