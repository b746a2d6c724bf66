"""The files the site offers for download: the package as it is, plus one zip of it.

The download folder holds ``datapackage.json``, every resource file at the path the
descriptor gives (``data/events.csv``, ``data/events.parquet``, ...) and
``<name>-<version>.zip`` with the same files under a ``<name>-<version>/`` folder,
preceded by a ``README.txt`` (:func:`readme_text`: what the package is, its tables,
its licence and attributions, all from the descriptor). The zip is deterministic:
fixed entry order, fixed timestamps (1980-01-01) and permissions, fixed
compression level.
"""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path, PurePosixPath
from typing import Any

from ..package.layout import DESCRIPTOR, ZIP_EPOCH, is_parquet, table_name, write_zip

__all__ = ["write_downloads", "package_files", "zip_name", "readme_text", "ZIP_TIMESTAMP", "OGL_ATTRIBUTION"]

ZIP_TIMESTAMP = ZIP_EPOCH
"""Timestamp of every zip entry (the earliest a zip can hold), so two zips of the same files are identical."""


OGL_ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
"""The attribution statement the Open Government Licence v3.0 asks re-users to give."""

_WIDTH = 78


def _para(text: str, indent: str = "") -> str:
    return textwrap.fill(" ".join(str(text).split()), width=_WIDTH, initial_indent=indent,
                         subsequent_indent=" " * len(indent), break_on_hyphens=False)


def readme_text(descriptor: dict[str, Any]) -> str:
    """The ``README.txt`` of the zip: title, version, description, one line per table
    (name, title, description, its CSV and Parquet files), the licences and the
    sources with their attributions, then :data:`OGL_ATTRIBUTION` — all taken from
    ``descriptor`` (the parsed ``datapackage.json``), so it never drifts from it.
    Plain text, ``\n`` line ends, lines of at most 78 characters (URLs aside).
    """
    title = descriptor.get("title") or descriptor.get("name") or "Data package"
    head = f"{title} (version {descriptor['version']})" if descriptor.get("version") else title
    out = [_para(head), "", _para(descriptor.get("description", "")), "",
           _para("Each table is given twice, as CSV (RFC 4180, UTF-8) and as Parquet, with the same rows; "
                 "datapackage.json is the Frictionless Data Package descriptor: the Table Schema of every "
                 "table (columns, types, keys, constraints), the licence and the sources."), "", "Tables", ""]
    files: dict[str, list[str]] = {}
    info: dict[str, dict[str, Any]] = {}
    for res in descriptor.get("resources", []):
        table = table_name(res["name"])
        files.setdefault(table, []).append(str(res.get("path", "")))
        if not is_parquet(res) or table not in info:
            info[table] = res
    for table, res in info.items():
        text = f"{table} ({', '.join(files[table])})"
        if res.get("title"):
            text += f": {res['title']}."
        if res.get("description"):
            text += " " + " ".join(str(res["description"]).split())
        out += [_para(text, indent="- ")]
    out += ["", "Licence", ""]
    for lic in descriptor.get("licenses", []):
        name = lic.get("title") or lic.get("name", "")
        out.append(_para(name, indent="- "))
        if lic.get("path"):
            out.append(f"  {lic['path']}")
    out += ["", _para(OGL_ATTRIBUTION), "", "Sources and attribution", ""]
    for src in descriptor.get("sources", []):
        text = src.get("title", "")
        if src.get("description"):
            text += ". " + " ".join(str(src["description"]).split())
        out.append(_para(text, indent="- "))
        if src.get("path"):
            out.append(f"  {src['path']}")
    return "\n".join(out) + "\n"


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
    return [DESCRIPTOR, *sorted(paths)]


def zip_name(descriptor: dict[str, Any]) -> str:
    """``<name>-<version>.zip`` (``govpress-releases-1.0.0.zip``)."""
    name = descriptor.get("name") or "package"
    version = descriptor.get("version")
    return f"{name}-{version}.zip" if version else f"{name}.zip"


def write_downloads(descriptor: dict[str, Any], root: Path, out_dir: Path) -> dict[str, str]:
    """Copy the package from ``root`` into ``out_dir`` (created) and add the zip
    (``README.txt`` first, then ``datapackage.json`` and the resource files).

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
    entries = [("README.txt", readme_text(descriptor).encode("utf-8"))]
    entries += [(rel, (root / rel).read_bytes()) for rel in files]
    write_zip(out_dir / name, ((f"{folder}/{rel}", data) for rel, data in entries), date_time=ZIP_TIMESTAMP)
    return {"descriptor": DESCRIPTOR, "zip": name}
