"""The journalist's path through the site, in a real browser (Playwright + Debian's Chromium).

A ``govpress serve`` process (publish, then Datasette, immutable) runs on a free
loopback port, serving the package built from seeds/. Chromium is launched headless
with background networking off (a closed network refuses the hosts it would call).
Pages are checked at 1280×900 (a laptop) and 390×844 (a phone): geometry, links
followed, search results. Every page a test shows is screenshotted (full page);
when the test fails, its screenshots and one of the page as it was are copied to
``build/browser-screenshots/<test>/`` (or ``$GOVPRESS_SCREENSHOTS/<test>/``).

Run only these: ``pytest -m browser``. CI installs ``chromium`` with apt
(scripts/test); without /usr/bin/chromium they are skipped.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
FOUNDING = "foreign-secretary-calls-for-european-cooperation-on-illegal-migration"
FOUNDING_TITLE = "Foreign Secretary calls on European partners to step up cooperation on illegal migration"
STARTUP_LIMIT_S = 120  # generous: the server publishes (validates) the package first

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium "
                                                     "(scripts/test installs it with apt-get when run as root)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(built_package: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``govpress serve`` on a free loopback port (publishes into a tmp dir first)."""
    site = tmp_path_factory.mktemp("served")
    port = _free_port()
    log = (site / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "govpress", "serve", str(built_package / "datapackage.json"),
         "--db", str(site / "govpress.db"), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"govpress serve exited with {proc.returncode}:\n{(site / 'serve.log').read_text()}")
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"govpress serve did not answer on {base}:\n{(site / 'serve.log').read_text()}")
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(os.environ.get("GOVPRESS_SCREENSHOTS") or Path(__file__).resolve().parents[1] / "build" / "browser-screenshots")


class Walk:
    """A page in a fresh browser context, saving a numbered screenshot of each page it shows."""

    def __init__(self, browser: object, base: str, shots: Path, viewport: dict[str, int] = WIDE) -> None:
        self.context = browser.new_context(base_url=base, accept_downloads=True, viewport=viewport)
        self.page = self.context.new_page()
        self.viewport = viewport
        self.shots = shots
        self.n = 0

    def shot(self, name: str) -> Path:
        self.n += 1
        path = self.shots / f"{self.n:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def box(self, selector: str) -> dict[str, float]:
        """The bounding box (CSS px, relative to the top of the page) of the first element matching ``selector``."""
        box = self.page.locator(selector).first.evaluate(
            "el => { const r = el.getBoundingClientRect(); return {x: r.x + scrollX, y: r.y + scrollY, "
            "width: r.width, height: r.height}; }")
        return box

    def overflow(self) -> int:
        """How many CSS px the page is wider than the window (0: no sideways scrolling)."""
        return self.page.evaluate("document.documentElement.scrollWidth") - self.viewport["width"]


def _walk(request: pytest.FixtureRequest, browser: object, server: str, tmp_path: Path,
          viewport: dict[str, int]) -> Iterator[Walk]:
    w = Walk(browser, server, tmp_path, viewport)
    failed_before = request.session.testsfailed
    yield w
    if request.session.testsfailed > failed_before:  # this test failed: keep what it saw
        dest = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True, exist_ok=True)
        for shot in sorted(tmp_path.glob("*.png")):
            shutil.copy2(shot, dest / shot.name)
        try:
            w.page.screenshot(path=str(dest / "at-failure.png"), full_page=True)
        except Exception:  # the page may be gone; the numbered shots are still there
            pass
    w.context.close()


@pytest.fixture
def walk(request: pytest.FixtureRequest, browser: object, server: str, tmp_path: Path) -> Iterator[Walk]:
    """A :class:`Walk` at 1280×900."""
    yield from _walk(request, browser, server, tmp_path, WIDE)


@pytest.fixture
def phone(request: pytest.FixtureRequest, browser: object, server: str, tmp_path: Path) -> Iterator[Walk]:
    """A :class:`Walk` at 390×844."""
    yield from _walk(request, browser, server, tmp_path, PHONE)


