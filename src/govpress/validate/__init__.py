"""Stage 6: validate a data package → :class:`Report` (problems are values, never raised).

:func:`validate_package` runs, on a package written by :mod:`govpress.package`:

1. **schema** — the descriptor against the package code (every table has its CSV and
   Parquet resource with exactly the declared Table Schema, a semantic ``version``)
   and frictionless' validation of every resource, CSV and Parquet: types,
   ``required``, ``unique``, enums, patterns, ``primaryKey``, ``foreignKeys``
   (:mod:`.schema`);
2. **domain** — invariants a schema cannot state: evidence equals the body slice,
   dates and precisions, timing, officials, country and currency codes, amounts
   (:mod:`.checks`);
3. **assertions** — row counts and fill rates kept as data in the dataset's own
   ``assertions.yaml`` beside ``datapackage.json`` (:mod:`.assertions`; a package
   without one gets layers 1, 2 and 4 only, and ``report.stats["assertions"]`` says so);
4. **parity** — Parquet (and the SQLite database when given) hold the same rows,
   nulls, values, order and types as the CSV files (:mod:`.parity`).

``govpress publish`` refuses a package whose report is not :attr:`Report.valid`.

Example::

    from govpress.validate import validate_package
    report = validate_package("datapackage.json")
    if not report.valid:
        for resource, row, field, rule, message in report.flatten(
                ["resource", "row", "field", "type", "message"]):
            print(resource, row, field, rule, message)
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from .assertions import assertion_problems, find_assertions, load_assertions, measure
from .checks import domain_problems
from .package import load_package, resolve_descriptor
from .parity import parquet_problems, sqlite_problems
from .problems import ERROR, PROBLEM_TYPES, WARNING, Problem, Report
from .schema import csv_format_problems, descriptor_problems, file_problems, frictionless_problems

__all__ = ["validate_package", "Report", "Problem", "PROBLEM_TYPES", "ERROR", "WARNING", "MAX_PER_KIND"]

MAX_PER_KIND = 50
"""At most this many problems of one type per resource and layer are listed; the rest
are counted in one ``truncated`` problem of the same severity."""


def _cap(problems: list[Problem], limit: int) -> list[Problem]:
    seen: Counter[tuple] = Counter()
    kept: list[Problem] = []
    for p in problems:
        key = (p.layer, p.resource, p.type, p.severity)
        seen[key] += 1
        if seen[key] <= limit:
            kept.append(p)
    for (layer, resource, kind, severity), n in sorted(seen.items(), key=lambda kv: tuple(str(x) for x in kv[0])):
        if n > limit:
            kept.append(Problem("truncated", f"{n - limit} more {kind} problem(s) not listed ({n} in all)",
                                severity=severity, resource=resource, layer=layer))
    return kept


def validate_package(descriptor: str | Path = "datapackage.json", *, parity: bool = True,
                     db: str | Path | None = None, assertions: bool | str | Path = True,
                     limit: int = MAX_PER_KIND) -> Report:
    """Validate the package described by ``descriptor`` in every layer (module docstring).

    Args:
        descriptor: path of a ``datapackage.json``, or of the folder holding it.
        parity: compare Parquet with CSV (and ``db`` when given). On by default.
        db: an SQLite database built from the package (``govpress publish``); its
            tables, named as the CSV resources, are compared with the CSV files.
        assertions: ``True`` for the package's own ``assertions.yaml`` (beside the
            descriptor; none there: layer 3 is skipped and
            ``report.stats["assertions"]`` says so), a path for another assertions
            file, ``False`` to skip layer 3.
        limit: at most this many problems per (layer, resource, type) are listed.
    Returns:
        A :class:`Report`; ``report.valid`` is False when any problem is an error.
        Never raises for a bad package (a missing descriptor is a ``package-error``).
    """
    path = resolve_descriptor(descriptor)
    report = Report(descriptor=str(path))
    view, problems = load_package(path)
    if view is None:
        report.add(problems)
        return report
    found: list[Problem] = []
    found += descriptor_problems(view)
    found += file_problems(view)
    found += csv_format_problems(view)
    found += frictionless_problems(view)
    domain, stats = domain_problems(view)
    found += domain
    source = None if assertions is False else find_assertions(path.parent) if assertions is True else Path(assertions)
    report.stats["assertions"] = str(source) if source is not None else None
    if source is not None:
        try:
            spec = load_assertions(source)
        except (OSError, yaml.YAMLError) as exc:
            found.append(Problem("assertion-error", f"cannot read the assertions {source}: {exc}", layer="assertions"))
        else:
            found += assertion_problems(stats, spec)
    report.stats["version"] = view.version
    report.stats["tables"] = measure(stats)
    if parity:
        found += parquet_problems(view)
        if db is not None:
            found += sqlite_problems(view, Path(db))
    report.add(_cap(found, limit))
    return report
