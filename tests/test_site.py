"""The Datasette site, through Datasette's own test client (in process, no network).

The site is the package built from seeds/ published with :func:`govpress.publish.publish`
and opened with :func:`govpress.publish.make_datasette` — the same options as
``govpress serve``. Values checked are the founding release's (see its gold file).
"""
from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from govpress.package import PackageWriter
from govpress.publish import SiteFiles, datasette_args, datasette_settings, make_datasette, publish
from govpress.publish.config import canned_queries

FOUNDING = "foreign-secretary-calls-for-european-cooperation-on-illegal-migration"
FOUNDING_TITLE = "Foreign Secretary calls on European partners to step up cooperation on illegal migration"
ATOM = "{http://www.w3.org/2005/Atom}"


class Client:
    """Synchronous wrapper of ``Datasette.client`` (an httpx client over ASGI)."""

    def __init__(self, ds: Any) -> None:
        self.ds = ds

    def get(self, path: str) -> Any:
        return asyncio.run(self.ds.client.get(path))

    def request(self, method: str, path: str) -> Any:
        return asyncio.run(self.ds.client.request(method, path))

    def json(self, path: str) -> Any:
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response.json()


@pytest.fixture(scope="module")
def site(built_package: Path, tmp_path_factory: pytest.TempPathFactory) -> SiteFiles:
    return SiteFiles(publish(built_package, tmp_path_factory.mktemp("site") / "govpress.db"))


@pytest.fixture(scope="module")
def client(site: SiteFiles) -> Client:
    return Client(make_datasette(site))


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- finding things ----------------------------------------------------------------------


@pytest.mark.parametrize("typed, official_id, name", [
    ("Brunner", "magnus-brunner", "Magnus Brunner"),
    ("Prevot", "maxime-prevot", "Maxime Prévot"),  # typed without the accent
    ("von der Leyen", "ursula-von-der-leyen", "Ursula von der Leyen"),
])
def test_finds_an_official_by_name(client: Client, typed: str, official_id: str, name: str) -> None:
    rows = client.json(f"/govpress/officials.json?_search={typed}&_shape=array")
    assert [(r["official_id"], r["name"]) for r in rows] == [(official_id, name)]
    everything = client.json(f"/govpress/official.json?name={typed}&_shape=array")
    assert {r["official_id"] for r in everything} == {official_id}
    assert ("mention", FOUNDING) in {(r["kind"], r["release_id"]) for r in everything}


@pytest.mark.parametrize("words", ["UK-Italy", "Minister's", "G7.", "sanctions", "Prevot"])
def test_search_with_punctuation_returns_rows(client: Client, words: str) -> None:
    data = client.json(f"/govpress/releases.json?_search={words}&_col=title")
    assert data["rows"], words
    if words in ("UK-Italy", "sanctions", "Prevot"):
        assert FOUNDING in [r[0] for r in data["rows"]]


@pytest.mark.parametrize("words", ['"', '" "', "(", "*", "NEAR(", "a OR", ""])
def test_search_never_raises_an_sql_error(client: Client, words: str) -> None:
    response = client.get(f"/govpress/releases.json?_search={words}&_col=title")
    assert response.status_code == 200, response.text[:300]
    response = client.get(f"/govpress/official.json?name={words}")
    assert response.status_code == 200, response.text[:300]


def test_events_facet_by_type_and_country_with_evidence_and_release(client: Client) -> None:
    data = client.json("/govpress/events.json?event_type=visit&country_code=BE&_labels=on&_shape=objects")
    assert {"event_type", "country_code", "timing"} <= set(data["facet_results"])
    brussels = [r for r in data["rows"] if r["release_id"]["value"] == FOUNDING and r["start_date"] == "2025-12-10"]
    assert brussels, data["rows"]
    assert brussels[0]["evidence"].startswith("Foreign Secretary travels to Brussels today")
    assert brussels[0]["release_id"]["label"] == FOUNDING_TITLE  # the release's title, linked
    assert brussels[0]["label"] == "Visit in Brussels, 2025-12-10"