@pytest.fixture(params=["wide", "phone"])
def both(request: pytest.FixtureRequest, browser: object, server: str, tmp_path: Path) -> Iterator[Walk]:
    """A :class:`Walk` at 1280×900, then at 390×844."""
    yield from _walk(request, browser, server, tmp_path, WIDE if request.param == "wide" else PHONE)


def _rows(package: Path, table: str) -> list[dict[str, str]]:
    with (package / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _row_path(table: str, *key: str) -> str:
    from urllib.parse import quote

    def tilde(value: str) -> str:  # Datasette's tilde encoding of a key in a URL path
        return "".join(c if re.match(r"[A-Za-z0-9_-]", c) else "~" + "".join(f"{b:02X}" for b in c.encode())
                       for c in value)

    return f"/govpress/{table}/" + ",".join(quote(tilde(k)) for k in key)


# --- the home page ------------------------------------------------------------------------------


def test_homepage(both: Walk, built_package: Path) -> None:
    page = both.page
    page.goto("/")
    both.shot("homepage")
    title = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))["title"]
    assert page.locator("h1").first.inner_text() == title
    for link in ("The whole package (zip)", "Events calendar (iCalendar)", "Latest releases (Atom)",
                 "Everything about one official", "Open Government Licence v3.0"):
        assert page.get_by_role("link", name=link).first.is_visible(), link
    quality = page.locator("table.govpress-quality")
    assert quality.is_visible()
    from govpress.publish.config import quality as quality_figures

    commitments = quality_figures()["tables"]["commitments"]
    assert "Commitments" in quality.inner_text() and f"{commitments['precision']:.2f}" in quality.inner_text()
    assert both.overflow() <= 0


# --- reading a release ------------------------------------------------------------------------------


def test_release_reads_like_the_release(walk: Walk, built_package: Path) -> None:
    page = walk.page
    page.goto(f"/govpress/releases/{FOUNDING}")
    walk.shot("founding-release")
    assert page.locator("h1").first.inner_text() == FOUNDING_TITLE
    body = walk.box("#release-body")
    # a readable column, on screen, starting in the first screen
    assert body["width"] >= 600 and body["x"] >= 0 and body["x"] + body["width"] <= 1280, body
    assert body["y"] < 900 - 100, body
    assert walk.overflow() <= 0
    assert "introduced a world-first sanctions regime targeting people smugglers" in page.locator("#release-body").inner_text()
    # every record highlighted: as many marks with an id as records (officials' mentions included)
    for kind, table in (("event", "events"), ("commitment", "commitments"), ("partnership", "partnerships"),
                        ("official", "mentions")):
        expected = sum(1 for r in _rows(built_package, table) if r["release_id"] == FOUNDING)
        assert page.locator(f"#release-body mark.gp-{kind}[id]").count() == expected, kind
        assert page.locator(f"#release-body sup.gp-ref-{kind} a").count() == expected, kind
    # the legend is beside the text, not below it, and names every kind
    legend = walk.box(".govpress-legend")
    assert legend["x"] >= body["x"] + body["width"] and legend["y"] < 900
    assert [t.split()[0] for t in page.locator(".govpress-legend li").all_inner_texts()] == [
        "Official", "Event", "Commitment", "Partnership"]
    # highlights differ by more than colour: each kind has its own underline style
    styles = {kind: page.locator(f"#release-body mark.gp-{kind}").first.evaluate(
        "el => getComputedStyle(el).borderBottomStyle") for kind in ("official", "event", "commitment", "partnership")}
    assert len(set(styles.values())) == 4, styles
    # the records by table, below the text
    records = walk.box(".govpress-records")
    assert records["y"] > body["y"] + body["height"] - 1
    # a highlighted name is a link to the official
    page.locator("#mentions-maxime-prevot a.gp-text").click()
    page.wait_for_url("**/govpress/officials/maxime-prevot")
    walk.shot("maxime-prevot")
    assert page.get_by_role("link", name=FOUNDING_TITLE).first.is_visible()


