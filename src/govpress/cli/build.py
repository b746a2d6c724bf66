"""``govpress build``: releases → data package."""
from __future__ import annotations

from pathlib import Path

import click

from .. import settings
from ..build import build
from ._common import echo, progress_bar, quiet_option, translate_errors


@click.command(name="build")
@click.option("--releases", "releases", multiple=True, type=click.Path(path_type=Path),
              help="Folder or file of releases (repeatable). Default: seeds/")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=settings.DEFAULT_OUT_DIR, show_default=True,
              help="Package directory: gets datapackage.json, data/ and rejected.csv.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              default=settings.DEFAULT_CACHE_DIR, show_default=True,
              help="Per-release extraction cache; unchanged releases are not re-extracted.")
@click.option("--curation", "curation_dir", type=click.Path(file_okay=False, path_type=Path),
              default=settings.DEFAULT_CURATION_DIR, show_default=True,
              help="Folder of curation YAML files (corrections keyed by record ID).")
@click.option("--strict", is_flag=True, help="Fail on the first rejected input instead of skipping it.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for extraction. Default: one per CPU.")
@quiet_option
@translate_errors
def command(releases: tuple[Path, ...], out_dir: Path, cache_dir: Path, curation_dir: Path,
            strict: bool, jobs: int | None, quiet: bool) -> None:
    """Ingest releases, extract records and write the data package (CSV + Parquet).

    Rejected inputs are reported one line each (file: reason), listed in
    rejected.csv beside the package, and do not stop the build unless --strict.
    The package is written atomically: a failed build leaves the old one in place.

    \b
    Example:
        govpress build
        govpress build --releases seeds/ --releases more/ --out build/ --quiet
    """
    def report(rej: object) -> None:
        click.echo(f"rejected: {rej}", err=True)

    try:
        with progress_bar(quiet) as progress:
            result = build(
                releases or (settings.DEFAULT_RELEASES_DIR,), out_dir, cache_dir=cache_dir,
                curation_dir=curation_dir, strict=strict, jobs=jobs, progress=progress, on_rejected=report,
            )
    except KeyboardInterrupt:
        raise click.ClickException("interrupted: nothing was written; the previous package is untouched") from None
    echo(f"Built {result.descriptor}: {result.extracted} release(s) extracted, {result.cached} from cache, {len(result.rejected)} rejected.", quiet)
    for table, n in result.counts.items():
        echo(f"  {table:<20} {n:>7} rows", quiet)
    for rid, reason in result.skipped:
        echo(f"  not extracted: {rid}: {reason}", quiet)
    for entry in result.unused_curation:
        click.echo(f"warning: curation {entry}", err=True)
