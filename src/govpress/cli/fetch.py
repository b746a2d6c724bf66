"""``govpress fetch``: GOV.UK Search + Content APIs → release files under seeds/govuk/."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..ingest.fetch import DEFAULT_FETCH_DIR, FetchProblem, fetch
from ._common import echo, progress_bar, quiet_option, translate_errors


@click.command(name="fetch")
@click.option("--organisation", "organisations", multiple=True, metavar="SLUG",
              help="Only releases of this GOV.UK organisation (repeatable; any matches), e.g. home-office.")
@click.option("--document-type", "document_types", multiple=True, metavar="TYPE",
              help="GOV.UK content_store_document_type to list (repeatable), e.g. press_release. "
                   "Default: search.document_types in govpress/sources/govuk.yml.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only releases whose public timestamp is on or after this day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only releases whose public timestamp is on or before this day (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Stop after this many listed releases (newest first).")
@click.option("--base-url", default=None, metavar="URL",
              help="API host. Default: https://www.gov.uk (from govpress/sources/govuk.yml).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_FETCH_DIR, show_default=True,
              help="Folder for <content_id>.<locale>.json files and the .index.json state file.")
@click.option("--source", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Source config YAML. Default: govpress/sources/govuk.yml.")
@click.option("--translations/--no-translations", default=True, show_default=True,
              help="Also fetch the translations of the English releases fetched.")
@quiet_option
@translate_errors
def command(organisations: tuple[str, ...], document_types: tuple[str, ...], since: datetime | None,
            until: datetime | None, limit: int | None, base_url: str | None, out_dir: Path,
            source: Path | None, translations: bool, quiet: bool) -> None:
    """Fetch new and updated GOV.UK releases into a folder `govpress build` reads.

    Lists releases with the GOV.UK Search API (newest first), downloads each from
    the Content API and stores it as <content_id>.<locale>.json. A second run only
    downloads what is new, newer (public_updated_at) or newly withdrawn. Requests
    are rate-limited and retried with backoff; an unreadable item is reported on
    stderr and skipped.

    \b
    Example:
        govpress fetch --organisation foreign-commonwealth-development-office --since 2025-01-01
        govpress fetch --document-type press_release --limit 50 --quiet && govpress build
    """
    def report(problem: FetchProblem) -> None:
        click.echo(f"{problem.kind}: {problem}", err=True)

    with progress_bar(quiet) as progress:
        result = fetch(
            organisations=organisations, document_types=document_types,
            since=since.date() if since else None, until=until.date() if until else None,
            limit=limit, base_url=base_url, out_dir=out_dir, source=source, translations=translations,
            progress=progress, on_problem=report,
        )
    echo(f"Fetched into {result.out_dir}: {result.listed} listed, {result.new} new, {result.updated} updated, "
         f"{result.unchanged} unchanged, {result.skipped} skipped, {result.failed} failed "
         f"({result.requests} requests).", quiet)