def test_release_on_a_phone(phone: Walk) -> None:
    page = phone.page
    page.goto(f"/govpress/releases/{FOUNDING}")
    phone.shot("founding-release-phone")
    body = phone.box("#release-body")
    assert body["width"] >= 320 and body["y"] < 844, body
    assert phone.overflow() <= 0
    # the records lists are labelled with their own columns
    for td in page.locator("table.govpress-list td").all()[:40]:
        label = td.get_attribute("data-label")
        before = td.evaluate("el => getComputedStyle(el, '::before').content")
        assert before == json.dumps(label), (label, before)


def test_every_record_links_to_its_span_in_the_release(walk: Walk, built_package: Path) -> None:
    page = walk.page
    for table, key in (("events", "event_id"), ("commitments", "commitment_id"), ("partnerships", "partnership_id")):
        row = next(r for r in _rows(built_package, table) if r["release_id"] == FOUNDING)
        page.goto(_row_path(table, row[key]))
        walk.shot(f"{table}-record")
        source = page.locator("section.govpress-source")
        assert row["evidence"] in source.inner_text()
        assert source.get_by_role("link", name="The publisher's page").get_attribute("href") == \
            "https://www.parliamenttoday.com/free/viewnews.html?id=170478"
        assert "Review status: machine" in source.inner_text()
        source.get_by_role("link", name="read this sentence in place in the release").click()
        page.wait_for_url(f"**/govpress/releases/{FOUNDING}#{table}-**")
        walk.shot(f"{table}-in-place")
        target = page.locator(":target")
        assert target.count() == 1 and target.get_attribute("id") == f"{table}-{row[key]}"
        box = target.bounding_box()  # scrolled into view
        assert box is not None and 0 < box["y"] < 900, box  # below the top edge: scroll-margin-top
        assert target.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"  # and marked
    # a mention (composite key) links back too
    page.goto(_row_path("mentions", FOUNDING, "maxime-prevot"))
    page.get_by_role("link", name="read this sentence in place in the release").click()
    page.wait_for_url("**#mentions-maxime-prevot")
    assert page.locator(":target").inner_text() == "Maxime Prévot"


def test_a_copy_is_labelled(walk: Walk) -> None:
    page = walk.page
    page.goto("/govpress/releases/change-of-her-majestys-ambassador-to-mali")
    walk.shot("mali")
    links = page.locator(".govpress-release-links")
    assert "No publisher's page is known for this release." in links.inner_text()
    assert "Text read at ukpol.co.uk (a copy, not the publisher's page)" in links.inner_text()
    assert links.get_by_role("link", name="ukpol.co.uk").get_attribute("href") == \
        "https://www.ukpol.co.uk/tag/2020-press-release/page/3"


# --- phones: every row page ------------------------------------------------------------------------------


def test_every_kind_of_row_page_on_a_phone(phone: Walk, built_package: Path) -> None:
    """One row page of every table at 390 px: each cell labelled with its own table's column."""
    from govpress.settings import TABLES

    page = phone.page
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    keys = {r["name"]: r["schema"]["primaryKey"] for r in descriptor["resources"] if "primaryKey" in r.get("schema", {})}
    founding = {"officials": "gb-foreign-secretary"}
    for table in TABLES:
        rows = _rows(built_package, table)
        row = next((r for r in rows if r.get("release_id") == FOUNDING), None) or rows[0]
        if table in founding:
            row = next(r for r in rows if r["official_id"] == founding[table])
        page.goto(_row_path(table, *[row[k] for k in keys[table]]))
        phone.shot(f"row-{table}")
        assert phone.overflow() <= 0, table
        # the row's own table: td n is labelled with header n
        headers = page.locator("table.rows-and-columns th").all_inner_texts()
        for n, td in enumerate(page.locator("table.rows-and-columns td").all()):
            before = td.evaluate("el => getComputedStyle(el, '::before').content")
            assert before == json.dumps(headers[n].strip()), (table, n, before, headers[n])
        # related lists: their own columns
        for td in page.locator("table.govpress-list td").all():
            before = td.evaluate("el => getComputedStyle(el, '::before').content")
            assert before == json.dumps(td.get_attribute("data-label")), (table, before)


