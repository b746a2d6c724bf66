"""``govpress diff``: what changed between two packages (schema changes and row deltas)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..release import diff_packages
from ._common import translate_errors


@click.command(name="diff")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--records", "records", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write the ADD/MOD/DEL records as JSON lines to this file ('-': standard output).")
@click.option("--schema-only", is_flag=True, help="Compare the schemas and versions only, not the rows.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON instead of text.")
@click.option("--check-version", is_flag=True,
              help="Exit with status 1 when NEW's version is not bumped enough for the changes.")
@translate_errors
def command(old: Path, new: Path, records: Path | None, schema_only: bool, as_json: bool, check_version: bool) -> None:
    """Compare two data packages (folders or datapackage.json files), OLD → NEW.

    Prints a summary: the version bump, every schema change classified as major
    (breaking: removed or renamed field, changed type, narrowed enum), minor (new
    field or table) or patch, and rows added / modified / deleted per table, matched
    by primary key. --records writes one JSON line per ADD, MOD or DEL.

    \b
    Example:
        govpress diff dist/govpress-releases-1.0.0 .
        govpress diff old/ new/ --records changes.jsonl --check-version
    """
    diff = diff_packages(old, new, rows=not schema_only)
    to_stdout = records is not None and str(records) == "-"
    if records is not None:
        if to_stdout:
            diff.write_records(sys.stdout)
        else:
            with records.open("w", encoding="utf-8") as f:
                diff.write_records(f)
    text = json.dumps(diff.to_json(), indent=2, ensure_ascii=False) if as_json else diff.summary()
    click.echo(text, err=to_stdout)
    if check_version and not diff.version_ok:
        raise SystemExit(1)
