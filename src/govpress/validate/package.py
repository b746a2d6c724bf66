"""Read a data package for validation: the descriptor, its tables, typed CSV rows.

A govpress package lists each table twice, as a CSV and a Parquet resource (named
as :mod:`govpress.package.layout` says). :class:`PackageView` pairs the two resources of each
table and streams CSV rows, parsed by the declared field types, one at a time.

Row numbers follow frictionless: the header is row 1, the first data row is row 2.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

from ..package.layout import csv_rows, is_parquet, parquet_name, resolve_descriptor, table_name
from .problems import Problem

__all__ = ["PackageView", "TableView", "INVALID", "parse_cell", "load_package", "resolve_descriptor", "FIRST_ROW"]

FIRST_ROW = 2
"""Row number of the first data row (frictionless counts the header as row 1)."""


class _Invalid:
    """Marker for a CSV cell that does not parse as its declared type (layer 1 reports it)."""

    def __repr__(self) -> str:
        return "INVALID"

    def __bool__(self) -> bool:
        return False


INVALID: Any = _Invalid()
"""The value of a cell whose text does not parse as its field's type."""


def parse_cell(kind: str, text: str) -> Any:
    """Parse one CSV cell ``text`` as Table Schema type ``kind``.

    Returns ``None`` for an empty cell (the only missing value), a ``str``, ``int``,
    :class:`~decimal.Decimal`, :class:`~datetime.date` or ``bool``; :data:`INVALID`
    when the text does not parse (the schema layer reports that cell).
    """
    if text == "":
        return None
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return Decimal(text)
        if kind == "date":
            if len(text) != 10:
                return INVALID
            return date.fromisoformat(text)
        if kind == "boolean":
            return {"true": True, "false": False}.get(text, INVALID)
    except (ValueError, InvalidOperation):
        return INVALID
    return text


@dataclass
class TableView:
    """One table of a package: its CSV resource and its Parquet twin.

    Attributes:
        name: table name (the CSV resource's name, e.g. ``events``).
        csv: the CSV resource descriptor (dict) or ``None``.
        parquet: the Parquet resource descriptor or ``None``.
        root: package directory (resource paths are relative to it).
    """

    name: str
    root: Path
    csv: dict[str, Any] | None = None
    parquet: dict[str, Any] | None = None

    @property
    def schema(self) -> dict[str, Any]:
        """The Table Schema (of the CSV resource, else of the Parquet one)."""
        res = self.csv or self.parquet or {}
        schema = res.get("schema")
        return schema if isinstance(schema, dict) else {}

    @property
    def fields(self) -> list[dict[str, Any]]:
        """The schema's fields (dicts with ``name`` and ``type``)."""
        return [f for f in self.schema.get("fields", []) if isinstance(f, dict) and "name" in f]

    @property
    def types(self) -> dict[str, str]:
        """Field name → Table Schema type, in schema order."""
        return {f["name"]: f.get("type", "string") for f in self.fields}

    @property
    def primary_key(self) -> list[str]:
        """The primary key's field names (``[]`` when none is declared)."""
        pk = self.schema.get("primaryKey") or []
        return [pk] if isinstance(pk, str) else list(pk)

    @property
    def parquet_name(self) -> str:
        """Name of the Parquet resource."""
        return str(self.parquet["name"]) if self.parquet else parquet_name(self.name)

    def path(self, fmt: str) -> Path | None:
        """Local path of the ``csv`` or ``parquet`` file, or ``None`` when not declared."""
        res = self.csv if fmt == "csv" else self.parquet
        if not res or not isinstance(res.get("path"), str):
            return None
        return self.root / res["path"]

    def csv_rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Stream ``(row_number, row)`` from the CSV file, cells parsed by declared type.

        Columns are taken from the file's header; a header name the schema does not
        declare is read as a string. Yields nothing when the file is missing
        (the schema layer reports it).
        """
        path = self.path("csv")
        if path is None or not path.is_file():
            return
        types = self.types
        reader = csv_rows(path)
        try:
            header = next(reader)
        except (StopIteration, UnicodeDecodeError, csv.Error):
            return
        kinds = [types.get(name, "string") for name in header]
        number = FIRST_ROW
        try:
            for cells in reader:
                yield number, {
                    name: parse_cell(kind, cells[i] if i < len(cells) else "")
                    for i, (name, kind) in enumerate(zip(header, kinds))
                }
                number += 1
        except (UnicodeDecodeError, csv.Error):
            return
        finally:
            reader.close()


@dataclass
class PackageView:
    """A package on disk: ``descriptor`` (the parsed ``datapackage.json``) and its tables."""

    path: Path
    descriptor: dict[str, Any]
    tables: dict[str, TableView] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        """The package directory."""
        return self.path.parent

    @property
    def version(self) -> str | None:
        """The descriptor's ``version`` (semver string) or ``None``."""
        v = self.descriptor.get("version")
        return v if isinstance(v, str) else None

    def table(self, name: str) -> TableView | None:
        """The table called ``name`` or ``None``."""
        return self.tables.get(name)


def load_package(path: str | Path) -> tuple[PackageView | None, list[Problem]]:
    """Read the descriptor at ``path`` (a ``datapackage.json`` or its folder).

    Returns the :class:`PackageView` (``None`` when the descriptor cannot be read)
    and the ``package-error`` problems found while reading it. Never raises for a
    bad package.
    """
    descriptor = resolve_descriptor(path)
    try:
        data = json.loads(descriptor.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [Problem("package-error", f"no descriptor at {descriptor}")]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Problem("package-error", f"cannot read {descriptor}: {exc}")]
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        return None, [Problem("package-error", f"{descriptor} is not a data package descriptor (no resources list)")]
    view = PackageView(descriptor.resolve(), data)
    for res in data["resources"]:
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            continue
        name = res["name"]
        parquet = is_parquet(res)
        table = table_name(name) if parquet else name
        tv = view.tables.setdefault(table, TableView(table, view.root))
        if parquet:
            tv.parquet = res
        else:
            tv.csv = res
    return view, []
