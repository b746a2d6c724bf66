"""govpress: government press releases → validated Frictionless data packages.

The library API, one function per stage (the CLI is a thin layer over these)::

    from govpress import build, validate_package, publish
    result = build(["seeds"], ".")          # ingest → extract → resolve → curate → package
    report = validate_package("datapackage.json")
    publish("datapackage.json", "govpress.db")

Lower-level pieces: :func:`ingest` (releases from files), :func:`extract`
(records from one release), :class:`OfficialIndex` (cross-release officials),
:class:`PackageWriter` (CSV + Parquet + descriptor, atomic).
"""
from __future__ import annotations

from .build import BuildResult, build
from .errors import GovpressError
from .extract import extract, load_pipeline
from .ingest import ingest, read_release
from .publish import publish
from .models import Extraction, Release
from .package import PackageWriter
from .resolve import OfficialIndex
from .settings import VERSION as __version__
from .validate import Report, validate_package

__all__ = [
    "build",
    "BuildResult",
    "validate_package",
    "Report",
    "publish",
    "ingest",
    "read_release",
    "extract",
    "load_pipeline",
    "OfficialIndex",
    "PackageWriter",
    "Release",
    "Extraction",
    "GovpressError",
    "__version__",
]
