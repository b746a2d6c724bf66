"""Stage 6: validate a data package → :class:`Report`.

See :func:`validate_package`.
"""
from __future__ import annotations

from pathlib import Path

from .problems import ERROR, PROBLEM_TYPES, WARNING, Problem, Report

__all__ = ["validate_package", "Report", "Problem", "PROBLEM_TYPES", "ERROR", "WARNING"]


def validate_package(descriptor: str | Path = "datapackage.json", *, parity: bool = True,
                     db: str | Path | None = None) -> Report:
    """Validate the package described by ``descriptor`` (a ``datapackage.json`` path or its folder)."""
    from .checks import run_all

    return run_all(Path(descriptor), parity=parity, db=Path(db) if db else None)
