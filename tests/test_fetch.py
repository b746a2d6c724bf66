"""``govpress fetch`` against a fake GOV.UK on 127.0.0.1 serving the real fixture items.

The stub answers like the real Search API as far as the client relies on it:
strict parameters (an unknown one is a 422, as on GOV.UK), ``count``/``start``
paging, ``order=-public_timestamp``, ``filter_*`` on document type, organisation
and day ranges, withdrawn content only with ``debug=include_withdrawn``. It
serves the Content API items of tests/fixtures/govuk, and scripted faults
(429 with Retry-After, 5xx) before the real answer. Nothing reaches the internet.
"""
from __future__ import annotations

import contextlib
import copy
import csv
import json
import threading
from collections import Counter
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from click.testing import CliRunner

from govpress.cli import cli
from govpress.errors import FetchError
from govpress.ingest.fetch import Client, fetch
from govpress.ingest.govuk import DEFAULT_SOURCE, load_source

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "govuk"
LISTED = [  # fixture files listed by the stub's Search API (the Urdu item is reached as a translation)
    "best-practice-event", "best-practice-government-response", "best-practice-news-story",
    "best-practice-press-release", "news_article", "news_article_government_response",
    "news_article_history_mode", "news_article_history_mode_translated_arabic",
    "news_article_press_release", "news_article_with_image_caption", "world_news_story_news_article",
]
BROKEN = "/government/news/broken-item"
CHRISTMAS = "/government/news/christmas-2016-prime-ministers-message"
FRANK = "/government/news/new-frank-adverts-mark-tenth-anniversary--2"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


class GovukStub:
    """A fake www.gov.uk: ``docs`` (search documents), ``items`` (base_path → bytes), ``faults``."""

    SEARCH = "/api/search.json"
    FILTERS = {"content_store_document_type", "organisations", "public_timestamp"}

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.items: dict[str, bytes] = {}
        self.faults: dict[tuple[str, int], tuple[int, dict[str, str]]] = {}
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[str, list[tuple[str, str]], str]] = []  # (path, params, user agent)
        self.lock = threading.Lock()

    def add(self, item: dict[str, Any], listed: bool = True) -> None:
        """Serve ``item`` at its base_path; list it in search unless ``listed`` is false."""
        bp = item["base_path"]
        self.items[bp] = json.dumps(item, ensure_ascii=False).encode("utf-8")
        if listed:
            self.docs[bp] = {
                "link": bp, "title": item["title"], "content_id": item["content_id"],
                "public_timestamp": item["public_updated_at"],
                "content_store_document_type": item["document_type"],
                "organisations": [o["base_path"].rsplit("/", 1)[-1] for o in item["links"].get("organisations", [])],
                "is_withdrawn": bool(item.get("withdrawn_notice")),
            }

    def search(self, params: list[tuple[str, str]]) -> tuple[int, Any]:
        single = {"count", "start", "order", "debug"}
        filters: dict[str, list[str]] = {}
        fields: list[str] = []
        args: dict[str, str] = {}
        for k, v in params:
            if k == "fields":
                fields.append(v)
            elif k.startswith("filter_") and k[7:] in self.FILTERS:
                filters.setdefault(k[7:], []).append(v)
            elif k in single and k not in args:
                args[k] = v
            else:
                return 422, {"error": f"Unexpected parameters: {k}"}
        count, start = int(args.get("count", 10)), int(args.get("start", 0))
        if count > 1500 or args.get("order", "-public_timestamp") != "-public_timestamp":
            return 422, {"error": "bad count or order"}
        docs = [d for d in self.docs.values() if not d["is_withdrawn"] or args.get("debug") == "include_withdrawn"]
        if "content_store_document_type" in filters:
            docs = [d for d in docs if d["content_store_document_type"] in filters["content_store_document_type"]]
        if "organisations" in filters:
            docs = [d for d in docs if set(d["organisations"]) & set(filters["organisations"])]
        for rng in filters.get("public_timestamp", []):
            bounds = dict(part.split(":", 1) for part in rng.split(","))
            docs = [d for d in docs if bounds.get("from", "0000") <= d["public_timestamp"][:10] <= bounds.get("to", "9999")]
        docs = sorted(sorted(docs, key=lambda d: d["link"]), key=lambda d: d["public_timestamp"], reverse=True)
        page = [{f: d[f] for f in fields if f in d} for d in docs[start:start + count]]
        return 200, {"results": page, "total": len(docs), "start": start}

    def answer(self, path: str, params: list[tuple[str, str]], user_agent: str) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.log.append((path, params, user_agent))
            self.hits[path] += 1
            fault = self.faults.get((path, self.hits[path]))
        if fault:
            return fault[0], fault[1], b'{"error": "scripted fault"}'
        if path == self.SEARCH:
            status, body = self.search(params)
            return status, {}, json.dumps(body).encode("utf-8")
        if path.startswith("/api/content/") and path[len("/api/content"):] in self.items:
            return 200, {}, self.items[path[len("/api/content"):]]
        return 404, {}, b'{"error": "not found"}'

    def content_requests(self) -> list[str]:
        return [p[len("/api/content"):] for p, _, _ in self.log if p.startswith("/api/content/")]


