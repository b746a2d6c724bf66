"""``govpress release``: a validated package → release bundle (hashes, zip, CHANGELOG entry)."""
from __future__ import annotations

from pathlib import Path

import click

from ..release import check_compat, make_release
from ._common import echo, quiet_option, translate_errors


@click.command(name="release")
@click.argument("descriptor", required=False, default="datapackage.json", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Folder for the bundle folder and its zip.")
@click.option("--previous", type=click.Path(exists=True, path_type=Path), default=None,
              help="The previous release (bundle or package folder) to diff rows against. "
                   "Default: the newest record in --versions (schema and file hashes).")
@click.option("--versions", "versions_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("versions"), show_default=True,
              help="Folder of released descriptors (<version>/datapackage.json); this release is recorded there.")
@click.option("--date", "when", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Release date (YYYY-MM-DD) for the CHANGELOG heading and zip timestamps. Default: none.")
@click.option("--changelog", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also insert the entry into this CHANGELOG file (before its first '## ' heading).")
@click.option("--check", is_flag=True,
              help="Write nothing: check DESCRIPTOR against the newest record in --versions and exit 1 on a "
                   "breaking schema change without a major version bump (the CI check).")
@quiet_option
@translate_errors
def command(descriptor: Path, out_dir: Path, previous: Path | None, versions_dir: Path, when: object,
            changelog: Path | None, check: bool, quiet: bool) -> None:
    """Make a release bundle of a validated package: the package with sha256 hash and
    bytes for every resource, a zip, and a CHANGELOG entry made from the diff with the
    previous release. Refuses an invalid package or a version not bumped enough.

    \b
    Example:
        govpress release --date 2026-01-15
        govpress release --out dist --previous dist/govpress-releases-1.0.0 --changelog CHANGELOG.md
        govpress release --check          # CI: schema compatibility with the last release
    """
    if check:
        result = check_compat(descriptor, versions_dir)
        echo(result.summary(), quiet and result.ok)
        if not result.ok:
            raise SystemExit(1)
        return
    day = when.date() if when is not None else None  # type: ignore[attr-defined]
    result = make_release(descriptor, out_dir, previous=previous, versions_dir=versions_dir, when=day,
                          changelog=changelog)
    echo(f"Released {result.version}: {result.bundle} and {result.zip}", quiet)
    if result.record is not None:
        echo(f"Recorded {result.record} (commit it: CI compares the next changes against it).", quiet)
    echo("", quiet)
    echo(result.changelog, quiet)