def test_participants_show_officials_names(client: Client) -> None:
    rows = client.json(f"/govpress/event_participants.json?_labels=on&_shape=array&event_id__startswith={FOUNDING}")
    labels = {r["official_id"]["label"] for r in rows}
    assert "Foreign Secretary (GB)" in labels  # an unnamed office-holder gets role and country


def test_official_page_lists_events_and_releases_newest_first(client: Client) -> None:
    html = client.get("/govpress/officials/gb-foreign-secretary").text
    events = html[html.index("Events they took part in"):html.index("Releases that mention them")]
    # host of next June's Illicit Finance Summit, then (older) the Brussels visit of 2025-12-10
    assert events.index("Illicit Finance Summit") < events.index("Visit in Brussels, 2025-12-10")
    releases = html[html.index("Releases that mention them"):]
    assert FOUNDING_TITLE in releases
    assert f'href="/govpress/releases/{FOUNDING}"' in releases
    assert "Links from other tables" in html and "from official_id in event_participants" in html


# --- downloads and feeds ---------------------------------------------------------------------


def test_homepage_links_every_download(client: Client, built_package: Path) -> None:
    html = client.get("/").text
    links = sorted(set(re.findall(r'href="(/downloads/[^"]+)"', html)))
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    expected = {"/downloads/datapackage.json", "/downloads/govpress-releases-2.0.0.zip"} | {
        f"/downloads/{r['path']}" for r in descriptor["resources"]}
    assert set(links) == expected
    types = {".csv": "text/csv; charset=utf-8", ".parquet": "application/vnd.apache.parquet",
             ".zip": "application/zip", ".json": "application/json"}
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.headers["content-type"] == types[Path(link).suffix], link
        if link.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
                assert zf.read("govpress-releases-2.0.0/data/events.csv") == (built_package / "data/events.csv").read_bytes()
        else:
            assert response.content == (built_package / link.removeprefix("/downloads/")).read_bytes(), link
    parquet = pq.read_table(io.BytesIO(client.get("/downloads/data/officials.parquet").content))
    assert parquet.num_rows == len(_csv(built_package / "data/officials.csv"))


