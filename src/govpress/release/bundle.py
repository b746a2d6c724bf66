"""``govpress release``: a validated package → a release bundle, its zip, its CHANGELOG entry.

:func:`make_release` writes, under ``out_dir``::

    <name>-<version>/datapackage.json   the descriptor, every resource with `bytes` and
                                        `hash` ("sha256:<hex>") of its file in the bundle
    <name>-<version>/data/…             the CSV and Parquet files, byte for byte
    <name>-<version>/CHANGELOG.md       the entry for this version, made from the diff
    <name>-<version>/changes.jsonl      ADD / MOD / DEL records against --previous (if given)
    <name>-<version>.zip                all of the above under <name>-<version>/

and records the released descriptor as ``<versions_dir>/<version>/datapackage.json``
(commit it: the CI schema-compatibility check compares against the newest record).

Everything is deterministic: files in sorted order, zip entries stamped with the
release date (``--date``) or, without one, 1980-01-01; no wall-clock time anywhere.

A release is refused (:class:`~govpress.errors.ReleaseError` /
:class:`~govpress.errors.ValidationFailed`) when the package does not validate, when
its version is not a semantic version, when it is not bumped enough for what
changed since the previous release (a breaking schema change needs a major bump, a
new field or table a minor one, changed data a patch), or when that version was
already released with a different descriptor.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import ReleaseError, ValidationFailed
from .compat import latest_record
from ..package.layout import DATA_DIR, DESCRIPTOR, ZIP_EPOCH, csv_rows, file_stats, parse_version, read_descriptor, write_zip
from .diff import PackageDiff, diff_packages

__all__ = ["make_release", "ReleaseResult", "changelog_entry", "bundle_descriptor", "EXTRA_FILES"]

EXTRA_FILES = ("rejected.csv",)
"""Files beside ``datapackage.json`` that go into the bundle when present."""


@dataclass
class ReleaseResult:
    """What :func:`make_release` wrote.

    Attributes:
        version: the released version.
        bundle: the bundle folder; ``descriptor`` its ``datapackage.json``.
        zip: the zip file.
        record: the recorded descriptor under the versions folder (``None`` if not recorded).
        changelog: the CHANGELOG entry (Markdown).
        diff: the diff against the previous release (``None`` for a first release).
    """

    version: str
    bundle: Path
    descriptor: Path
    zip: Path
    record: Path | None
    changelog: str
    diff: PackageDiff | None


def bundle_descriptor(descriptor: dict[str, Any], root: Path) -> dict[str, Any]:
    """A copy of ``descriptor`` whose every resource has ``bytes`` and ``hash`` of its file under ``root``.

    The two keys are placed right after ``mediatype`` (or at the end), so the rest
    of the descriptor keeps its order.

    Raises:
        ReleaseError: a resource's file is missing.
    """
    out = copy.deepcopy(descriptor)
    resources = []
    for res in out.get("resources", []):
        path = root / res["path"]
        if not path.is_file():
            raise ReleaseError(f"resource {res.get('name')!r}: file {res['path']} is missing")
        stats = file_stats(path)
        res.pop("bytes", None)
        res.pop("hash", None)
        items = list(res.items())
        at = next((i + 1 for i, (k, _v) in enumerate(items) if k == "mediatype"), len(items))
        items[at:at] = list(stats.items())
        resources.append(dict(items))
    out["resources"] = resources
    return out


def changelog_entry(version: str, diff: PackageDiff | None, *, when: date | None = None,
                    rows: dict[str, int] | None = None) -> str:
    """The Markdown CHANGELOG entry of ``version``, made from ``diff``.

    Args:
        version: the released version.
        diff: changes since the previous release (``None`` for the first release).
        when: the release date (omitted when ``None``: never the wall clock).
        rows: rows per table in this release (listed for a first release).
    """
    head = f"## {version}" + (f" — {when.isoformat()}" if when else "")
    lines = [head, ""]
    if diff is None:
        lines.append("First release of the data package.")
        if rows:
            lines += ["", "Rows: " + ", ".join(f"`{t}` {n}" for t, n in rows.items()) + "."]
        return "\n".join(lines) + "\n"
    lines.append(f"Changes since {diff.old_version} ({diff.bump} release).")
    sections = (("major", "Breaking changes (migrate before upgrading)"), ("minor", "Additions"),
                ("patch", "Other schema changes"))
    for level, title in sections:
        changes = [c for c in diff.schema if c.level == level]
        if changes:
            lines += ["", f"### {title}", ""]
            lines += [f"- {c.message}" for c in changes]
    if diff.tables:
        lines += ["", "### Data", ""]
        changed = [(t, d) for t, d in diff.tables.items() if d.changed]
        if not changed:
            lines.append("- No row changed.")
        for t, d in changed:
            if d.file_changed:
                lines.append(f"- `{t}`: data changed.")
            else:
                lines.append(f"- `{t}`: {d.added} added, {d.modified} modified, {d.deleted} deleted "
                             f"({d.unchanged} unchanged).")
    return "\n".join(lines) + "\n"


def _zip_dir(src: Path, zip_path: Path, prefix: str, when: date | None) -> None:
    stamp = (when.year, when.month, when.day, 0, 0, 0) if when and when.year >= 1980 else ZIP_EPOCH
    files = sorted(p for p in src.rglob("*") if p.is_file())
    write_zip(zip_path, ((f"{prefix}/{p.relative_to(src).as_posix()}", p.read_bytes()) for p in files), date_time=stamp)


def _insert_changelog(path: Path, entry: str) -> None:
    """Put ``entry`` before the first ``## `` heading of the Markdown file ``path`` (or at its end)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Changelog\n\n"
    heading = entry.splitlines()[0]
    if heading in text.splitlines():
        raise ReleaseError(f"{path} already has an entry {heading!r}")
    at = text.find("\n## ")
    text = text.rstrip("\n") + "\n\n" + entry if at < 0 else text[: at + 1] + entry + "\n" + text[at + 1:]
    path.write_text(text, encoding="utf-8")


