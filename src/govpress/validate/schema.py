"""Layer 1: the Frictionless Table Schema of every resource, CSV and Parquet.

:func:`frictionless_problems` runs ``frictionless`` (types, ``required``,
``unique``, ``enum``/``pattern``/``minimum`` constraints, ``primaryKey``,
``foreignKeys`` — the Parquet resources' keys point at Parquet resources — with the
declared ``missingValues``) and translates its report into :class:`Problem` values.

:func:`descriptor_problems` checks the descriptor itself against the package code:
every table has its CSV and Parquet resource, each resource's schema is exactly the
declared one of ``govpress/package/schemas/`` (schemas are declared, never inferred,
so a renamed or retyped column in the descriptor is an error), and the package has a
semantic ``version``.
"""
from __future__ import annotations

from typing import Any

from ..package import resource_schema
from ..package.layout import FORMATS, SEMVER, file_digest, parquet_name
from ..settings import TABLES
from .package import PackageView
from .problems import WARNING, Problem

__all__ = ["frictionless_problems", "descriptor_problems", "file_problems", "csv_format_problems"]

_CELL_PREVIEW = 60


def _preview(text: Any) -> str:
    s = str(text)
    return s if len(s) <= _CELL_PREVIEW else s[:_CELL_PREVIEW] + "…"


def _translate(err: Any, resource: str | None) -> Problem:
    """One frictionless error → one :class:`Problem` (layer ``schema``)."""
    kind = getattr(err, "type", "schema-error") or "schema-error"
    note = getattr(err, "note", "") or ""
    row = getattr(err, "row_number", None)
    field = getattr(err, "field_name", None)
    cell = getattr(err, "cell", None)
    title = getattr(err, "title", "") or ""
    if cell is not None and kind in ("type-error", "constraint-error", "unique-error"):
        message = f'{note} (cell "{_preview(cell)}")' if note else f'bad cell "{_preview(cell)}"'
    elif note:
        message = note
    else:
        message = getattr(err, "message", "") or title
    if kind == "primary-key" and row is not None:
        message = f"duplicate primary key: {note}"
    return Problem(kind, message, resource=resource, row=row, field=field, layer="schema",
                   title=title)


def frictionless_problems(view: PackageView) -> list[Problem]:
    """Validate every resource of the package with frictionless; its errors as problems.

    Args:
        view: the package (its descriptor file is what frictionless reads).
    Returns:
        Problems of layer ``schema``; types are frictionless' own error types
        (``type-error``, ``constraint-error``, ``primary-key``, ``foreign-key``,
        ``incorrect-label``, ``missing-cell`` …).
    """
    from frictionless import FrictionlessException, Package

    try:
        package = Package(str(view.path))
        report = package.validate()
    except FrictionlessException as exc:
        return [Problem("package-error", f"frictionless cannot read the package: {exc.error.message}",
                        layer="schema")]
    problems = [_translate(e, None) for e in report.errors]
    for task in report.tasks:
        problems.extend(_translate(e, task.name) for e in task.errors if not _unmeasured(e))
    return problems


def _unmeasured(err: Any) -> bool:
    """A ``byte-count`` error where frictionless measured nothing: its Parquet parser reads
    the file through pyarrow, so a Parquet resource's ``bytes`` always looks wrong to it.
    :func:`file_problems` checks ``bytes`` and ``hash`` of every resource instead."""
    return getattr(err, "type", "") == "byte-count" and str(getattr(err, "note", "")).endswith('actual is "None"')


def file_problems(view: PackageView) -> list[Problem]:
    """Check the ``bytes`` and ``hash`` (``sha256:<hex>`` or ``md5:<hex>``; bare hex is MD5)
    a resource declares against its file; problems ``byte-count`` and ``hash-count``.

    Resources that declare neither are skipped (the built package does not; a
    release bundle does, for every resource, CSV and Parquet).
    """
    import hashlib

    problems: list[Problem] = []
    for tv in view.tables.values():
        for fmt, res in (("csv", tv.csv), ("parquet", tv.parquet)):
            if not res or ("bytes" not in res and "hash" not in res):
                continue
            path = tv.path(fmt)
            if path is None or not path.is_file():
                continue
            name = res.get("name")
            if "bytes" in res and res["bytes"] != path.stat().st_size:
                problems.append(Problem("byte-count", f"declared {res['bytes']} bytes, the file has {path.stat().st_size}",
                                        resource=name, layer="schema"))
            if "hash" in res:
                algorithm, _, expected = str(res["hash"]).rpartition(":")
                algorithm = algorithm or "md5"
                if algorithm not in hashlib.algorithms_available:
                    problems.append(Problem("hash-count", f"unknown hash algorithm {algorithm!r}", resource=name, layer="schema"))
                    continue
                actual = file_digest(path, algorithm)
                if actual != expected:
                    problems.append(Problem("hash-count", f"declared {algorithm} {expected[:12]}…, the file's is "
                                            f"{actual[:12]}…", resource=name, layer="schema"))
    return problems


