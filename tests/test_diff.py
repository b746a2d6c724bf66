"""`govpress diff`: schema changes classified, ADD / MOD / DEL records by primary key."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govpress.cli import cli
from govpress.release import bump_level, diff_packages, parse_version, schema_changes

from .package_tools import FOUNDING, install_gold_rows, read_rows, tamper, write_rows


@pytest.fixture(scope="module")
def descriptor(built_package: Path) -> dict[str, Any]:
    return json.loads((built_package / "datapackage.json").read_text())


def mutate(desc: dict[str, Any], table: str, edit) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A copy of ``desc`` with ``edit(schema)`` applied to both resources of ``table``."""
    out = copy.deepcopy(desc)
    for res in out["resources"]:
        if res["name"] in (table, f"{table}-parquet"):
            edit(res["schema"])
    return out


def field(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in schema["fields"] if f["name"] == name)


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str | None, str, str]]:
    return [(c.table, c.field, c.kind, c.level) for c in schema_changes(old, new)]


# --- schema changes ---------------------------------------------------------------------


def test_same_schema_no_change(descriptor: dict[str, Any]) -> None:
    assert schema_changes(descriptor, copy.deepcopy(descriptor)) == []


def test_removed_field_is_breaking(descriptor: dict[str, Any]) -> None:
    new = mutate(descriptor, "events", lambda s: s["fields"].remove(field(s, "location")))
    assert changes(descriptor, new) == [("events", "location", "field-removed", "major")]


def test_renamed_field_is_breaking(descriptor: dict[str, Any]) -> None:
    def rename(s: dict[str, Any]) -> None:
        field(s, "party")["name"] = "party_name"
        s["primaryKey"] = ["partnership_id", "party_name"]

    new = mutate(descriptor, "partnership_parties", rename)
    assert changes(descriptor, new) == [("partnership_parties", "party", "field-renamed", "major")]
    assert schema_changes(descriptor, new)[0].message == "partnership_parties.party renamed to party_name"


def test_changed_type_is_breaking(descriptor: dict[str, Any]) -> None:
    new = mutate(descriptor, "officials", lambda s: field(s, "mention_count").__setitem__("type", "number"))
    assert changes(descriptor, new) == [("officials", "mention_count", "type-changed", "major")]


def test_narrowed_enum_is_breaking_widened_is_minor(descriptor: dict[str, Any]) -> None:
    narrow = mutate(descriptor, "events", lambda s: field(s, "event_type")["constraints"]["enum"].remove("call"))
    assert changes(descriptor, narrow) == [("events", "event_type", "enum-narrowed", "major")]
    assert changes(narrow, descriptor) == [("events", "event_type", "enum-widened", "minor")]


def test_new_field_and_new_table_are_minor(descriptor: dict[str, Any]) -> None:
    new = mutate(descriptor, "releases", lambda s: s["fields"].append({"name": "summary", "type": "string"}))
    new["resources"].append({"name": "speeches", "path": "data/speeches.csv", "format": "csv",
                             "schema": {"fields": [{"name": "speech_id", "type": "string"}], "primaryKey": ["speech_id"]}})
    assert changes(descriptor, new) == [("releases", "summary", "field-added", "minor"),
                                        ("speeches", None, "table-added", "minor")]
    assert changes(new, descriptor) == [("releases", "summary", "field-removed", "major"),
                                        ("speeches", None, "table-removed", "major")]


def test_dropped_required_is_breaking_description_is_patch(descriptor: dict[str, Any]) -> None:
    def edit(s: dict[str, Any]) -> None:
        del field(s, "title")["constraints"]["required"]
        field(s, "body")["description"] = "The text."

    new = mutate(descriptor, "releases", edit)
    assert changes(descriptor, new) == [("releases", "title", "required-dropped", "major"),
                                        ("releases", "body", "metadata-changed", "patch")]