# --- search -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, official", [("Brun", "Magnus Brunner"), ("Prév", "Maxime Prévot"),
                                             ("Prev", "Maxime Prévot")])
def test_find_an_official_by_the_start_of_a_name(both: Walk, typed: str, official: str) -> None:
    page = both.page
    page.goto("/")
    page.get_by_placeholder("Brunner, von der Leyen, Foreign Secretary").fill(typed)
    page.get_by_role("button", name="Search officials").click()
    page.wait_for_url("**/govpress/officials/*")  # straight to the one official
    both.shot(f"find-{typed}")
    assert page.locator("td.col-name").inner_text() == official
    releases = page.locator("section.govpress-related", has_text="Releases that mention them")
    assert FOUNDING_TITLE in releases.inner_text()
    assert both.overflow() <= 0


def test_foreign_sec_lists_the_foreign_secretaries(both: Walk) -> None:
    page = both.page
    page.goto("/")
    page.get_by_placeholder("Brunner, von der Leyen, Foreign Secretary").fill("Foreign Sec")
    page.get_by_role("button", name="Search officials").click()
    page.wait_for_url("**/govpress/officials?_search=Foreign+Sec**")
    both.shot("find-foreign-sec")
    labels = page.locator("td.col-label").all_inner_texts()
    assert {"Foreign Secretary (GB)", "David Lammy", "James Cleverly"} <= set(labels)
    roles = page.locator("td.col-role").all_inner_texts()
    assert roles and all("Foreign Secretary" in r for r in roles)
    # the rows are near the top: the column descriptions are collapsed
    assert not page.locator("details.govpress-columns").evaluate("el => el.open")
    assert not page.locator("dl.column-descriptions").is_visible()
    page.get_by_role("link", name="gb-foreign-secretary", exact=True).click()
    page.wait_for_url("**/govpress/officials/gb-foreign-secretary")
    events = page.locator("section.govpress-related", has_text="Events they took part in")
    names = events.locator("td.col-event").all_inner_texts()
    # newest first: host of next June's Illicit Finance Summit, then the Brussels visit of 10 December 2025
    assert names.index("Illicit Finance Summit") < names.index("Visit in Brussels, 2025-12-10")


def test_search_releases_and_evidence(both: Walk) -> None:
    page = both.page
    page.goto("/")
    page.get_by_placeholder("sanctions, UK-Italy, G7").fill("sanction")
    page.get_by_role("button", name="Search releases").click()
    page.wait_for_url("**/-/search?q=sanction")
    both.shot("search-sanction")
    assert page.locator("#results-releases h2").inner_text() == "Releases (2)"
    assert page.locator("#results-commitments h2").inner_text() == "Commitments (2)"
    assert both.overflow() <= 0
    page.locator("#results-releases").get_by_role("link", name=FOUNDING_TITLE).click()
    page.wait_for_url(f"**/govpress/releases/{FOUNDING}")
    assert page.locator("#release-body").is_visible()


# --- tables, trust, empty lists --------------------------------------------------------------------------


def test_events_facet_and_readable_evidence(walk: Walk) -> None:
    page = walk.page
    page.goto("/")
    page.get_by_role("link", name="Events", exact=True).first.click()
    page.wait_for_url("**/govpress/events")
    walk.shot("events")
    from govpress.publish.config import quality

    events = quality()["tables"]["events"]
    assert (f"How far to trust this table: precision {events['precision']:.2f}"
            in page.locator(".govpress-trust").inner_text())
    assert page.locator("details.govpress-columns summary").inner_text() == "About these columns"
    page.locator("#facet-event_type").get_by_role("link", name="visit", exact=True).click()
    page.wait_for_url("**event_type=visit**")
    walk.shot("events-visits")
    types = page.locator("td.col-event_type").all_inner_texts()
    assert types and set(types) == {"visit"}
    evidence = page.locator("td.col-evidence")
    assert any(e.startswith("Foreign Secretary travels to Brussels today") for e in evidence.all_inner_texts())
    assert evidence.first.bounding_box()["width"] >= 300  # not squeezed into a narrow column
    headers = page.locator("table.rows-and-columns th").all_inner_texts()
    assert [h.strip() for h in headers[:2]] == ["event_id", "label"]


