"""Build the SQLite database Datasette serves, from the rows of a data package.

The rows are read from the package's Parquet files (typed by the same declared
Table Schema as the CSV files; a valid package holds the same rows in both). Each
table becomes one SQLite table with:

- the declared column types: ``string`` and ``date`` → ``TEXT`` (dates ISO
  ``YYYY-MM-DD``), ``integer`` and ``boolean`` → ``INTEGER``, ``number`` →
  ``NUMERIC`` (a whole amount is stored as an exact INTEGER, never a rounded float;
  a fractional one keeps its exact value up to 15 significant digits);
  a required field is ``NOT NULL``; an empty cell is ``NULL``, never ``''``;
- the declared primary key and foreign keys (so Datasette links rows both ways);
- an index on every foreign-key column and on every facet and sort column;
- FTS5 full-text search (``unicode61 remove_diacritics 2``: "Prevot" finds
  "Prévot") on the columns ``site.yaml`` lists;
- for officials and events, a generated ``label`` column (``GENERATED ALWAYS AS
  (...) VIRTUAL``, the expression from ``site.yaml``) that Datasette shows wherever a
  foreign key points at the row, placed right after the primary key so table pages
  start with a readable name. Being generated, it is not listed by ``PRAGMA
  table_info``;
- for the tables whose ``site.yaml`` entry has ``release_columns``, those columns
  copied from the row's release (``published_date``, so commitments can be listed
  newest first), after the package's own columns. They are the only columns beside
  the package's, and are described as such on the site.

The file is deterministic (same package → same bytes with the same SQLite);
:func:`govpress.publish.publish` builds it in a temporary folder beside the
destination and moves it into place only when the whole site is written.
"""
from __future__ import annotations

import datetime as _dt
import decimal
from pathlib import Path
from typing import Any, Iterator

import pyarrow.parquet as pq
import sqlite_utils

from ..package.layout import is_parquet, parquet_name
from ..settings import TABLES
from .config import foreign_key_map, site_config

__all__ = ["build_database", "create_table_sql", "FTS_TOKENIZE", "SQL_TYPES"]

FTS_TOKENIZE = "unicode61 remove_diacritics 2"
"""FTS5 tokenizer: Unicode word characters, case- and diacritic-folded."""

SQL_TYPES = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "boolean": "INTEGER", "number": "NUMERIC",
             "datetime": "TEXT", "year": "INTEGER"}
"""Table Schema field type → SQLite column type."""

_BATCH = 1000


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(table: str, schema: dict[str, Any], *, label: str | None = None) -> str:
    """``CREATE TABLE`` for ``table`` from its Table Schema (a ``datapackage.json`` schema dict).

    Types follow :data:`SQL_TYPES`; ``constraints.required`` → ``NOT NULL``;
    ``primaryKey`` and single-field ``foreignKeys`` are declared. With ``label`` (an
    SQL expression over the table's columns), a generated column
    ``label TEXT GENERATED ALWAYS AS (<label>) VIRTUAL`` follows the (single-column)
    primary key, or ends the table when the key has several columns.

    (sqlite-utils' ``create_table`` has no ``NUMERIC`` column type, which the exact
    ``amount`` needs, so the statement is written here; everything else goes
    through sqlite-utils.)

    Raises:
        KeyError: a field has a type not in :data:`SQL_TYPES`.
    """
    pk = list(schema.get("primaryKey") or [])
    refs = foreign_key_map(schema)
    lines = []
    label_after = pk[0] if len(pk) == 1 else None
    for field in schema["fields"]:
        name = field["name"]
        parts = [_quote(name), SQL_TYPES[field.get("type", "string")]]
        if len(pk) == 1 and pk[0] == name:
            parts.append("PRIMARY KEY")
        if field.get("constraints", {}).get("required") or name in pk:
            parts.append("NOT NULL")
        if name in refs:
            parts.append(f"REFERENCES {_quote(refs[name][0])}({_quote(refs[name][1])})")
        lines.append("   " + " ".join(parts))
        if label and name == label_after:
            lines.append(f'   "label" TEXT GENERATED ALWAYS AS ({" ".join(label.split())}) VIRTUAL')
    if label and label_after is None:
        lines.append(f'   "label" TEXT GENERATED ALWAYS AS ({" ".join(label.split())}) VIRTUAL')
    if len(pk) > 1:
        lines.append(f"   PRIMARY KEY ({', '.join(_quote(p) for p in pk)})")
    return f"CREATE TABLE {_quote(table)} (\n" + ",\n".join(lines) + "\n)"