def test_events_calendar_is_rfc5545(client: Client, built_package: Path) -> None:
    from icalendar import Calendar

    response = client.get("/govpress/events_calendar.ics")
    assert response.status_code == 200 and response.headers["content-type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert client.get("/govpress/events_calendar.ics").content == raw  # no wall clock in it
    # CRLF line ends, folded at 75 octets (the UTF-8 bytes, not characters), no time zone
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(len(line) > len(line.decode("utf-8")) for line in lines if line.startswith(b" "))  # a folded non-ASCII line
    assert b"TZID" not in raw and b"T000000\r\n" not in raw
    calendar = Calendar.from_ical(raw)
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", "-//govpress//Datasette events calendar//EN")
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    dated = [r for r in _csv(built_package / "data/events.csv") if r["start_date"]]
    assert set(events) == {f"{r['event_id']}@govpress" for r in dated}
    for event in events.values():
        assert event.get("DTSTAMP") and event["DTSTART"].params["VALUE"] == "DATE" == event["DTEND"].params["VALUE"]
        assert event.decoded("DTEND") > event.decoded("DTSTART")

    def fields(e: Any) -> tuple:
        return (str(e["SUMMARY"]), e.decoded("DTSTART").isoformat(), e.decoded("DTEND").isoformat(),
                e.decoded("DTSTAMP").isoformat(), str(e.get("LOCATION", "")), str(e["URL"]))

    def founding(summary: str) -> Any:
        [e] = [e for uid, e in events.items() if uid.startswith(f"{FOUNDING}/") and str(e["SUMMARY"]) == summary]
        return e

    url = "https://www.parliamenttoday.com/free/viewnews.html?id=170478"
    # a one-day event ends (exclusively) the next day; "next June" spans June; "Spring 2026" March to May
    assert fields(events[f"{FOUNDING}/event/443-666@govpress"]) == (
        "Visit in Brussels, 2025-12-10", "2025-12-10", "2025-12-11", "2025-12-10T00:00:00+00:00", "Brussels", url)
    assert fields(founding("Illicit Finance Summit (date: month)")) == (
        "Illicit Finance Summit (date: month)", "2026-06-01", "2026-07-01", "2025-12-10T00:00:00+00:00",
        "Lancaster House, London", url)
    assert fields(founding("Meeting, spring 2026 (date: season)"))[1:3] == ("2026-03-01", "2026-06-01")
    visit = events[f"{FOUNDING}/event/443-666@govpress"]
    assert str(visit["DESCRIPTION"]).startswith("Foreign Secretary travels to Brussels today")
    assert str(visit["DESCRIPTION"]).endswith("\n\nDate as written: today\nSource: " + FOUNDING_TITLE + " (2025-12-10)")
    assert b"BEGIN:VEVENT\r\nSUMMARY:Visit in Brussels\\, 2025-12-10\r\nDTSTART;VALUE=DATE:20251210\r\n" \
           b"DTEND;VALUE=DATE:20251211\r\nDTSTAMP:20251210T000000Z\r\n" in raw


def test_releases_feed_is_atom(client: Client, built_package: Path) -> None:
    response = client.get("/govpress/releases_feed.atom")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == min(50, len(_csv(built_package / "data/releases.csv")))
    # the newest release (2026-01-03) has no publisher's address: it links to its page here
    assert entries[0].findtext(f"{ATOM}updated") == "2026-01-03T00:00:00+00:00"
    assert entries[0].find(f"{ATOM}link").get("href") == "http://localhost/govpress/releases/strikes-on-daesh"
    newest = entries[1]
    assert newest.findtext(f"{ATOM}title") == FOUNDING_TITLE
    assert newest.findtext(f"{ATOM}updated") == "2025-12-10T00:00:00+00:00"
    assert newest.find(f"{ATOM}link").get("href") == "https://www.parliamenttoday.com/free/viewnews.html?id=170478"
    assert "Maxime Prévot" in newest.findtext(f"{ATOM}content")


def test_releases_feed_links_a_release_without_url_to_its_page(built_package: Path, tmp_path: Path) -> None:
    """A release with no url (optional: a Markdown release may have none) gets its row page as the link."""
    releases = [r for r in pq.read_table(built_package / "data/releases.parquet").to_pylist()
                if r["release_id"] in (FOUNDING, "pm-call-with-president-zelenskyy-22-may-2022")]
    releases[0]["url"] = None
    releases[1]["organisations"] = None
    with PackageWriter(tmp_path / "package") as pkg:
        for release in releases:
            pkg.write("releases", release)
    ds = Client(make_datasette(SiteFiles(publish(tmp_path / "package", tmp_path / "mine.db", validate=False))))
    response = ds.get("/mine/releases_feed.atom")
    assert response.status_code == 200, response.text[:300]
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    links = {e.findtext(f"{ATOM}title"): e.find(f"{ATOM}link").get("href") for e in entries}
    nourl = releases[0]["title"]
    assert links[nourl] == f"http://localhost/mine/releases/{releases[0]['release_id']}"
    assert links[releases[1]["title"]] == releases[1]["url"]
    assert ds.get(links[nourl].removeprefix("http://localhost")).status_code == 200  # the link is a real page
    assert ds.get("/mine/events_calendar.ics").status_code == 200  # no events: an empty calendar, not an error


def test_client_errors_are_not_server_errors(client: Client) -> None:
    response = client.get("/govpress/officials?_sort=nonexistent")
    assert response.status_code == 400 and "Cannot sort table by nonexistent" in response.text
    response = client.get("/govpress/officials.json?_sort_desc=nonexistent")
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "Cannot sort table by nonexistent", "status": 400, "title": None}
    assert client.get("/govpress/officials.json?_sort=label").status_code == 200  # a real column still sorts
    # read-only: a write is refused before Datasette sees it (0.65 has no /-/insert; POST to a table was a 500)
    for path in ("/govpress/officials/-/insert", "/govpress/officials", "/govpress/official"):
        response = client.request("POST", path)
        assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD, OPTIONS"), path
    # a URL no route matches is a 404 (Datasette 0.65.5's own handler crashed on it with rich installed)
    response = client.get("/govpress/officials/-/insert")
    assert response.status_code == 404 and "<title>Error 404</title>" in response.text
    assert client.get("/govpress/officials/-/insert.json").json()["status"] == 404


