"""Stream rows into CSV and Parquet files, one pair per table, with declared types.

CSV: UTF-8, RFC 4180 quoting, header row, ``\\n`` line ends, no BOM; cells as
:func:`govpress.package.layout.format_cell` renders them (a null is an empty cell).

Parquet: one file per table, same rows in the same order, typed columns from the
Table Schema (:func:`govpress.package.layout.arrow_type`). No pandas metadata, so
the files are byte-identical for the same rows and the same pyarrow version.
"""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from .layout import arrow_type, format_cell
from .schemas import field_types

__all__ = ["TableWriter", "format_cell", "arrow_schema"]

_BATCH = 5000


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of ``table``'s Parquet file, derived from its Table Schema."""
    return pa.schema([pa.field(name, arrow_type(kind), nullable=True) for name, kind in field_types(table).items()])


def _arrow_value(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "number":
        return Decimal(value).quantize(Decimal("0.01"))
    return value


class TableWriter:
    """Write one table as ``<dir>/<table>.csv`` and ``<dir>/<table>.parquet`` at once.

    Use as a context manager; :meth:`write` takes dicts keyed by the schema's field
    names (missing keys are null; unknown keys raise ``KeyError``).
    """

    def __init__(self, table: str, directory: Path) -> None:
        self.table = table
        self.types = field_types(table)
        self.names = list(self.types)
        self.csv_path = Path(directory) / f"{table}.csv"
        self.parquet_path = Path(directory) / f"{table}.parquet"
        self.schema = arrow_schema(table)
        self.rows = 0
        self._batch: list[dict[str, Any]] = []
        self._csv_file = self.csv_path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._csv_file, lineterminator="\n")
        self._csv.writerow(self.names)
        self._parquet = pq.ParquetWriter(
            self.parquet_path, self.schema, compression="zstd", version="2.6",
            use_dictionary=True, write_statistics=True,
        )

    def write(self, row: dict[str, Any]) -> None:
        """Append one row to both files."""
        unknown = set(row) - set(self.types)
        if unknown:
            raise KeyError(f"{self.table}: unknown field(s) {sorted(unknown)}")
        self._csv.writerow([format_cell(row.get(n)) for n in self.names])
        self._batch.append(row)
        self.rows += 1
        if len(self._batch) >= _BATCH:
            self._flush()

    def write_all(self, rows: Iterable[dict[str, Any]]) -> None:
        """Append every row of ``rows``."""
        for row in rows:
            self.write(row)

    def _flush(self) -> None:
        if not self._batch:
            return
        columns = {
            n: pa.array([_arrow_value(k, r.get(n)) for r in self._batch], type=self.schema.field(n).type)
            for n, k in self.types.items()
        }
        self._parquet.write_table(pa.table(columns, schema=self.schema))
        self._batch = []

    def close(self) -> None:
        """Flush and close both files (an empty table still gets a header and a schema)."""
        self._flush()
        self._parquet.close()
        self._csv_file.close()

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
