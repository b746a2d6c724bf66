"""Datasette plugin of the govpress site (loaded with ``--plugins-dir``; imports Datasette and icalendar).

- Row pages list related rows under the row, as configured in the metadata at
  ``plugins.govpress-site.related.<table>`` (an official's page: the events they took
  part in, the releases that mention them, their commitments — newest first). The
  ``row.html`` template of the site renders them.
- A release's page reads like the release (``row.html``): its header, the body as
  paragraphs with every record's span (``plugins.govpress-site.spans``: officials'
  mentions, events, commitments, partnerships) highlighted in place and linked, a
  legend, then the records by table. Every other record's page says where it comes
  from: its release (linked at the span), the publisher's page, the copy read, and
  its review status.
- ``escape_fts()`` (used by ``_search`` and the canned queries) matches what people
  type: every word as a prefix (``Brun`` finds Brunner), never an SQL error, never an
  empty FTS5 query. ``/-/find?q=`` goes straight to the one official that matches,
  else to the officials' search results; ``/-/search?q=`` lists the best matches in
  every searchable table.
- Table and query pages get the table's measured quality (``quality.yaml``) and,
  for an empty canned query, why it is empty (the latest dates in the data).
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
import html as _html
import re
from urllib.parse import quote as _quote_url, urlencode, urlsplit

from datasette import Response, hookimpl
from datasette.utils import add_cors_headers, tilde_decode, tilde_encode
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


_FTS_BITS = re.compile(r'\s+|(".*?")')


def prefix_fts(query):
    """An FTS5 query matching what people type: every word as a word prefix, ANDed.

    ``Brun`` → ``"Brun"*`` (Brunner); ``Foreign Sec`` → ``"Foreign"* "Sec"*``;
    ``UK-Italy`` → ``"UK-Italy"*`` (the phrase "uk italy", its last word a prefix). A
    part in double quotes is kept as typed, an exact phrase. Accents are folded by
    the tables' tokenizer, so ``Prev`` and ``Prév`` both find Prévot. Every part is
    quoted, so no input is FTS5 syntax; an input with no part gives ``""`` (matches
    nothing) instead of an invalid empty query.
    """
    text = query or ""
    if text.count('"') % 2:
        text += '"'
    out = []
    for bit in _FTS_BITS.split(text):
        if not bit or bit == '""':
            continue
        out.append(bit if bit.startswith('"') else '"' + bit + '"*')
    return " ".join(out) or '""'


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: runs after Datasette's own hook, so this definition wins: the table
    # pages' ``_search`` and the canned queries match word prefixes.
    conn.create_function("escape_fts", 1, prefix_fts)


DOCUMENT_TABLE = "releases"
"""The table whose ``body`` every span's ``char_start``/``char_end`` points into."""

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def human_date(value):
    """``2025-12-10`` → ``10 December 2025``; anything else unchanged (``""`` for None)."""
    try:
        day = _dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def same_address(a, b):
    """True when two URLs name the same page (scheme, ``www.``, a trailing ``/`` and case of the host ignored)."""
    def key(url):
        parts = urlsplit(str(url).strip())
        host = parts.netloc.lower().removeprefix("www.")
        return host, parts.path.rstrip("/") or "/", parts.query
    return key(a) == key(b)


def span_anchor(table, record_id):
    """The HTML id of a record's span on its release page: ``<table>-<id>`` (an id may hold ``/``)."""
    return f"{table}-{record_id}"


def narrow_span(body, start, end, words):
    """The offsets of the first of ``words`` (tried in order; case-insensitive) found in
    ``body[start:end]``, else ``(start, end)``: an official's name inside the sentence
    that mentions them."""
    if not (isinstance(start, int) and isinstance(end, int)):
        return start, end
    evidence = body[start:end]
    for word in words:
        word = str(word or "").strip()
        if word:
            found = re.search(re.escape(word), evidence, flags=re.IGNORECASE)
            if found:
                return start + found.start(), start + found.end()
    return start, end


