"""``govpress publish``: data package → SQLite database + Datasette site files."""
from __future__ import annotations

from pathlib import Path

import click

from .. import settings
from ..publish import SiteFiles, publish
from ._common import assertions_option, echo, quiet_option, translate_errors


@click.command(name="publish")
@click.argument("descriptor", required=False, default="datapackage.json", type=click.Path(path_type=Path))
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=settings.DEFAULT_DB_PATH,
              show_default=True, help="SQLite database to write; the site files are written beside it.")
@assertions_option
@quiet_option
@translate_errors
def command(descriptor: Path, db_path: Path, assertions: bool | Path, quiet: bool) -> None:
    """Build the SQLite database and Datasette site files from a valid data package.

    Refuses an invalid package (see govpress validate). Writes, atomically:
    the database (declared types, keys, indexes, full-text search), NAME.metadata.json
    (generated from datapackage.json), NAME.inspect.json and NAME-downloads/ (the
    package files and a zip of them) beside it. Serve them with govpress serve.

    The dataset assertions (row counts and the like) are the package's own
    assertions.yaml, copied by govpress build from the releases folder (seeds/ ships
    one); a package without one is checked by its schema and domain rules only.

    \b
    Example:
        govpress publish
        govpress publish build/datapackage.json --db build/govpress.db
        govpress publish mine/datapackage.json --db mine/govpress.db --assertions mine.yaml
    """
    db = publish(descriptor, db_path, assertions=assertions)
    site = SiteFiles(db)
    echo(f"Published {db} with {site.metadata.name}, {site.inspect.name} and {site.downloads.name}/.", quiet)