def test_every_canned_query_runs(client: Client) -> None:
    params = "name=Foreign+Secretary&topic=migration&country=GB&year=2025"
    for name, query in canned_queries().items():
        data = client.json(f"/govpress/{name}.json?{params}&_shape=objects")
        assert "rows" in data, name
    by_month = client.json("/govpress/releases_by_month.json?_shape=array")
    assert [(m["month"], m["releases"]) for m in by_month[:2]] == [("2026-01", 1), ("2025-12", 1)]


# --- serving safely ---------------------------------------------------------------------------


def test_release_text_is_shown_as_text(built_package: Path, tmp_path: Path) -> None:
    """A body holding HTML and a script is displayed escaped, never run."""
    release = next(r for r in pq.read_table(built_package / "data/releases.parquet").to_pylist()
                   if r["release_id"] == FOUNDING)
    release["body"] = '<script>alert("govpress")</script> <img src=x onerror=alert(1)> <b>bold</b>\n\n' + release["body"]
    with PackageWriter(tmp_path / "package") as pkg:
        pkg.write("releases", release)
    ds = Client(make_datasette(SiteFiles(publish(tmp_path / "package", tmp_path / "govpress.db", validate=False))))
    for path in (f"/govpress/releases/{FOUNDING}", "/govpress/releases", "/govpress/releases_feed.atom"):
        text = ds.get(path).text
        assert '<script>alert("govpress")' not in text and "<img src=x" not in text, path
        assert "&lt;script&gt;alert(" in text, path


def test_served_immutable_read_only_and_limited(client: Client, site: SiteFiles) -> None:
    databases = client.json("/-/databases.json")
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("govpress", False)]
    settings = client.json("/-/settings.json")
    assert settings["sql_time_limit_ms"] == 1500 and settings["max_returned_rows"] == 1000
    before = sqlite3.connect(site.db).execute("select count(*) from releases").fetchone()[0]
    response = client.get("/govpress.json?sql=delete+from+releases")
    assert response.status_code == 400
    assert sqlite3.connect(site.db).execute("select count(*) from releases").fetchone()[0] == before
    plugins = {p["name"] for p in client.json("/-/plugins.json")}
    assert {"datasette-atom", "govpress_site.py"} <= plugins


def test_serve_arguments(site: SiteFiles) -> None:
    args = datasette_args(site)
    assert args[:3] == ["serve", "-i", str(site.db)]
    assert args[args.index("--inspect-file") + 1] == str(site.inspect)
    assert args[args.index("-m") + 1] == str(site.metadata)
    assert args[args.index("--static") + 1] == f"downloads:{site.downloads}"
    assert args[-4:] == ["--host", "127.0.0.1", "--port", "8001"]
    pairs = {args[i + 1]: args[i + 2] for i, a in enumerate(args) if a == "--setting"}
    assert pairs == {k: str(v) for k, v in datasette_settings().items()}


def test_publishing_docs_use_the_same_settings() -> None:
    """docs/publishing.md passes every setting of site.yaml, with its value, to the host."""
    docs = (Path(__file__).resolve().parents[1] / "docs" / "publishing.md").read_text(encoding="utf-8")
    for key, value in datasette_settings().items():
        assert f"--setting {key} {value}" in docs, key
    for flag in ("-i", "--inspect-file", "--static downloads:", "--template-dir", "--plugins-dir",
                 "--install icalendar", "--install datasette-atom"):
        assert flag in docs, flag


# --- reading a release: the text, every record in place ------------------------------------

VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "area", "base", "col", "embed", "track"}


