"""Datasette metadata generated from ``datapackage.json`` (never written twice).

Titles, descriptions, the licence, the sources and the per-column descriptions all
come from the package descriptor; how tables are searched, faceted, sorted and
labelled comes from ``site.yaml``; the canned queries from ``queries.yaml``; the
measured quality from ``quality.yaml``. The homepage (the top-level
``description_html``) has two search boxes and links the downloads, the feeds, the
canned queries, and shows how far to trust each table.
"""
from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from ..package.layout import parquet_name
from ..settings import TABLES
from .config import PLUGIN_NAME, STATIC_MOUNT, canned_queries, foreign_key_map, quality, site_config

__all__ = ["build_metadata"]


def _column_description(field: dict[str, Any], fks: dict[str, tuple[str, str]]) -> str:
    """The field's description; else, for a foreign key, what it refers to; else its title.
    An enum's values are added when the text does not already name them all."""
    text = " ".join(str(field.get("description") or "").split())
    if not text and field["name"] in fks:
        table, column = fks[field["name"]]
        text = f"The row of {table} this refers to ({table}.{column})."
    if not text and field.get("title"):
        text = field["title"] + "."
    enum = field.get("constraints", {}).get("enum")
    if enum and not all(value in text for value in enum):
        if text and not text.endswith((".", ")")):
            text += "."
        text = (text + " " if text else "") + "One of: " + ", ".join(enum) + "."
    return text


def _a(href: str, text: str, *, download: bool = False) -> str:
    attr = " download" if download else ""
    return f'<a href="{html.escape(href)}"{attr}>{html.escape(text)}</a>'


def _homepage(descriptor: dict[str, Any], db_name: str, downloads: dict[str, str], counts: dict[str, int],
              queries: dict[str, dict[str, str]]) -> str:
    db = "/" + quote(db_name)
    static = f"/{STATIC_MOUNT}/"
    res = {r["name"]: r for r in descriptor.get("resources", [])}
    parts = [f"<p>{html.escape(' '.join(str(descriptor.get('description', '')).split()))}</p>"]
    parts.append(
        '<h2>Search</h2>\n'
        '<form class="govpress-search" action="/-/find" method="get">'
        '<label for="govpress-find">Find an official by name or title (the start of a word is enough):</label> '
        '<input id="govpress-find" type="search" name="q" placeholder="Brunner, von der Leyen, Foreign Secretary"> '
        '<input type="submit" value="Search officials"></form>\n'
        '<form class="govpress-search" action="/-/search" method="get">'
        '<label for="govpress-everything">Search the releases and the sentences records come from:</label> '
        '<input id="govpress-everything" type="search" name="q" placeholder="sanctions, UK-Italy, G7"> '
        '<input type="submit" value="Search releases"></form>'
    )
    rows = []
    for table in TABLES:
        csv_res, pq_res = res.get(table), res.get(parquet_name(table))
        title = (csv_res or {}).get("title", table)
        cells = [f"<td>{_a(f'{db}/{table}', title)}</td>", f"<td>{counts.get(table, 0):,}</td>"]
        cells.append(f"<td>{_a(static + csv_res['path'], 'CSV', download=True)}</td>" if csv_res else "<td></td>")
        cells.append(f"<td>{_a(static + pq_res['path'], 'Parquet', download=True)}</td>" if pq_res else "<td></td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    parts.append(
        "<h2>Download the data</h2>\n<ul>"
        f"<li>{_a(static + downloads['zip'], 'The whole package (zip)', download=True)}: every table as CSV and Parquet, "
        f"with {_a(static + downloads['descriptor'], 'datapackage.json')} (Table Schemas, licence, sources).</li>"
        f"<li>{_a(static + downloads['descriptor'], 'datapackage.json')} on its own: a "
        '<a href="https://datapackage.org/">Frictionless Data Package</a> descriptor.</li></ul>\n'
        '<table class="govpress-downloads"><thead><tr><th>Table</th><th>Rows</th><th>CSV</th><th>Parquet</th>'
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>\n"
        '<p class="govpress-canonical">These files are the data package itself: the canonical data. The CSV and '
        "JSON exports of a table or query page are views of the database and may differ: the officials and events "
        "pages add a <code>label</code> column the database generates for display, and the events, commitments, "
        "partnerships and mentions pages a <code>published_date</code> copied from the release for sorting; "
        "neither is in the package.</p>"
    )
    parts.append(_quality_html(descriptor))
    feeds = []
    if "events_calendar" in queries:
        feeds.append(f"<li>{_a(f'{db}/events_calendar.ics', 'Events calendar (iCalendar)')}: subscribe in a calendar app.</li>")
    if "releases_feed" in queries:
        feeds.append(f"<li>{_a(f'{db}/releases_feed.atom', 'Latest releases (Atom)')}: subscribe in a feed reader.</li>")
    if feeds:
        parts.append("<h2>Feeds</h2>\n<ul>" + "".join(feeds) + "</ul>")
    parts.append("<h2>Questions</h2>\n<ul>" + "".join(
        f"<li>{_a(f'{db}/{name}', q['title'])}: {html.escape(' '.join(q['description'].split()))}</li>"
        for name, q in queries.items()) + "</ul>")
    sources = [
        f"<li>{_a(s['path'], s['title']) if s.get('path') else html.escape(s['title'])}"
        + (f": {html.escape(' '.join(s['description'].split()))}" if s.get("description") else "") + "</li>"
        for s in descriptor.get("sources", [])
    ]
    licences = [_a(lic["path"], lic.get("title") or lic["name"]) if lic.get("path") else html.escape(lic.get("title") or lic["name"])
                for lic in descriptor.get("licenses", [])]
    parts.append("<h2>Where the data comes from</h2>\n<ul>" + "".join(sources) + "</ul>"
                 + (f"<p>Licence: {', '.join(licences)}.</p>" if licences else ""))
    return "\n".join(parts)


