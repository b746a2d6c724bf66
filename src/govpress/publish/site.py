"""The files of a published site and how Datasette is started on them.

For a database ``<dir>/<name>.db`` publishing writes, beside it:

- ``<name>.metadata.json`` — the Datasette metadata (see :mod:`.metadata`);
- ``<name>.inspect.json`` — ``datasette inspect`` output (hash, size, row counts),
  so the immutable database is never counted at start-up;
- ``<name>-downloads/`` — the package files and its zip, mounted at ``/downloads/``.

:func:`datasette_args` (for ``datasette serve``, ``datasette package`` and
``datasette publish``) and :func:`make_datasette` (an in-process ``Datasette`` for
tests and embedding) start Datasette with exactly the same options: immutable mode
(read-only), the inspect file, the metadata, the settings of ``site.yaml``, the
static mount and the site's templates and plugins.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import PLUGINS_DIR, STATIC_MOUNT, TEMPLATES_DIR, site_config

__all__ = ["SiteFiles", "datasette_settings", "datasette_args", "make_datasette"]


@dataclass(frozen=True)
class SiteFiles:
    """Paths of everything published for the database ``db``."""

    db: Path

    @property
    def name(self) -> str:
        """Datasette's name of the database (its file name without the suffix)."""
        return self.db.stem

    @property
    def metadata(self) -> Path:
        """``<name>.metadata.json`` beside the database."""
        return self.db.with_name(f"{self.name}.metadata.json")

    @property
    def inspect(self) -> Path:
        """``<name>.inspect.json`` beside the database."""
        return self.db.with_name(f"{self.name}.inspect.json")

    @property
    def downloads(self) -> Path:
        """``<name>-downloads/`` beside the database (served at ``/downloads/``)."""
        return self.db.with_name(f"{self.name}-downloads")

    def all(self) -> list[Path]:
        """Every published path, the database first."""
        return [self.db, self.metadata, self.inspect, self.downloads]

    def exist(self) -> bool:
        """True when every published path exists."""
        return all(p.exists() for p in self.all())


def datasette_settings() -> dict[str, Any]:
    """The Datasette settings of the site (``site.yaml`` ``settings``)."""
    return dict(site_config()["settings"])


def datasette_args(site: SiteFiles, *, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """Arguments of ``datasette serve`` for ``site`` (without the leading ``datasette``).

    Example: ``["serve", "-i", "govpress.db", "--inspect-file", "govpress.inspect.json",
    "-m", "govpress.metadata.json", "--static", "downloads:govpress-downloads", ...,
    "--setting", "sql_time_limit_ms", "1500", ..., "--host", "127.0.0.1", "--port", "8001"]``.
    """
    args = [
        "serve", "-i", str(site.db),
        "--inspect-file", str(site.inspect),
        "-m", str(site.metadata),
        "--static", f"{STATIC_MOUNT}:{site.downloads}",
        "--template-dir", str(TEMPLATES_DIR),
        "--plugins-dir", str(PLUGINS_DIR),
    ]
    for key, value in datasette_settings().items():
        args += ["--setting", key, json.dumps(value) if isinstance(value, bool) else str(value)]
    return args + ["--host", host, "--port", str(port)]


def make_datasette(site: SiteFiles) -> Any:
    """An in-process ``datasette.app.Datasette`` serving ``site`` with the options of :func:`datasette_args`.

    Use ``await ds.client.get("/govpress/officials.json?_search=Brunner")`` in tests.
    """
    from datasette.app import Datasette

    return Datasette(
        immutables=[str(site.db)],
        inspect_data=json.loads(site.inspect.read_text(encoding="utf-8")),
        metadata=json.loads(site.metadata.read_text(encoding="utf-8")),
        settings=datasette_settings(),
        static_mounts=[(STATIC_MOUNT, str(site.downloads))],
        template_dir=str(TEMPLATES_DIR),
        plugins_dir=str(PLUGINS_DIR),
    )