class Tree:
    """A strict reading of an HTML fragment: every end tag closes the innermost open
    element (else ``errors``), no ``<a>`` inside an ``<a>``, ids unique; ``text[id]`` is
    the text inside the element with that id and ``links[id]`` the hrefs inside it."""

    def __init__(self, html: str) -> None:
        from html.parser import HTMLParser

        self.errors: list[str] = []
        self.text: dict[str, str] = {}
        self.links: dict[str, list[str]] = {}
        self.all_links: list[str] = []
        stack: list[tuple[str, str | None]] = []
        tree = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list) -> None:
                a = dict(attrs)
                if tag == "a" and any(t == "a" for t, _ in stack):
                    tree.errors.append(f"<a> inside <a> at {self.getpos()}")
                if a.get("id"):
                    if a["id"] in tree.text:
                        tree.errors.append(f"duplicate id {a['id']}")
                    tree.text[a["id"]], tree.links[a["id"]] = "", []
                if tag == "a" and a.get("href"):
                    tree.all_links.append(a["href"])
                    for _, open_id in stack:
                        if open_id:
                            tree.links[open_id].append(a["href"])
                if tag not in VOID:
                    stack.append((tag, a.get("id")))

            def handle_endtag(self, tag: str) -> None:
                if not stack or stack[-1][0] != tag:
                    tree.errors.append(f"</{tag}> closes {stack[-1][0] if stack else 'nothing'} at {self.getpos()}")
                    return
                stack.pop()

            def handle_data(self, data: str) -> None:
                for _, open_id in stack:
                    if open_id:
                        tree.text[open_id] += data

        parser = Parser(convert_charrefs=True)
        parser.feed(html)
        parser.close()
        if stack:
            self.errors.append(f"unclosed: {stack}")


def _article(html: str) -> str:
    start = html.index('<article id="release-body"')
    return html[start:html.index("</article>", start) + len("</article>")]


def _rows_of(package: Path, table: str, release_id: str) -> list[dict[str, str]]:
    return [r for r in _csv(package / f"data/{table}.csv") if r["release_id"] == release_id]


def test_release_page_reads_like_the_release(client: Client, built_package: Path) -> None:
    html = client.get(f"/govpress/releases/{FOUNDING}").text
    assert f"<h1>{FOUNDING_TITLE}</h1>" in html
    assert '<time datetime="2025-12-10">10 December 2025</time>' in html
    assert "Foreign, Commonwealth &amp; Development Office" in html
    assert 'class="govpress-publisher" href="https://www.parliamenttoday.com/free/viewnews.html?id=170478"' in html
    article = _article(html)
    tree = Tree(article)
    assert tree.errors == []
    body = next(r for r in _csv(built_package / "data/releases.csv") if r["release_id"] == FOUNDING)["body"]
    # the text is the body, line by line, nothing added but the superscript marks (O1, E2...)
    shown = re.sub(r"<sup class=\"gp-ref[^>]*>.*?</sup>", "", article)
    paragraphs = [html_lib_unescape(p) for p in re.findall(r"<p>(.*?)</p>", shown, flags=re.S)]
    assert [re.sub(r"<[^>]+>", "", p) for p in paragraphs] == [line for line in body.split("\n") if line]
    # every event, commitment and partnership is highlighted in place, its words a link to its record
    for table in ("events", "commitments", "partnerships"):
        rows = _rows_of(built_package, table, FOUNDING)
        assert rows, table
        for row in rows:
            record_id = row[f"{table[:-1]}_id"]
            anchor = f"{table}-{record_id}"
            assert anchor in tree.text, anchor
            # the highlight starts where the evidence starts and holds its words (a nested highlight included)
            assert body[int(row["char_start"]):int(row["char_end"])].startswith(tree.text[anchor].split("\n")[0][:40])
            assert f"/govpress/{table}/{record_id.replace('/', '~2F')}" in tree.all_links, record_id
    # officials: the name in the sentence of their first mention, linked to the official
    assert tree.text["mentions-maxime-prevot"] == "Maxime Prévot"
    assert tree.links["mentions-maxime-prevot"] == ["/govpress/officials/maxime-prevot"]
    assert tree.text["mentions-magnus-brunner"] == "Magnus Brunner"
    assert tree.text["mentions-ursula-von-der-leyen"] == "Ursula von der Leyen"
    assert tree.text["mentions-gb-foreign-secretary"] == "Foreign Secretary"
    # the legend names each kind and counts its records
    legend = html[html.index('class="govpress-legend"'):]
    for name, count in (("Official mentioned", 8), ("Event", 5), ("Commitment", 4), ("Partnership", 3)):
        assert re.search(rf">{name}</mark> <sup[^>]*>[A-Z]</sup> {count}<", legend), name
    # below the text: the records by table, with their own column labels
    records = html[html.index('class="govpress-records"'):]
    for title in ("Officials mentioned (8)", "Events (5)", "Commitments (4)", "Partnerships (3)"):
        assert title in records, title
    assert 'class="rows-and-columns"' not in records
    # each record links to its span on this page, listed in the order of the text, with its review status
    officials = records[:records.index("<h2>Events (5)</h2>")]
    marks = re.findall(r'<td class="col-in_text" data-label="in text"><a href="#([^"]+)">(O\d+)</a>', officials)
    assert [m for _, m in marks] == [f"O{n}" for n in range(1, 9)]
    assert all(anchor in tree.text for anchor, _ in marks)
    assert officials.count('data-label="review status">machine</td>') == 8