def _figure(value: Any) -> str:
    return f"{float(value):.2f}" if value is not None else "–"


def _quality_html(descriptor: dict[str, Any]) -> str:
    """The homepage's "how far to trust each table" section, from ``quality.yaml``."""
    q = quality()
    titles = {r["name"]: r.get("title", r["name"]) for r in descriptor.get("resources", [])}
    rows = []
    for table in TABLES:
        entry = (q.get("tables") or {}).get(table)
        if not entry:
            continue
        cells = [f'<td data-label="Table">{html.escape(titles.get(table, table))}</td>']
        cells += [f'<td data-label="{name}">{_figure(entry.get(k))}</td>'
                  for k, name in (("precision", "Precision"), ("recall", "Recall"), ("f1", "F1"), ("strict_f1", "Strict F1"))]
        cells.append(f'<td data-label="Note">{html.escape(" ".join(str(entry.get("note", "")).split()))}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<h2 id="quality">How far to trust each table</h2>\n'
        f'<p>Extraction measured on {html.escape(" ".join(str(q.get("set", "")).split()))} '
        f'(measured {html.escape(str(q.get("measured_on", "")))}). Every row also says whether a person checked it '
        "(<code>review_status</code>: <code>machine</code> until <code>verified</code> or <code>corrected</code>).</p>\n"
        '<table class="govpress-quality"><thead><tr><th scope="col">Table</th><th scope="col">Precision</th>'
        '<th scope="col">Recall</th><th scope="col">F1</th><th scope="col">Strict F1</th><th scope="col">Note</th>'
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def build_metadata(descriptor: dict[str, Any], db_name: str, *, downloads: dict[str, str],
                   counts: dict[str, int]) -> dict[str, Any]:
    """The Datasette metadata (a JSON-ready dict) of the database built from ``descriptor``.

    Args:
        descriptor: the parsed ``datapackage.json`` (Data Package v2).
        db_name: Datasette's name of the database (the file name without ``.db``).
        downloads: paths under the static mount: ``descriptor`` (datapackage.json)
            and ``zip`` (the whole package); resource paths come from ``descriptor``.
        counts: rows per table (shown on the homepage).
    Returns:
        ``title``, ``description_html``, ``license``/``license_url``,
        ``source``/``source_url``, ``about``/``about_url``, ``databases.<db_name>``
        (tables with descriptions, columns, label_column, sort, facets, fts_table;
        canned ``queries``) and ``plugins`` (the site plugin's related lists, ``read_only``,
        the content types of the downloads, the database name, the ``spans`` highlighted on
        a release page, the ``search`` sections, ``find``, ``data_dates``, the ``quality``
        figures and the canned queries that depend on today, ``today_queries``). ``about_url`` (the footer link) is set only
        when the package declares a ``homepage``.
    """
    cfg = site_config()
    queries = canned_queries()
    licence = (descriptor.get("licenses") or [{}])[0]
    source = (descriptor.get("sources") or [{}])[0]
    res = {r["name"]: r for r in descriptor.get("resources", [])}
    tables: dict[str, Any] = {}
    for table in TABLES:
        resource = res.get(table) or res.get(parquet_name(table))
        if resource is None:
            continue
        schema = resource.get("schema", {})
        fks = foreign_key_map(schema)
        tcfg = cfg["tables"].get(table, {})
        meta: dict[str, Any] = {
            "title": resource.get("title", table),
            "description": " ".join(str(resource.get("description", "")).split()),
            "columns": {f["name"]: _column_description(f, fks) for f in schema.get("fields", [])},
        }
        for name, spec in (tcfg.get("release_columns") or {}).items():
            meta["columns"][name] = " ".join(spec["description"].split())
        if tcfg.get("label"):
            meta["columns"]["label"] = " ".join(tcfg["label"]["description"].split())
            meta["label_column"] = "label"
        elif tcfg.get("label_column"):
            meta["label_column"] = tcfg["label_column"]
        for key in ("sort", "sort_desc", "facets"):
            if tcfg.get(key):
                meta[key] = tcfg[key]
        if tcfg.get("fts"):
            meta["fts_table"] = f"{table}_fts"
            meta["fts_pk"] = "rowid"
        tables[table] = meta
    metadata: dict[str, Any] = {
        "title": descriptor.get("title", descriptor.get("name", "govpress")),
        "description_html": _homepage(descriptor, db_name, downloads, counts, queries),
        "license": licence.get("title") or licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": source.get("title", ""),
        "source_url": source.get("path", ""),
    }
    if descriptor.get("homepage"):
        metadata["about"] = "govpress"
        metadata["about_url"] = descriptor["homepage"]
    metadata["databases"] = {
        db_name: {
            "title": descriptor.get("title", db_name),
            "description": " ".join(str(descriptor.get("description", "")).split()),
            "tables": tables,
            "queries": {
                name: {"title": q["title"], "description": " ".join(q["description"].split()), "sql": q["sql"],
                       "hide_sql": True}
                for name, q in queries.items()
            },
        }
    }
    metadata["plugins"] = {PLUGIN_NAME: {
        "related": cfg.get("related", {}),
        "read_only": bool(cfg.get("read_only", True)),
        "downloads": {"path": f"/{STATIC_MOUNT}/", "content_types": cfg.get("download_types", {})},
        "database": db_name,
        "spans": cfg.get("spans", {}),
        "search": [s for s in cfg.get("search", []) if s["table"] in tables and tables[s["table"]].get("fts_table")],
        "find": cfg.get("find", {}),
        "data_dates": cfg.get("data_dates", {}),
        "quality": quality(),
        "today_queries": sorted(name for name, q in queries.items() if "'now'" in q["sql"]),
    }}
    return metadata
