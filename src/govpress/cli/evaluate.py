"""``govpress evaluate``: score a package against gold annotations."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import settings
from ..evaluate import EvaluationReport, evaluate
from ._common import translate_errors

if TYPE_CHECKING:
    from ..train import CVReport


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


def _print_cv(report: "CVReport", rules: "CVReport") -> None:
    click.echo(f"{report.k}-fold cross-validation by release over {report.releases} gold releases "
               "(mean ± standard deviation over folds; model trained on the other folds)")
    click.echo(f"{'table':<13}{'P':>14}{'R':>14}{'F1':>14}{'strict F1':>14}{'rules alone: strict F1':>26}")
    summary, base = report.summary(), rules.summary()
    for name, figs in summary.items():
        cells = [f"{figs[k][0]:.3f} ± {figs[k][1]:.3f}" if k in figs else "" for k in
                 ("precision", "recall", "f1", "strict_f1")]
        b = base[name]["strict_f1"]
        click.echo(f"{name:<13}" + "".join(f"{c:>14}" for c in cells) + f"{b[0]:>16.3f} ± {b[1]:.3f}")


@click.command(name="evaluate")
@click.option("--gold", "gold_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of gold annotation files (<release_id>.yaml).")
@click.option("--package", "package_dir", type=click.Path(file_okay=False, path_type=Path),
              default=settings.DEFAULT_OUT_DIR, show_default=True,
              help="Package folder holding data/*.csv (or the data/ folder itself).")
@click.option("--release", "releases", multiple=True,
              help="Score only this release ID (repeatable). Default: every gold file.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the report as JSON to this file ('-' for standard output, then no table).")
@click.option("--show", is_flag=True, help="List every miss and false alarm before the table.")
@click.option("--folds", "folds", type=click.IntRange(min=2), default=None,
              help="Instead: K-fold cross-validation by release over the training sets' gold "
                   "(train the classifier on K-1 folds, score the held-out fold).")
@click.option("--sets", "sets_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --folds: the training sets file. Default: training/sets.yaml.")
@translate_errors
def command(gold_dir: Path | None, package_dir: Path, releases: tuple[str, ...], json_out: Path | None,
            show: bool, folds: int | None, sets_file: Path | None) -> None:
    """Score the package's extraction against gold annotations.

    Prints precision, recall, F1, strict F1 (the key attributes right too) and
    per-attribute accuracy for officials, events, commitments and partnerships,
    with the same matching rules as the maintainers' score.py.

    \b
    Example:
        govpress evaluate --gold ../shared/gold/dev
        govpress evaluate --gold gold/ --package build/ --show --json scores.json
        govpress evaluate --folds 5
    """
    if folds is not None:
        from ..train import DEFAULT_SETS, collect, cross_validate, load_sets

        analysed = collect(load_sets(sets_file or DEFAULT_SETS))
        cv = cross_validate(analysed, folds)
        rules = cross_validate(analysed, folds, rules_only=True)
        if json_out is not None:
            text = json.dumps({"k": folds, "folds": cv.folds, "summary": cv.summary(),
                               "rules_alone": rules.summary()}, indent=2)
            if str(json_out) == "-":
                click.echo(text)
                return
            json_out.write_text(text + "\n", encoding="utf-8")
        _print_cv(cv, rules)
        return
    if gold_dir is None:
        raise click.UsageError("give --gold DIR (or --folds K)")
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