def _sql_value(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "number":
        if isinstance(value, float):  # not written by govpress; keep what is exact
            value = decimal.Decimal(repr(value))
        value = decimal.Decimal(value)
        if value == value.to_integral_value():
            return int(value)
        return format(value.normalize(), "f")  # NUMERIC affinity keeps it exact (<= 15 digits)
    if kind == "boolean":
        return int(bool(value))
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def _rows(path: Path, schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    kinds = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    parquet = pq.ParquetFile(path)
    for batch in parquet.iter_batches(batch_size=_BATCH):
        for raw in batch.to_pylist():
            yield {name: _sql_value(kind, raw.get(name)) for name, kind in kinds.items()}


def _parquet_resource(descriptor: dict[str, Any], table: str) -> dict[str, Any]:
    by_name = {r["name"]: r for r in descriptor.get("resources", [])}
    for name in (parquet_name(table), table):
        res = by_name.get(name)
        if res and is_parquet(res):
            return res
    raise KeyError(f"the package has no Parquet resource for table {table!r}")


def _add_release_columns(db: sqlite_utils.Database, table: str, columns: dict[str, dict[str, Any]]) -> None:
    """Add ``columns`` ({name: {from: <releases column>}}) to ``table``, filled from the row's release."""
    for name, spec in columns.items():
        source = spec["from"]
        db.execute(f"ALTER TABLE {_quote(table)} ADD COLUMN {_quote(name)} TEXT")
        db.execute(f"UPDATE {_quote(table)} SET {_quote(name)} = (SELECT r.{_quote(source)} FROM releases r "
                   f"WHERE r.release_id = {_quote(table)}.release_id)")


def build_database(descriptor: dict[str, Any], root: Path, db_path: Path) -> dict[str, int]:
    """Write the SQLite database of the package to ``db_path`` (which must not exist yet).

    Args:
        descriptor: the parsed ``datapackage.json``.
        root: the package folder (resource paths are relative to it).
        db_path: where to create the database; the caller moves it into place.
    Returns:
        Rows per table, in :data:`govpress.settings.TABLES` order.
    Raises:
        KeyError: a table of the package has no Parquet resource.
        OSError, sqlite3.Error: the file cannot be written.
    """
    tables_cfg = site_config()["tables"]
    counts: dict[str, int] = {}
    db = sqlite_utils.Database(db_path)
    try:
        db.execute("PRAGMA journal_mode = DELETE")
        for table in TABLES:
            res = _parquet_resource(descriptor, table)
            schema = res["schema"]
            label = tables_cfg.get(table, {}).get("label")
            db.execute(create_table_sql(table, schema, label=label["sql"] if label else None))
            db[table].insert_all(_rows(root / res["path"], schema), batch_size=_BATCH, alter=False)
            counts[table] = db[table].count
            _add_release_columns(db, table, tables_cfg.get(table, {}).get("release_columns") or {})
        for table in TABLES:
            cfg = tables_cfg.get(table, {})
            columns = [c for c in [*cfg.get("facets", []), cfg.get("sort"), cfg.get("sort_desc"),
                                   *cfg.get("release_columns", {})] if c]
            for column in dict.fromkeys(columns):
                db[table].create_index([column], if_not_exists=True)
            if cfg.get("fts"):
                db[table].enable_fts(cfg["fts"], fts_version="FTS5", tokenize=FTS_TOKENIZE)
        db.index_foreign_keys()
        db.execute("ANALYZE")
        db.conn.commit()
        db.vacuum()
    finally:
        db.close()
    return counts
