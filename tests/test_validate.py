"""`govpress validate`: every check fails on purpose on a tampered package; clean packages pass.

Most tests work on ``gold`` — a copy of the package built from ``seeds/`` whose
extracted tables are replaced by hand-made records of two real releases
(tests/package_tools.py), so they hold whatever the extractor currently produces.
Row numbers count like frictionless: the header is row 1, the first data row row 2.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from govpress.cli import cli
from govpress.validate import Problem, Report, validate_package
from govpress.validate.assertions import assertion_problems, load_assertions
from govpress.validate.checks import domain_problems, precision_problem, valid_country, valid_currency
from govpress.validate.package import load_package

from .package_tools import (
    FOUNDING, SCOTLAND, csv_cell, edit_csv, read_rows, tamper, write_rows,
)

KEYS = ["resource", "row", "field", "type"]



def check(pkg: Path, **kwargs: object) -> Report:
    kwargs.setdefault("assertions", False)
    return validate_package(pkg / "datapackage.json", **kwargs)  # type: ignore[arg-type]


def domain(pkg: Path, keys: list[str] = KEYS) -> list[list[object]]:
    """Only the domain layer (fast), flattened to resource, row, field, type."""
    view, _ = load_package(pkg)
    assert view is not None
    problems, _stats = domain_problems(view)
    report = Report()
    report.add(problems)
    return report.flatten(keys)


def assertions(pkg: Path, tmp_path: Path, spec: dict) -> Report:
    """Only the dataset assertions ``spec`` (fast), on the figures of the domain pass."""
    view, _ = load_package(pkg)
    assert view is not None
    _problems, stats = domain_problems(view)
    report = Report()
    report.add(assertion_problems(stats, spec))
    return report


# --- clean packages pass ------------------------------------------------------------


def test_built_package_is_valid(built_package: Path) -> None:
    report = validate_package(built_package / "datapackage.json")
    assert report.valid, report.flatten(KEYS + ["message"])
    assert report.errors == []
    releases = len(read_rows(built_package, "releases"))
    assert report.stats["tables"]["releases"]["rows"] == releases
    assert report.stats["version"] == json.loads((built_package / "datapackage.json").read_text())["version"]


def test_gold_package_is_valid_with_no_problem_at_all(gold: Path) -> None:
    report = check(gold)
    assert report.flatten(KEYS + ["message"]) == []
    assert report.valid
    assert report.stats["tables"]["events"]["rows"] == 3
    assert report.stats["tables"]["commitments"]["fill"]["amount"] == pytest.approx(1 / 3, abs=0.001)


def test_frictionless_validate_as_a_separate_process(built_package: Path) -> None:
    exe = Path(sys.executable).with_name("frictionless")
    done = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=built_package,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "INVALID" not in done.stdout


# --- layer 1: Table Schema (frictionless) -----------------------------------------------


def test_schema_layer_finds_each_tampering(gold: Path) -> None:
    """Independent tamperings in different rows, one validation; each is found where it was made."""
    edit_csv(gold, "releases", lambda rows: rows[2].__setitem__(rows[0].index("published_date"), "2017-13-01"))
    events = read_rows(gold, "events")
    events[0]["event_type"] = "party"                                   # not in the enum
    write_rows(gold, "events", events + [dict(events[1])])              # duplicate primary key
    parts = read_rows(gold, "event_participants")
    parts[1]["official_id"] = "nobody-at-all"                           # dangling foreign key
    write_rows(gold, "event_participants", parts + [dict(parts[0], participant_role="host")])  # duplicate (event, official)
    tamper(gold, "partnerships", 1, evidence=None)                      # required
    tamper(gold, "commitments", 2, release_id="no-such-release")        # dangling release
    tamper(gold, "commitments", 0, amount=Decimal("-5"), currency="GBP")  # minimum 0
    report = check(gold)
    schema = sorted((tuple(x) for x in report.flatten(KEYS + ["layer"]) if x[4] == "schema"), key=str)
    both = [("events", 2, "event_type", "constraint-error"), ("events", 5, None, "primary-key"),
            ("events", 5, "event_id", "unique-error"),
            ("event_participants", 3, None, "foreign-key"), ("event_participants", 6, None, "primary-key"),
            ("partnerships", 3, "evidence", "constraint-error"),
            ("commitments", 4, None, "foreign-key"), ("commitments", 2, "amount", "constraint-error")]
    expected = [("releases", 3, "published_date", "type-error")]
    for resource, row, field, kind in both:
        expected += [(resource, row, field, kind), (f"{resource}-parquet", row, field, kind)]
    assert schema == sorted((x + ("schema",) for x in expected), key=str)
    assert not report.valid
    flat = report.flatten(KEYS)
    # the domain layer leaves the missing release to the foreign key, and catches the negative amount
    assert [x for x in flat if x[3] == "evidence-mismatch"] == []
    assert ["commitments", 2, "amount", "amount-negative"] in flat
    # the CSV-only edit is also a parity difference
    assert ["releases-parquet", 3, "published_date", "parity-value"] in flat


def test_renamed_column_in_csv(gold: Path) -> None:
    edit_csv(gold, "events", lambda rows: rows[0].__setitem__(rows[0].index("evidence"), "evidense"))
    report = check(gold)
    types = {(r, t) for r, _row, _f, t in report.flatten(KEYS)}
    assert ("events", "incorrect-label") in types
    assert ("events-parquet", "parity-columns") in types
    assert not report.valid


def test_renamed_field_in_descriptor_and_files(gold: Path) -> None:
    """Renaming a field everywhere keeps frictionless happy; the declared schema does not."""
    desc = json.loads((gold / "datapackage.json").read_text())
    for res in desc["resources"]:
        if res["name"] in ("partnership_parties", "partnership_parties-parquet"):
            for f in res["schema"]["fields"]:
                if f["name"] == "party":
                    f["name"] = "party_name"
            res["schema"]["primaryKey"] = ["partnership_id", "party_name"]
    (gold / "datapackage.json").write_text(json.dumps(desc, indent=2))
    edit_csv(gold, "partnership_parties", lambda rows: rows[0].__setitem__(1, "party_name"))
    import pyarrow.parquet as pq
    path = gold / "data" / "partnership_parties.parquet"
    t = pq.read_table(path)
    pq.write_table(t.rename_columns(["partnership_id", "party_name", "country_code"]), path)
    report = check(gold)
    flat = report.flatten(KEYS)
    assert ["partnership_parties", None, "party", "schema-mismatch"] in flat
    assert ["partnership_parties", None, "party_name", "schema-mismatch"] in flat
    assert ["partnership_parties-parquet", None, "party", "schema-mismatch"] in flat
    assert not report.valid


def test_descriptor_without_version_or_parquet_resource(gold: Path) -> None:
    desc = json.loads((gold / "datapackage.json").read_text())
    del desc["version"]
    desc["resources"] = [r for r in desc["resources"] if r["name"] != "events-parquet"]
    (gold / "datapackage.json").write_text(json.dumps(desc, indent=2))
    flat = check(gold).flatten(KEYS)
    assert [None, None, None, "package-version"] in flat
    assert ["events-parquet", None, None, "resource-missing"] in flat


def test_broken_files_are_problems_not_crashes(gold: Path) -> None:
    (gold / "data" / "events.csv").write_bytes((gold / "data" / "events.csv").read_bytes().replace(b"Brussels", b"Br\xffssels", 1))
    (gold / "data" / "partnerships.parquet").write_bytes(b"PAR1 not really")
    report = check(gold)
    assert not report.valid
    kinds = {(p.resource, p.type) for p in report.errors}
    assert ("events", "encoding-error") in kinds
    assert ("partnerships-parquet", "parity-unreadable") in kinds  # "cannot read the Parquet file"
    assert ("events-parquet", "parity-unreadable") in kinds


def test_missing_descriptor_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    report = validate_package(tmp_path)
    assert report.flatten(["type"]) == [["package-error"]]
    assert not report.valid


# --- layer 2: domain invariants -------------------------------------------------------


def test_evidence_offset_off_by_one(gold: Path) -> None:
    row = read_rows(gold, "events")[0]
    tamper(gold, "events", 0, char_start=row["char_start"] + 1, char_end=row["char_end"] + 1)
    report = check(gold)
    assert report.flatten(KEYS) == [["events", 2, "evidence", "evidence-mismatch"]]
    assert "'oreign Secretary travels to Brussels" in report.errors[0].message


def test_evidence_edited_in_mentions(gold: Path) -> None:
    tamper(gold, "mentions", 1, evidence="European Commissioner Magnus Brunner")
    assert domain(gold) == [["mentions", 3, "evidence", "evidence-mismatch"]]


def test_offsets_outside_the_body(gold: Path) -> None:
    tamper(gold, "commitments", 2, char_end=1_000_000)
    assert domain(gold) == [["commitments", 4, "char_end", "offset-out-of-range"]]


def test_text_sha256_and_word_count_follow_the_body(gold: Path) -> None:
    rows = read_rows(gold, "releases")
    i = next(i for i, r in enumerate(rows) if r["release_id"] == SCOTLAND)
    tamper(gold, "releases", i, text_sha256="0" * 64, word_count=rows[i]["word_count"] + 1)
    assert domain(gold) == [["releases", i + 2, "text_sha256", "release-hash"],
                            ["releases", i + 2, "word_count", "release-hash"]]


def test_bad_country_code(gold: Path) -> None:
    tamper(gold, "officials", 1, country_code="UK")  # matches [A-Z]{2}, but UK is not ISO 3166-1
    tamper(gold, "partnership_parties", 0, country_code="XK")  # Kosovo's user-assigned code
    tamper(gold, "events", 2, country_code="GG")  # Guernsey: ISO 3166-1, fine
    assert domain(gold, KEYS + ["message"]) == [
        ["officials", 3, "country_code", "country-code", "'UK' is not an ISO 3166-1 alpha-2 code or EU"],
        ["partnership_parties", 2, "country_code", "country-code", "'XK' is not an ISO 3166-1 alpha-2 code or EU"],
    ]


def test_country_codes() -> None:
    assert valid_country("GB") and valid_country("EU") and valid_country("BE")
    assert not valid_country("UK") and not valid_country("XK") and not valid_country("gb")
    assert valid_currency("GBP") and valid_currency("EUR") and not valid_currency("UKP")


def test_month_date_that_is_not_the_first(gold: Path) -> None:
    tamper(gold, "events", 2, start_date=date(2026, 6, 15))
    assert domain(gold, KEYS + ["message"]) == [
        ["events", 4, "start_date", "date-precision", "a month date must be the 1st of the period, not 2026-06-15"]]


@pytest.mark.parametrize("value, precision, ok", [
    (date(2026, 6, 17), "day", True),
    (date(2025, 12, 8), "week", True),          # a Monday
    (date(2025, 12, 10), "week", False),        # a Wednesday
    (date(2026, 6, 1), "month", True),
    (date(2026, 6, 2), "month", False),
    (date(2026, 3, 1), "season", True),         # spring
    (date(2026, 4, 1), "season", False),
    (date(2026, 4, 1), "quarter", True),
    (date(2026, 3, 1), "quarter", False),
    (date(2026, 1, 1), "year", True),
    (date(2026, 6, 1), "year", False),
])
def test_precision_rules(value: date, precision: str, ok: bool) -> None:
    assert (precision_problem(value, precision) is None) is ok


def test_precision_without_date_and_date_without_precision(gold: Path) -> None:
    tamper(gold, "commitments", 0, due_precision="year")
    tamper(gold, "partnerships", 0, start_date=date(2025, 12, 10))
    assert domain(gold) == [["commitments", 2, "due_date", "date-precision"],
                            ["partnerships", 2, "start_precision", "date-precision"]]


def test_season_precision_on_a_commitment(gold: Path) -> None:
    tamper(gold, "commitments", 1, due_precision="season")  # 1 June is summer: fine
    assert domain(gold) == []
    tamper(gold, "commitments", 1, due_precision="quarter")  # a quarter does not start in June
    assert domain(gold) == [["commitments", 3, "due_date", "date-precision"]]


def test_end_date_before_start_date(gold: Path) -> None:
    tamper(gold, "events", 0, end_date=date(2025, 12, 9))
    flat = domain(gold)
    assert ["events", 2, "end_date", "date-order"] in flat


def test_timing_must_follow_the_dates(gold: Path) -> None:
    tamper(gold, "events", 0, timing="before")  # a visit on the publication day is same_day
    assert domain(gold) == [["events", 2, "timing", "timing-mismatch"]]
    tamper(gold, "events", 0, timing="same_day", start_date=None, end_date=None, date_precision=None)
    assert domain(gold) == [["events", 2, "timing", "timing-mismatch"]]  # no date: timing must be empty


def test_duplicate_official_by_normalised_name(gold: Path) -> None:
    officials = read_rows(gold, "officials")
    officials.append(dict(officials[2], official_id="maxime-prevot-2", name="MAXIME PREVOT"))
    write_rows(gold, "officials", officials)
    mentions = read_rows(gold, "mentions")
    mentions.append(dict(mentions[2], official_id="maxime-prevot-2"))
    write_rows(gold, "mentions", mentions)
    assert domain(gold) == [["officials", 5, "name", "duplicate-official"]]


def test_duplicate_unnamed_office_holder(gold: Path) -> None:
    officials = read_rows(gold, "officials")
    officials.append(dict(officials[0], official_id="gb-the-foreign-secretary", role="Foreign  Secretary"))
    write_rows(gold, "officials", officials)
    mentions = read_rows(gold, "mentions")
    mentions.append(dict(mentions[0], official_id="gb-the-foreign-secretary"))
    write_rows(gold, "mentions", mentions)
    assert domain(gold) == [["officials", 5, "role", "duplicate-official"]]


def test_mention_count_and_first_mentioned(gold: Path) -> None:
    tamper(gold, "officials", 0, mention_count=2, first_mentioned=date(2025, 12, 9))
    assert domain(gold) == [["officials", 2, "first_mentioned", "first-mentioned"],
                            ["officials", 2, "mention_count", "mention-count"]]


def test_second_mention_moves_first_mentioned(gold: Path) -> None:
    mentions = read_rows(gold, "mentions")
    body = next(r["body"] for r in read_rows(gold, "releases") if r["release_id"] == SCOTLAND)
    start = body.index("Scotland")  # any span of that body: the check is about dates
    mentions.append(dict(mentions[0], release_id=SCOTLAND, evidence="Scotland", char_start=start,
                         char_end=start + len("Scotland")))
    write_rows(gold, "mentions", mentions)
    assert domain(gold) == [["officials", 2, "first_mentioned", "first-mentioned"],
                            ["officials", 2, "mention_count", "mention-count"]]
    tamper(gold, "officials", 0, mention_count=2, first_mentioned=date(2023, 5, 16))
    assert domain(gold) == []


def test_amounts(gold: Path) -> None:
    tamper(gold, "commitments", 2, amount=Decimal("-5"))
    assert domain(gold) == [["commitments", 4, "amount", "amount-negative"]]
    tamper(gold, "commitments", 2, amount=Decimal("2200000000"), currency=None)
    assert domain(gold) == [["commitments", 4, "currency", "amount-currency"]]
    tamper(gold, "commitments", 2, currency="UKP")
    assert domain(gold) == [["commitments", 4, "currency", "currency-code"]]


def test_currency_without_amount_is_a_warning(gold: Path) -> None:
    tamper(gold, "commitments", 0, currency="GBP")
    assert domain(gold, KEYS + ["severity"]) == [["commitments", 2, "amount", "amount-currency", "warning"]]


# --- layer 3: dataset assertions ------------------------------------------------------


def test_shipped_assertions_are_well_formed(built_package: Path) -> None:
    from govpress.settings import TABLES

    from .conftest import SEEDS

    spec = load_assertions(SEEDS / "assertions.yaml")
    assert set(spec["tables"]) <= set(TABLES)
    releases = len(read_rows(built_package, "releases"))
    assert spec["tables"]["releases"]["rows"]["min"] == releases == 58  # the shipped set, pinned
    # the build carries the collection's assertions beside the package, and validation reads them there
    assert (built_package / "assertions.yaml").read_bytes() == (SEEDS / "assertions.yaml").read_bytes()
    assert validate_package(built_package, parity=False).stats["assertions"] == str(built_package / "assertions.yaml")


def test_a_package_without_assertions_gets_schema_and_domain_checks_only(package_copy: Path) -> None:
    (package_copy / "assertions.yaml").unlink()
    write_rows(package_copy, "commitments", [])  # far below the seeds/ minimum, but nothing asserts it here
    report = validate_package(package_copy, parity=False)
    assert report.valid and report.stats["assertions"] is None
    result = CliRunner().invoke(cli, ["validate", str(package_copy), "--no-parity"])
    assert result.exit_code == 0 and "note: no dataset assertions" in result.output


def test_dropped_releases_fail_the_shipped_assertions(built_package: Path, tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(built_package, pkg)
    spec = load_assertions(pkg / "assertions.yaml")
    keep = spec["tables"]["releases"]["rows"]["min"] - 1
    releases = read_rows(pkg, "releases")
    referenced = {r["release_id"] for t in ("mentions", "events", "commitments", "partnerships")
                  for r in read_rows(pkg, t)}
    kept = sorted(releases, key=lambda r: r["release_id"] not in referenced)[:keep]
    write_rows(pkg, "releases", sorted(kept, key=lambda r: r["release_id"]))
    report = validate_package(pkg)
    assert ["releases", None, None, "rows-below-minimum"] in report.flatten(KEYS)
    assert not report.valid


def test_a_table_that_loses_its_rows_fails(gold: Path, tmp_path: Path) -> None:
    spec = {"tables": {"events": {"per_release": {"min": 0.05, "max": 5}}, "releases": {"rows": {"min": 30}}}}
    assert assertions(gold, tmp_path, spec).problems == []
    write_rows(gold, "events", [])
    write_rows(gold, "event_participants", [])
    report = assertions(gold, tmp_path, spec)
    assert report.flatten(KEYS + ["severity", "message"]) == [
        ["events", None, None, "rows-below-minimum", "error", "0 rows for 58 releases (0 per release), the minimum is 0.05 per release"]]


def test_failed_maximum_is_only_a_warning(gold: Path, tmp_path: Path) -> None:
    spec = {"tables": {"releases": {"rows": {"min": 1, "max": 10}}, "events": {"fill": {"name": {"max": 0.2}}}}}
    report = assertions(gold, tmp_path, spec)
    assert report.valid
    assert report.flatten(KEYS + ["severity", "message"]) == [
        ["events", None, "name", "fill-rate-above-maximum", "warning", "name is filled in 33.3% of 3 rows, the maximum is 20%"],
        ["releases", None, None, "rows-above-maximum", "warning", "58 rows, the maximum is 10"],
    ]


def test_fill_rate_minimum(gold: Path, tmp_path: Path) -> None:
    spec = {"tables": {"events": {"fill": {"location": {"min": 0.9}, "start_date": {"min": 1}}}}}
    report = assertions(gold, tmp_path, spec)
    assert report.flatten(KEYS + ["message"]) == [
        ["events", None, "location", "fill-rate-below-minimum", "location is filled in 66.7% of 3 rows, the minimum is 90%"]]


def test_assertion_on_an_unknown_column_or_table(gold: Path, tmp_path: Path) -> None:
    spec = {"tables": {"events": {"fill": {"venue": {"min": 0.5}}, "rows": {"min": "many"}},
                       "speeches": {"rows": {"min": 1}}}}
    assert assertions(gold, tmp_path, spec).flatten(KEYS) == [
        ["events", None, None, "assertion-error"], ["speeches", None, None, "assertion-error"]]


def test_assertions_file_given_to_validate(gold: Path, tmp_path: Path) -> None:
    path = tmp_path / "assertions.yaml"
    path.write_text(yaml.safe_dump({"tables": {"partnerships": {"per_release": {"min": 0.1}}}}))
    report = check(gold, assertions=path)  # 2 partnerships for 58 releases
    assert report.flatten(KEYS) == [["partnerships", None, None, "rows-below-minimum"]]
    path.write_text("tables: [unclosed")
    assert check(gold, assertions=path, parity=False).flatten(["type"]) == [["assertion-error"]]


# --- the report and the command ---------------------------------------------------------


def test_report_shapes(gold: Path) -> None:
    row = read_rows(gold, "events")[1]
    tamper(gold, "events", 1, char_start=row["char_start"] - 1)
    report = check(gold)
    assert report.flatten(["resource", "row", "field", "rule"]) == [["events", 3, "evidence", "evidence-mismatch"]]
    assert report.flatten(["resourceName", "rowNumber", "fieldName"]) == [["events", 3, "evidence"]]
    data = report.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["valid"] is False and data["errors"] == 1 and data["warnings"] == 0
    assert data["problems"][0]["title"] == "Evidence does not match the body"
    assert data["problems"][0]["layer"] == "domain"
    with pytest.raises(ValueError):
        Problem("x", "y", severity="fatal")


def test_many_problems_are_capped(gold: Path) -> None:
    rows = read_rows(gold, "releases")
    write_rows(gold, "releases", [dict(r, text_sha256="0" * 64) for r in rows])
    report = check(gold, limit=5)
    assert [p.type for p in report.problems] == ["release-hash"] * 5 + ["truncated"]
    assert report.problems[-1].message == f"{len(rows) - 5} more release-hash problem(s) not listed ({len(rows)} in all)"


def test_cli_passes_a_clean_package_quietly(gold: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(gold / "datapackage.json"), "--assertions", "none"])
    assert result.exit_code == 0, result.output
    assert "valid, 0 error(s), 0 warning(s)" in result.output
    assert "events 3" in result.output
    result = CliRunner().invoke(cli, ["validate", str(gold), "--assertions", "none", "--quiet", "--no-parity"])
    assert result.exit_code == 0 and result.output == ""


def test_cli_reports_and_fails(gold: Path) -> None:
    tamper(gold, "officials", 2, country_code="XX")
    result = CliRunner().invoke(cli, ["validate", str(gold), "--assertions", "none"])
    assert result.exit_code == 1
    assert "ERROR   officials row 4 [country_code]: country-code: 'XX' is not an ISO 3166-1 alpha-2 code or EU" \
        in result.output
    result = CliRunner().invoke(cli, ["validate", str(gold), "--assertions", "none", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["valid"] is False
    assert [(p["resource"], p["row"], p["field"], p["type"]) for p in data["problems"]] == [
        ("officials", 4, "country_code", "country-code")]


def test_csv_cell_helper_reads_what_validation_reports(gold: Path) -> None:
    """Row numbers in problems point at the same row a reader of the CSV counts."""
    assert csv_cell(gold, "events", 4, "name") == "Illicit Finance Summit"
    assert csv_cell(gold, "commitments", 4, "release_id") == SCOTLAND
    assert csv_cell(gold, "events", 2, "release_id") == FOUNDING
