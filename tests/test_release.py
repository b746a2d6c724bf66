"""`govpress release`: bundle with hashes, deterministic zip, CHANGELOG from the diff, version discipline;
`govpress release --check`: the CI schema-compatibility check."""
from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govpress.cli import cli
from govpress.errors import ReleaseError, ValidationFailed
from govpress.release import check_compat, latest_record, make_release
from govpress.validate import validate_package

from .package_tools import read_rows, tamper, write_rows

ROOT = Path(__file__).resolve().parents[1]


def set_version(pkg: Path, version: str) -> None:
    desc = json.loads((pkg / "datapackage.json").read_text())
    desc["version"] = version
    (pkg / "datapackage.json").write_text(json.dumps(desc, indent=2) + "\n")


def edit_schema(pkg: Path, table: str, edit) -> None:  # type: ignore[no-untyped-def]
    desc = json.loads((pkg / "datapackage.json").read_text())
    for res in desc["resources"]:
        if res["name"] in (table, f"{table}-parquet"):
            edit(res["schema"])
    (pkg / "datapackage.json").write_text(json.dumps(desc, indent=2) + "\n")


def drop_field(name: str):  # type: ignore[no-untyped-def]
    def edit(schema: dict[str, Any]) -> None:
        schema["fields"] = [f for f in schema["fields"] if f["name"] != name]
    return edit


