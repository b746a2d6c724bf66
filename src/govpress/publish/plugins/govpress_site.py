"""Datasette plugin of the govpress site (loaded with ``--plugins-dir``; imports only Datasette).

- Row pages list related rows under the row, as configured in the metadata at
  ``plugins.govpress-site.related.<table>`` (an official's page: the events they took
  part in, the releases that mention them, their commitments — newest first). The
  ``row.html`` template of the site renders them.
- ``escape_fts()`` never yields an empty FTS5 query: a search for nothing but
  quotes or spaces finds no rows instead of raising an SQL error.
"""
from __future__ import annotations

from datasette import hookimpl
from datasette.utils import escape_fts, tilde_decode, tilde_encode

PLUGIN_NAME = "govpress-site"


def safe_escape_fts(query):
    """Datasette's ``escape_fts`` (every term quoted), but ``""`` (matches nothing) instead of an empty query."""
    return escape_fts(query or "") or '""'


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: runs after Datasette's own hook, so this definition wins.
    conn.create_function("escape_fts", 1, safe_escape_fts)


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or not table or request is None:
        return {}
    config = datasette.plugin_config(PLUGIN_NAME) or {}
    sections = (config.get("related") or {}).get(table)
    if not sections:
        return {}

    async def related():
        pks = [tilde_decode(part) for part in request.url_vars.get("pks", "").split(",")]
        if len(pks) != 1:
            return {}
        db = datasette.get_database(database)
        out = []
        for section in sections:
            result = await db.execute(section["sql"], {"id": pks[0]})
            links = section.get("links") or {}
            columns = section.get("columns") or list(result.columns)
            rows = []
            for row in result.rows:
                cells = []
                for column in columns:
                    value = row[column]
                    href = None
                    if column in links and value is not None:
                        other_table, id_column = links[column]
                        if row[id_column] is not None:
                            href = datasette.urls.row(database, other_table, tilde_encode(str(row[id_column])))
                    cells.append({"text": "" if value is None else value, "href": href})
                rows.append(cells)
            out.append({"title": section["title"], "columns": columns, "rows": rows})
        return {"govpress_related": out}

    return related
