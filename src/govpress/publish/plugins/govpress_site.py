"""Datasette plugin of the govpress site (loaded with ``--plugins-dir``; imports Datasette and icalendar).

- Row pages list related rows under the row, as configured in the metadata at
  ``plugins.govpress-site.related.<table>`` (an official's page: the events they took
  part in, the releases that mention them, their commitments — newest first). The
  ``row.html`` template of the site renders them.
- ``escape_fts()`` never yields an empty FTS5 query: a search for nothing but
  quotes or spaces finds no rows instead of raising an SQL error.
- ``.ics`` output (RFC 5545, through the ``icalendar`` library) for any query that
  returns the columns ``event_uid``, ``event_name`` and ``event_dtstart``; optional
  ``event_dtend`` (exclusive), ``event_dtstamp``, ``event_description``,
  ``event_location`` and ``event_url``. An ISO date (``2025-12-10``) gives an all-day
  ``VALUE=DATE`` property; an ISO date-time (``2025-12-10T00:00:00Z``) a DATE-TIME.
  Registered ``trylast`` so that it, not datasette-ics, renders ``.ics``.
- The magic parameter ``:_url_database``: the absolute URL of the database the query
  runs in (``http://127.0.0.1:8001/govpress``), so a canned query can link to row
  pages (the releases feed does for a release without a ``url``).
- Files under the downloads mount are served with the content types of
  ``plugins.govpress-site.downloads.content_types`` (``.parquet`` →
  ``application/vnd.apache.parquet``; Datasette's static files guess ``text/plain``).
- With ``plugins.govpress-site.read_only`` true, every request but GET, HEAD and
  OPTIONS is answered 405 before Datasette sees it (Datasette 0.65 answers a POST
  to a table or a read-only canned query with a 500, and ``/-/insert`` does not
  exist in 0.65).
- Client errors are answered as such, never as a 500: a ``_sort``/``_sort_desc`` on
  a column the table does not have is a 400, and a URL no route matches
  (``/db/table/-/anything``) a plain 404 — Datasette 0.65.5's own handler crashes
  there when ``rich`` is installed (it prints a traceback outside an ``except``
  block).
"""
from __future__ import annotations

import datetime as _dt

from datasette import Response, hookimpl
from datasette.utils import add_cors_headers, escape_fts, tilde_decode, tilde_encode
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup

PLUGIN_NAME = "govpress-site"

ICS_REQUIRED = {"event_uid", "event_name", "event_dtstart"}
"""Columns a query must return to be rendered as ``.ics``."""

ICS_PRODID = "-//govpress//Datasette events calendar//EN"
"""``PRODID`` of every calendar the site renders."""

# (exception class, start of its message, HTTP status): errors Datasette 0.65 raises
# as a 500 although the request, not the server, is at fault.
CLIENT_ERRORS = [
    (DatasetteError, "Cannot sort table by ", 400),
]


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


# --- :_url_database ------------------------------------------------------------------


@hookimpl
def register_magic_parameters(datasette):
    def url(key, request):
        route = (request.url_vars or {}).get("database")
        if key != "database" or route is None:
            raise KeyError(key)
        db = datasette.get_database(route=tilde_decode(route))
        return datasette.absolute_url(request, datasette.urls.database(db.name))

    return [("url", url)]


# --- .ics ------------------------------------------------------------------------------


def ics_value(column, value, row_number):
    """An ISO date → ``datetime.date``; an ISO date-time → ``datetime.datetime`` (``Z`` = UTC).

    Raises:
        DatasetteError (400): the value is neither.
    """
    text = str(value).strip()
    try:
        if len(text) == 10:
            return _dt.date.fromisoformat(text)
        return _dt.datetime.fromisoformat(text)
    except ValueError:
        raise DatasetteError(f"row {row_number}: {column} {text!r} is not an ISO date or date-time", status=400) from None


