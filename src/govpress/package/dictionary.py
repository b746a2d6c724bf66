"""The data dictionary (docs/data-dictionary.md), generated from the declared Table Schemas.

Never edited by hand: ``python -m govpress.package.dictionary > docs/data-dictionary.md``
regenerates it, and a test checks the committed file is current.
"""
from __future__ import annotations

from ..settings import TABLES
from . import package_metadata, parquet_name
from .schemas import load_schema, resource_meta

__all__ = ["render_markdown"]


def _constraints(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    if "minimum" in c:
        parts.append(f"≥ {c['minimum']}")
    return "; ".join(parts)


def render_markdown() -> str:
    """Markdown describing every table and field of the package (from ``schemas/*.yaml``)."""
    meta = package_metadata()
    out = [
        "# Data dictionary",
        "",
        f"_{meta['title']}_, version {meta['version']}. Generated from "
        "`src/govpress/package/schemas/*.yaml` by `python -m govpress.package.dictionary`; do not edit.",
        "",
        "Every table is published as `data/<table>.csv` (UTF-8, RFC 4180, empty cell = null) and "
        "`data/<table>.parquet` (same rows and order; dates `date32`, integers `int64`, amounts "
        "`decimal128(20, 2)`). In `datapackage.json` the CSV resource is named `<table>` and the "
        f"Parquet one `<table>-parquet` (e.g. `{parquet_name('events')}`).",
        "",
    ]
    for table in TABLES:
        schema = load_schema(table)
        rmeta = resource_meta(table)
        out += [f"## {table}", "", rmeta["description"], ""]
        out.append(f"Primary key: `{', '.join(schema['primaryKey'])}`.")
        for fk in schema.get("foreignKeys", []):
            out.append(f"Foreign key: `{', '.join(fk['fields'])}` → `{fk['reference']['resource']}.{', '.join(fk['reference']['fields'])}`.")
        out += ["", "| field | type | constraints | description |", "|---|---|---|---|"]
        for f in schema["fields"]:
            desc = " ".join(str(f.get("description", "")).split()).replace("|", "\\|")
            out.append(f"| `{f['name']}` | {f['type']} | {_constraints(f)} | {desc} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render_markdown(), end="")