def html_lib_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_overlapping_spans_render_valid_nested_html() -> None:
    from govpress.publish.plugins.govpress_site import render_body

    body = "Alpha beta gamma delta.\nSecond line here."
    spans = [  # crossing (5-16 and 11-22), identical (0-5 twice), one across the line break, one out of range
        {"start": 6, "end": 16, "kind": "event", "order": 1},
        {"start": 11, "end": 22, "kind": "commitment", "order": 2},
        {"start": 0, "end": 5, "kind": "official", "order": 0},
        {"start": 0, "end": 5, "kind": "partnership", "order": 3},
        {"start": 17, "end": 30, "kind": "partnership", "order": 3},
        {"start": 40, "end": 99, "kind": "event", "order": 1},
    ]
    for n, sp in enumerate(spans):
        sp.update(ref=f"X{n}", name=sp["kind"], label=f"record {n}", href=f"/r/{n}", anchor=f"a{n}")
    out = str(render_body(body, spans))
    tree = Tree(out)
    assert tree.errors == []
    assert re.sub(r"<sup.*?</sup>", "", re.sub(r"<(?!/?sup)[^>]+>", "", out)).replace("\n", "") == \
        body.replace("\n", "")
    assert tree.text["a2"] == tree.text["a3"] == "Alpha"  # identical spans: both marked, both anchored
    assert tree.text["a0"] == "beta "  # the first piece of a crossed span; its id is on that piece
    assert tree.text["a1"] == "gamma"  # the crossing span starts inside the first one, nested in it
    assert tree.text["a4"] == "delta"  # the span across the line break: its first piece, in the first paragraph
    assert "a5" not in tree.text  # out of range: left out
    for n in range(5):
        assert f'href="/r/{n}"' in out  # every span has its own link (the superscript mark)
    assert out.count("<p>") == 2


def test_record_pages_link_to_the_release_at_the_span(client: Client, built_package: Path) -> None:
    release = client.get(f"/govpress/releases/{FOUNDING}").text
    ids = Tree(_article(release)).text
    for table, key in (("events", "event_id"), ("commitments", "commitment_id"), ("partnerships", "partnership_id")):
        row = _rows_of(built_package, table, FOUNDING)[0]
        page = client.get(f"/govpress/{table}/{row[key].replace('/', '~2F')}").text
        anchor = f"{table}-{row[key]}"
        assert f'class="govpress-release-link" href="/govpress/releases/{FOUNDING}#{anchor}"' in page, table
        assert anchor in ids
        assert 'class="govpress-publisher" href="https://www.parliamenttoday.com/free/viewnews.html?id=170478"' in page
        assert "Review status: <strong>machine</strong>" in page
        assert html_lib_unescape(row["evidence"]) in html_lib_unescape(page)
    page = client.get(f"/govpress/mentions/{FOUNDING},maxime-prevot").text
    assert f'href="/govpress/releases/{FOUNDING}#mentions-maxime-prevot"' in page