def make_release(descriptor: str | Path = "datapackage.json", out_dir: str | Path = "dist", *,
                 previous: str | Path | None = None, versions_dir: str | Path | None = "versions",
                 when: date | None = None, changelog: str | Path | None = None,
                 validate: bool = True) -> ReleaseResult:
    """Write the release bundle of the package ``descriptor`` (see the module docstring).

    Args:
        descriptor: the package's ``datapackage.json`` or its folder.
        out_dir: where the bundle folder and zip go (created).
        previous: the previous release (a bundle or package folder, or its descriptor):
            rows are diffed against it. Default: the newest record in ``versions_dir``
            (schema and file hashes only).
        versions_dir: the folder of released descriptors; this release is recorded
            there as ``<version>/datapackage.json``. ``None``: no record is read or written.
        when: release date for the CHANGELOG heading and zip timestamps.
        changelog: a CHANGELOG file to insert the entry into (before its first ``## ``).
        validate: refuse a package that fails :func:`govpress.validate.validate_package`.
    Returns:
        A :class:`ReleaseResult`.
    Raises:
        ValidationFailed: the package is not valid.
        ReleaseError: the version is not semver, not bumped enough, or already released differently.
        PackageNotFound: a descriptor cannot be read.
    """
    desc_path, desc = read_descriptor(descriptor)
    root = desc_path.parent
    version = desc.get("version")
    if parse_version(version) is None:
        raise ReleaseError(f"{desc_path}: version {version!r} is not a semantic version MAJOR.MINOR.PATCH")
    if validate:
        from ..validate import validate_package

        report = validate_package(desc_path)
        if not report.valid:
            shown = "\n".join(f"  {p}" for p in report.errors[:10])
            raise ValidationFailed(f"{desc_path} is not valid ({len(report.errors)} error(s)); not releasing.\n{shown}",
                                   report)
    versions = Path(versions_dir) if versions_dir is not None else None
    record_path = versions / str(version) / DESCRIPTOR if versions is not None else None
    prev: Path | None = Path(previous) if previous is not None else None
    if prev is None and versions is not None:
        latest = latest_record(versions, below=None)
        if latest is not None and latest[1] != record_path:
            prev = latest[1]
        elif latest is not None:  # re-making the recorded version: compare with the one before
            older = latest_record(versions, below=str(version))
            prev = older[1] if older else None
    name = str(desc.get("name") or "package")
    bundle_name = f"{name}-{version}"
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".govpress-release-", dir=out))
    try:
        staged = tmp / bundle_name
        (staged / DATA_DIR).mkdir(parents=True)
        for res in desc.get("resources", []):
            src = root / res["path"]
            if not src.is_file():
                raise ReleaseError(f"resource {res.get('name')!r}: file {src} is missing")
            dst = staged / res["path"]
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
        for extra in EXTRA_FILES:
            if (root / extra).is_file():
                shutil.copyfile(root / extra, staged / extra)
        released = bundle_descriptor(desc, staged)
        text = json.dumps(released, indent=2, ensure_ascii=False) + "\n"
        (staged / DESCRIPTOR).write_text(text, encoding="utf-8")
        diff: PackageDiff | None = None
        if prev is not None:
            has_data = (read_descriptor(prev)[0].parent / DATA_DIR).is_dir()
            diff = diff_packages(prev, staged, rows=has_data)
            if not has_data:
                _file_level_changes(diff, read_descriptor(prev)[1], released)
            if diff.bump is None or diff.bump == "none" or not diff.version_ok:
                raise ReleaseError(
                    f"version {version} after {diff.old_version}: "
                    + (f"the changes need a {diff.required_level} bump" if diff.required_level
                       else "nothing changed since that release")
                    + (f"; breaking: {'; '.join(c.message for c in diff.breaking)}" if diff.breaking else ""))
            with (staged / "changes.jsonl").open("w", encoding="utf-8") as f:
                diff.write_records(f)
        rows = {r["name"]: _count_rows(staged / r["path"]) for r in desc.get("resources", [])
                if r.get("format", "csv") == "csv"}
        entry = changelog_entry(str(version), diff, when=when, rows=rows)
        (staged / "CHANGELOG.md").write_text(entry, encoding="utf-8")
        if record_path is not None and record_path.exists() and record_path.read_text(encoding="utf-8") != text:
            raise ReleaseError(f"version {version} was already released with another descriptor ({record_path}); "
                               "bump the version")
        zip_tmp = tmp / f"{bundle_name}.zip"
        _zip_dir(staged, zip_tmp, bundle_name, when)
        bundle, zip_path = out / bundle_name, out / f"{bundle_name}.zip"
        if bundle.exists():
            shutil.rmtree(bundle)
        os.replace(staged, bundle)
        os.replace(zip_tmp, zip_path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if record_path is not None:
        record_path.parent.mkdir(parents=True, exist_ok=True)
        record_path.write_text(text, encoding="utf-8")
    if changelog is not None:
        _insert_changelog(Path(changelog), entry)
    return ReleaseResult(str(version), bundle, bundle / DESCRIPTOR, zip_path, record_path, entry, diff)


def _count_rows(path: Path) -> int:
    return max(sum(1 for _ in csv_rows(path)) - 1, 0)


def _file_level_changes(diff: PackageDiff, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Without the previous rows, a table whose CSV ``hash`` changed counts as changed data (patch)."""
    from .diff import TableDelta

    old_hash = {r["name"]: r.get("hash") for r in old.get("resources", []) if isinstance(r, dict)}
    for res in new.get("resources", []):
        if res.get("format", "csv") != "csv" or res["name"] not in old_hash:
            continue
        diff.tables[res["name"]] = TableDelta(file_changed=old_hash[res["name"]] != res.get("hash"))
