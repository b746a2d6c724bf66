"""Layer 3: dataset assertions, kept as data beside the dataset they are about.

A collection of releases carries its own ``assertions.yaml`` (``seeds/assertions.yaml``
for the shipped one); ``govpress build`` copies it beside the package's
``datapackage.json``, where :func:`find_assertions` finds it. A package without one
is checked by the Table Schema and the domain invariants only, and the report says
so. The file says, per table, how many rows the package should have and how full its
key columns should be::

    tables:
      releases:
        rows: {min: 30, max: 60}          # absolute row counts
      events:
        per_release: {min: 1.0, max: 6}   # rows per row of `releases`
        fill:
          start_date: {min: 0.4}          # share of rows with a value (0–1)

A failed minimum is an **error** (a build that silently loses a table's rows, or
most of a column, cannot pass); a failed maximum is a **warning** (more data than
expected deserves a look, not a block). ``per_release`` is measured against the
package's own ``releases`` row count, so it holds when releases are added; the
absolute ``rows`` of ``releases`` pins the shipped set. A fill rate is not measured
on an empty table (its row minimum says whether that is allowed).

Problem types: ``rows-below-minimum``, ``fill-rate-below-minimum`` (errors),
``rows-above-maximum``, ``fill-rate-above-maximum`` (warnings) and
``assertion-error`` (the file names a table or column the package does not have,
or is malformed).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..package.layout import ASSERTIONS
from .checks import TableStats
from .problems import WARNING, Problem

__all__ = ["load_assertions", "find_assertions", "assertion_problems", "measure"]


def find_assertions(root: str | Path) -> Path | None:
    """The package's own assertions file, ``<root>/assertions.yaml``, or ``None`` when it has none.

    Args:
        root: the package folder (holding ``datapackage.json``).
    """
    path = Path(root) / ASSERTIONS
    return path if path.is_file() else None


def load_assertions(path: str | Path) -> dict[str, Any]:
    """Read the assertions file ``path`` (YAML, the format of the module docstring).

    Raises:
        OSError: the file cannot be read.
        yaml.YAMLError: it is not YAML.
    """
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def measure(stats: dict[str, TableStats]) -> dict[str, Any]:
    """The figures the assertions are about, per table: ``rows``, ``per_release`` and
    ``fill`` (column → rate rounded to 3 places); handy for tuning the file."""
    releases = stats.get("releases")
    n_rel = releases.rows if releases else 0
    out: dict[str, Any] = {}
    for name, ts in stats.items():
        entry: dict[str, Any] = {"rows": ts.rows}
        if n_rel:
            entry["per_release"] = round(ts.rows / n_rel, 3)
        if ts.rows:
            entry["fill"] = {c: round(n / ts.rows, 3) for c, n in ts.filled.items()}
        out[name] = entry
    return out


def _bounds(spec: Any) -> tuple[float | None, float | None]:
    if not isinstance(spec, dict):
        raise ValueError(f"expected {{min: …, max: …}}, got {spec!r}")
    lo, hi = spec.get("min"), spec.get("max")
    for v in (lo, hi):
        if v is not None and not isinstance(v, (int, float)):
            raise ValueError(f"bounds must be numbers, got {spec!r}")
    return lo, hi


def _fmt(x: float) -> str:
    return f"{x:g}" if isinstance(x, int) or float(x).is_integer() else f"{x:.3g}"


def assertion_problems(stats: dict[str, TableStats], spec: dict[str, Any]) -> list[Problem]:
    """Evaluate the assertions ``spec`` (see :func:`load_assertions`) on measured ``stats``.

    Args:
        stats: per table, its :class:`~govpress.validate.checks.TableStats` (CSV rows).
        spec: the parsed assertions file (``{"tables": {table: {...}}}``).
    Returns:
        Problems of layer ``assertions``.
    """
    problems: list[Problem] = []

    def add(kind: str, message: str, table: str, fld: str | None = None, severity: str = "error") -> None:
        problems.append(Problem(kind, message, severity=severity, resource=table, field=fld, layer="assertions"))

    tables = spec.get("tables") if isinstance(spec, dict) else None
    if not isinstance(tables, dict):
        return [Problem("assertion-error", "the assertions file has no 'tables' mapping", layer="assertions")]
    releases = stats.get("releases")
    n_rel = releases.rows if releases else 0
    for table, rules in tables.items():
        ts = stats.get(table)
        if ts is None:
            add("assertion-error", f"the assertions name table {table!r}, which the package does not have", table)
            continue
        rules = rules or {}
        try:
            if "rows" in rules:
                lo, hi = _bounds(rules["rows"])
                if lo is not None and ts.rows < lo:
                    add("rows-below-minimum", f"{ts.rows} rows, the minimum is {_fmt(lo)}", table)
                if hi is not None and ts.rows > hi:
                    add("rows-above-maximum", f"{ts.rows} rows, the maximum is {_fmt(hi)}", table, severity=WARNING)
            if "per_release" in rules and n_rel:
                lo, hi = _bounds(rules["per_release"])
                ratio = ts.rows / n_rel
                if lo is not None and ratio < lo:
                    add("rows-below-minimum", f"{ts.rows} rows for {n_rel} releases ({ratio:.3g} per release), "
                        f"the minimum is {_fmt(lo)} per release", table)
                if hi is not None and ratio > hi:
                    add("rows-above-maximum", f"{ts.rows} rows for {n_rel} releases ({ratio:.3g} per release), "
                        f"the maximum is {_fmt(hi)} per release", table, severity=WARNING)
            for column, bounds in (rules.get("fill") or {}).items():
                lo, hi = _bounds(bounds)
                if column not in ts.filled:
                    if ts.rows:
                        add("assertion-error", f"the assertions name column {column!r}, which {table} does not have",
                            table, column)
                    continue
                rate = ts.fill_rate(column)
                if rate is None:
                    continue
                if lo is not None and rate < lo:
                    add("fill-rate-below-minimum", f"{column} is filled in {rate:.1%} of {ts.rows} rows, "
                        f"the minimum is {lo:.0%}", table, column)
                if hi is not None and rate > hi:
                    add("fill-rate-above-maximum", f"{column} is filled in {rate:.1%} of {ts.rows} rows, "
                        f"the maximum is {hi:.0%}", table, column, severity=WARNING)
        except (ValueError, AttributeError, TypeError) as exc:
            add("assertion-error", f"malformed assertion for {table}: {exc}", table)
    return problems
