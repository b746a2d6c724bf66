"""``govpress train``: rebuild the trained sentence classifier from the gold in the repository."""
from __future__ import annotations

from pathlib import Path

import click

from ._common import echo, progress_bar, quiet_option, translate_errors


@click.command(name="train")
@click.option("--sets", "sets_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Training sets file (releases + gold folder pairs). Default: training/sets.yaml.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Model folder to write. Default: the committed one in govpress/extract/models/sentences.")
@click.option("--version", "version", default="1.0.0", show_default=True,
              help="Model version, recorded in meta.json and in the extractor column of its rows.")
@quiet_option
@translate_errors
def command(sets_file: Path | None, out_dir: Path | None, version: str, quiet: bool) -> None:
    """Train the sentence classifier (spaCy textcat) on every gold release, with a fixed seed.

    Parses each release that has gold, runs the rule builders, labels each
    sentence from the gold evidence and runs ``spacy train`` (CPU, seconds).
    The same gold gives byte-identical weights.

    \b
    Example:
        govpress train
        govpress train --out /tmp/model --quiet
    """
    from ..extract.sentences import classifier_path, label_counts
    from ..train import DEFAULT_SETS, collect, load_sets, train_classifier

    sets = load_sets(sets_file or DEFAULT_SETS)
    with progress_bar(quiet) as progress:
        analysed = collect(sets, progress=(lambda d, t: progress("parse", d, t)) if progress else None)
    rows = [r for a in analysed for r in a.rows]
    out = train_classifier(rows, out_dir or classifier_path(), version=version, quiet=quiet)
    echo(f"trained on {len(analysed)} releases, {len(rows)} sentences "
         f"(positives {label_counts(rows)}): {out}", quiet)
