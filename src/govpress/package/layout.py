"""The package's conventions, each in one place: names, paths, types, cell text, hashes.

Every module that writes, reads, validates, diffs, releases or publishes a govpress
package takes these from here:

- **resource names** — each table is listed twice in ``datapackage.json``: the CSV
  resource is named as the table (``events``), the Parquet one
  ``<table>-parquet`` (:func:`parquet_name`, :func:`table_name`, :func:`is_parquet`);
- **paths** — ``datapackage.json`` beside ``data/<table>.csv`` and
  ``data/<table>.parquet`` (:data:`DESCRIPTOR`, :data:`DATA_DIR`,
  :func:`resource_path`, :func:`resolve_descriptor`, :func:`read_descriptor`);
- **types** — Table Schema type → Arrow type of the Parquet column
  (:func:`arrow_type`);
- **CSV cell text** — how a typed value is written to CSV (:func:`format_cell`);
- **CSV reading** — the header and rows of a package CSV file, streamed
  (:func:`csv_rows`);
- **hashes** — a file's ``bytes`` and ``hash`` as the descriptor declares them
  (:func:`file_digest`, :func:`file_stats`);
- **versions** — semantic versions (:data:`SEMVER`, :func:`parse_version`);
- **zips** — deterministic zip files (:func:`write_zip`).

It imports nothing of govpress but :mod:`govpress.errors`.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
import zipfile
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import PackageNotFound

__all__ = [
    "DATA_DIR", "DESCRIPTOR", "ASSERTIONS", "PARQUET_SUFFIX", "FORMATS", "MEDIATYPES",
    "parquet_name", "table_name", "is_parquet", "resource_path", "resolve_descriptor", "read_descriptor",
    "arrow_type", "format_cell", "csv_rows", "file_digest", "file_stats",
    "SEMVER", "parse_version", "ZIP_EPOCH", "write_zip",
]

DATA_DIR = "data"
"""Folder (relative to the descriptor) holding the resource files."""

DESCRIPTOR = "datapackage.json"
"""File name of the package descriptor."""

ASSERTIONS = "assertions.yaml"
"""The dataset assertions of a collection: ``<releases folder>/assertions.yaml``, copied
beside ``datapackage.json`` by ``govpress build`` (read by :mod:`govpress.validate.assertions`)."""

PARQUET_SUFFIX = "-parquet"
"""Suffix of a Parquet resource's name (``events-parquet``)."""

FORMATS = ("csv", "parquet")
"""The formats every table is written in, in descriptor order."""

MEDIATYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
"""Media type of each format's files."""

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
"""A semantic version ``MAJOR.MINOR.PATCH`` (optional pre-release and build parts)."""

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
"""The earliest timestamp a zip entry can hold: the default stamp of every entry."""

csv.field_size_limit(sys.maxsize)  # release bodies are long cells


def parquet_name(table: str) -> str:
    """Name of the Parquet resource of ``table`` (``events`` → ``events-parquet``)."""
    return f"{table}{PARQUET_SUFFIX}"


def table_name(resource: str) -> str:
    """The table a resource name belongs to (``events-parquet`` → ``events``, ``events`` → ``events``)."""
    return resource.removesuffix(PARQUET_SUFFIX)


def is_parquet(resource: dict[str, Any]) -> bool:
    """True when the resource descriptor ``resource`` (a dict) is a Parquet file (by ``format`` or path)."""
    return resource.get("format") == "parquet" or str(resource.get("path", "")).endswith(".parquet")


def resource_path(table: str, fmt: str) -> str:
    """POSIX path of a table's file relative to the descriptor: ``data/<table>.<fmt>``."""
    return f"{DATA_DIR}/{table}.{fmt}"


def resolve_descriptor(path: str | Path) -> Path:
    """``path`` itself, or ``path/datapackage.json`` when ``path`` is a folder (nothing is checked)."""
    p = Path(path)
    return p / DESCRIPTOR if p.is_dir() else p