@contextlib.contextmanager
def serve_stub() -> Iterator[tuple[GovukStub, str]]:
    """Run a GovukStub with every fixture served on 127.0.0.1; yield it and its base URL."""
    govuk = GovukStub()
    for name in LISTED:
        govuk.add(fixture(name))
    govuk.add(fixture("news_article_news_story_translated_arabic"), listed=False)  # the Urdu translation
    govuk.docs[BROKEN] = {"link": BROKEN, "title": "Broken", "public_timestamp": "2020-01-01T09:00:00.000+00:00",
                          "content_store_document_type": "press_release", "organisations": [], "is_withdrawn": False}
    govuk.items[BROKEN] = b'{"base_path": "/government/news/broken-item", "details": {"body": "<p>cut off'

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            status, headers, body = govuk.answer(url.path, parse_qsl(url.query), self.headers.get("User-Agent", ""))
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield govuk, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def stub() -> Iterator[tuple[GovukStub, str]]:
    """A running :func:`serve_stub`."""
    with serve_stub() as running:
        yield running


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """govpress/sources/govuk.yml with test manners: no waiting between requests or retries, pages of 3."""
    data = yaml.safe_load(DEFAULT_SOURCE.read_text(encoding="utf-8"))
    data["client"].update(requests_per_second=1000, backoff_base_seconds=0, max_retry_after_seconds=0, max_retries=2)
    data["search"]["page_size"] = 3
    path = tmp_path / "govuk-test.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _rows(package: Path, table: str) -> list[dict[str, str]]:
    with (package / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _summary(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("Fetched into"))


def test_fetch_then_build_then_refetch(stub: tuple[GovukStub, str], source: Path, tmp_path: Path) -> None:
    govuk, base = stub
    out, empty = tmp_path / "govuk", tmp_path / "no-curation"
    empty.mkdir()
    runner = CliRunner()
    govuk.faults[(GovukStub.SEARCH, 2)] = (503, {})                                   # second page: 503 once
    govuk.faults[("/api/content/government/news/public-approval-for-driving-limits-for-16-drugs", 1)] = (429, {"Retry-After": "1"})
    govuk.faults[("/api/content/government/news/cde-innovation-network-event-9-july-2015-london", 1)] = (500, {})
    fetch_args = ["fetch", "--base-url", base, "--out", str(out), "--source", str(source)]

    # run 1: 12 listed in 4 pages of 3; 11 stored (10 listed + the Urdu translation of the Christmas
    # message), the second en item with content_id 4ae92ddf… skipped, the truncated item failed
    first = runner.invoke(cli, fetch_args)
    assert first.exit_code == 0, first.output + first.stderr
    assert _summary(first.output).endswith(
        "12 listed, 11 new, 0 updated, 0 unchanged, 1 skipped, 1 failed (20 requests).")
    assert "failed: /government/news/broken-item: malformed Content API item" in first.stderr
    assert ("skipped: /government/news/modern-life-responsible-for-worrying-health-in-middle-aged: same content_id "
            "and locale as the stored /government/news/fish-washed-up-on-cornwall-beach") in first.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([".index.json"] + [
        "49b4337d-b3b7-4e85-b292-642c0c2a9af5.en.json", "5f5649ac-7631-11e4-a3cb-005056011aef.en.json",
        "5f4773c9-7631-11e4-a3cb-005056011aef.en.json", "5dc52233-7631-11e4-a3cb-005056011aef.en.json",
        "d0ee80cd-ed7a-4b04-b60f-3be2f03693af.en.json", "d0ee80cd-ed7a-4b04-b60f-3be2f03693af.ur.json",
        "4ae92ddf-5ba6-4ec4-a7d5-7648ea4c9ffd.en.json", "60267088-7631-11e4-a3cb-005056011aef.en.json",
        "fe363564-f53b-4d59-afc4-c1a7df98159a.ar.json", "b4091e0f-1286-4fb5-8ec2-bff944ba1a5c.en.json",
        "d0ee70cf-ed7a-4b04-b60e-3be2f03693af.en.json"])
    # the stored file is the item as served, keys sorted
    assert json.loads((out / "fe363564-f53b-4d59-afc4-c1a7df98159a.ar.json").read_text(encoding="utf-8")) \
        == fixture("news_article_history_mode_translated_arabic")
    # polite: identified, and every search request within the API's parameters
    assert {ua for _, _, ua in govuk.log} == {"govpress/0.1.0 (open data from UK government press releases; python-httpx)"}
    first_search = next(params for path, params, _ in govuk.log if path == GovukStub.SEARCH)
    assert ("count", "3") in first_search and ("start", "0") in first_search and ("debug", "include_withdrawn") in first_search
    assert [v for k, v in first_search if k == "filter_content_store_document_type"] == [
        "press_release", "news_story", "world_news_story", "government_response"]

    build_args = ["build", "--releases", str(out), "--cache-dir", str(tmp_path / "cache"), "--curation", str(empty), "-j", "1"]
    built = runner.invoke(cli, build_args + ["--out", str(tmp_path / "pkg1")])
    assert built.exit_code == 0, built.output + built.stderr
    assert "not extracted: christmas-2016-prime-ministers-message-ur: language 'ur' is not English" in built.output
    assert ("not extracted: uk-and-us-sanction-key-houthi-figures-to-protect-maritime-security-in-the-red-sea-ar: "
            "language 'ar' is not English") in built.output
    rows = {r["release_id"]: r for r in _rows(tmp_path / "pkg1", "releases")}
    assert len(rows) == 11 and "modern-life-responsible-for-worrying-health-in-middle-aged" not in rows
    xmas = rows["christmas-2016-prime-ministers-message"]
    assert (xmas["title"], xmas["published_date"], xmas["organisations"], xmas["document_type"], xmas["language"],
            xmas["withdrawn"], xmas["withdrawn_date"], xmas["content_id"]) == (
        "Christmas 2016: Prime Minister's message", "2016-12-25", "Prime Minister's Office, 10 Downing Street",
        "news_story", "en", "false", "", "d0ee80cd-ed7a-4b04-b60f-3be2f03693af")
    urdu = rows["christmas-2016-prime-ministers-message-ur"]
    assert (urdu["title"], urdu["language"], urdu["content_id"], urdu["url"]) == (
        "کرسمس 2016ء : وزیراعظم کا پیغام", "ur", "d0ee80cd-ed7a-4b04-b60f-3be2f03693af",
        "https://www.gov.uk/government/news/christmas-2016-prime-ministers-message.ur")
    arabic = rows["uk-and-us-sanction-key-houthi-figures-to-protect-maritime-security-in-the-red-sea-ar"]
    assert (arabic["language"], arabic["published_date"], arabic["organisations"]) == (
        "ar", "2024-01-25", "Foreign, Commonwealth & Development Office")
    food = rows["improving-food-in-hospitals-and-schools"]
    assert (food["document_type"], food["published_date"], food["organisations"]) == (
        "statement", "2014-05-08",
        "Department for Education; Department for Environment, Food & Rural Affairs; Department of Health and Social Care")
    assert rows["christmas-2016-prime-ministers-message-from-azerbaijan"]["organisations"] == "British High Commission Singapore"
    assert rows["fish-washed-up-on-cornwall-beach"]["document_type"] == "statement"
    assert rows["new-frank-adverts-mark-tenth-anniversary--2"]["title"] == "New FRANK adverts mark tenth anniversary"

    # run 2, same listing: a no-op — nothing downloaded but the still-broken item, nothing written
    before = _snapshot(out)
    govuk.log.clear()
    second = runner.invoke(cli, fetch_args)
    assert second.exit_code == 0, second.output + second.stderr
    assert _summary(second.output).endswith(
        "12 listed, 0 new, 0 updated, 11 unchanged, 0 skipped, 1 failed (5 requests).")
    assert govuk.content_requests() == [BROKEN]
    assert _snapshot(out) == before

    # GOV.UK withdraws the Christmas message (public_updated_at unchanged; the listing says
    # is_withdrawn) and republishes the FRANK release with a newer public_updated_at
    govuk.add(fixture("news_article_withdrawn"))
    frank = fixture("best-practice-press-release")
    frank["public_updated_at"] = "2013-02-04T10:00:00.000+00:00"
    frank["title"] = "New FRANK adverts mark tenth anniversary of the drugs advice service"
    govuk.add(frank)
    govuk.log.clear()
    third = runner.invoke(cli, fetch_args)
    assert third.exit_code == 0, third.output + third.stderr
    assert _summary(third.output).endswith(
        "12 listed, 0 new, 2 updated, 10 unchanged, 0 skipped, 1 failed (8 requests).")
    assert sorted(govuk.content_requests()) == sorted([BROKEN, CHRISTMAS, CHRISTMAS + ".ur", FRANK])
    changed = {name for name, snap in _snapshot(out).items() if before[name] != snap}
    assert changed == {".index.json", "d0ee80cd-ed7a-4b04-b60f-3be2f03693af.en.json", "5dc52233-7631-11e4-a3cb-005056011aef.en.json"}

    rebuilt = runner.invoke(cli, build_args + ["--out", str(tmp_path / "pkg2")])
    assert rebuilt.exit_code == 0, rebuilt.output + rebuilt.stderr
    rows2 = {r["release_id"]: r for r in _rows(tmp_path / "pkg2", "releases")}
    xmas2 = rows2["christmas-2016-prime-ministers-message"]
    assert (xmas2["withdrawn"], xmas2["withdrawn_date"], xmas2["body"]) == ("true", "2019-08-22", xmas["body"])
    assert rows2["new-frank-adverts-mark-tenth-anniversary--2"]["title"] == frank["title"]
    assert {k: v for k, v in rows2.items() if k not in ("christmas-2016-prime-ministers-message",
                                                         "new-frank-adverts-mark-tenth-anniversary--2")} == \
        {k: v for k, v in rows.items() if k not in ("christmas-2016-prime-ministers-message",
                                                    "new-frank-adverts-mark-tenth-anniversary--2")}
    # records keep their IDs: every other table is the same rows, the withdrawn release's included
    for table in ("mentions", "events", "event_participants", "commitments", "partnerships", "partnership_parties", "officials"):
        assert _rows(tmp_path / "pkg2", table) == _rows(tmp_path / "pkg1", table), table


def test_retry_after_backoff_and_rate_limit_are_honoured(stub: tuple[GovukStub, str], tmp_path: Path) -> None:
    govuk, base = stub
    config = dict(load_source().client, requests_per_second=2, backoff_base_seconds=0.25, max_retries=3)
    slept: list[float] = []
    now = [100.0]

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    client = Client(base, config, sleep=sleep, clock=lambda: now[0])
    govuk.faults[("/api/content" + FRANK, 1)] = (429, {"Retry-After": "7"})
    govuk.faults[("/api/content" + FRANK, 2)] = (503, {})
    govuk.faults[("/api/content" + FRANK, 3)] = (429, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})  # in the past
    assert client.get("/api/content" + FRANK).json()["title"] == "New FRANK adverts mark tenth anniversary"
    # Retry-After: 7 wins over the 0.25 s backoff; then 0.5 s, then 1 s (a past date counts as 0);
    # the 0.5 s rate-limit interval has passed during each wait, so there is no extra sleep
    assert slept == [7.0, 0.5, 1.0]
    slept.clear()
    client.get("/api/content" + FRANK)
    client.get("/api/content" + FRANK)
    assert slept == [0.5, 0.5]  # back-to-back requests are spaced 1 / requests_per_second apart
    assert client.requests == 6
    client.close()


