"""The files the site offers for download: the package as it is, plus one zip of it.

The download folder holds ``datapackage.json``, every resource file at the path the
descriptor gives (``data/events.csv``, ``data/events.parquet``, ...) and
``<name>-<version>.zip`` with the same files under a ``<name>-<version>/`` folder.
The zip is deterministic: sorted entries, fixed timestamps (1980-01-01) and
permissions, fixed compression level.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

__all__ = ["write_downloads", "package_files", "zip_name", "ZIP_TIMESTAMP"]

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
"""Timestamp of every zip entry (the earliest a zip can hold), so two zips of the same files are identical."""


def package_files(descriptor: dict[str, Any]) -> list[str]:
    """Relative POSIX paths of the package's files: ``datapackage.json`` then each resource path, sorted.

    Raises:
        ValueError: a resource path is absolute, a URL or climbs out of the package.
    """
    paths = set()
    for res in descriptor.get("resources", []):
        raw = res.get("path")
        for p in raw if isinstance(raw, list) else [raw]:
            if not p:
                continue
            pure = PurePosixPath(p)
            if "://" in p or pure.is_absolute() or ".." in pure.parts:
                raise ValueError(f"resource path {p!r} is not a file inside the package")
            paths.add(str(pure))
    return ["datapackage.json", *sorted(paths)]


def zip_name(descriptor: dict[str, Any]) -> str:
    """``<name>-<version>.zip`` (``govpress-releases-1.0.0.zip``)."""
    name = descriptor.get("name") or "package"
    version = descriptor.get("version")
    return f"{name}-{version}.zip" if version else f"{name}.zip"


def write_downloads(descriptor: dict[str, Any], root: Path, out_dir: Path) -> dict[str, str]:
    """Copy the package from ``root`` into ``out_dir`` (created) and add the zip.

    Args:
        descriptor: the parsed ``datapackage.json`` of the package in ``root``.
        root: the package folder.
        out_dir: the download folder to fill (the caller moves it into place).
    Returns:
        ``{"descriptor": "datapackage.json", "zip": "<name>-<version>.zip"}``:
        paths relative to ``out_dir``.
    Raises:
        OSError: a package file is missing or cannot be copied.
    """
    files = package_files(descriptor)
    name = zip_name(descriptor)
    folder = name.removesuffix(".zip")
    out_dir.mkdir(parents=True, exist_ok=True)
    for rel in files:
        dest = out_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, dest)
    with zipfile.ZipFile(out_dir / name, "w") as zf:
        for rel in files:
            info = zipfile.ZipInfo(f"{folder}/{rel}", date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the host
            zf.writestr(info, (root / rel).read_bytes(), compresslevel=9)
    return {"descriptor": "datapackage.json", "zip": name}