def render_body(body, spans):
    """The release ``body`` as HTML paragraphs with every span highlighted in place.

    Args:
        body: the release's normalised text (every line a paragraph; blank lines ignored).
        spans: dicts with ``start``/``end`` (character offsets into ``body``),
            ``kind`` (CSS class suffix), ``ref`` (short visible label, "E1"),
            ``name`` (what the kind is called, "Event"), ``label`` (the record's
            name), ``href`` (its page) and ``anchor`` (HTML id).
    Returns:
        Markup: ``<p>`` elements. The text is cut at every span boundary and
        paragraph break; each piece is wrapped in one ``<mark>`` per span covering it
        (outermost first, so overlapping spans nest validly and a piece never spans
        a paragraph) and its text links to the innermost span's record. After each
        span's last piece a superscript link (``ref``) to the record follows, so
        every span has its own link even when another span covers the same words.
        A span that does not fit in ``body`` is left out.
    """
    good = [sp for sp in spans if 0 <= sp["start"] < sp["end"] <= len(body)]
    order = sorted(good, key=lambda sp: (sp["start"], -sp["end"], sp["order"]))
    cuts = {0, len(body)}
    for sp in order:
        cuts.update((sp["start"], sp["end"]))
    paragraphs = []
    for m in re.finditer(r"[^\n]+", body):  # every line is a paragraph (blank lines separate them too)
        paragraphs.append((m.start(), m.end()))
    out = []
    for p_start, p_end in paragraphs:
        points = sorted({p_start, p_end} | {c for c in cuts if p_start < c < p_end})
        html_parts = []
        for a, b in zip(points, points[1:]):
            covering = [sp for sp in order if sp["start"] <= a and sp["end"] >= b]
            text = _html.escape(body[a:b])
            if covering:
                inner = covering[-1]
                text = (f'<a class="gp-text" href="{_html.escape(inner["href"])}" '
                        f'title="{_html.escape(inner["name"] + ": " + inner["label"])}">{text}</a>')
                depth = len(covering)
                for level, sp in reversed(list(enumerate(covering))):
                    attrs = f' class="gp-span gp-{sp["kind"]} gp-under-{min(depth - 1 - level, 3)}"'
                    if sp["start"] == a:
                        attrs += f' id="{_html.escape(sp["anchor"])}"'
                    text = f"<mark{attrs}>{text}</mark>"
            html_parts.append(text)
            for sp in order:
                if sp["end"] == b and sp["start"] < b and (sp["end"] <= p_end):
                    html_parts.append(
                        f'<sup class="gp-ref gp-ref-{sp["kind"]}"><a href="{_html.escape(sp["href"])}" '
                        f'aria-label="{_html.escape(sp["name"] + " " + sp["ref"][1:] + ": " + sp["label"])}">'
                        f'{_html.escape(sp["ref"])}</a></sup>')
        out.append("<p>" + "".join(html_parts) + "</p>")
    return Markup("\n".join(out))


async def _related(datasette, database, sections, record_id):
    """The related lists of a row page: [{title, columns, rows: [[{text, href}]]}]."""
    db = datasette.get_database(database)
    out = []
    for section in sections:
        result = await db.execute(section["sql"], {"id": record_id})
        links = section.get("links") or {}
        anchors = section.get("anchors") or {}
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
                if column in anchors and row[anchors[column][1]] is not None:
                    href = "#" + span_anchor(anchors[column][0], row[anchors[column][1]])
                cells.append({"text": "" if value is None else value, "href": href})
            rows.append(cells)
        out.append({"title": section["title"], "columns": columns, "rows": rows})
    return out


async def _row(datasette, database, table, pks):
    """The row of ``table`` whose primary key values are ``pks`` (strings), as a dict, else None."""
    db = datasette.get_database(database)
    keys = await db.primary_keys(table)
    if len(keys) != len(pks):
        return None
    where = " and ".join(f'"{k}" = :p{i}' for i, k in enumerate(keys))
    result = await db.execute(f'select * from "{table}" where {where}', {f"p{i}": v for i, v in enumerate(pks)})
    return dict(result.rows[0]) if result.rows else None