def test_a_failing_search_api_stops_the_run_but_keeps_what_was_stored(
        stub: tuple[GovukStub, str], source: Path, tmp_path: Path) -> None:
    govuk, base = stub
    for attempt in (1, 2, 3):  # max_retries 2: three 502s on the second page exhaust them
        govuk.faults[(GovukStub.SEARCH, 1 + attempt)] = (502, {})
    with pytest.raises(FetchError, match=r"/api/search.json: HTTP 502"):
        fetch(base_url=base, out_dir=tmp_path / "g", source=source)
    index = json.loads((tmp_path / "g" / ".index.json").read_text(encoding="utf-8"))
    # the first page (newest first): the image-caption story, the Arabic release, the broken item
    assert sorted(index["links"]) == sorted([
        "/government/news/british-high-commission-marks-his-majesty-king-charles-iiis-birthday-with-brilliantly-british-celebrations",
        "/government/news/uk-and-us-sanction-key-houthi-figures-to-protect-maritime-security-in-the-red-sea.ar"])
    result = fetch(base_url=base, out_dir=tmp_path / "g", source=source)  # resumes
    assert (result.new, result.unchanged, result.failed) == (9, 2, 1)


def test_a_lost_index_is_rebuilt_without_rewriting_items(stub: tuple[GovukStub, str], source: Path, tmp_path: Path) -> None:
    govuk, base = stub
    out = tmp_path / "g"
    fetch(base_url=base, out_dir=out, source=source)
    before = _snapshot(out)
    (out / ".index.json").unlink()
    again = fetch(base_url=base, out_dir=out, source=source)
    # every link is downloaded again, but each stored file is recognised as the same item
    assert (again.new, again.updated, again.unchanged, again.skipped, again.failed) == (0, 0, 11, 1, 1)
    after = _snapshot(out)
    assert {n: b for n, (b, _) in after.items()} == {n: b for n, (b, _) in before.items()}
    assert {n: t for n, (_, t) in after.items() if n != ".index.json"} == \
        {n: t for n, (_, t) in before.items() if n != ".index.json"}


