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
    expected = {"/downloads/datapackage.json", "/downloads/govpress-releases-1.0.0.zip"} | {
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
                assert zf.read("govpress-releases-1.0.0/data/events.csv") == (built_package / "data/events.csv").read_bytes()
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
    assert fields(events[f"{FOUNDING}/event/1@govpress"]) == (
        "Visit in Brussels, 2025-12-10", "2025-12-10", "2025-12-11", "2025-12-10T00:00:00+00:00", "Brussels", url)
    assert fields(founding("Illicit Finance Summit (date: month)")) == (
        "Illicit Finance Summit (date: month)", "2026-06-01", "2026-07-01", "2025-12-10T00:00:00+00:00",
        "Lancaster House, London", url)
    assert fields(founding("Meeting, spring 2026 (date: season)"))[1:3] == ("2026-03-01", "2026-06-01")
    visit = events[f"{FOUNDING}/event/1@govpress"]
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
