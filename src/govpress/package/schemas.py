"""The Table Schemas of the package, declared in ``schemas/<table>.yaml`` (never inferred).

``_common.yaml`` holds fields shared by several resources; a schema refers to one
with ``{$ref: <name>}``. :func:`load_schema` returns a plain Table Schema dict
with ``missingValues`` declared explicitly (only the empty string is missing).
"""
from __future__ import annotations

import copy
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..settings import TABLES

__all__ = ["load_schema", "field_types", "MISSING_VALUES", "resource_meta"]

MISSING_VALUES = [""]
"""Only an empty CSV cell is a missing value; "NA", "null" and "-" are data."""


@lru_cache(maxsize=None)
def _read(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath("schemas", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_schema(table: str) -> dict[str, Any]:
    """Return the Table Schema of ``table`` (one of :data:`govpress.settings.TABLES`).

    Returns a fresh dict with ``fields``, ``primaryKey``, ``foreignKeys`` (when any)
    and ``missingValues``; ``title``/``description`` are not part of it (see
    :func:`resource_meta`).

    Raises:
        KeyError: ``table`` is not a resource of the package.
    """
    if table not in TABLES:
        raise KeyError(f"no such table: {table}")
    raw = copy.deepcopy(_read(table))
    common = _read("_common")
    fields = [copy.deepcopy(common[f["$ref"]]) if "$ref" in f else f for f in raw["fields"]]
    schema: dict[str, Any] = {"fields": fields, "missingValues": list(MISSING_VALUES)}
    schema["primaryKey"] = raw["primaryKey"]
    if raw.get("foreignKeys"):
        schema["foreignKeys"] = raw["foreignKeys"]
    return schema


def resource_meta(table: str) -> dict[str, str]:
    """The ``title`` and ``description`` of a table's resource."""
    raw = _read(table)
    return {"title": raw["title"], "description": " ".join(raw["description"].split())}


def field_types(table: str) -> dict[str, str]:
    """Map each field name of ``table`` to its Table Schema type, in schema order."""
    return {f["name"]: f["type"] for f in load_schema(table)["fields"]}