def test_filters_paging_and_the_result_window(stub: tuple[GovukStub, str], source: Path, tmp_path: Path) -> None:
    govuk, base = stub
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["search"].update(page_size=2, max_result_window=4)
    narrow = _write(tmp_path / "narrow.yml", data)
    result = fetch(base_url=base, out_dir=tmp_path / "all", source=narrow, translations=False)
    assert (result.listed, result.new, result.skipped, result.failed) == (12, 10, 1, 1)
    searches = [dict(p) for path, p, _ in govuk.log if path == GovukStub.SEARCH]
    # 4 results fill the window; the listing restarts at 0, up to the 4th result's day, and so on
    assert [(s["start"], s["count"], s.get("filter_public_timestamp")) for s in searches] == [
        ("0", "2", None), ("2", "2", None),
        ("0", "2", "to:2016-12-28"), ("2", "2", "to:2016-12-28"),
        ("0", "2", "to:2016-12-25"), ("2", "2", "to:2016-12-25"),
        ("0", "2", "to:2015-07-13"), ("2", "2", "to:2015-07-13"),
    ]

    govuk.log.clear()
    only = fetch(base_url=base, out_dir=tmp_path / "some", source=source, organisations=["home-office", "department-for-transport"],
                 document_types=["press_release", "news_story"], since=date(2013, 1, 1), until=date(2014, 12, 31))
    assert (only.listed, only.new) == (2, 2)
    params = next(p for path, p, _ in govuk.log if path == GovukStub.SEARCH)
    assert [kv for kv in params if kv[0].startswith("filter_")] == [
        ("filter_content_store_document_type", "press_release"), ("filter_content_store_document_type", "news_story"),
        ("filter_organisations", "home-office"), ("filter_organisations", "department-for-transport"),
        ("filter_public_timestamp", "from:2013-01-01,to:2014-12-31")]
    assert sorted(p.name for p in (tmp_path / "some").iterdir()) == [".index.json",
        "5dc52233-7631-11e4-a3cb-005056011aef.en.json", "5f4773c9-7631-11e4-a3cb-005056011aef.en.json"]

    limited = fetch(base_url=base, out_dir=tmp_path / "two", source=source, limit=2)
    assert (limited.listed, limited.new) == (2, 2)


def test_unreachable_host_is_a_fetch_error(source: Path, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(cli, ["fetch", "--base-url", f"http://127.0.0.1:{port}",
                                                      "--out", str(tmp_path / "g"), "--source", str(source), "-q"])
    assert result.exit_code == 1
    assert "/api/search.json: ConnectError" in result.stderr and "(after 2 retries)" in result.stderr
    backwards = CliRunner().invoke(cli, ["fetch", "--since", "2025-02-01", "--until", "2025-01-01", "--out", str(tmp_path / "g")])
    assert backwards.exit_code == 1 and "since 2025-02-01 is after until 2025-01-01" in backwards.stderr


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(copy.deepcopy(data), allow_unicode=True), encoding="utf-8")
    return path
