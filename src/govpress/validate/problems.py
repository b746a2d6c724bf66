"""Validation problems as values: :class:`Problem` and the :class:`Report` that collects them.

A problem has a stable kebab-case ``type`` (e.g. ``evidence-mismatch``), a short
``title``, a human ``message``, a ``severity`` (``error`` or ``warning``) and where it
is: ``resource`` (a resource name of ``datapackage.json``), ``row`` (the row number
as frictionless counts it: the header is row 1, the first data row is row 2; ``None``
for a resource- or package-level problem) and ``field`` (a field name or ``None``). ``layer`` says which check found it
(``schema``, ``domain``, ``assertions``, ``parity``, ``package``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

__all__ = ["Problem", "Report", "ERROR", "WARNING", "PROBLEM_TYPES"]

ERROR = "error"
WARNING = "warning"

PROBLEM_TYPES: dict[str, str] = {
    # package-level
    "package-error": "Package cannot be read",
    "resource-missing": "Resource file missing",
    "package-version": "Package version is not semantic",
    "schema-mismatch": "Schema differs from the declared Table Schema",
    "unexpected-resource": "Resource the package code does not declare",
    "truncated": "More problems of this kind",
    # layer 1: Table Schema (names follow frictionless' error types where there is one)
    "schema-error": "Table Schema error",
    "type-error": "Wrong type",
    "constraint-error": "Constraint violated",
    "missing-label": "Missing column",
    "extra-label": "Extra column",
    "incorrect-label": "Unexpected column name",
    "missing-cell": "Missing cell",
    "extra-cell": "Extra cell",
    "blank-row": "Blank row",
    "primary-key": "Duplicate primary key",
    "foreign-key": "Dangling foreign key",
    "unique-error": "Duplicate unique value",
    "encoding-error": "Encoding error",
    "csv-format": "CSV file breaks the package's dialect",
    "byte-count": "File size differs from the descriptor",
    "hash-count": "File hash differs from the descriptor",
    "source-error": "Source error",
    "format-error": "Format error",
    # layer 2: domain invariants
    "evidence-mismatch": "Evidence does not match the body",
    "offset-out-of-range": "Offsets outside the body",
    "unknown-release": "Row refers to an unknown release",
    "date-order": "End date before start date",
    "date-precision": "Date does not match its precision",
    "timing-mismatch": "Timing disagrees with the dates",
    "dangling-reference": "Link to a record that does not exist",
    "duplicate-official": "Duplicate official",
    "country-code": "Invalid country code",
    "amount-negative": "Negative amount",
    "amount-currency": "Amount without a valid currency",
    "currency-code": "Invalid currency code",
    "mention-count": "mention_count disagrees with mentions",
    "first-mentioned": "first_mentioned disagrees with mentions",
    "release-hash": "text_sha256 disagrees with the body",
    # layer 3: dataset assertions
    "rows-below-minimum": "Too few rows",
    "rows-above-maximum": "Too many rows",
    "fill-rate-below-minimum": "Column too empty",
    "fill-rate-above-maximum": "Column fuller than expected",
    "assertion-error": "Dataset assertion cannot be evaluated",
    # parity
    "parity-row-count": "Formats hold different numbers of rows",
    "parity-columns": "Formats hold different columns",
    "parity-type": "Parquet column has the wrong type",
    "parity-null": "Null in one format, value in another",
    "parity-value": "Formats hold different values",
    "parity-unreadable": "Formats cannot be compared",
}
"""Every problem ``type`` with its title (stable: tests and tools key on these)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package.

    Attributes:
        type: stable kebab-case code, a key of :data:`PROBLEM_TYPES`.
        message: human sentence saying what is wrong, with the values involved.
        severity: ``"error"`` (makes the report invalid) or ``"warning"``.
        resource: resource name (``events``, ``events-parquet``) or ``None``.
        row: row number as frictionless counts it (header = 1, first data row = 2) or ``None``.
        field: field (column) name or ``None``.
        layer: ``schema`` | ``domain`` | ``assertions`` | ``parity`` | ``package``.
        title: short title; defaults to the one registered for ``type``.
    """

    type: str
    message: str
    severity: str = ERROR
    resource: str | None = None
    row: int | None = None
    field: str | None = None
    layer: str = "package"
    title: str = ""

    def __post_init__(self) -> None:
        if self.severity not in (ERROR, WARNING):
            raise ValueError(f"severity must be error or warning, not {self.severity!r}")
        if not self.title:
            object.__setattr__(self, "title", PROBLEM_TYPES.get(self.type, self.type.replace("-", " ").capitalize()))

    @property
    def rule(self) -> str:
        """Alias of :attr:`type` (the rule that was broken)."""
        return self.type

    def to_json(self) -> dict[str, Any]:
        """The problem as a JSON-ready dict (every attribute)."""
        return asdict(self)

    def __str__(self) -> str:
        where = self.resource or "package"
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f" field {self.field}"
        return f"{self.severity}: {where}: [{self.type}] {self.message}"


def _sort_key(p: Problem) -> tuple:
    return (0 if p.severity == ERROR else 1, p.layer, p.resource or "", p.type == "truncated", p.row or 0,
            p.field or "", p.type, p.message)


@dataclass
class Report:
    """The outcome of :func:`govpress.validate.validate_package`.

    Attributes:
        descriptor: path of the validated ``datapackage.json`` (as a string).
        problems: every :class:`Problem`, errors first, then by layer, resource, row.
        stats: per-resource row counts and other figures measured on the way.
    """

    descriptor: str = ""
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def add(self, problems: Iterable[Problem]) -> None:
        """Append problems (kept sorted)."""
        self.problems.extend(problems)
        self.problems.sort(key=_sort_key)

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity ``error``."""
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """Problems of severity ``warning``."""
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def valid(self) -> bool:
        """True when there is no error (warnings do not make a package invalid)."""
        return not self.errors

    def types(self) -> set[str]:
        """The set of problem ``type`` codes present (handy in tests)."""
        return {p.type for p in self.problems}

    def flatten(self, keys: list[str] | None = None) -> list[list[Any]]:
        """One list per problem with the values of ``keys`` (like frictionless' ``Report.flatten``).

        Keys are attribute names of :class:`Problem` (``type``, ``title``, ``message``,
        ``severity``, ``resource``, ``row``, ``field``, ``layer``; ``rule`` is ``type``;
        ``fieldName``/``rowNumber``/``resourceName`` are accepted as frictionless aliases).
        Default: ``["resource", "row", "field", "type", "message"]``.
        """
        alias = {"fieldName": "field", "rowNumber": "row", "resourceName": "resource", "rule": "type",
                 "note": "message"}
        keys = keys or ["resource", "row", "field", "type", "message"]
        return [[getattr(p, alias.get(k, k)) for k in keys] for p in self.problems]

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict: ``valid``, counts, ``stats`` and ``problems``."""
        return {
            "descriptor": self.descriptor,
            "valid": self.valid,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "stats": self.stats,
            "problems": [p.to_json() for p in self.problems],
        }
