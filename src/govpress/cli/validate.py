"""``govpress validate``: package → report (schema, invariants, assertions, parity)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..validate import Problem, validate_package
from ._common import assertions_option, quiet_option, translate_errors


def format_problems(problems: list[Problem]) -> str:
    """One line per problem: ``SEVERITY resource row N [field]: rule: message``."""
    lines = []
    for p in problems:
        where = p.resource or "(package)"
        if p.row is not None:
            where += f" row {p.row}"
        if p.field:
            where += f" [{p.field}]"
        lines.append(f"{p.severity.upper():<7} {where}: {p.type}: {p.message}")
    return "\n".join(lines)


@click.command(name="validate")
@click.argument("descriptor", required=False, default="datapackage.json",
                type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (valid, counts, problems).")
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also check that this SQLite database (govpress publish) holds the same rows.")
@assertions_option
@click.option("--no-parity", "no_parity", is_flag=True, help="Skip the CSV/Parquet/SQLite comparison.")
@quiet_option
@translate_errors
def command(descriptor: Path, as_json: bool, db: Path | None, assertions: bool | Path, no_parity: bool,
            quiet: bool) -> None:
    """Validate a data package: Table Schemas (CSV and Parquet), domain invariants,
    dataset assertions and CSV/Parquet/SQLite parity.

    Lists every problem with its resource, row, field and rule; exits with status 1
    when any problem is an error (warnings alone pass).

    \b
    Example:
        govpress validate
        govpress validate build/datapackage.json --json
        govpress validate --db govpress.db --quiet
    """
    report = validate_package(descriptor, parity=not no_parity, db=db, assertions=assertions)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        shown = report.problems if not quiet else report.errors
        if shown:
            click.echo(format_problems(shown), err=quiet)
        if not quiet:
            if report.stats.get("assertions") is None:
                click.echo("note: no dataset assertions (no assertions.yaml beside the package, or --assertions "
                           "none): Table Schema, domain and parity checks only.")
            rows = ", ".join(f"{t} {n['rows']}" for t, n in report.stats.get("tables", {}).items())
            status = "valid" if report.valid else "INVALID"
            click.echo(f"{report.descriptor}: {status}, {len(report.errors)} error(s), "
                       f"{len(report.warnings)} warning(s). Rows: {rows or 'none'}.")
    if not report.valid:
        raise SystemExit(1)
