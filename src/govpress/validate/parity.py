"""Parity: CSV, Parquet (and the SQLite database) hold the same rows, with their types.

For every table, the Parquet file (and, when given, the SQLite table of the same
name, without the ``-parquet`` suffix) is compared with the CSV file:

- ``parity-columns``: the same columns in the same order as the declared schema
  (an SQLite table may add display columns after them: the site's database copies
  the release's ``published_date`` in for sorting);
- ``parity-type``: each Parquet column has the declared type's Arrow type
  (:func:`govpress.package.layout.arrow_type`); in SQLite each value's storage class fits its type
  (text for strings and ISO dates, integer for integers and booleans, never
  ``500000000.0`` for an integer, ``"00445790"`` stays text);
- ``parity-row-count``: the same number of rows (when they differ, the primary
  keys present in one format only are listed as ``parity-value`` problems);
- ``parity-null``: an empty CSV cell is a Parquet null and an SQLite ``NULL`` —
  never ``''`` in one and ``NULL`` in another;
- ``parity-value``: row by row, in the same order, every cell renders to the same
  CSV text (the rendering of :func:`govpress.package.layout.format_cell`).

Files are streamed in batches; nothing holds a whole table except the primary keys
when row counts differ.
"""
from __future__ import annotations

import csv
import sqlite3
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

from ..package.layout import arrow_type, csv_rows, format_cell
from .package import FIRST_ROW, PackageView, TableView
from .problems import Problem

__all__ = ["parquet_problems", "sqlite_problems", "render"]

_BATCH = 2000


def render(value: Any) -> str:
    """A value of another format as the package writes it to CSV (floats with ``repr``)."""
    return format_cell(value, floats=True)


def _csv_header(path: Path) -> list[str]:
    rows = csv_rows(path)
    try:
        return next(rows, [])
    finally:
        rows.close()


def _csv_rows(path: Path) -> Iterator[list[str]]:
    """The data rows of a CSV file (header skipped), streamed."""
    rows = csv_rows(path)
    next(rows, None)
    yield from rows


def _csv_count(path: Path) -> int:
    return sum(1 for _ in _csv_rows(path))


def _show(text: str, n: int = 50) -> str:
    return repr(text if len(text) <= n else text[:n] + "…")


class _Comparer:
    """Row-by-row comparison of the CSV text with another format's values."""

    def __init__(self, tv: TableView, other: str, header: list[str], columns: list[str]) -> None:
        self.tv = tv
        self.other = other  # resource name reported for the other format
        self.header = header
        self.columns = columns  # the other format's columns, in order
        self.problems: list[Problem] = []

    def compare(self, number: int, cells: list[str], values: dict[str, Any], compared: list[str]) -> None:
        for name in compared:
            i = self.header.index(name)
            text = cells[i] if i < len(cells) else ""
            value = values.get(name)
            if value == "":
                self.problems.append(Problem("parity-null", f"{self.other} holds '' where a null belongs "
                                             f"(CSV cell {_show(text)})", resource=self.other, row=number,
                                             field=name, layer="parity"))
                continue
            if (text == "") != (value is None):
                self.problems.append(Problem(
                    "parity-null", f"CSV {'empty (null)' if text == '' else _show(text)}, "
                    f"{self.other} {'null' if value is None else _show(render(value))}",
                    resource=self.other, row=number, field=name, layer="parity"))
                continue
            if value is not None and not self._equal(name, text, value):
                self.problems.append(Problem("parity-value", f"CSV {_show(text)}, {self.other} {_show(render(value))}",
                                             resource=self.other, row=number, field=name, layer="parity"))

    def _equal(self, name: str, text: str, value: Any) -> bool:
        return render(value) == text


class _SqliteComparer(_Comparer):
    def _equal(self, name: str, text: str, value: Any) -> bool:
        kind = self.tv.types.get(name, "string")
        if kind == "number" and isinstance(value, (int, float, str)) and not isinstance(value, bool):
            try:
                return Decimal(str(value)).quantize(Decimal("0.01")) == Decimal(text).quantize(Decimal("0.01"))
            except InvalidOperation:
                return False
        if kind == "boolean" and isinstance(value, int):
            return {1: "true", 0: "false"}.get(value) == text
        return render(value) == text


