"""``govpress serve``: publish if needed, then run Datasette on the database."""
from __future__ import annotations

from pathlib import Path

import click

from .. import settings
from ..publish import serve
from ._common import assertions_option, translate_errors


@click.command(name="serve")
@click.argument("descriptor", required=False, default="datapackage.json", type=click.Path(path_type=Path))
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=settings.DEFAULT_DB_PATH,
              show_default=True, help="SQLite database to serve (published first when missing or older than the package).")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=settings.DEFAULT_PORT, show_default=True,
              help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default serves this machine only (use 0.0.0.0 to expose it).")
@assertions_option
@translate_errors
def command(descriptor: Path, db_path: Path, port: int, host: str, assertions: bool | Path) -> None:
    """Serve the package with Datasette (immutable, read-only), publishing it first if needed.

    Runs Datasette with the site's metadata, inspect file, settings (query time
    limit, row limit), templates, plugins and the /downloads/ mount, until Ctrl-C.
    Publishing validates the package as govpress publish does (with the package's
    own assertions.yaml, if it has one).

    \b
    Example:
        govpress serve
        govpress serve build/datapackage.json --db build/govpress.db --port 8002
        govpress serve mine/datapackage.json --db mine/govpress.db
    """
    serve(descriptor, db_path, host=host, port=port, assertions=assertions)