def _copy_link(url, source_url):
    """``source_url`` when it is a different page from ``url`` (a copy the text was read at), else None."""
    if not source_url or (url and same_address(url, source_url)):
        return None
    return source_url


async def _release_page(datasette, database, row, config):
    """The reading view of a release: its header, the highlighted body, the legend, the records by table."""
    spans_cfg = config.get("spans") or {}
    db = datasette.get_database(database)
    body = str(row.get("body") or "")
    spans, legend = [], []
    for order, (table, cfg) in enumerate(spans_cfg.items()):
        result = await db.execute(cfg["sql"], {"id": row["release_id"]})
        found = []
        for record in result.rows:
            start, end = narrow_span(body, record["char_start"], record["char_end"],
                                     [record[c] for c in cfg.get("narrow") or []])
            found.append((start if isinstance(start, int) else -1, end, str(record["id"]), record))
        found.sort(key=lambda item: item[:3])
        for n, (start, end, _, record) in enumerate(found, start=1):
            spans.append({
                "table": table, "kind": cfg["kind"], "name": cfg["name"], "order": order,
                "ref": f'{cfg["letter"]}{n}', "label": str(record["label"] or record["id"]),
                "start": start, "end": end,
                "href": datasette.urls.row(database, cfg["link"], tilde_encode(str(record["id"]))),
                "anchor": span_anchor(table, record["id"]), "review_status": record["review_status"],
            })
        legend.append({"kind": cfg["kind"], "name": cfg["name"], "letter": cfg["letter"], "count": len(found)})
    sections = ((config.get("related") or {}).get(DOCUMENT_TABLE)) or []
    records = await _related(datasette, database, sections, row["release_id"])
    refs = {"#" + sp["anchor"]: (n, sp["ref"]) for n, sp in enumerate(spans)}
    for section in records:  # an in-page link reads as the span's mark (E1), or goes when the span is not shown
        order = {}
        for i, cells in enumerate(section["rows"]):
            order[i] = (len(spans), i)
            for cell in cells:
                if cell["href"] and cell["href"].startswith("#"):
                    n, cell["text"] = refs.get(cell["href"], (None, ""))
                    cell["href"] = cell["href"] if cell["text"] else None
                    if n is not None:
                        order[i] = (n, i)
        section["rows"] = [cells for _, cells in sorted(zip(order.values(), section["rows"]), key=lambda p: p[0])]
    fields = [(k, v) for k, v in row.items() if k not in ("body", "title") and v not in (None, "")]
    return {
        "title": row.get("title"),
        "published_date": row.get("published_date"),
        "published_human": human_date(row.get("published_date")),
        "organisations": [o for o in str(row.get("organisations") or "").split("; ") if o],
        "document_type": str(row.get("document_type") or "").replace("_", " "),
        "url": row.get("url"),
        "copy_url": _copy_link(row.get("url"), row.get("source_url")),
        "copy_host": urlsplit(str(row.get("source_url") or "")).netloc.removeprefix("www."),
        "withdrawn": bool(row.get("withdrawn")),
        "withdrawn_date": row.get("withdrawn_date"),
        "word_count": row.get("word_count"),
        "body_html": render_body(body, spans),
        "legend": legend,
        "spans": spans,
        "records": records,
        "fields": fields,
    }