def _pk_difference(tv: TableView, other: str, csv_path: Path, other_keys: Iterator[tuple]) -> list[Problem]:
    """Primary keys present in the CSV only or in the other format only."""
    header, rows = _csv_header(csv_path), _csv_rows(csv_path)
    pk = tv.primary_key
    if not pk or any(k not in header for k in pk):
        return []
    idx = [header.index(k) for k in pk]
    csv_keys = {tuple(r[i] if i < len(r) else "" for i in idx) for r in rows}
    theirs = {tuple(render(v) for v in key) for key in other_keys}
    out = []
    for key in sorted(csv_keys - theirs):
        out.append(Problem("parity-value", f"row with {dict(zip(pk, key))} is in the CSV but not in {other}",
                           resource=other, layer="parity"))
    for key in sorted(theirs - csv_keys):
        out.append(Problem("parity-value", f"row with {dict(zip(pk, key))} is in {other} but not in the CSV",
                           resource=other, layer="parity"))
    return out


def _table_parquet(tv: TableView) -> list[Problem]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = tv.parquet_name
    csv_path, pq_path = tv.path("csv"), tv.path("parquet")
    if csv_path is None or pq_path is None or not csv_path.is_file() or not pq_path.is_file():
        return []  # reported as resource-missing
    try:
        pf = pq.ParquetFile(pq_path)
        arrow_schema = pf.schema_arrow
    except (OSError, pa.ArrowException) as exc:
        return [Problem("parity-unreadable", f"cannot read the Parquet file: {exc}", resource=name, layer="parity")]
    problems: list[Problem] = []
    declared = list(tv.types)
    names = list(arrow_schema.names)
    header = _csv_header(csv_path)
    if names != declared:
        problems.append(Problem("parity-columns", f"Parquet columns {names} differ from the declared fields {declared}",
                                resource=name, layer="parity"))
    if header != names:
        problems.append(Problem("parity-columns", f"CSV header {header} and Parquet columns {names} differ",
                                resource=name, layer="parity"))
    comparable = []
    for fname in names:
        kind = tv.types.get(fname)
        if kind is None:
            continue
        actual, expected = arrow_schema.field(fname).type, arrow_type(kind)
        if actual != expected:
            problems.append(Problem("parity-type", f"Parquet type {actual} where a {kind} ({expected}) belongs",
                                    resource=name, field=fname, layer="parity"))
        elif fname in header:
            comparable.append(fname)
    n_csv, n_pq = _csv_count(csv_path), pf.metadata.num_rows
    if n_csv != n_pq:
        problems.append(Problem("parity-row-count", f"CSV has {n_csv} rows, Parquet {n_pq}", resource=name, layer="parity"))
        pk = tv.primary_key
        if pk and all(k in names for k in pk):
            def keys() -> Iterator[tuple]:
                for batch in pf.iter_batches(batch_size=_BATCH, columns=pk):
                    yield from zip(*(batch.column(k).to_pylist() for k in pk))
            problems.extend(_pk_difference(tv, name, csv_path, keys()))
        return problems
    comparer = _Comparer(tv, name, header, names)
    rows = _csv_rows(csv_path)
    number = FIRST_ROW
    for batch in pf.iter_batches(batch_size=_BATCH, columns=comparable):
        for values in batch.to_pylist():
            comparer.compare(number, next(rows, []), values, comparable)
            number += 1
    rows.close()
    return problems + comparer.problems


def parquet_problems(view: PackageView) -> list[Problem]:
    """Compare each table's Parquet file with its CSV file (see the module docstring).

    Returns problems of layer ``parity`` located at the Parquet resource; a file that
    cannot be read is a ``parity-unreadable`` problem, never an exception.
    """
    import pyarrow as pa

    problems: list[Problem] = []
    for tv in view.tables.values():
        if tv.csv is not None and tv.parquet is not None:
            try:
                problems.extend(_table_parquet(tv))
            except (OSError, UnicodeDecodeError, csv.Error, ValueError, pa.ArrowException) as exc:
                problems.append(_unreadable(tv.parquet_name, exc))
    return problems