def test_version_helpers() -> None:
    assert parse_version("1.2.3") == (1, 2, 3)
    assert parse_version("1.2.3-rc.1+build.5") == (1, 2, 3)
    assert parse_version("1.2") is None and parse_version(None) is None
    assert bump_level("1.0.0", "2.0.0") == "major"
    assert bump_level("1.0.0", "1.1.0") == "minor"
    assert bump_level("1.4.2", "1.4.3") == "patch"
    assert bump_level("1.0.0", "1.0.0") == "none"
    assert bump_level("2.0.0", "1.9.9") is None


# --- row deltas -------------------------------------------------------------------------


@pytest.fixture
def old_new(package_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two versions of the gold package: ``new`` drops an event, changes one, adds a party."""
    import shutil

    install_gold_rows(package_copy)
    new = tmp_path / "new"
    shutil.copytree(package_copy, new)
    events = read_rows(new, "events")
    write_rows(new, "events", [e for e in events if not e["event_id"].endswith("/event/2")])
    tamper(new, "events", 1, date_text="next June")
    parties = read_rows(new, "partnership_parties")
    write_rows(new, "partnership_parties", parties + [dict(parties[0], party="the French Republic")])
    desc = json.loads((new / "datapackage.json").read_text())
    desc["version"] = "2.0.1"
    (new / "datapackage.json").write_text(json.dumps(desc, indent=2))
    return package_copy, new


def test_records_by_primary_key(old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    diff = diff_packages(old, new)
    assert [(r["table"], r["op"], r["key"]) for r in diff.records] == [
        ("events", "MOD", {"event_id": f"{FOUNDING}/event/3"}),
        ("events", "DEL", {"event_id": f"{FOUNDING}/event/2"}),
        ("partnership_parties", "ADD", {"partnership_id": f"{FOUNDING}/partnership/1", "party": "the French Republic"}),
    ]
    assert diff.records[0]["changes"] == {"date_text": ["Next June", "next June"]}
    assert diff.records[1]["row"]["date_text"] == "Spring 2026"
    assert diff.records[1]["row"]["start_date"] == "2026-03-01"
    assert diff.records[2]["row"] == {"partnership_id": f"{FOUNDING}/partnership/1", "party": "the French Republic",
                                      "country_code": "FR"}
    assert diff.tables["events"].to_json() == {"added": 0, "modified": 1, "deleted": 1, "unchanged": 1}
    assert diff.tables["releases"].to_json() == {"added": 0, "modified": 0, "deleted": 0, "unchanged": 58}
    assert diff.schema == []
    assert diff.required_level == "patch" and diff.bump == "patch" and diff.version_ok


def test_summary_and_records_from_the_command(old_new: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = old_new
    out = tmp_path / "changes.jsonl"
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--records", str(out), "--check-version"])
    assert result.exit_code == 0, result.output
    assert "Version 2.0.0 → 2.0.1 (bump: patch; changes need: patch)" in result.output
    assert "  events               +0 ~1 -1 =1" in result.output
    lines = out.read_text().splitlines()
    assert len(lines) == 3
    assert json.loads(lines[1]) == {"table": "events", "op": "DEL", "key": {"event_id": f"{FOUNDING}/event/2"},
                                    "row": json.loads(lines[1])["row"]}
    assert list(json.loads(lines[0])) == ["table", "op", "key", "changes"]
    # same version, changed rows: not bumped enough
    result = CliRunner().invoke(cli, ["diff", str(new), str(new), "--check-version"])
    assert result.exit_code == 0 and "changes need: nothing" in result.output
    result = CliRunner().invoke(cli, ["diff", str(new), str(old), "--check-version"])
    assert result.exit_code == 1
    assert "not a semantic version above" in result.output


def test_records_to_stdout_and_json_summary(old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--records", "-", "--json"])
    assert result.exit_code == 0
    ops = [json.loads(line)["op"] for line in result.stdout.splitlines() if line.startswith('{"table"')]
    assert ops == ["MOD", "DEL", "ADD"]


def test_natural_key_order(package_copy: Path, tmp_path: Path) -> None:
    """``…/event/95-120`` sorts before ``…/event/1000-1020`` (deterministic, readable order)."""
    import shutil

    install_gold_rows(package_copy)
    new = tmp_path / "new"
    shutil.copytree(package_copy, new)
    events = read_rows(new, "events")
    extra = [dict(events[0], event_id=f"{FOUNDING}/event/{n}") for n in ("1000-1020", "95-120", "95-120-visit")]
    write_rows(new, "events", events + extra)
    diff = diff_packages(package_copy, new)
    assert [r["key"]["event_id"].rsplit("/", 1)[1] for r in diff.records] == ["95-120", "95-120-visit", "1000-1020"]
    assert diff.tables["events"].added == 3


def test_inserting_one_event_is_one_add(package_copy: Path, tmp_path: Path) -> None:
    """Record IDs come from content: an event the extractor newly finds in a release is one
    ADD (with its participant), not a renumbering of the release's later events (N MODs)."""
    import shutil

    from govpress.models import Event, Extraction, OfficialMention, Participant, Release, Span
    from govpress.resolve import OfficialIndex, release_rows

    install_gold_rows(package_copy)
    [rel] = [r for r in read_rows(package_copy, "releases") if r["release_id"] == FOUNDING]
    release = Release(FOUNDING, rel["title"], rel["published_date"], rel["body"])

    def ev(text: str, event_type: str, *participants: Participant) -> Event:
        start = release.body.index(text)
        return Event(event_type, Span(text, start, start + len(text)), participants=participants)

    fs = OfficialMention("fs", None, "Foreign Secretary", "GB", Span("Foreign Secretary", 443, 460))
    visit = ev("Foreign Secretary travels to Brussels today", "visit", Participant("fs"))
    deputy = ev("The Deputy Prime Minister and Attorney General attend a meeting of Council of Europe justice "
                "ministers", "meeting")
    spring = ev("Council of Europe member states are expected to meet in Spring 2026", "meeting")
    summit = ev("the Foreign Secretary will host the Illicit Finance Summit", "summit", Participant("fs", "host"))
    index = OfficialIndex()
    index.add(FOUNDING, release.published_date, [fs])
    index.resolve()
    others = {t: [r for r in read_rows(package_copy, t) if not str(r["event_id"]).startswith(f"{FOUNDING}/")]
              for t in ("events", "event_participants")}

    def package(where: Path, events: tuple[Event, ...]) -> Path:
        if where != package_copy:
            shutil.copytree(package_copy, where)
        rows: dict[str, list[dict[str, Any]]] = {"events": [], "event_participants": []}
        for table, row in release_rows(release, Extraction(FOUNDING, officials=(fs,), events=events), index):
            if table in rows:
                rows[table].append(row)
        for table in rows:
            write_rows(where, table, others[table] + rows[table])
        return where

    old = package(package_copy, (visit, spring, summit))
    new = package(tmp_path / "new", (visit, deputy, spring, summit))  # one event found in between
    diff = diff_packages(old, new)
    assert [(r["table"], r["op"], r["key"]) for r in diff.records] == [
        ("events", "ADD", {"event_id": f"{FOUNDING}/event/1044-1146"})]
    assert diff.records[0]["row"]["event_type"] == "meeting"
    assert diff.tables["events"].to_json() == {"added": 1, "modified": 0, "deleted": 0, "unchanged": 3}
    assert diff.tables["event_participants"].to_json() == {"added": 0, "modified": 0, "deleted": 0, "unchanged": 2}
    assert [r["event_id"] for r in read_rows(new, "event_participants") if r["event_id"].startswith(FOUNDING)] == [
        f"{FOUNDING}/event/443-486", f"{FOUNDING}/event/3780-3838"]


def test_schema_only_diff(old_new: tuple[Path, Path]) -> None:
    import shutil

    old, new = old_new
    shutil.rmtree(new / "data")  # a schema-only diff needs the descriptors alone
    diff = diff_packages(old, new / "datapackage.json", rows=False)
    assert diff.records == [] and diff.tables == {}
    assert diff.required_level is None and diff.bump == "patch" and diff.version_ok