async def _source_of(datasette, database, table, row, config):
    """Where a record comes from: its release (linked at the span), the publisher's page and the copy read."""
    cfg = (config.get("spans") or {}).get(table)
    if not cfg or not row.get("release_id"):
        return None
    db = datasette.get_database(database)
    result = await db.execute(
        f"select release_id, title, published_date, url, source_url from {DOCUMENT_TABLE} where release_id = :id",
        {"id": row["release_id"]})
    if not result.rows:
        return None
    release = dict(result.rows[0])
    record_id = row.get(cfg["id_column"])
    page = datasette.urls.row(database, DOCUMENT_TABLE, tilde_encode(str(release["release_id"])))
    return {
        "title": release["title"],
        "published_human": human_date(release["published_date"]),
        "href": page + "#" + _quote_url(span_anchor(table, record_id), safe="/:-_.~"),
        "page": page,
        "url": release["url"],
        "copy_url": _copy_link(release["url"], release["source_url"]),
        "copy_host": urlsplit(str(release["source_url"] or "")).netloc.removeprefix("www."),
        "evidence": row.get("evidence"),
        "char_start": row.get("char_start"),
        "char_end": row.get("char_end"),
        "review_status": row.get("review_status"),
        "method": row.get("method"),
        "extractor": row.get("extractor"),
        "kind": cfg["kind"],
        "name": cfg["name"],
        "label": row.get("label") or row.get("name"),
    }


async def data_dates(datasette, database, config):
    """``[(what, ISO date)]`` of ``config["data_dates"]``: the latest dates in the data (None left out)."""
    db = datasette.get_database(database)
    out = []
    for what, sql in (config.get("data_dates") or {}).items():
        value = (await db.execute(sql)).first()
        if value and value[0]:
            out.append((what, value[0]))
    return out


def table_quality(config, table):
    """The measured quality of ``table`` (``quality.yaml`` entry plus ``measured_on``/``set``), else None."""
    q = config.get("quality") or {}
    entry = (q.get("tables") or {}).get(table)
    if not entry:
        return None
    figures = [(name, entry[key]) for key, name in (("precision", "precision"), ("recall", "recall"),
                                                   ("f1", "F1"), ("strict_f1", "strict F1")) if entry.get(key) is not None]
    return {"figures": [(n, f"{float(v):.2f}") for n, v in figures], "note": entry.get("note"),
            "measured_as": entry.get("measured_as"), "measured_on": q.get("measured_on"), "set": q.get("set")}


@hookimpl
def extra_template_vars(template, view_name, database, table, request, datasette):
    config = datasette.plugin_config(PLUGIN_NAME) or {}
    if request is None or database is None:
        return {}
    if str(template or "").startswith("query"):
        view_name, table = "query", None  # a query page (a canned query is served by the table view)

    async def values():
        out = {}
        if view_name == "row" and table:
            pks = [tilde_decode(part) for part in request.url_vars.get("pks", "").split(",")]
            row = await _row(datasette, database, table, pks)
            if row is None:
                return out
            if table == DOCUMENT_TABLE and "body" in row:
                out["govpress_release"] = await _release_page(datasette, database, row, config)
            else:
                sections = (config.get("related") or {}).get(table)
                if sections and len(pks) == 1:
                    out["govpress_related"] = await _related(datasette, database, sections, pks[0])
                out["govpress_source"] = await _source_of(datasette, database, table, row, config)
            out["govpress_quality"] = table_quality(config, table)
        elif view_name == "table" and table:
            out["govpress_quality"] = table_quality(config, table)
        elif view_name == "query":
            out["govpress_today"] = _dt.date.today().isoformat()
            out["govpress_data_dates"] = await data_dates(datasette, database, config)
            out["govpress_data_latest"] = latest = max((d for _, d in out["govpress_data_dates"]), default=None)
            # a year or date asked for that starts after the data ends ("this year": 2026)
            out["govpress_after_data"] = [
                (key, value) for key in sorted(request.args) for value in [request.args.get(key) or ""]
                if not key.startswith("_") and latest and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value.strip())
                and value.strip() > latest[:len(value.strip())]]
            out["govpress_today_queries"] = config.get("today_queries") or []
        return out

    return values


# --- search: /-/find (one official) and /-/search (everything) ------------------------------

SEARCH_LIMIT = 20
"""Matches shown per table on the search page (the table's own search lists them all)."""


