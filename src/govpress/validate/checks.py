"""Placeholder while the checks are written."""
from __future__ import annotations

from pathlib import Path

from .problems import Problem, Report


def run_all(descriptor: Path, *, parity: bool = True, db: Path | None = None) -> Report:
    if descriptor.is_dir():
        descriptor = descriptor / "datapackage.json"
    report = Report(descriptor=str(descriptor))
    if not descriptor.is_file():
        report.add([Problem("package-error", f"no descriptor at {descriptor}")])
    return report
