"""The journalist's path through the site, in a real browser (Playwright + Debian's Chromium).

A ``govpress serve`` process (publish, then Datasette, immutable) runs on a free
loopback port, serving the package built from seeds/. Chromium is launched headless
with background networking off (a closed network refuses the hosts it would call).
Every page visited is saved as a screenshot under the test's tmp_path, which pytest
keeps after a failure.

Run only these: ``pytest -m browser``. CI installs ``chromium`` with apt
(scripts/test); without /usr/bin/chromium they are skipped.
"""
from __future__ import annotations

import csv
import io
import os
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


class Walk:
    """A page in a fresh browser context, saving a numbered screenshot of each page it shows."""

    def __init__(self, browser: object, base: str, shots: Path) -> None:
        self.context = browser.new_context(base_url=base, accept_downloads=True, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.shots = shots
        self.n = 0

    def shot(self, name: str) -> Path:
        self.n += 1
        path = self.shots / f"{self.n:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def walk(browser: object, server: str, tmp_path: Path) -> Iterator[Walk]:
    w = Walk(browser, server, tmp_path)
    yield w
    w.context.close()


def test_homepage(walk: Walk, built_package: Path) -> None:
    import json

    page = walk.page
    page.goto("/")
    walk.shot("homepage")
    title = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))["title"]
    assert page.locator("h1").first.inner_text() == title
    for link in ("The whole package (zip)", "Events calendar (iCalendar)", "Latest releases (Atom)",
                 "Everything about one official", "Open Government Licence v3.0"):
        assert page.get_by_role("link", name=link).first.is_visible(), link


def test_open_events_and_facet_by_type(walk: Walk) -> None:
    page = walk.page
    page.goto("/")
    page.get_by_role("link", name="Events", exact=True).click()
    page.wait_for_url("**/govpress/events")
    walk.shot("events")
    page.locator("#facet-event_type").get_by_role("link", name="visit", exact=True).click()
    page.wait_for_url("**event_type=visit**")
    walk.shot("events-visits")
    types = page.locator("td.col-event_type").all_inner_texts()
    assert types and set(types) == {"visit"}
    evidence = page.locator("td.col-evidence").all_inner_texts()
    assert any(e.startswith("Foreign Secretary travels to Brussels today") for e in evidence)


def test_search_sanctions(walk: Walk) -> None:
    page = walk.page
    page.goto("/")
    page.get_by_placeholder("sanctions, UK-Italy, G7").fill("sanctions")
    page.get_by_role("button", name="Search releases").click()
    page.wait_for_url("**_search=sanctions**")
    walk.shot("search-sanctions")
    ids = set(page.locator("td.col-release_id").all_inner_texts())
    # the founding release (a sanctions regime against people smugglers) and the PM's call with Zelenskyy
    assert ids == {FOUNDING, "pm-call-with-president-zelenskyy-22-may-2022"}
    page.get_by_role("link", name=FOUNDING, exact=True).click()
    page.wait_for_url(f"**/govpress/releases/{FOUNDING}")
    walk.shot("founding-release")
    assert "introduced a world-first sanctions regime targeting people smugglers" in page.locator("td.col-body").inner_text()


def test_open_an_official_and_see_their_events(walk: Walk) -> None:
    page = walk.page
    page.goto("/")
    page.get_by_placeholder("Brunner, von der Leyen, Foreign Secretary").fill("Brunner")
    page.get_by_role("button", name="Search officials").click()
    page.wait_for_url("**/govpress/officials?_search=Brunner**")
    walk.shot("officials-brunner")
    assert page.locator("td.col-name").all_inner_texts() == ["Magnus Brunner"]
    page.get_by_role("link", name="magnus-brunner", exact=True).click()
    page.wait_for_url("**/govpress/officials/magnus-brunner")
    walk.shot("magnus-brunner")
    releases = page.locator("section.govpress-related", has_text="Releases that mention them")
    assert FOUNDING_TITLE in releases.inner_text()

    page.goto("/govpress/officials/gb-foreign-secretary")
    walk.shot("foreign-secretary")
    events = page.locator("section.govpress-related", has_text="Events they took part in")
    names = events.locator("td:first-child").all_inner_texts()
    # newest first: host of next June's Illicit Finance Summit, then the Brussels visit of 10 December 2025
    assert names.index("Illicit Finance Summit") < names.index("Visit in Brussels, 2025-12-10")
    events.get_by_role("link", name="Illicit Finance Summit").first.click()
    page.wait_for_url("**/govpress/events/**")
    walk.shot("illicit-finance-summit")
    assert page.locator("td.col-location").inner_text() == "Lancaster House, London"


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
    visit = next(r for r in rows if r["event_id"] == f"{FOUNDING}/event/443-666")
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
    events = {str(e["UID"]): e for e in Calendar.from_ical(response.body()).walk("VEVENT")}
    visit = events[f"{FOUNDING}/event/443-666@govpress"]
    assert str(visit["SUMMARY"]) == "Visit in Brussels, 2025-12-10"
    assert (visit.decoded("DTSTART"), visit.decoded("DTEND")) == (date(2025, 12, 10), date(2025, 12, 11))  # all day
    [summit] = [e for e in events.values() if str(e["SUMMARY"]) == "Illicit Finance Summit (date: month)"]
    assert (summit.decoded("DTSTART"), summit.decoded("DTEND")) == (date(2026, 6, 1), date(2026, 7, 1))
    page.goto("/govpress/events_calendar")
    walk.shot("events-calendar-query")
    assert page.get_by_role("link", name="ics").is_visible()
