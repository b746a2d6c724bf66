"""What changed between two packages: schema changes (classified) and row deltas.

:func:`schema_changes` compares the Table Schemas of two descriptors, table by
table (the CSV resources; each Parquet resource carries the same schema):

============================================  ========
change                                        level
============================================  ========
table removed                                 major
field removed, or renamed                     major
field type changed                            major
enum narrowed (a value no longer allowed)     major
primary key changed                           major
field no longer required                      major (consumers relied on a value)
table added                                   minor
field added                                   minor
enum widened, other constraints, field order  minor
foreign keys changed                          minor
title / description / format changed          patch
============================================  ========

A removed field and an added field at the same position with the same type are
reported as one rename. :func:`diff_packages` adds the row deltas: per table, rows
matched by primary key are ``ADD`` (only in the new package), ``DEL`` (only in the
old) or ``MOD`` (in both, some value differs); values are compared as CSV text.

Records are JSON objects, one per line (:meth:`PackageDiff.write_records`)::

    {"table": "events", "op": "MOD", "key": {"event_id": "…/event/3"},
     "changes": {"timing": ["same_day", "after"]}}
    {"table": "officials", "op": "ADD", "key": {"official_id": "magnus-brunner"},
     "row": {"official_id": "magnus-brunner", "name": "Magnus Brunner", …}}

Values are the CSV cells (text), ``null`` for an empty cell. Output is
deterministic: tables in the new package's order, records sorted by key.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, TextIO

from ..package.layout import csv_rows, is_parquet, parse_version, read_descriptor

__all__ = ["SchemaChange", "TableDelta", "PackageDiff", "schema_changes", "diff_packages", "read_descriptor",
           "parse_version", "bump_level", "LEVELS"]

LEVELS = ("patch", "minor", "major")
"""Change levels, from least to most significant."""


def bump_level(old: str | None, new: str | None) -> str | None:
    """The level of the version bump from ``old`` to ``new``: ``major``, ``minor``,
    ``patch``, ``none`` (same version) or ``None`` (a version missing, not semver, or
    going backwards)."""
    a, b = parse_version(old), parse_version(new)
    if a is None or b is None or b < a:
        return None
    if b[0] > a[0]:
        return "major"
    if b[1] > a[1]:
        return "minor"
    if b[2] > a[2]:
        return "patch"
    return "none"


@dataclass(frozen=True)
class SchemaChange:
    """One difference between two Table Schemas.

    Attributes:
        table: table (CSV resource) name.
        field: field name, or ``None`` for a table-level change.
        kind: ``table-added``, ``table-removed``, ``field-added``, ``field-removed``,
            ``field-renamed``, ``type-changed``, ``enum-narrowed``, ``enum-widened``,
            ``required-dropped``, ``constraint-changed``, ``primary-key-changed``,
            ``foreign-keys-changed``, ``field-order-changed``, ``metadata-changed``.
        level: ``major`` (breaking), ``minor`` or ``patch``.
        message: what changed, in words.
    """

    table: str
    field: str | None
    kind: str
    level: str
    message: str

    @property
    def breaking(self) -> bool:
        """True for a change that needs a major version."""
        return self.level == "major"

    def to_json(self) -> dict[str, Any]:
        """The change as a JSON-ready dict."""
        return {"table": self.table, "field": self.field, "kind": self.kind, "level": self.level,
                "message": self.message}


def _csv_tables(descriptor: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """CSV resources by name (the Parquet twins carry the same schema)."""
    out = {}
    for res in descriptor.get("resources", []):
        if isinstance(res, dict) and res.get("format", "csv") == "csv" and not is_parquet(res):
            out[res["name"]] = res
    return out


def _enum(f: dict[str, Any]) -> list[Any] | None:
    c = f.get("constraints") or {}
    if "enum" in c:
        return list(c["enum"])
    if "categories" in f:
        return [x["value"] if isinstance(x, dict) else x for x in f["categories"]]
    return None


def _field_changes(table: str, old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    name = new["name"]
    out: list[SchemaChange] = []
    if old.get("type", "string") != new.get("type", "string"):
        out.append(SchemaChange(table, name, "type-changed", "major",
                                f"{table}.{name}: type {old.get('type', 'string')} → {new.get('type', 'string')}"))
    e_old, e_new = _enum(old), _enum(new)
    if e_old is not None or e_new is not None:
        removed = [v for v in (e_old or []) if e_new is not None and v not in e_new]
        added = [v for v in (e_new or []) if e_old is not None and v not in e_old]
        if e_old is not None and e_new is None:
            out.append(SchemaChange(table, name, "enum-widened", "minor", f"{table}.{name}: enum constraint dropped"))
        elif e_old is None and e_new is not None:
            out.append(SchemaChange(table, name, "enum-narrowed", "major",
                                    f"{table}.{name}: values now limited to {e_new}"))
        else:
            if removed:
                out.append(SchemaChange(table, name, "enum-narrowed", "major",
                                        f"{table}.{name}: enum values removed {removed}"))
            if added:
                out.append(SchemaChange(table, name, "enum-widened", "minor",
                                        f"{table}.{name}: enum values added {added}"))
    c_old = {k: v for k, v in (old.get("constraints") or {}).items() if k != "enum"}
    c_new = {k: v for k, v in (new.get("constraints") or {}).items() if k != "enum"}
    if c_old.get("required") and not c_new.get("required"):
        out.append(SchemaChange(table, name, "required-dropped", "major",
                                f"{table}.{name}: no longer required (may now be empty)"))
    for key in sorted((set(c_old) | set(c_new)) - {"required"}):
        if c_old.get(key) != c_new.get(key):
            out.append(SchemaChange(table, name, "constraint-changed", "minor",
                                    f"{table}.{name}: constraint {key} {c_old.get(key)!r} → {c_new.get(key)!r}"))
    if not c_old.get("required") and c_new.get("required"):
        out.append(SchemaChange(table, name, "constraint-changed", "minor", f"{table}.{name}: now required"))
    for key in ("title", "description", "format", "missingValues"):
        if old.get(key) != new.get(key):
            out.append(SchemaChange(table, name, "metadata-changed", "patch", f"{table}.{name}: {key} changed"))
    return out


def _table_changes(table: str, old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    out: list[SchemaChange] = []
    o_fields = [f for f in old.get("fields", []) if isinstance(f, dict)]
    n_fields = [f for f in new.get("fields", []) if isinstance(f, dict)]
    o_names, n_names = [f["name"] for f in o_fields], [f["name"] for f in n_fields]
    removed = [n for n in o_names if n not in n_names]
    added = [n for n in n_names if n not in o_names]
    renamed: dict[str, str] = {}
    for r in removed:
        i = o_names.index(r)
        cands = [a for a in added if a not in renamed.values() and n_names.index(a) == i
                 and n_fields[i].get("type", "string") == o_fields[i].get("type", "string")]
        if cands:
            renamed[r] = cands[0]
    for r in removed:
        if r in renamed:
            out.append(SchemaChange(table, r, "field-renamed", "major", f"{table}.{r} renamed to {renamed[r]}"))
        else:
            out.append(SchemaChange(table, r, "field-removed", "major", f"{table}.{r} removed"))
    for a in added:
        if a not in renamed.values():
            out.append(SchemaChange(table, a, "field-added", "minor", f"{table}.{a} added"))
    by_old = {f["name"]: f for f in o_fields}
    for f in n_fields:
        if f["name"] in by_old:
            out.extend(_field_changes(table, by_old[f["name"]], f))
    kept_old = [n for n in o_names if n in n_names]
    kept_new = [n for n in n_names if n in o_names]
    if kept_old != kept_new:
        out.append(SchemaChange(table, None, "field-order-changed", "minor", f"{table}: fields reordered"))
    pk_old, pk_new = old.get("primaryKey"), new.get("primaryKey")
    if pk_old != pk_new and not (renamed and [renamed.get(k, k) for k in (pk_old or [])] == pk_new):
        out.append(SchemaChange(table, None, "primary-key-changed", "major", f"{table}: primary key {pk_old} → {pk_new}"))
    if old.get("foreignKeys") != new.get("foreignKeys"):
        out.append(SchemaChange(table, None, "foreign-keys-changed", "minor", f"{table}: foreign keys changed"))
    return out


def schema_changes(old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    """Every schema difference between descriptors ``old`` and ``new`` (parsed dicts).

    Tables are the CSV resources; the order follows ``new`` (then removed tables).
    """
    o, n = _csv_tables(old), _csv_tables(new)
    out: list[SchemaChange] = []
    for table, res in n.items():
        if table not in o:
            out.append(SchemaChange(table, None, "table-added", "minor", f"table {table} added"))
            continue
        out.extend(_table_changes(table, o[table].get("schema") or {}, res.get("schema") or {}))
        for key in ("title", "description"):
            if o[table].get(key) != res.get(key):
                out.append(SchemaChange(table, None, "metadata-changed", "patch", f"{table}: {key} changed"))
    for table in o:
        if table not in n:
            out.append(SchemaChange(table, None, "table-removed", "major", f"table {table} removed"))
    return out


@dataclass
class TableDelta:
    """Row counts of one table's delta: ``added``, ``modified``, ``deleted``, ``unchanged``.

    ``file_changed`` marks a table compared by file hash only (the previous rows were
    not available): its data changed, the counts are unknown (all 0).
    """

    added: int = 0
    modified: int = 0
    deleted: int = 0
    unchanged: int = 0
    file_changed: bool = False

    @property
    def changed(self) -> bool:
        """True when any row was added, modified or deleted (or the file changed)."""
        return bool(self.added or self.modified or self.deleted or self.file_changed)

    def to_json(self) -> dict[str, Any]:
        """The counts as a dict."""
        out: dict[str, Any] = {"added": self.added, "modified": self.modified, "deleted": self.deleted,
                               "unchanged": self.unchanged}
        if self.file_changed:
            out["file_changed"] = True
        return out


@dataclass
class PackageDiff:
    """The difference between two packages (see the module docstring).

    Attributes:
        old_version, new_version: the descriptors' ``version`` values.
        schema: every :class:`SchemaChange`.
        tables: per table, its :class:`TableDelta` (tables with a primary key in both).
        records: the ADD / MOD / DEL records (dicts), in output order.
    """

    old_version: str | None
    new_version: str | None
    schema: list[SchemaChange] = field(default_factory=list)
    tables: dict[str, TableDelta] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def required_level(self) -> str | None:
        """The least version bump the changes need: ``major``, ``minor``, ``patch``
        (data or metadata changed) or ``None`` (nothing changed)."""
        levels = {c.level for c in self.schema}
        for level in ("major", "minor"):
            if level in levels:
                return level
        if levels or self.records or any(d.changed for d in self.tables.values()):
            return "patch"
        return None

    @property
    def bump(self) -> str | None:
        """The bump actually made (:func:`bump_level` of the two versions)."""
        return bump_level(self.old_version, self.new_version)

    @property
    def version_ok(self) -> bool:
        """True when the new version is bumped at least as much as the changes need."""
        need, made = self.required_level, self.bump
        if made is None:
            return False
        if need is None:
            return True
        order = {"none": 0, "patch": 1, "minor": 2, "major": 3}
        return order[made] >= order[need]

    @property
    def breaking(self) -> list[SchemaChange]:
        """The schema changes that need a major version."""
        return [c for c in self.schema if c.breaking]

    def write_records(self, out: TextIO) -> None:
        """Write the records as JSON lines (UTF-8): keys table, op, key, then row or changes."""
        for rec in self.records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")

    def summary(self) -> str:
        """A human summary: versions, schema changes by level, rows added/modified/deleted per table."""
        lines = [f"Version {self.old_version} → {self.new_version} "
                 f"(bump: {self.bump or 'invalid'}; changes need: {self.required_level or 'nothing'})"]
        if self.schema:
            lines.append("Schema changes:")
            for c in self.schema:
                lines.append(f"  [{c.level}] {c.message}")
        else:
            lines.append("Schema: unchanged")
        if self.tables:
            lines.append("Rows (added / modified / deleted / unchanged):")
            for t, d in self.tables.items():
                if d.file_changed:
                    lines.append(f"  {t:<20} data changed (file hash; rows not compared)")
                else:
                    lines.append(f"  {t:<20} +{d.added} ~{d.modified} -{d.deleted} ={d.unchanged}")
        if not self.version_ok:
            if self.bump is None:
                lines.append(f"VERSION: {self.new_version!r} is not a semantic version above {self.old_version!r}")
            else:
                lines.append(f"VERSION: these changes need a {self.required_level} bump, "
                             f"{self.old_version} → {self.new_version} is {self.bump}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Versions, bump, schema changes and per-table counts (records not included)."""
        return {"old_version": self.old_version, "new_version": self.new_version, "bump": self.bump,
                "required": self.required_level, "version_ok": self.version_ok,
                "schema": [c.to_json() for c in self.schema],
                "tables": {t: d.to_json() for t, d in self.tables.items()}}