def read_descriptor(path: str | Path) -> tuple[Path, dict[str, Any]]:
    """``(descriptor_path, parsed)`` for a ``datapackage.json`` or the folder holding it.

    Raises:
        PackageNotFound: no descriptor there, or it is not JSON.
    """
    p = resolve_descriptor(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PackageNotFound(f"no readable data package at {p}: {exc}") from exc
    if not isinstance(data, dict):
        raise PackageNotFound(f"no readable data package at {p}: not a JSON object")
    return p, data


@lru_cache(maxsize=None)
def _arrow_types() -> dict[str, Any]:
    import pyarrow as pa

    return {
        "string": pa.string(),
        "date": pa.date32(),
        "integer": pa.int64(),
        "number": pa.decimal128(20, 2),
        "boolean": pa.bool_(),
    }


def arrow_type(kind: str) -> Any:
    """The Arrow type of a Parquet column of Table Schema type ``kind``.

    ``string`` → ``string``, ``date`` → ``date32`` (no time, no zone), ``integer`` →
    ``int64`` (nullable, never float), ``number`` → ``decimal128(20, 2)`` (exact),
    ``boolean`` → ``bool``; any other type is stored as a string.
    """
    types = _arrow_types()
    return types.get(kind, types["string"])


def format_cell(value: Any, *, floats: bool = False) -> str:
    """The CSV text of one typed value, as the package writes it.

    ``None`` → ``""`` (the only missing value); booleans ``true``/``false``;
    :class:`~decimal.Decimal` in plain notation without trailing zeros
    (``1500000000``, ``1.5``, never ``1.5E+9``); ``int`` and ``str`` as they are;
    dates ISO 8601.

    Args:
        value: the value.
        floats: accept a ``float`` and render it with ``repr`` (``500000000.0``, so it
            never passes for an integer) — for comparing other formats' values;
            the writer never writes floats.
    Raises:
        TypeError: any other type (a float unless ``floats``).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if floats and isinstance(value, float):
        return repr(value)
    raise TypeError(f"cannot write a {type(value).__name__} to CSV: {value!r}")


def csv_rows(path: Path) -> Iterator[list[str]]:
    """Stream the rows of a package CSV file as lists of cell texts, the header first.

    Raises:
        OSError, UnicodeDecodeError, csv.Error: the file cannot be read as CSV.
    """
    with Path(path).open(encoding="utf-8", newline="") as f:
        yield from csv.reader(f)


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest of the file ``path`` (read in 1 MiB chunks) with ``algorithm`` (a hashlib name).

    Raises:
        OSError: the file cannot be read. ValueError: unknown algorithm.
    """
    digest = hashlib.new(algorithm)
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_stats(path: Path) -> dict[str, Any]:
    """``{"bytes": size, "hash": "sha256:<hex>"}`` of a file, as a resource declares them.

    Raises:
        OSError: the file cannot be read.
    """
    return {"bytes": Path(path).stat().st_size, "hash": f"sha256:{file_digest(path)}"}


def parse_version(text: str | None) -> tuple[int, int, int] | None:
    """``"1.2.3"`` (optionally ``-pre``/``+build``) → ``(1, 2, 3)``; ``None`` if not a :data:`SEMVER`."""
    if not isinstance(text, str):
        return None
    match = SEMVER.match(text)
    if match is None:
        return None
    return int(match[1]), int(match[2]), int(match[3])


def write_zip(zip_path: Path, entries: Iterable[tuple[str, bytes]], *,
              date_time: tuple[int, int, int, int, int, int] = ZIP_EPOCH) -> None:
    """Write a deterministic zip: the ``(name, data)`` entries in the order given.

    Every entry is deflated at level 9, stamped ``date_time`` (default
    :data:`ZIP_EPOCH`), with permissions ``0644`` and a Unix host, whatever the
    machine, so the same entries give the same bytes.

    Raises:
        OSError: the file cannot be written.
    """
    with zipfile.ZipFile(zip_path, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix
            zf.writestr(info, data, compresslevel=9)
