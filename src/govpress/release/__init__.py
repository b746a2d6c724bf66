"""Versions and what changed: ``govpress diff``, ``govpress release`` and the CI compatibility check.

- :func:`diff_packages` — schema changes (classified major / minor / patch) and
  per-table ADD / MOD / DEL records by primary key (:mod:`.diff`);
- :func:`make_release` — the release bundle: package with ``bytes`` and ``hash``
  per resource, zip, CHANGELOG entry, record in ``versions/`` (:mod:`.bundle`);
- :func:`check_compat` — the committed descriptor against the last released one
  (:mod:`.compat`), run by ``scripts/check-schema-compat`` in CI.
"""
from __future__ import annotations

from .bundle import ReleaseResult, bundle_descriptor, changelog_entry, make_release
from .compat import CompatResult, check_compat, latest_record
from ..package.layout import parse_version
from .diff import PackageDiff, SchemaChange, TableDelta, bump_level, diff_packages, schema_changes

__all__ = [
    "diff_packages", "schema_changes", "PackageDiff", "SchemaChange", "TableDelta", "bump_level", "parse_version",
    "make_release", "ReleaseResult", "bundle_descriptor", "changelog_entry",
    "check_compat", "CompatResult", "latest_record",
]
