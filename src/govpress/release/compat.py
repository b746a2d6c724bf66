"""The CI schema-compatibility check: the committed descriptor against the last release.

Released descriptors are recorded as ``versions/<version>/datapackage.json`` (written
by ``govpress release``, committed with the release). :func:`check_compat` compares
the package's descriptor with the newest record:

- a breaking schema change (removed or renamed field, changed type, narrowed enum,
  changed primary key, dropped table, a field no longer required) without a major
  version bump **fails**;
- a version lower than the released one **fails**;
- an additive change (new field or table, widened enum) without at least a minor
  bump is a **warning**: the version must go up before the next release, which
  ``govpress release`` enforces.

With no record yet (nothing released), the check passes and says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..package.layout import DESCRIPTOR, parse_version
from .diff import PackageDiff, diff_packages

__all__ = ["latest_record", "check_compat", "CompatResult"]


def latest_record(versions_dir: str | Path, below: str | None = None) -> tuple[str, Path] | None:
    """The newest recorded release ``(version, descriptor_path)`` in ``versions_dir``.

    Args:
        versions_dir: folder of ``<version>/datapackage.json`` records.
        below: only versions strictly lower than this one.
    Returns:
        ``None`` when there is no (matching) record. Folder names that are not
        semantic versions are ignored.
    """
    root = Path(versions_dir)
    if not root.is_dir():
        return None
    limit = parse_version(below) if below else None
    found = []
    for sub in root.iterdir():
        v = parse_version(sub.name)
        if v is None or not (sub / DESCRIPTOR).is_file():
            continue
        if limit is not None and v >= limit:
            continue
        found.append((v, sub.name, sub / DESCRIPTOR))
    if not found:
        return None
    _v, name, path = max(found)
    return name, path


@dataclass
class CompatResult:
    """Outcome of :func:`check_compat`: ``ok``, ``errors`` and ``warnings`` (sentences),
    the ``released`` version compared against and the schema-only ``diff``."""

    ok: bool
    released: str | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diff: PackageDiff | None = None

    def summary(self) -> str:
        """Human lines: the verdict, then errors and warnings."""
        if self.released is None:
            head = "schema compatibility: no released version recorded; nothing to compare"
        else:
            head = f"schema compatibility against released {self.released}: {'ok' if self.ok else 'FAILED'}"
        return "\n".join([head, *(f"error: {e}" for e in self.errors), *(f"warning: {w}" for w in self.warnings)])


def check_compat(descriptor: str | Path = "datapackage.json", versions_dir: str | Path = "versions") -> CompatResult:
    """Check ``descriptor`` against the newest release recorded in ``versions_dir`` (module docstring).

    Raises:
        PackageNotFound: ``descriptor`` (or the record) cannot be read.
    """
    latest = latest_record(versions_dir)
    if latest is None:
        return CompatResult(ok=True)
    released, record = latest
    diff = diff_packages(record, descriptor, rows=False)
    result = CompatResult(ok=True, released=released, diff=diff)
    new = diff.new_version
    if parse_version(new) is None:
        result.errors.append(f"version {new!r} is not a semantic version")
    elif diff.bump is None:
        result.errors.append(f"version {new} is lower than the released {released}")
    breaking = diff.breaking
    if breaking and diff.bump != "major":
        result.errors.append(f"breaking schema change(s) since {released} need a major version (now {new}): "
                             + "; ".join(c.message for c in breaking))
    additive = [c for c in diff.schema if c.level == "minor"]
    if additive and not breaking and diff.bump not in ("major", "minor"):
        result.warnings.append(f"schema additions since {released} need a minor version before the next release "
                               f"(now {new}): " + "; ".join(c.message for c in additive))
    result.ok = not result.errors
    return result