def test_commitments_newest_first_by_actor_country(walk: Walk) -> None:
    page = walk.page
    page.goto("/govpress/commitments")
    walk.shot("commitments")
    dates = page.locator("td.col-published_date").all_inner_texts()
    assert dates and dates == sorted(dates, reverse=True)
    facet = page.locator("#facet-actor_country_code")
    assert facet.is_visible() and page.locator("#facet-actor").count() == 0
    facet.get_by_role("link", name="GB", exact=True).click()
    page.wait_for_url("**actor_country_code=GB**")
    assert set(page.locator("td.col-actor_country_code").all_inner_texts()) == {"GB"}
    assert set(page.locator("td.col-review_status").all_inner_texts()) <= {"machine", "verified", "corrected"}


def test_empty_upcoming_events_say_why(both: Walk, built_package: Path) -> None:
    from datetime import date

    latest = max(r["end_date"] or r["start_date"] for r in _rows(built_package, "events") if r["start_date"])
    page = both.page
    page.goto("/")
    page.get_by_role("link", name="Upcoming events").click()
    page.wait_for_url("**/govpress/upcoming_events")
    both.shot("upcoming-events")
    if date.today().isoformat() > latest:
        note = page.locator(".govpress-empty")
        assert note.is_visible()
        assert "the data ends before today" in note.inner_text() and latest in note.inner_text()
        assert not page.locator(".zero-results").is_visible()
    assert both.overflow() <= 0


# --- downloads and feeds ------------------------------------------------------------------------------------


def test_download_events_csv_and_read_it_back(walk: Walk, built_package: Path) -> None:
    page = walk.page
    page.goto("/")
    row = page.locator("table.govpress-downloads tr", has=page.get_by_role("link", name="Events", exact=True))
    with page.expect_download() as info:
        row.get_by_role("link", name="CSV").click()
    walk.shot("after-csv-download")
    download = info.value
    assert download.suggested_filename == "events.csv"
    parquet = page.request.get("/downloads/data/events.parquet")
    assert parquet.headers["content-type"] == "application/vnd.apache.parquet"
    data = Path(download.path()).read_bytes()
    assert data == (built_package / "data" / "events.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    visit = next(r for r in rows if r["release_id"] == FOUNDING and r["evidence"].startswith("Foreign Secretary travels"))
    assert (visit["event_type"], visit["start_date"], visit["location"], visit["country_code"]) == (
        "visit", "2025-12-10", "Brussels", "BE")


def test_events_calendar_feed(walk: Walk) -> None:
    from datetime import date

    from icalendar import Calendar

    page = walk.page
    page.goto("/")
    href = page.get_by_role("link", name="Events calendar (iCalendar)").get_attribute("href")
    assert href == "/govpress/events_calendar.ics"
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.body()).walk("VEVENT"))
    [visit] = [e for e in events if str(e["SUMMARY"]) == "Visit in Brussels, 2025-12-10"
               and str(e["UID"]).startswith(f"{FOUNDING}/")
               and str(e["DESCRIPTION"]).startswith("Foreign Secretary travels to Brussels today")]
    assert (visit.decoded("DTSTART"), visit.decoded("DTEND")) == (date(2025, 12, 10), date(2025, 12, 11))  # all day
    [summit] = [e for e in events if str(e["SUMMARY"]) == "Illicit Finance Summit (date: month)"]
    assert (summit.decoded("DTSTART"), summit.decoded("DTEND")) == (date(2026, 6, 1), date(2026, 7, 1))
    page.goto("/govpress/events_calendar")
    walk.shot("events-calendar-query")
    assert page.get_by_role("link", name="ics").is_visible()