def _rows(root: Path, res: dict[str, Any] | None) -> Iterator[dict[str, str | None]]:
    if res is None or not isinstance(res.get("path"), str):
        return
    path = root / res["path"]
    if not path.is_file():
        return
    rows = csv_rows(path)
    header = next(rows, [])
    for cells in rows:
        yield {k: (v if v != "" else None) for k, v in zip(header, cells)}


def _digest(row: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _sort_key(key: tuple) -> tuple:
    """Natural order: ``…/event/9`` before ``…/event/10``."""
    import re

    return tuple(tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", k or "")) for k in key)


def _table_delta(table: str, pk: list[str], old_root: Path, old_res: dict[str, Any] | None, new_root: Path,
                 new_res: dict[str, Any] | None) -> tuple[TableDelta, list[dict[str, Any]]]:
    # pass 1: digests by key (small), pass 2: the rows the records need
    old = {tuple(r.get(k) for k in pk): _digest(r) for r in _rows(old_root, old_res)}
    new = {tuple(r.get(k) for k in pk): _digest(r) for r in _rows(new_root, new_res)}
    added = sorted((k for k in new if k not in old), key=_sort_key)
    deleted = sorted((k for k in old if k not in new), key=_sort_key)
    modified = sorted((k for k in new if k in old and new[k] != old[k]), key=_sort_key)
    delta = TableDelta(len(added), len(modified), len(deleted), len(new) - len(added) - len(modified))
    want_new, want_old = set(added) | set(modified), set(deleted) | set(modified)
    new_rows = {k: r for r in _rows(new_root, new_res) if (k := tuple(r.get(c) for c in pk)) in want_new}
    old_rows = {k: r for r in _rows(old_root, old_res) if (k := tuple(r.get(c) for c in pk)) in want_old}
    records: list[dict[str, Any]] = []
    for op, keys in (("ADD", added), ("MOD", modified), ("DEL", deleted)):
        for k in keys:
            rec: dict[str, Any] = {"table": table, "op": op, "key": dict(zip(pk, k))}
            if op == "ADD":
                rec["row"] = new_rows[k]
            elif op == "DEL":
                rec["row"] = old_rows[k]
            else:
                a, b = old_rows[k], new_rows[k]
                rec["changes"] = {c: [a.get(c), b.get(c)] for c in dict.fromkeys([*a, *b]) if a.get(c) != b.get(c)}
            records.append(rec)
    return delta, records


def diff_packages(old: str | Path, new: str | Path, *, rows: bool = True) -> PackageDiff:
    """Compare package ``old`` with package ``new`` (descriptors or their folders).

    Args:
        old, new: ``datapackage.json`` paths or package folders.
        rows: also compare the rows (``False``: schema and versions only).
    Returns:
        A :class:`PackageDiff`. Row deltas cover the tables (CSV resources) present
        in both with the same primary key; a table only in ``new`` counts as all ADD,
        only in ``old`` as all DEL.
    Raises:
        PackageNotFound: a descriptor is missing or unreadable.
    """
    old_path, old_desc = read_descriptor(old)
    new_path, new_desc = read_descriptor(new)
    result = PackageDiff(old_desc.get("version"), new_desc.get("version"), schema_changes(old_desc, new_desc))
    if not rows:
        return result
    o, n = _csv_tables(old_desc), _csv_tables(new_desc)
    for table in [*n, *(t for t in o if t not in n)]:
        o_res, n_res = o.get(table), n.get(table)
        ref = n_res or o_res or {}
        pk = (ref.get("schema") or {}).get("primaryKey") or []
        pk = [pk] if isinstance(pk, str) else list(pk)
        if o_res and n_res and ((o_res.get("schema") or {}).get("primaryKey") != (n_res.get("schema") or {}).get("primaryKey")):
            continue  # no common key: the schema change says so
        if not pk:
            continue
        delta, records = _table_delta(table, pk, old_path.parent, o_res, new_path.parent, n_res)
        result.tables[table] = delta
        result.records.extend(records)
    return result