def csv_format_problems(view: PackageView) -> list[Problem]:
    """Check each CSV file against the package's CSV dialect, which frictionless accepts loosely.

    The data model says UTF-8 without a byte-order mark, ``\\n`` line ends and (as
    every text the package holds) Unicode NFC. Problems: ``csv-format`` (BOM, a
    carriage return) and ``encoding-error`` (bytes that are not UTF-8, with the
    offset), each naming the resource and, where known, the line.
    """
    import codecs
    import unicodedata

    problems: list[Problem] = []
    for tv in view.tables.values():
        res = tv.csv
        path = tv.path("csv") if res else None
        if not res or path is None or not path.is_file():
            continue
        name = res.get("name")
        decoder = codecs.getincrementaldecoder("utf-8")()
        line, offset, pending, reported = 1, 0, "", set()
        with path.open("rb") as f:
            head = f.read(3)
            if head == b"\xef\xbb\xbf":
                problems.append(Problem("csv-format", "the file starts with a byte-order mark (BOM); the package's CSV has none",
                                        resource=name, row=1, layer="schema"))
            f.seek(0)
            for chunk in iter(lambda: f.read(1 << 16), b""):
                if b"\r" in chunk and "cr" not in reported:
                    reported.add("cr")
                    at = line + chunk[: chunk.index(b"\r")].count(b"\n")
                    problems.append(Problem("csv-format", "carriage return found: lines must end with \\n, not \\r\\n",
                                            resource=name, row=at, layer="schema"))
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    problems.append(Problem("encoding-error", f"not UTF-8 at byte {offset + exc.start}",
                                            resource=name, row=line + chunk[: exc.start].count(b"\n"), layer="schema"))
                    break
                offset += len(chunk)
                text = pending + text
                lines = text.split("\n")
                pending = lines.pop()
                for i, part in enumerate(lines):
                    if "nfc" not in reported and not unicodedata.is_normalized("NFC", part):
                        reported.add("nfc")
                        problems.append(Problem("csv-format", "text is not Unicode NFC (e.g. a decomposed accent)",
                                                resource=name, row=line + i, layer="schema"))
                line += len(lines)
    return problems


def _schema_diff(actual: dict[str, Any], declared: dict[str, Any]) -> list[tuple[str | None, str]]:
    """Differences between a resource's schema and the declared one: ``(field, message)``."""
    out: list[tuple[str | None, str]] = []
    a_fields = {f.get("name"): f for f in actual.get("fields", []) if isinstance(f, dict)}
    d_fields = {f["name"]: f for f in declared["fields"]}
    for name in d_fields:
        if name not in a_fields:
            out.append((name, f"declared field {name!r} is missing from the descriptor"))
    for name in a_fields:
        if name not in d_fields:
            out.append((name, f"field {name!r} is not declared in the package's Table Schema"))
    common = [n for n in a_fields if n in d_fields]
    if [n for n in d_fields if n in a_fields] != common:
        out.append((None, "fields are not in the declared order"))
    for name in common:
        a, d = dict(a_fields[name]), dict(d_fields[name])
        for key in sorted(set(a) | set(d)):
            if a.get(key) != d.get(key):
                out.append((name, f"{key} is {a.get(key)!r}, declared {d.get(key)!r}"))
    for key in ("primaryKey", "foreignKeys", "missingValues"):
        if actual.get(key) != declared.get(key):
            out.append((None, f"{key} is {actual.get(key)!r}, declared {declared.get(key)!r}"))
    return out


def descriptor_problems(view: PackageView) -> list[Problem]:
    """Check the descriptor against the package code (see the module docstring).

    Returns problems of types ``package-version``, ``resource-missing``,
    ``schema-mismatch`` (errors) and ``unexpected-resource`` (warning).
    """
    problems: list[Problem] = []
    version = view.version
    if version is None or not SEMVER.match(version):
        problems.append(Problem("package-version", f"descriptor version {version!r} is not a semantic version MAJOR.MINOR.PATCH"))
    for table in TABLES:
        tv = view.table(table)
        for fmt in FORMATS:
            res = (tv.csv if fmt == "csv" else tv.parquet) if tv else None
            name = table if fmt == "csv" else parquet_name(table)
            if res is None:
                problems.append(Problem("resource-missing", f"the descriptor has no {fmt.upper()} resource for table {table!r}",
                                        resource=name))
                continue
            path = tv.path(fmt) if tv else None
            if path is None or not path.is_file():
                problems.append(Problem("resource-missing", f"file {res.get('path')!r} does not exist", resource=name))
            schema = res.get("schema")
            if not isinstance(schema, dict):
                problems.append(Problem("schema-mismatch", "resource has no inline Table Schema", resource=name))
                continue
            for field, message in _schema_diff(schema, resource_schema(table, fmt)):
                problems.append(Problem("schema-mismatch", message, resource=name, field=field))
    for name in view.tables:
        if name not in TABLES:
            problems.append(Problem("unexpected-resource", f"table {name!r} is not one the package code declares",
                                    severity=WARNING, resource=name))
    return problems