def _fold(text):
    """Lower case without accents (for comparing what was typed with a label)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _database_name(datasette, config):
    name = config.get("database")
    if name and name in datasette.databases:
        return name
    return next(iter(d for d in datasette.databases if d != "_internal"), None)


async def find_official(datasette, request):
    """``/-/find?q=``: the official's page when exactly one matches (or exactly one's label is ``q``),
    else the officials table's search results."""
    config = datasette.plugin_config(PLUGIN_NAME) or {}
    find = config.get("find") or {}
    table, label = find.get("table", "officials"), find.get("label", "label")
    database = _database_name(datasette, config)
    q = (request.args.get("q") or "").strip()
    results = datasette.urls.table(database, table) + ("?" + urlencode({"_search": q}) if q else "")
    if not q or database is None:
        return Response.redirect(results)
    db = datasette.get_database(database)
    keys = await db.primary_keys(table)
    rows = (await db.execute(
        f'select {", ".join(chr(34) + k + chr(34) for k in keys)}, "{label}" as label from "{table}" '
        f'where rowid in (select rowid from "{table}_fts" where "{table}_fts" match escape_fts(:q)) limit 101',
        {"q": q})).rows
    exact = [r for r in rows if _fold(r["label"]) == _fold(q)]
    chosen = rows if len(rows) == 1 else exact if len(exact) == 1 else []
    if chosen:
        pk = ",".join(tilde_encode(str(chosen[0][k])) for k in keys)
        return Response.redirect(datasette.urls.row(database, table, pk))
    return Response.redirect(results)


_SNIPPET_OPEN, _SNIPPET_CLOSE = "\x02", "\x03"


def _snippet_html(text):
    """An FTS5 snippet (matches between \\x02 and \\x03) as escaped HTML with ``<mark>`` around the matches."""
    escaped = _html.escape(text or "")
    return Markup(escaped.replace(_SNIPPET_OPEN, "<mark>").replace(_SNIPPET_CLOSE, "</mark>"))


async def search_page(datasette, request):
    """``/-/search?q=``: the best matches of ``q`` in every table of ``plugins.govpress-site.search``,
    words matched as prefixes, accents ignored; each match links to its row page."""
    config = datasette.plugin_config(PLUGIN_NAME) or {}
    database = _database_name(datasette, config)
    q = (request.args.get("q") or "").strip()
    sections = []
    if q and database is not None:
        db = datasette.get_database(database)
        titles = {}
        for entry in config.get("search") or []:
            table = entry["table"]
            titles[table] = (datasette.table_metadata(database, table) or {}).get("title", table)
            keys = await db.primary_keys(table)
            fts = f'"{table}_fts"'
            snippet = (f"snippet({fts}, {int(entry['snippet'])}, char(2), char(3), '…', 24)"
                       if entry.get("snippet") is not None else "null")
            pk_cols = ", ".join(f't."{k}" as "pk_{k}"' for k in keys)
            count = (await db.execute(
                f"select count(*) from {fts} where {fts} match escape_fts(:q)", {"q": q})).first()[0]
            rows = (await db.execute(
                f"select {pk_cols}, {entry['title']} as title, {entry['text']} as text, {snippet} as snippet "
                f'from {fts} join "{table}" t on t.rowid = {fts}.rowid where {fts} match escape_fts(:q) '
                f"order by {fts}.rank limit {SEARCH_LIMIT}", {"q": q})).rows
            matches = [{
                "href": datasette.urls.row(database, table, ",".join(tilde_encode(str(r[f"pk_{k}"])) for k in keys)),
                "title": r["title"] or ", ".join(str(r[f"pk_{k}"]) for k in keys),
                "text": r["text"],
                "snippet": _snippet_html(r["snippet"]) if r["snippet"] else None,
            } for r in rows]
            sections.append({"table": table, "title": titles[table], "count": count, "matches": matches,
                             "all": datasette.urls.table(database, table) + "?" + urlencode({"_search": q})})
    html = await datasette.render_template(
        "govpress_search.html", {"q": q, "sections": sections, "total": sum(s["count"] for s in sections)},
        request=request)
    return Response.html(html)


@hookimpl
def register_routes():
    return [(r"^/-/find$", find_official), (r"^/-/search$", search_page)]


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
