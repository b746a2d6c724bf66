"""``govpress evaluate``: score a package against gold annotations."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .. import settings
from ..evaluate import EvaluationReport, evaluate
from ._common import translate_errors


def _print_report(report: EvaluationReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=120)  # logs and pipes: room for the attributes column
    table = Table(title=f"{report.releases_scored} release(s) scored; "
                        f"{len(report.releases_missing)} missing from the package")
    table.add_column("table")
    for name in ("gold", "pred", "P", "R", "F1", "strict F1"):
        table.add_column(name, justify="right")
    table.add_column("attributes", min_width=22, overflow="fold")
    for name, score in report.tables.items():
        row = score.to_json()
        attrs = "\n".join(f"{a}={x}" for a, x in row["attributes"].items())
        table.add_row(name, str(row["gold"]), str(row["predicted"]), f"{row['precision']:.3f}",
                      f"{row['recall']:.3f}", f"{row['f1']:.3f}", f"{row['strict_f1']:.3f}", attrs)
    console.print(table)
    console.print(f"macro F1 {report.macro_f1:.3f}  macro strict F1 {report.macro_strict_f1:.3f}")
    for rid in report.releases_missing:
        console.print(f"[yellow]not in the package:[/yellow] {rid}", highlight=False)


@click.command(name="evaluate")
@click.option("--gold", "gold_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of gold annotation files (<release_id>.yaml).")
@click.option("--package", "package_dir", type=click.Path(file_okay=False, path_type=Path),
              default=settings.DEFAULT_OUT_DIR, show_default=True,
              help="Package folder holding data/*.csv (or the data/ folder itself).")
@click.option("--release", "releases", multiple=True,
              help="Score only this release ID (repeatable). Default: every gold file.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the report as JSON to this file ('-' for standard output, then no table).")
@click.option("--show", is_flag=True, help="List every miss and false alarm before the table.")
@translate_errors
def command(gold_dir: Path, package_dir: Path, releases: tuple[str, ...], json_out: Path | None,
            show: bool) -> None:
    """Score the package's extraction against gold annotations.

    Prints precision, recall, F1, strict F1 (the key attributes right too) and
    per-attribute accuracy for officials, events, commitments and partnerships,
    with the same matching rules as the maintainers' score.py.

    \b
    Example:
        govpress evaluate --gold ../shared/gold/dev
        govpress evaluate --gold gold/ --package build/ --show --json scores.json
    """
    report = evaluate(package_dir, gold_dir, releases=releases or None)
    to_stdout = json_out is not None and str(json_out) == "-"
    if show:
        for finding in report.findings:
            click.echo(str(finding), err=to_stdout)
    if json_out is not None:
        text = json.dumps(report.to_json(), indent=2, ensure_ascii=False, default=str)
        if to_stdout:
            click.echo(text)
            return
        json_out.write_text(text + "\n", encoding="utf-8")
    _print_report(report)
