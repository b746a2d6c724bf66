"""The site's configuration, kept as data: ``site.yaml`` (tables, settings, related
lists, spans, search), ``queries.yaml`` (canned queries) and ``quality.yaml`` (the
measured extraction quality the site shows), all beside this module.

Nothing here is generated from the package: titles, descriptions, licence and
sources come from ``datapackage.json`` (see :mod:`govpress.publish.metadata`).
"""
from __future__ import annotations

import copy
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..package.layout import table_name

__all__ = ["site_config", "canned_queries", "quality", "foreign_key_map", "TEMPLATES_DIR", "PLUGINS_DIR", "PLUGIN_NAME", "STATIC_MOUNT"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
"""Datasette templates of the site (``--template-dir``)."""

PLUGINS_DIR = Path(__file__).resolve().parent / "plugins"
"""Datasette plugins of the site (``--plugins-dir``); self-contained, they import only Datasette and icalendar."""

PLUGIN_NAME = "govpress-site"
"""Key of the site plugin's configuration under ``plugins`` in the Datasette metadata."""

STATIC_MOUNT = "downloads"
"""URL path (``/downloads/...``) of the static mount that serves the package files."""


@lru_cache(maxsize=None)
def _load(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def site_config() -> dict[str, Any]:
    """``site.yaml`` as a fresh dict: ``settings``, ``read_only``, ``download_types`` (file name ending →
    content type), ``tables`` (per-table ``fts``, ``facets``, ``sort``/``sort_desc``,
    ``label_column``, ``label``) and ``related``."""
    return copy.deepcopy(_load("site.yaml"))


def canned_queries() -> dict[str, dict[str, str]]:
    """``queries.yaml`` as a fresh dict: query name → ``title``, ``description``, ``sql``."""
    return copy.deepcopy(_load("queries.yaml"))


def quality() -> dict[str, Any]:
    """``quality.yaml`` as a fresh dict: ``measured_on`` (ISO date), ``set`` and ``source`` (text),
    ``tables.<table>`` with ``precision``, ``recall``, ``f1``, ``strict_f1`` (0–1, optional),
    ``measured_as`` (optional) and ``note``."""
    return copy.deepcopy(_load("quality.yaml"))


def foreign_key_map(schema: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Single-column foreign keys of a Table Schema: field → (table, field) referenced.

    The referenced table is named as in the database (a Parquet resource's
    ``-parquet`` suffix dropped); multi-column keys are left out.
    """
    out: dict[str, tuple[str, str]] = {}
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]["fields"]
        ref = ref if isinstance(ref, list) else [ref]
        if len(fields) == 1:
            out[fields[0]] = (table_name(fk["reference"]["resource"]), ref[0])
    return out