def render_calendar(rows, title=None):
    """The iCalendar bytes (CRLF, folded at 75 octets) of ``rows`` (dicts with the ``event_*`` columns).

    One VEVENT per row, in the order given. ``DTSTAMP`` is ``event_dtstamp``, else
    the start at 00:00 UTC: never the wall clock, so the same rows give the same bytes.
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", ICS_PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if title:
        cal.add("x-wr-calname", title)
    for n, row in enumerate(rows, start=1):
        get = row.get
        start = ics_value("event_dtstart", get("event_dtstart"), n)
        stamp = get("event_dtstamp")
        if stamp:
            stamp = ics_value("event_dtstamp", stamp, n)
        if not isinstance(stamp, _dt.datetime):
            day = stamp or start
            stamp = _dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc)
        event = Event()
        event.add("uid", str(get("event_uid")))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        if get("event_dtend"):
            event.add("dtend", ics_value("event_dtend", get("event_dtend"), n))
        event.add("summary", str(get("event_name") or ""))
        for column, prop in (("event_description", "description"), ("event_location", "location"),
                             ("event_url", "url")):
            if get(column):
                event.add(prop, str(get(column)))
        cal.add_component(event)
    return cal.to_ical()


def render_ics(datasette, request, database, rows, columns, query_name):
    """Datasette output renderer: the query's rows as ``text/calendar`` (``?_plain=1``: ``text/plain``),
    named after the canned query's title."""
    if not ICS_REQUIRED.issubset(columns):
        raise DatasetteError("SQL query must return columns " + ", ".join(sorted(ICS_REQUIRED)), status=400)
    title = None
    if query_name:
        title = ((datasette.metadata(database=database) or {}).get("queries") or {}).get(query_name, {}).get("title")
    body = render_calendar([dict(zip(columns, row)) for row in rows], title=title)
    content_type = "text/plain; charset=utf-8" if request.args.get("_plain") else "text/calendar; charset=utf-8"
    return Response(body, content_type=content_type, status=200)


@hookimpl(trylast=True)
def register_output_renderer(datasette):
    # trylast: registered after datasette-ics (when installed), so this renderer owns ".ics".
    return {"extension": "ics", "render": render_ics, "can_render": lambda columns: ICS_REQUIRED.issubset(columns)}


# --- read-only, content types of the downloads ----------------------------------------

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def download_content_type(datasette, path):
    """The configured content type of a file under the downloads mount at ``path``, else None."""
    config = (datasette.plugin_config(PLUGIN_NAME) or {}).get("downloads") or {}
    mount, types = config.get("path"), config.get("content_types") or {}
    base = datasette.setting("base_url") or "/"
    if base != "/" and path.startswith(base):
        path = "/" + path[len(base):]
    if not mount or not path.startswith(mount):
        return None
    for suffix in sorted(types, key=len, reverse=True):
        if path.endswith(suffix):
            return types[suffix]
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def site_app(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            config = datasette.plugin_config(PLUGIN_NAME) or {}
            if config.get("read_only") and scope.get("method", "GET") not in READ_METHODS:
                response = Response.text("405: this site is read-only; only GET requests are answered.", status=405,
                                         headers={"Allow": ", ".join(READ_METHODS)})
                return await response.asgi_send(send)
            content_type = download_content_type(datasette, scope["path"])
            if content_type is None:
                return await app(scope, receive, send)

            async def send_typed(message):
                if message["type"] == "http.response.start" and message.get("status") == 200:
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-type"]
                    message = {**message, "headers": [*headers, (b"content-type", content_type.encode("latin-1"))]}
                await send(message)

            await app(scope, receive, send_typed)

        return site_app

    return wrap


# --- client errors -------------------------------------------------------------------------


def client_error_status(exception):
    """The 4xx status ``exception`` stands for, else None (a server error)."""
    if isinstance(exception, Base400):
        return exception.status
    if isinstance(exception, DatasetteError) and exception.status < 500:
        return exception.status
    message = str(exception.message if isinstance(exception, DatasetteError) else (exception.args or [""])[0])
    for kind, start, status in CLIENT_ERRORS:
        if isinstance(exception, kind) and message.startswith(start):
            return status
    return None


def client_error_response(datasette, request, exception, status):
    """Datasette's error page (``error.html``, or JSON for a ``.json`` URL) for a client error."""

    async def respond():
        if isinstance(exception, DatasetteError):
            info = dict(exception.error_dict)
            message = Markup(exception.message) if exception.message_is_html else exception.message
            title = exception.title
        else:
            info, message, title = {}, str((exception.args or [""])[0]), None
        info.update({"ok": False, "error": message, "status": status, "title": title})
        headers = {}
        if datasette.cors:
            add_cors_headers(headers)
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status, headers=headers)
        html = await datasette.render_template([f"{status}.html", "error.html"], info, request=request)
        return Response.html(html, status=status, headers=headers)

    return respond


@hookimpl(wrapper=True)
def handle_exception(datasette, request, exception):
    # A wrapper, so that for a client error Datasette's default handler (which prints
    # a traceback, and fails when no exception is being handled) is not run at all.
    responses = yield
    status = client_error_status(exception)
    if status is None:
        return responses
    return [client_error_response(datasette, request, exception, status)]