@pytest.fixture(scope="module")
def first_release(built_package: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The built package released once (validated), as version 1.0.0 with a date."""
    base = tmp_path_factory.mktemp("release")
    pkg = base / "pkg"
    shutil.copytree(built_package, pkg)
    set_version(pkg, "1.0.0")
    result = make_release(pkg, base / "dist", versions_dir=base / "versions", when=date(2026, 1, 15))
    return base, result


def test_bundle_has_bytes_and_sha256_of_every_resource(first_release: tuple[Path, Any]) -> None:
    _base, result = first_release
    desc = json.loads(result.descriptor.read_text())
    assert desc["version"] == "1.0.0"
    assert len(desc["resources"]) == 16
    for res in desc["resources"]:
        data = (result.bundle / res["path"]).read_bytes()
        assert res["bytes"] == len(data)
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert list(res).index("hash") == list(res).index("mediatype") + 2
    assert (result.bundle / "CHANGELOG.md").read_text() == result.changelog
    assert result.changelog.startswith("## 1.0.0 — 2026-01-15\n\nFirst release of the data package.\n\nRows: `releases` ")
    assert result.record is not None and result.record.read_text() == result.descriptor.read_text()


def test_bundle_validates_and_a_wrong_hash_does_not(first_release: tuple[Path, Any], tmp_path: Path) -> None:
    _base, result = first_release
    assert validate_package(result.bundle).valid
    copy = tmp_path / "bundle"
    shutil.copytree(result.bundle, copy)
    with (copy / "data" / "events.parquet").open("ab") as f:
        f.write(b"\0")
    flat = validate_package(copy, parity=False).flatten(["resource", "type"])
    assert ["events-parquet", "byte-count"] in flat and ["events-parquet", "hash-count"] in flat


def test_zip_is_deterministic(first_release: tuple[Path, Any], tmp_path: Path) -> None:
    base, result = first_release
    again = make_release(base / "pkg", tmp_path / "dist", versions_dir=None, when=date(2026, 1, 15), validate=False)
    assert again.zip.read_bytes() == result.zip.read_bytes()
    with zipfile.ZipFile(result.zip) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert "govpress-releases-1.0.0/datapackage.json" in names
        assert "govpress-releases-1.0.0/data/events.parquet" in names
        assert {i.date_time for i in zf.infolist()} == {(2026, 1, 15, 0, 0, 0)}
        assert zf.read("govpress-releases-1.0.0/datapackage.json") == result.descriptor.read_bytes()
    undated = make_release(base / "pkg", tmp_path / "undated", versions_dir=None, validate=False)
    assert undated.changelog.startswith("## 1.0.0\n")
    with zipfile.ZipFile(undated.zip) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_next_release_changelog_from_the_diff(first_release: tuple[Path, Any], tmp_path: Path) -> None:
    base, first = first_release
    pkg = tmp_path / "pkg"
    shutil.copytree(base / "pkg", pkg)
    releases = read_rows(pkg, "releases")
    dropped = releases[-1]["release_id"]
    releases = releases[:-1]
    releases[0]["title"] += " (corrected)"
    write_rows(pkg, "releases", releases)
    versions = tmp_path / "versions"
    shutil.copytree(base / "versions", versions)
    with pytest.raises(ReleaseError, match="need a patch bump"):  # data changed, version did not
        make_release(pkg, tmp_path / "dist", previous=first.bundle, versions_dir=versions, validate=False)
    set_version(pkg, "1.0.1")
    result = make_release(pkg, tmp_path / "dist", previous=first.bundle, versions_dir=versions,
                          when=date(2026, 2, 1), validate=False)
    assert result.changelog == (
        "## 1.0.1 — 2026-02-01\n\nChanges since 1.0.0 (patch release).\n\n### Data\n\n"
        f"- `releases`: 0 added, 1 modified, 1 deleted ({len(releases) - 1} unchanged).\n")
    lines = [json.loads(line) for line in (result.bundle / "changes.jsonl").read_text().splitlines()]
    assert [(r["op"], r["key"]) for r in lines] == [("MOD", {"release_id": releases[0]["release_id"]}),
                                                    ("DEL", {"release_id": dropped})]
    assert lines[0]["changes"]["title"][1].endswith(" (corrected)")
    assert set(lines[0]["changes"]) == {"title"}
    assert latest_record(versions) == ("1.0.1", versions / "1.0.1" / "datapackage.json")


def test_release_without_previous_rows_compares_file_hashes(first_release: tuple[Path, Any], tmp_path: Path) -> None:
    base, _first = first_release
    pkg = tmp_path / "pkg"
    shutil.copytree(base / "pkg", pkg)
    versions = tmp_path / "versions"
    shutil.copytree(base / "versions", versions)
    rows = read_rows(pkg, "releases")
    write_rows(pkg, "releases", rows[:-1])
    set_version(pkg, "1.0.1")
    result = make_release(pkg, tmp_path / "dist", versions_dir=versions, validate=False)
    assert "- `releases`: data changed." in result.changelog
    assert "- `events`" not in result.changelog


def test_breaking_change_needs_a_major_version(first_release: tuple[Path, Any], tmp_path: Path) -> None:
    base, first = first_release
    pkg = tmp_path / "pkg"
    shutil.copytree(base / "pkg", pkg)
    edit_schema(pkg, "events", drop_field("location"))
    set_version(pkg, "1.1.0")
    with pytest.raises(ReleaseError, match=r"need a major bump; breaking: events.location removed"):
        make_release(pkg, tmp_path / "dist", previous=first.bundle, versions_dir=None, validate=False)
    set_version(pkg, "2.0.0")
    result = make_release(pkg, tmp_path / "dist", previous=first.bundle, versions_dir=None, validate=False)
    assert "### Breaking changes (migrate before upgrading)\n\n- events.location removed" in result.changelog


def test_invalid_package_is_not_released(built_package: Path, tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(built_package, pkg)
    tamper(pkg, "releases", 0, text_sha256="0" * 64)
    with pytest.raises(ValidationFailed, match=r"not releasing\.\n  error: releases row 2 field text_sha256: \[release-hash\]"):
        make_release(pkg, tmp_path / "dist", versions_dir=tmp_path / "versions")
    assert not (tmp_path / "dist" / "govpress-releases-1.0.0").exists()
    assert not (tmp_path / "versions").exists()
    set_version(pkg, "one")
    with pytest.raises(ReleaseError, match="not a semantic version"):
        make_release(pkg, tmp_path / "dist", validate=False)


def test_a_released_version_is_immutable(first_release: tuple[Path, Any], tmp_path: Path) -> None:
    base, _first = first_release
    versions = tmp_path / "versions"
    shutil.copytree(base / "versions", versions)
    # the same package again: identical record, allowed (idempotent)
    make_release(base / "pkg", tmp_path / "dist", versions_dir=versions, validate=False)
    pkg = tmp_path / "pkg"
    shutil.copytree(base / "pkg", pkg)
    write_rows(pkg, "releases", read_rows(pkg, "releases")[:-1])
    with pytest.raises(ReleaseError, match="already released with another descriptor"):
        make_release(pkg, tmp_path / "dist2", versions_dir=versions, validate=False)


def test_changelog_file_gets_the_entry(first_release: tuple[Path, Any], tmp_path: Path) -> None:
    base, _first = first_release
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\nIntro.\n\n## 0.9.0\n\nOld.\n")
    result = make_release(base / "pkg", tmp_path / "dist", versions_dir=None, when=date(2026, 1, 15),
                          changelog=changelog, validate=False)
    assert changelog.read_text() == "# Changelog\n\nIntro.\n\n" + result.changelog + "\n## 0.9.0\n\nOld.\n"
    with pytest.raises(ReleaseError, match="already has an entry"):
        make_release(base / "pkg", tmp_path / "dist", versions_dir=None, when=date(2026, 1, 15),
                     changelog=changelog, validate=False)


# --- the CI check -----------------------------------------------------------------------


def test_compat_check(first_release: tuple[Path, Any], tmp_path: Path) -> None:
    base, _first = first_release
    versions = base / "versions"
    pkg = tmp_path / "pkg"
    shutil.copytree(base / "pkg", pkg)
    assert check_compat(pkg, tmp_path / "none-yet").ok  # nothing released
    assert check_compat(pkg, versions).ok and check_compat(pkg, versions).errors == []
    edit_schema(pkg, "partnership_parties", lambda s: s["fields"].append({"name": "note", "type": "string"}))
    result = check_compat(pkg, versions)
    assert result.ok and result.warnings == [
        "schema additions since 1.0.0 need a minor version before the next release (now 1.0.0): "
        "partnership_parties.note added"]
    edit_schema(pkg, "officials", lambda s: next(f for f in s["fields"] if f["name"] == "mention_count")
                .__setitem__("type", "number"))
    result = check_compat(pkg, versions)
    assert not result.ok
    assert result.errors == ["breaking schema change(s) since 1.0.0 need a major version (now 1.0.0): "
                             "officials.mention_count: type integer → number"]
    set_version(pkg, "2.0.0")
    assert check_compat(pkg, versions).ok
    set_version(pkg, "0.9.0")
    assert check_compat(pkg, versions).errors[0] == "version 0.9.0 is lower than the released 1.0.0"


def test_compat_check_command(first_release: tuple[Path, Any], tmp_path: Path) -> None:
    base, _first = first_release
    pkg = tmp_path / "pkg"
    shutil.copytree(base / "pkg", pkg)
    args = ["release", "--check", str(pkg / "datapackage.json"), "--versions", str(base / "versions")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert result.output == "schema compatibility against released 1.0.0: ok\n"
    edit_schema(pkg, "events", lambda s: next(f for f in s["fields"] if f["name"] == "event_type")
                ["constraints"]["enum"].remove("signing"))
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "events.event_type: enum values removed ['signing']" in result.output


def test_compat_script_is_wired_to_the_repo() -> None:
    script = (ROOT / "scripts" / "check-schema-compat").read_text()
    assert "govpress release --check datapackage.json --versions versions" in script
    assert (ROOT / "versions" / "README.md").is_file()
    assert check_compat(ROOT / "datapackage.json", ROOT / "versions").ok or not (ROOT / "datapackage.json").exists()


def test_release_command(first_release: tuple[Path, Any], tmp_path: Path) -> None:
    base, _first = first_release
    result = CliRunner().invoke(cli, ["release", str(base / "pkg"), "--out", str(tmp_path / "dist"),
                                      "--versions", str(tmp_path / "versions"), "--date", "2026-01-15"])
    assert result.exit_code == 0, result.output
    assert f"Released 1.0.0: {tmp_path / 'dist' / 'govpress-releases-1.0.0'}" in result.output
    assert "## 1.0.0 — 2026-01-15" in result.output
    assert (tmp_path / "versions" / "1.0.0" / "datapackage.json").is_file()