def _unreadable(resource: str, exc: Exception) -> Problem:
    return Problem("parity-unreadable", f"cannot compare the formats: {type(exc).__name__}: {exc}"[:300],
                   resource=resource, layer="parity")


_SQLITE_CLASS = {"string": (str,), "date": (str,), "integer": (int,), "boolean": (int,),
                 "number": (int, float)}


def _table_sqlite(tv: TableView, con: sqlite3.Connection) -> list[Problem]:
    name = tv.name
    csv_path = tv.path("csv")
    if csv_path is None or not csv_path.is_file():
        return []
    exists = con.execute("select 1 from sqlite_master where type in ('table', 'view') and name = ?", (name,)).fetchone()
    if not exists:
        return [Problem("parity-row-count", f"the database has no table {name!r}", resource=f"sqlite:{name}", layer="parity")]
    res = f"sqlite:{name}"
    columns = [r[1] for r in con.execute(f"pragma table_info([{name}])")]
    header = _csv_header(csv_path)
    problems: list[Problem] = []
    if columns[:len(header)] != header:
        problems.append(Problem("parity-columns", f"SQLite columns {columns} and CSV header {header} differ",
                                resource=res, layer="parity"))
    common = [c for c in columns if c in header]
    n_db = con.execute(f"select count(*) from [{name}]").fetchone()[0]
    n_csv = _csv_count(csv_path)
    select = ", ".join(f"[{c}]" for c in common) or "1"
    if n_db != n_csv:
        problems.append(Problem("parity-row-count", f"CSV has {n_csv} rows, SQLite {n_db}", resource=res, layer="parity"))
        pk = tv.primary_key
        if pk and all(k in columns for k in pk):
            cur = con.execute(f"select {', '.join(f'[{k}]' for k in pk)} from [{name}]")
            problems.extend(_pk_difference(tv, res, csv_path, iter(cur)))
        return problems
    try:
        cur = con.execute(f"select {select} from [{name}] order by rowid")
    except sqlite3.OperationalError:  # a WITHOUT ROWID table keeps insertion order only by key
        cur = con.execute(f"select {select} from [{name}]")
    comparer = _SqliteComparer(tv, res, header, common)
    bad_type: set[str] = set()
    rows = _csv_rows(csv_path)
    number = FIRST_ROW
    for record in cur:
        values = dict(zip(common, record))
        for col, value in values.items():
            kind = tv.types.get(col, "string")
            allowed = _SQLITE_CLASS.get(kind, (str,))
            if value is not None and col not in bad_type and (
                    not isinstance(value, allowed) or (kind == "boolean" and value not in (0, 1))):
                bad_type.add(col)
                problems.append(Problem("parity-type", f"SQLite holds {type(value).__name__} {_show(str(value))} "
                                        f"where a {kind} belongs", resource=res, row=number, field=col, layer="parity"))
        comparer.compare(number, next(rows, []), values, [c for c in common if c not in bad_type])
        number += 1
    rows.close()
    return problems + comparer.problems


def sqlite_problems(view: PackageView, db: Path) -> list[Problem]:
    """Compare each table of the SQLite database ``db`` with the package's CSV files.

    Tables in the database are named as the CSV resources (``events``). The
    database is opened read-only. Problems are located at resource ``sqlite:<table>``.
    """
    db = Path(db)
    if not db.is_file():
        return [Problem("package-error", f"no database at {db}", layer="parity")]
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [Problem("package-error", f"cannot open {db}: {exc}", layer="parity")]
    try:
        problems: list[Problem] = []
        for tv in view.tables.values():
            if tv.csv is not None:
                try:
                    problems.extend(_table_sqlite(tv, con))
                except (OSError, UnicodeDecodeError, csv.Error, ValueError) as exc:
                    problems.append(_unreadable(f"sqlite:{tv.name}", exc))
        return problems
    except sqlite3.Error as exc:
        return [Problem("package-error", f"cannot read {db}: {exc}", layer="parity")]
    finally:
        con.close()