def test_a_copy_is_labelled_as_a_copy(client: Client, built_package: Path) -> None:
    releases = {r["release_id"]: r for r in _csv(built_package / "data/releases.csv")}
    mali = releases["change-of-her-majestys-ambassador-to-mali"]
    assert (mali["url"], mali["source_url"]) == ("", "https://www.ukpol.co.uk/tag/2020-press-release/page/3")
    html = client.get("/govpress/releases/change-of-her-majestys-ambassador-to-mali").text
    assert "No publisher's page is known for this release." in html
    assert ('Text read at <a class="govpress-copy" href="https://www.ukpol.co.uk/tag/2020-press-release/page/3">'
            "ukpol.co.uk</a> (a copy, not the publisher's page)") in html
    # the same page without "www." is not a copy
    french = "foreign-secretarys-meeting-with-french-foreign-minister-jean-yves-le-drian-11-de"
    assert releases[french]["source_url"].startswith("https://gov.uk/")
    html = client.get(f"/govpress/releases/{french}").text
    assert "govpress-copy" not in html and f'href="{releases[french]["url"]}"' in html


def test_related_lists_label_cells_with_their_own_columns(client: Client) -> None:
    html = client.get("/govpress/officials/gb-foreign-secretary").text
    related = html[html.index('class="govpress-related"'):]
    assert 'class="rows-and-columns"' not in related
    labels = re.findall(r'<td class="col-([a-z_]+)" data-label="([^"]+)"', related)
    assert labels and all(label == column.replace("_", " ") for column, label in labels)
    assert {"event", "role", "release", "role in release"} <= {label for _, label in labels}


# --- search -----------------------------------------------------------------------------------


def test_prefix_fts() -> None:
    from govpress.publish.plugins.govpress_site import prefix_fts

    assert prefix_fts("Brun") == '"Brun"*'
    assert prefix_fts("Foreign Sec") == '"Foreign"* "Sec"*'
    assert prefix_fts('"Foreign Secretary" G7.') == '"Foreign Secretary" "G7."*'
    assert prefix_fts('unbalanced "quote') == '"unbalanced"* "quote"'
    assert prefix_fts("") == prefix_fts("  ") == prefix_fts('""') == '""'


@pytest.mark.parametrize("typed, expected", [
    ("Brun", {"magnus-brunner"}),
    ("Prév", {"maxime-prevot"}),
    ("Prev", {"maxime-prevot"}),
    ("von der Ley", {"ursula-von-der-leyen"}),
])
def test_search_matches_the_start_of_words(client: Client, typed: str, expected: set[str]) -> None:
    rows = client.json(f"/govpress/officials.json?_search={typed}&_shape=array")
    assert {r["official_id"] for r in rows} == expected


def test_foreign_sec_finds_the_foreign_secretaries(client: Client) -> None:
    rows = client.json("/govpress/officials.json?_search=Foreign+Sec&_shape=array")
    ids = {r["official_id"] for r in rows}
    assert {"gb-foreign-secretary", "david-lammy", "james-cleverly"} <= ids
    assert all("Foreign Secretary" in (r["role"] or "") for r in rows)


@pytest.mark.parametrize("typed, location", [
    ("Brun", "/govpress/officials/magnus-brunner"),
    ("Prév", "/govpress/officials/maxime-prevot"),
    ("prevot", "/govpress/officials/maxime-prevot"),
    ("Foreign Sec", "/govpress/officials?_search=Foreign+Sec"),  # several: the search results
    ("Foreign Secretary (GB)", "/govpress/officials/gb-foreign-secretary"),  # one label is what was typed
    ("zzzz", "/govpress/officials?_search=zzzz"),
    ("", "/govpress/officials"),
])
def test_find_goes_straight_to_the_one_official(client: Client, typed: str, location: str) -> None:
    from urllib.parse import quote

    response = client.get(f"/-/find?q={quote(typed)}")
    assert response.status_code == 302
    assert response.headers["location"] == location


