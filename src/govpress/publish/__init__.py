"""Stage 7: a validated data package → SQLite database + Datasette site; serve it.

:func:`publish` refuses an invalid package, then writes the database (see
:mod:`.database`), the Datasette metadata generated from ``datapackage.json``
(:mod:`.metadata`), the ``datasette inspect`` file and the download folder
(:mod:`.downloads`) — every file through a temporary name, moved into place only
when all of them are complete. :func:`serve` runs Datasette on them
(:mod:`.serve`); :class:`SiteFiles` names the files.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import PackageNotFound, ValidationFailed
from ..package import layout
from .database import build_database
from .downloads import write_downloads
from .metadata import build_metadata
from .site import SiteFiles, datasette_args, datasette_settings, make_datasette

__all__ = ["publish", "serve", "needs_publish", "SiteFiles", "datasette_args", "datasette_settings",
           "make_datasette", "resolve_descriptor"]

_MAX_PROBLEMS_SHOWN = 10


def resolve_descriptor(descriptor: str | Path) -> Path:
    """The ``datapackage.json`` path of ``descriptor`` (the file itself or its folder).

    Raises:
        PackageNotFound: there is no such file.
    """
    path = layout.resolve_descriptor(descriptor)
    if not path.is_file():
        raise PackageNotFound(f"no data package at {path} (build one with `govpress build`)")
    return path


def _refuse_if_invalid(descriptor: Path, assertions: bool | str | Path = True) -> None:
    from ..validate import validate_package

    report = validate_package(descriptor, assertions=assertions)
    if report.valid:
        return
    errors = [p for p in report.problems if getattr(p, "severity", "error") == "error"] or list(report.problems)
    lines = [f"{descriptor} is not valid ({len(errors)} error(s)); not publishing. Run `govpress validate` for the full report."]
    lines += [f"  {p}" for p in errors[:_MAX_PROBLEMS_SHOWN]]
    if len(errors) > _MAX_PROBLEMS_SHOWN:
        lines.append(f"  ... and {len(errors) - _MAX_PROBLEMS_SHOWN} more")
    if any(getattr(p, "layer", None) == "assertions" for p in errors):
        lines.append(f"The dataset assertions come from {report.stats.get('assertions')}; fix the package, or "
                     "re-tune that file (--assertions none skips them).")
    raise ValidationFailed("\n".join(lines), report)


def _inspect(db: Path) -> dict:
    from datasette.cli import inspect_

    data = asyncio.run(inspect_([str(db)], None))
    for entry in data.values():
        entry["file"] = db.name  # relative, as `datasette package` has it; keeps the file deterministic
    return data


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


def publish(descriptor: str | Path = "datapackage.json", db_path: str | Path = "govpress.db", *,
            validate: bool = True, assertions: bool | str | Path = True) -> Path:
    """Publish the package ``descriptor`` as the SQLite database ``db_path`` plus its site files.

    Writes ``db_path``, ``<name>.metadata.json``, ``<name>.inspect.json`` and
    ``<name>-downloads/`` beside it (see :class:`SiteFiles`). Everything is built
    under temporary names in the same folder and moved into place at the end, so a
    failure leaves a previous publication as it was. The same package gives the
    same bytes.

    Args:
        descriptor: the package's ``datapackage.json`` (or its folder).
        db_path: the database to write (its name, without ``.db``, is the database's
            name in Datasette URLs: ``/govpress/events``).
        validate: refuse an invalid package (``govpress.validate.validate_package``);
            only tests of this stage turn it off.
        assertions: the dataset assertions the package must pass, as
            ``validate_package`` takes them: ``True`` for the package's own
            ``assertions.yaml`` (none there: no assertions), a path for another
            file, ``False`` for none. The Table Schema and domain checks always run.
    Returns:
        ``db_path`` as a :class:`~pathlib.Path`.
    Raises:
        PackageNotFound: no ``datapackage.json`` at ``descriptor``.
        ValidationFailed: the package is not valid (``.report`` holds the problems;
            the message lists the first ones).
    """
    descriptor = resolve_descriptor(descriptor)
    if validate:
        _refuse_if_invalid(descriptor, assertions)
    root = descriptor.parent
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    site = SiteFiles(Path(db_path))
    site.db.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{site.name}-publish-", dir=site.db.parent))
    try:
        staged = SiteFiles(work / site.db.name)
        counts = build_database(package, root, staged.db)
        downloads = write_downloads(package, root, staged.downloads)
        _write_json(staged.metadata, build_metadata(package, site.name, downloads=downloads, counts=counts))
        _write_json(staged.inspect, _inspect(staged.db))
        old = work / "old-downloads"
        if site.downloads.exists():
            os.replace(site.downloads, old)
        os.replace(staged.downloads, site.downloads)
        os.replace(staged.metadata, site.metadata)
        os.replace(staged.inspect, site.inspect)
        os.replace(staged.db, site.db)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return site.db


def _site_sources() -> list[Path]:
    """The files of this stage that shape a published site (config, templates, plugins, code)."""
    here = Path(__file__).resolve().parent
    return sorted(p for p in here.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def needs_publish(descriptor: str | Path, db_path: str | Path) -> bool:
    """True when the site of ``db_path`` is missing a file or is older than what it is made from.

    Older means: ``datapackage.json``, a resource file it lists, or a file of this
    stage (``site.yaml``, ``queries.yaml``, templates, plugins, code) was modified
    after the database.

    Raises:
        PackageNotFound: no ``datapackage.json`` at ``descriptor``.
    """
    from .downloads import package_files

    path = resolve_descriptor(descriptor)
    site = SiteFiles(Path(db_path))
    if not site.exist():
        return True
    built = site.db.stat().st_mtime
    package = json.loads(path.read_text(encoding="utf-8"))
    sources = [path.parent / rel for rel in package_files(package)] + _site_sources()
    return any(not f.exists() or f.stat().st_mtime > built for f in sources)


def serve(descriptor: str | Path = "datapackage.json", db_path: str | Path = "govpress.db", *,
          host: str = "127.0.0.1", port: int = 8001, assertions: bool | str | Path = True) -> None:
    """Publish if needed (:func:`needs_publish`), then run Datasette on the site until interrupted.

    Datasette serves ``db_path`` immutable (read-only) with the inspect file,
    metadata, settings, templates, plugins and ``/downloads/`` mount of
    :func:`datasette_args`, on ``host:port`` (loopback by default).
    ``assertions`` is passed to :func:`publish`.

    Raises:
        PackageNotFound, ValidationFailed: as :func:`publish`.
    """
    from .serve import run

    if needs_publish(descriptor, db_path):
        publish(descriptor, db_path, assertions=assertions)
    run(SiteFiles(Path(db_path)), host=host, port=port)
