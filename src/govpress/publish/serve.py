"""Run Datasette on a published site (in this process, through Datasette's own CLI)."""
from __future__ import annotations

from .site import SiteFiles, datasette_args

__all__ = ["run"]


def run(site: SiteFiles, *, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run ``datasette serve`` with :func:`~govpress.publish.site.datasette_args` until interrupted.

    Raises:
        SystemExit: Datasette exited with an error (e.g. the port is taken).
    """
    from datasette.cli import cli as datasette_cli

    datasette_cli.main(args=datasette_args(site, host=host, port=port), prog_name="datasette", standalone_mode=True)