def test_search_page_covers_releases_and_evidence(client: Client) -> None:
    html = client.get("/-/search?q=sanction").text  # a prefix of "sanctions"
    assert "<h2>Releases (2)</h2>" in html and "<h2>Commitments (2)</h2>" in html
    assert f'href="/govpress/releases/{FOUNDING}"' in html
    assert "<mark>sanctions</mark>" in html
    html = client.get("/-/search?q=Prév").text
    assert "<h2>Officials (1)</h2>" in html and 'href="/govpress/officials/maxime-prevot"' in html
    assert client.get('/-/search?q=%22%28NEAR').status_code == 200


# --- tables for reading, trust, empty lists -----------------------------------------------------


def test_table_pages_collapse_column_descriptions_and_show_quality(client: Client) -> None:
    from govpress.publish.config import quality

    figures = quality()["tables"]["commitments"]
    html = client.get("/govpress/commitments").text
    assert '<details class="govpress-columns">' in html and "<summary>About these columns</summary>" in html
    assert "dl.column-descriptions { display: none; }" in html
    assert (f"precision {figures['precision']:.2f}, recall {figures['recall']:.2f}, F1 {figures['f1']:.2f}, "
            f"strict F1 {figures['strict_f1']:.2f}, measured {quality()['measured_on']}") in html
    data = client.json("/govpress/commitments.json?_shape=objects")
    assert data["human_description_en"] == "sorted by published_date descending"
    dates = [r["published_date"] for r in data["rows"]]
    assert dates == sorted(dates, reverse=True)
    assert set(data["facet_results"]) >= {"actor_country_code", "review_status"} and "actor" not in data["facet_results"]
    gb = {f["value"]: f["count"] for f in data["facet_results"]["actor_country_code"]["results"]}
    assert gb["GB"] == sum(1 for r in data["rows"] if r["actor_country_code"] == "GB") > 0
    events = client.json("/govpress/events.json?_shape=objects&_size=5")
    assert events["human_description_en"] == "sorted by start_date descending" and list(events["rows"][0])[:2] == ["event_id", "label"]


def test_homepage_shows_quality_from_the_one_file(client: Client) -> None:
    from govpress.publish.config import quality

    q = quality()
    html = client.get("/").text
    section = html[html.index('id="quality"'):]
    for table in ("officials", "events", "commitments", "partnerships"):
        f = q["tables"][table]
        assert re.search(rf'<td data-label="Precision">{f["precision"]:.2f}</td><td data-label="Recall">'
                         rf'{f["recall"]:.2f}</td><td data-label="F1">{f["f1"]:.2f}</td>', section), table
    assert f"(measured {q['measured_on']})" in section


def test_an_empty_upcoming_list_says_the_data_ends_before_today(client: Client, built_package: Path) -> None:
    import datetime

    events = _csv(built_package / "data/events.csv")
    latest_event = max(r["end_date"] or r["start_date"] for r in events if r["start_date"])
    newest = max(r["published_date"] for r in _csv(built_package / "data/releases.csv"))
    assert (newest, latest_event) == ("2026-01-03", "2026-06-01")
    html = client.get("/govpress/upcoming_events").text
    rows = client.json("/govpress/upcoming_events.json?_shape=array")
    if datetime.date.today().isoformat() > latest_event:  # the data ends before today
        assert rows == []
        assert "the data ends before today" in html
        assert f"the newest release is {newest}; the latest event date is {latest_event}." in html
        assert ".zero-results { display: none; }" in html


def test_an_empty_list_for_a_year_after_the_data_says_so(client: Client) -> None:
    html = client.get("/govpress/commitments_on_topic?topic=migration&country=&year=2027").text
    assert client.json("/govpress/commitments_on_topic.json?topic=migration&country=&year=2027&_shape=array") == []
    assert "the newest release is 2026-01-03; the latest event date is 2026-06-01." in html
    assert "You asked for year 2027, which is after the data ends (2026-06-01): try an earlier year." in html
    html = client.get("/govpress/commitments_on_topic?topic=migration&country=&year=2025").text
    assert 'class="govpress-empty"' not in html  # rows: nothing to explain
